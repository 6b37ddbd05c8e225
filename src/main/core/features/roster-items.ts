/**
 * Reading roster items from the wire (RFC 6121 §2.1.2) into RosterItemView, defensively: an item
 * whose JID is not a valid bare JID is skipped, unknown subscription values become 'none', names
 * and groups are capped, duplicate groups dropped, at most ROSTER_GROUPS_MAX groups kept. Problems
 * are counted in a report so a hostile 10,000-item roster produces one log line, not 10,000.
 */
import type { Element } from '@xmpp/xml';
import { ROSTER_GROUPS_MAX, ROSTER_TEXT_MAX, type RosterItemView, type Subscription } from '../../../shared/contract';
import { parseJid } from '../../../shared/jid';

export const NS_ROSTER = 'jabber:iq:roster';

const SUBSCRIPTIONS: ReadonlySet<string> = new Set<Subscription>(['none', 'to', 'from', 'both']);
const MAX_EXAMPLES = 5;

export interface RosterParseReport {
  invalidJids: number;
  unknownSubscriptions: number;
  /** Names or groups cut to ROSTER_TEXT_MAX. */
  truncated: number;
  /** Groups dropped beyond ROSTER_GROUPS_MAX (duplicates and empty names are not counted). */
  groupsDropped: number;
  /** The same JID twice in one result: the last one wins. */
  duplicates: number;
  /** A few of the offending values, shortened, for the log. */
  examples: string[];
}

export function newReport(): RosterParseReport {
  return { invalidJids: 0, unknownSubscriptions: 0, truncated: 0, groupsDropped: 0, duplicates: 0, examples: [] };
}

export function hasProblems(report: RosterParseReport): boolean {
  return (
    report.invalidJids + report.unknownSubscriptions + report.truncated + report.groupsDropped + report.duplicates > 0
  );
}

function note(report: RosterParseReport, what: string, value: string): void {
  if (report.examples.length < MAX_EXAMPLES) report.examples.push(`${what}: ${value.slice(0, 80)}`);
}

/**
 * Already-normalized ASCII bare JIDs (the vast majority on the wire): parseJid would return them
 * unchanged, so skip its NFC normalization and byte counting (a 10,000-item roster calls this 10,000 times).
 */
const PLAIN_BARE_JID = /^[a-z0-9._+=-]+@[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/** The normalized bare JID, or null when `raw` is not a valid JID or carries a resource. */
export function normalizeBareJid(raw: string): string | null {
  if (raw.length <= 1023 && PLAIN_BARE_JID.test(raw)) return raw;
  const parsed = parseJid(raw);
  if ('error' in parsed || parsed.jid.resource !== '') return null;
  return parsed.jid.local ? `${parsed.jid.local}@${parsed.jid.domain}` : parsed.jid.domain;
}

/** The normalized JID with its resource (if any), or null when invalid. */
export function normalizeJid(raw: string): string | null {
  const parsed = parseJid(raw);
  if ('error' in parsed) return null;
  const { local, domain, resource } = parsed.jid;
  const bare = local ? `${local}@${domain}` : domain;
  return resource ? `${bare}/${resource}` : bare;
}

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair. */
export function capText(text: string, max = ROSTER_TEXT_MAX): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export interface ReadItem {
  item: RosterItemView;
  /** subscription='remove' (only meaningful in a push). */
  remove: boolean;
}

/** Reads one <item/>; null when it must be skipped (invalid JID). */
export function readRosterItem(accountId: string, element: Element, report: RosterParseReport): ReadItem | null {
  const attrs = element.attrs;
  const rawJid = attrs.jid;
  const jid = typeof rawJid === 'string' ? normalizeBareJid(rawJid) : null;
  if (jid === null) {
    report.invalidJids++;
    note(report, 'invalid jid', String(rawJid));
    return null;
  }

  let subscription: Subscription = 'none';
  let remove = false;
  const rawSubscription = attrs.subscription;
  if (rawSubscription !== undefined) {
    if (SUBSCRIPTIONS.has(rawSubscription)) subscription = rawSubscription as Subscription;
    else if (rawSubscription === 'remove') remove = true;
    else {
      report.unknownSubscriptions++;
      note(report, 'unknown subscription', rawSubscription);
    }
  }

  let name: string | null = null;
  const rawName = attrs.name;
  if (typeof rawName === 'string' && rawName !== '') {
    name = capText(rawName);
    if (name.length !== rawName.length) {
      report.truncated++;
      note(report, 'long name', jid);
    }
  }

  const groups: string[] = [];
  for (const child of element.children) {
    if (typeof child === 'string' || child.name !== 'group') continue;
    const raw = child.text();
    if (raw === '') continue; // RFC 6121 §2.1.2.4: a group name is never empty
    let group = raw;
    if (raw.length > ROSTER_TEXT_MAX) {
      group = capText(raw);
      report.truncated++;
      note(report, 'long group', jid);
    }
    if (groups.includes(group)) continue;
    if (groups.length >= ROSTER_GROUPS_MAX) {
      report.groupsDropped++;
      continue;
    }
    groups.push(group);
  }

  return { item: { accountId, jid, name, subscription, pendingOut: attrs.ask === 'subscribe', groups }, remove };
}

/** Reads every <item/> of a roster result into a map by JID (last duplicate wins). */
export function readRosterQuery(
  accountId: string,
  query: Element,
  report: RosterParseReport,
): Map<string, RosterItemView> {
  const items = new Map<string, RosterItemView>();
  for (const child of query.children) {
    if (typeof child === 'string' || child.name !== 'item') continue;
    const read = readRosterItem(accountId, child, report);
    if (!read) continue;
    if (items.has(read.item.jid)) {
      report.duplicates++;
      note(report, 'duplicate', read.item.jid);
    }
    items.set(read.item.jid, read.item);
  }
  return items;
}

/** True when both views say the same (groups compared as sets: servers need not keep their order). */
export function sameItem(a: RosterItemView, b: RosterItemView): boolean {
  if (a.name !== b.name || a.subscription !== b.subscription || a.pendingOut !== b.pendingOut) return false;
  if (a.groups.length !== b.groups.length) return false;
  for (const group of a.groups) if (!b.groups.includes(group)) return false;
  return true;
}
