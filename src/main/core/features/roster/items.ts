/**
 * Reading roster items from the wire (RFC 6121 §2.1.2) into RosterItemView, defensively: an item
 * whose JID is not a valid bare JID is skipped, unknown subscription values become 'none', names
 * and groups are capped, duplicate groups dropped, at most ROSTER_GROUPS_MAX groups kept. Problems
 * are counted in a report so a hostile 10,000-item roster produces one log line, not 10,000.
 */
import type { Element } from '@xmpp/xml';
import {
  ROSTER_GROUPS_MAX,
  ROSTER_TEXT_MAX,
  type RosterItemView,
  type Subscription,
} from '../../../../shared/contract';
import { normalizeBareJid } from '../../../../shared/jid';
import { RawRosterItem } from '../../accounts/stream/raw-roster-item';
import { capText, detach } from '../../util/text';

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

export interface ReadItem {
  item: RosterItemView;
  /** subscription='remove' (only meaningful in a push). */
  remove: boolean;
}

/** Reads one <item/>; null when it must be skipped (invalid JID). */
export function readRosterItem(accountId: string, element: Element, report: RosterParseReport): ReadItem | null {
  const attrs = element.attrs;
  const groups: string[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string' && child.name === 'group') groups.push(child.text());
  }
  const item = rosterItemOf(accountId, attrs, groups, groups.length, report, null, null);
  return item === null ? null : { item, remove: attrs.subscription === 'remove' };
}

/** An item's attributes as read from the wire (an Element's attrs, or read from the stream text). */
export interface ItemAttributes {
  jid?: unknown;
  name?: unknown;
  subscription?: unknown;
  ask?: unknown;
}

/** Distinct group names kept for sharing per result; beyond it a result's groups are kept as read. */
const SHARED_GROUPS_MAX = 1000;

/**
 * The item from its attributes and the text of its first `groupCount` <group/> children, in order;
 * null when skipped. It is the only object made per item (its groups array aside): a roster result
 * of 10,000 keeps all of them, and every object that outlives the young generation is copied by the
 * garbage collector while the result is read. With `sharedGroups`, a group name already seen in the
 * result is taken from there (a few dozen names recur across thousands of items).
 */
function rosterItemOf(
  accountId: string,
  attrs: ItemAttributes,
  groupTexts: readonly string[],
  groupCount: number,
  report: RosterParseReport,
  sharedGroups: SharedGroups | null,
  groupList: readonly string[] | null,
): RosterItemView | null {
  const rawJid = attrs.jid;
  const jid = typeof rawJid === 'string' ? normalizeBareJid(rawJid) : null;
  if (jid === null) {
    report.invalidJids++;
    note(report, 'invalid jid', String(rawJid));
    return null;
  }

  let subscription: Subscription = 'none';
  const rawSubscription = attrs.subscription;
  if (rawSubscription !== undefined) {
    if (SUBSCRIPTIONS.has(rawSubscription as string)) subscription = rawSubscription as Subscription;
    else if (rawSubscription !== 'remove') {
      report.unknownSubscriptions++;
      note(report, 'unknown subscription', String(rawSubscription));
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

  // Copies, not views into the parser's input chunks: a roster result's text (two bytes a character
  // once any is not Latin-1) would otherwise be kept whole by its items, and copied by the garbage
  // collector with them while the result is read.
  return {
    accountId,
    jid: copyOfJid(jid),
    name: name === null ? null : detach(name),
    subscription,
    pendingOut: attrs.ask === 'subscribe',
    // A list the stream's one pass made is what groupsOf would return (frozen, shared; its names are copies).
    groups: (groupList as string[] | null) ?? groupsOf(groupTexts, groupCount, jid, report, sharedGroups),
  };
}

/** An item's groups: empty names dropped, capped, duplicates dropped, at most ROSTER_GROUPS_MAX. */
function groupsOf(
  groupTexts: readonly string[],
  groupCount: number,
  jid: string,
  report: RosterParseReport,
  sharedGroups: SharedGroups | null,
): string[] {
  // The usual item, one group or two distinct ones, in an array of its own size (a growing array
  // reserves room for 16); in a result read while parsing, the same frozen array for every item with
  // the same group or pair of groups (a few hundred arrays for 10,000 items, not 10,000).
  if (groupCount === 1) {
    const only = groupTexts[0];
    if (only !== '' && only.length <= ROSTER_TEXT_MAX) {
      return sharedGroups === null ? [detach(only)] : sharedGroups.list(sharedGroups.name(only));
    }
  } else if (groupCount === 2) {
    const first = groupTexts[0];
    const second = groupTexts[1];
    if (
      first !== '' &&
      second !== '' &&
      first !== second &&
      first.length <= ROSTER_TEXT_MAX &&
      second.length <= ROSTER_TEXT_MAX
    )
      return sharedGroups === null
        ? [detach(first), detach(second)]
        : sharedGroups.list(sharedGroups.name(first), sharedGroups.name(second));
  }
  const groups: string[] = [];
  for (let g = 0; g < groupCount; g++) {
    const raw = groupTexts[g];
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
    groups.push(sharedGroups === null ? detach(group) : sharedGroups.name(group));
  }
  return groups;
}

/**
 * A JID to keep, as a string of its own (not a view into the parser's input). A normalized bare JID
 * is in lower case already, so toLowerCase makes the copy in one step (detach makes two objects).
 */
function copyOfJid(jid: string): string {
  if (jid.length < 13) return jid; // V8 copies short slices anyway
  const copy = jid.toLowerCase();
  return copy === jid ? copy : detach(jid);
}

/** The group names and group lists of one roster result, kept once each (up to SHARED_GROUPS_MAX of each). */
class SharedGroups {
  private readonly names = new Map<string, string>();
  private readonly singles = new Map<string, string[]>();
  private readonly pairs = new Map<string, Map<string, string[]>>();
  private lists = 0;

  /** The name as first seen in this result, or a copy of this one (then kept while there is room). */
  name(group: string): string {
    const seen = this.names.get(group);
    if (seen !== undefined) return seen;
    const copy = detach(group);
    if (this.names.size < SHARED_GROUPS_MAX) this.names.set(copy, copy);
    return copy;
  }

  /** A frozen list of one or two names (from `name`), the same array for the same names. */
  list(first: string, second?: string): string[] {
    let byFirst: Map<string, string[]> | undefined = this.singles;
    let key = first;
    if (second !== undefined) {
      byFirst = this.pairs.get(first);
      if (byFirst === undefined && this.lists < SHARED_GROUPS_MAX) this.pairs.set(first, (byFirst = new Map()));
      key = second;
    }
    const seen = byFirst?.get(key);
    if (seen !== undefined) return seen;
    const list = Object.freeze(second === undefined ? [first] : [first, second]) as string[];
    if (byFirst !== undefined && this.lists < SHARED_GROUPS_MAX) {
      byFirst.set(key, list);
      this.lists++;
    }
    return list;
  }
}

/**
 * The items of roster results, read while the stream is parsed: the stream layer offers every
 * <item/> of a top-level <iq type='result'>'s roster <query/> as it ends, or read straight from the
 * stream text (the `onRosterItem` stream hook), `add` reads it at once into the result's map by JID,
 * and it never stays in the tree. A 10,000-item result then never holds 10,000 item elements at the
 * same time (the young generation's GC copied them over and over while the result was parsed) and
 * needs no second pass afterwards: the roster service takes the map as the next roster. The items
 * wait here, keyed by their <query/>, until the roster service takes them with the result; a result
 * nobody asked for is dropped with its element.
 */
export class StreamedRosterItems {
  private readonly results = new WeakMap<
    Element,
    {
      accountId: string;
      items: Map<string, RosterItemView>;
      report: RosterParseReport;
      groups: SharedGroups;
    }
  >();

  /**
   * For the stream hook: reads an item of the roster result whose <query/> is `query` (true: taken),
   * for `accountId` when the hook knows it ('' when it does not: `take` fills it in then).
   */
  add(item: Element | RawRosterItem, query: Element, accountId = ''): boolean {
    let streamed = this.results.get(query);
    if (!streamed) {
      streamed = { accountId, items: new Map(), report: newReport(), groups: new SharedGroups() };
      this.results.set(query, streamed);
    }
    // Read from the text, the strings stay views into the parser's input chunk, as ltx's attribute
    // values do: a roster result is almost all items, so its chunks are mostly what the items hold anyway.
    const read =
      item instanceof RawRosterItem
        ? rosterItemOf(
            streamed.accountId,
            item,
            item.groups,
            item.groupCount,
            streamed.report,
            streamed.groups,
            item.groupList,
          )
        : readRosterItem(streamed.accountId, item, streamed.report)?.item;
    if (read) putRosterItem(streamed.items, read, streamed.report);
    return true;
  }

  /** How many items read while parsing wait for `query`. */
  count(query: Element): number {
    return this.results.get(query)?.items.size ?? 0;
  }

  /**
   * The items of a roster result read while it was parsed (by JID in document order, for
   * `accountId`), once: their problems are added to `report`. The result's remaining <item/>
   * children come after them.
   */
  take(accountId: string, query: Element, report: RosterParseReport): Map<string, RosterItemView> {
    const streamed = this.results.get(query);
    if (!streamed) return new Map();
    this.results.delete(query);
    const from = streamed.report;
    report.invalidJids += from.invalidJids;
    report.unknownSubscriptions += from.unknownSubscriptions;
    report.truncated += from.truncated;
    report.groupsDropped += from.groupsDropped;
    report.duplicates += from.duplicates;
    for (const example of from.examples) if (report.examples.length < MAX_EXAMPLES) report.examples.push(example);
    // Nobody has seen these objects yet: they are finished here rather than copied.
    if (streamed.accountId !== accountId) for (const item of streamed.items.values()) item.accountId = accountId;
    return streamed.items;
  }
}

/** How many items a roster result holds: read while parsing (when `streamed` is given), and still in the tree. */
export function countRosterItems(query: Element, streamed?: StreamedRosterItems): number {
  let count = streamed?.count(query) ?? 0;
  for (const child of query.children) if (typeof child !== 'string' && child.name === 'item') count++;
  return count;
}

/** Reads every <item/> of a roster result into a map by JID (last duplicate wins), those read while parsing first. */
export function readRosterQuery(
  accountId: string,
  query: Element,
  report: RosterParseReport,
  streamed?: StreamedRosterItems,
): Map<string, RosterItemView> {
  const items = streamed?.take(accountId, query, report) ?? new Map<string, RosterItemView>();
  for (const child of query.children) {
    if (typeof child === 'string' || child.name !== 'item') continue;
    const read = readRosterItem(accountId, child, report);
    if (read) putRosterItem(items, read.item, report);
  }
  return items;
}

/** Adds an item of a result by JID: a later duplicate replaces the earlier one and is reported. */
export function putRosterItem(
  items: Map<string, RosterItemView>,
  item: RosterItemView,
  report: RosterParseReport,
): void {
  // One lookup, not has() then set(): a result of 10,000 hashes and probes each JID once.
  const size = items.size;
  items.set(item.jid, item);
  if (items.size === size) {
    report.duplicates++;
    note(report, 'duplicate', item.jid);
  }
}

/** True when both views say the same (groups compared as sets: servers need not keep their order). */
export function sameItem(a: RosterItemView, b: RosterItemView): boolean {
  if (a.name !== b.name || a.subscription !== b.subscription || a.pendingOut !== b.pendingOut) return false;
  if (a.groups.length !== b.groups.length) return false;
  for (const group of a.groups) if (!b.groups.includes(group)) return false;
  return true;
}
