/**
 * Reading roster items from the wire (RFC 6121 §2.1.2) into RosterItemView, defensively: an item
 * whose JID is not a valid bare JID is skipped, unknown subscription values become 'none', names
 * and groups are capped, duplicate groups dropped, at most ROSTER_GROUPS_MAX groups kept. Problems
 * are counted in a report so a hostile 10,000-item roster produces one log line, not 10,000.
 */
import type { Element } from '@xmpp/xml';
import { ROSTER_GROUPS_MAX, ROSTER_TEXT_MAX, type RosterItemView, type Subscription } from '../../../shared/contract';
import { formatJid, parseJid } from '../../../shared/jid';
import {
  INCOMPLETE,
  OTHER,
  attrIs,
  attrOk,
  attrValue,
  attrValueIs,
  endTag,
  readTextOnly,
  sameAt,
  scanTag,
  skipContent,
  tag,
  textOk,
  textOnly,
} from './xml-scan';

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
  return formatJid(parsed.jid);
}

/** The normalized JID with its resource (if any), or null when invalid. */
export function normalizeJid(raw: string): string | null {
  const parsed = parseJid(raw);
  return 'error' in parsed ? null : formatJid(parsed.jid);
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
  const groups: string[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string' && child.name === 'group') groups.push(child.text());
  }
  return rosterItemOf(accountId, attrs, groups, report);
}

/** An item's attributes as read from the wire (an Element's attrs, or read from the stream text). */
interface ItemAttributes {
  jid?: unknown;
  name?: unknown;
  subscription?: unknown;
  ask?: unknown;
}

/** The item from its attributes and the text of its <group/> children, in order; null when skipped. */
function rosterItemOf(
  accountId: string,
  attrs: ItemAttributes,
  groupTexts: readonly string[],
  report: RosterParseReport,
  groupCount = groupTexts.length,
): ReadItem | null {
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
    if (SUBSCRIPTIONS.has(rawSubscription as string)) subscription = rawSubscription as Subscription;
    else if (rawSubscription === 'remove') remove = true;
    else {
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
    groups.push(group);
  }

  return { item: { accountId, jid, name, subscription, pendingOut: attrs.ask === 'subscribe', groups }, remove };
}

/**
 * The items of roster results, read while the stream is parsed: the stream parser
 * (presence-stream-parser.ts) offers every element that ends to readStreamedRosterItem, which reads
 * an <item/> of a top-level <iq type='result'>'s roster <query/> at once and takes it out of the
 * tree. A 10,000-item result then never holds 10,000 item elements at the same time (the young
 * generation's GC copied them over and over while the result was parsed) and needs no second pass
 * over the tree afterwards (issue 8: 10,000 items from first byte to stored in ≤ 180 ms). The items
 * wait here, keyed by their <query/>, until the roster service takes them with the result; a
 * result nobody asked for is dropped with its element.
 */
const streamedResults = new WeakMap<Element, { items: RosterItemView[]; report: RosterParseReport }>();

/** For the stream parser: reads `element` when it is an item of a roster result (true: it left the tree). */
export function readStreamedRosterItem(element: Element): boolean {
  if (element.name !== 'item') return false;
  const query = element.parent;
  if (!isRosterResultQuery(query)) return false;
  const children = query.children;
  if (children[children.length - 1] !== element) return false;
  const streamed = streamedOf(query);
  // The account is not known here: the roster service fills it in when it takes the items.
  const read = readRosterItem('', element, streamed.report);
  if (read) streamed.items.push(read.item);
  children.pop();
  element.parent = null;
  return true;
}

/** Whether `query` is the <query/> of a top-level roster result (whose items are read while parsing). */
function isRosterResultQuery(query: Element | null | undefined): query is Element {
  if (!query || query.name !== 'query' || query.attrs.xmlns !== NS_ROSTER) return false;
  const iq = query.parent;
  // A top-level stanza has no parent until it has ended. Pushes (type 'set') keep their items.
  return Boolean(iq && !iq.parent && iq.name === 'iq' && iq.attrs.type === 'result');
}

function streamedOf(query: Element): { items: RosterItemView[]; report: RosterParseReport } {
  let streamed = streamedResults.get(query);
  if (!streamed) {
    streamed = { items: [], report: newReport() };
    streamedResults.set(query, streamed);
  }
  return streamed;
}

/** The last <item/> readRosterItemText read (one at a time: the parser is synchronous). */
const textItem: ItemAttributes = {};
/** Its groups: the first textGroupCount entries. */
const textGroups: string[] = [];
let textGroupCount = 0;
/** The values of `subscription` and `ask` that mean something, compared in place (no copy). */
const SUBSCRIPTION_VALUES = ['both', 'to', 'from', 'none', 'remove'];

/**
 * Reads the <item/> of a roster result starting at `lt` in the stream text, the way ltx and
 * readRosterItem would read it: its attributes and the text of its <group/> children (entities
 * resolved; other children skipped). Returns the index after it, INCOMPLETE when it is not all there,
 * or OTHER when it is not of the shape read here (then ltx builds it and readStreamedRosterItem reads
 * it). What it read is taken by takeRosterItemText.
 */
export function readRosterItemText(text: string, lt: number): number {
  if (!sameAt(text, lt + 1, 'item')) return OTHER;
  let pos = scanTag(text, lt, true);
  if (pos < 0) return pos;
  if (tag.nameEnd !== lt + 5) return OTHER;
  textItem.jid = textItem.name = textItem.subscription = textItem.ask = undefined;
  textGroupCount = 0;
  try {
    // As ltx: of an attribute given twice, the last one counts.
    for (let i = 0; i < tag.attrCount; i++) {
      if (!attrOk(text, i)) return OTHER;
      if (attrIs(text, i, 'jid')) textItem.jid = attrValue(text, i);
      else if (attrIs(text, i, 'name')) textItem.name = attrValue(text, i);
      else if (attrIs(text, i, 'subscription')) textItem.subscription = knownValue(text, i, SUBSCRIPTION_VALUES);
      else if (attrIs(text, i, 'ask')) textItem.ask = attrValueIs(text, i, 'subscribe') ? 'subscribe' : '';
    }
    if (tag.selfClosing) return pos;
    for (;;) {
      const lt2 = text.indexOf('<', pos);
      if (lt2 === -1 || lt2 + 1 >= text.length) return INCOMPLETE;
      if (lt2 > pos && !textOk(text, pos, lt2)) return OTHER;
      const c = text.charCodeAt(lt2 + 1);
      if (c === 47) return endTag(text, lt2, lt + 1, lt + 5);
      if (c === 33 || c === 63) return OTHER;
      const tagEnd = scanTag(text, lt2, true);
      if (tagEnd < 0) return tagEnd;
      for (let i = 0; i < tag.attrCount; i++) if (!attrOk(text, i)) return OTHER;
      const nameStart = lt2 + 1;
      const nameEnd = tag.nameEnd;
      if (nameEnd - nameStart === 5 && sameAt(text, nameStart, 'group')) {
        if (tag.selfClosing) {
          pos = tagEnd;
        } else {
          // Text only, as Element#text() reads it (a group with child elements is ltx's).
          const group = readTextOnly(text, tagEnd, nameStart, nameEnd);
          if (group === null) return textOnly.end;
          textGroups[textGroupCount++] = group;
          pos = textOnly.end;
        }
        continue;
      }
      pos = tag.selfClosing ? tagEnd : skipContent(text, tagEnd, nameStart, nameEnd);
      if (pos < 0) return pos;
    }
  } catch {
    // An entity ltx would reject: ltx gets the item and reports it.
    return OTHER;
  }
}

/**
 * For the stream parser: the item readRosterItemText just read, added to the roster result whose
 * <query/> is `query` (xmpp.js's parser's current element, which has seen everything before the
 * item). False when `query` is not a roster result's: then the item goes to ltx.
 */
export function takeRosterItemText(query: Element | null | undefined): boolean {
  if (!isRosterResultQuery(query)) return false;
  const streamed = streamedOf(query);
  // The account is not known here: the roster service fills it in when it takes the items.
  // The strings stay views into the parser's input chunk, as ltx's attribute values do: a roster
  // result is almost all items, so its chunks are mostly what the items hold anyway.
  const read = rosterItemOf('', textItem, textGroups, streamed.report, textGroupCount);
  if (read) streamed.items.push(read.item);
  textGroups.fill('', 0, textGroupCount);
  return true;
}

/** The attribute's value as the constant among `values` it equals (no copy), else the value itself. */
function knownValue(text: string, index: number, values: readonly string[]): string {
  for (const value of values) if (attrValueIs(text, index, value)) return value;
  return attrValue(text, index);
}

/** How many items a roster result holds: read while parsing, and still in the tree. */
export function countRosterItems(query: Element): number {
  let count = streamedResults.get(query)?.items.length ?? 0;
  for (const child of query.children) if (typeof child !== 'string' && child.name === 'item') count++;
  return count;
}

/**
 * The items of a roster result read while it was parsed (in document order, for `accountId`), once:
 * their problems are added to `report`. The result's remaining <item/> children come after them.
 */
export function takeStreamedRosterItems(
  accountId: string,
  query: Element,
  report: RosterParseReport,
): RosterItemView[] {
  const streamed = streamedResults.get(query);
  if (!streamed) return [];
  streamedResults.delete(query);
  const from = streamed.report;
  report.invalidJids += from.invalidJids;
  report.unknownSubscriptions += from.unknownSubscriptions;
  report.truncated += from.truncated;
  report.groupsDropped += from.groupsDropped;
  report.duplicates += from.duplicates;
  for (const example of from.examples) if (report.examples.length < MAX_EXAMPLES) report.examples.push(example);
  // Nobody has seen these objects yet: they are finished here rather than copied.
  for (const item of streamed.items) item.accountId = accountId;
  return streamed.items;
}

/** Reads every <item/> of a roster result into a map by JID (last duplicate wins). */
export function readRosterQuery(
  accountId: string,
  query: Element,
  report: RosterParseReport,
): Map<string, RosterItemView> {
  const items = new Map<string, RosterItemView>();
  for (const item of takeStreamedRosterItems(accountId, query, report)) putRosterItem(items, item, report);
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
  if (items.has(item.jid)) {
    report.duplicates++;
    note(report, 'duplicate', item.jid);
  }
  items.set(item.jid, item);
}

/** True when both views say the same (groups compared as sets: servers need not keep their order). */
export function sameItem(a: RosterItemView, b: RosterItemView): boolean {
  if (a.name !== b.name || a.subscription !== b.subscription || a.pendingOut !== b.pendingOut) return false;
  if (a.groups.length !== b.groups.length) return false;
  for (const group of a.groups) if (!b.groups.includes(group)) return false;
  return true;
}
