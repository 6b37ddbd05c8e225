/**
 * One pass over a roster result's <item/>: the stream guard (stream-guard.ts), where it meets an item
 * inside a roster <query/>, reads it here in one go, checking it as strictly as its own states would
 * (names, quotes, references, duplicate attributes, no '<' in a value) and reading what the roster
 * feature needs (as readRawRosterItem would: attributes, the texts of the <group/> children, entities
 * resolved). The lean parser (presence-stream-parser.ts) then takes the item from CheckedRosterItems
 * by its stream offset instead of reading the same bytes again.
 *
 * Only the usual shape is read: `name='value'` without whitespace around '=', children <group> with
 * text only or <group/>, any text between them. Anything else returns NOT_READ, and the guard's states
 * and the lean reader read the item as before; nothing is refused here (what is refused, the states
 * refuse).
 */
import { detach } from '../../util/text';
import { RawRosterItem, SUBSCRIPTION_VALUES } from './raw-roster-item';
import { isNameChar, isNameStart, isSpace, isXmlChar, sameText } from './stream-text';

export const NOT_READ = -1;

/** More attributes than this take the states (duplicates are found by comparing with each). */
const MAX_ATTRIBUTES = 8;
/** The longest reference read here ("&" and ";" not counted); longer ones take the states. */
const MAX_REFERENCE = 12;

// Offsets of the attribute names of the start tag being read: name start, name end.
const names = new Int32Array(MAX_ATTRIBUTES * 2);

/** Distinct group names a stream keeps (GroupNames), the longest one kept (in the text), and the lists kept. */
const GROUP_NAMES_MAX = 1000;
const GROUP_NAME_LONGEST = 64;
const GROUP_LISTS_MAX = 4096;
/** Larger than twice GROUP_NAMES_MAX, a power of two (open addressing stays short). */
const GROUP_SLOTS = 2048;

/**
 * The group names of a stream's roster items, each kept once as a flat string of its own: a name met
 * again is found by its text in the chunk (a hash over its characters, then compared in place), with
 * no slice, no resolved copy and no Map look-up per group (a realistic roster of 10,000 has ~20,000
 * groups of a few dozen names). An item of one to three distinct kept names gets one frozen list shared
 * by every item with the same names in the same order (as the roster feature's shared lists).
 */
export class GroupNames {
  /** The texts met (as written, references unresolved), their hashes and the ids of their names. */
  private readonly texts: string[] = [];
  private readonly hashes: number[] = [];
  private readonly ids: number[] = [];
  private readonly slots = new Int32Array(GROUP_SLOTS).fill(-1);
  /** The distinct names (two texts may write one name: `A` and `&#65;`). */
  private readonly names: string[] = [];
  private readonly lists = new Map<number, readonly string[]>();

  /**
   * The id of the group name whose text (checked by checkedText just before) is text[start, end), or
   * -1: not kept (empty, longer than GROUP_NAME_LONGEST, or no room left).
   */
  idOf(text: string, start: number, end: number): number {
    const length = end - start;
    if (length === 0 || length > GROUP_NAME_LONGEST) return -1;
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
    const texts = this.texts;
    for (let slot = hash & (GROUP_SLOTS - 1); ; slot = (slot + 1) & (GROUP_SLOTS - 1)) {
      const at = this.slots[slot];
      if (at === -1) {
        if (texts.length === GROUP_NAMES_MAX) return -1;
        const name = checkedValue(text, start, end);
        let id = this.names.indexOf(name);
        if (id === -1) id = this.names.push(detach(name)) - 1;
        this.slots[slot] = texts.push(detach(text.slice(start, end))) - 1;
        this.hashes.push(hash);
        this.ids.push(id);
        return id;
      }
      if (this.hashes[at] === hash && texts[at].length === length && sameAs(texts[at], text, start))
        return this.ids[at];
    }
  }

  name(id: number): string {
    return this.names[id];
  }

  /** The frozen list of the names `first`, `second`, `third` (ids, -1 for none; distinct), or null when there is no room. */
  list(first: number, second: number, third: number): readonly string[] | null {
    const key = ((first + 1) * 1024 + second + 1) * 1024 + third + 1;
    const seen = this.lists.get(key);
    if (seen !== undefined) return seen;
    if (this.lists.size === GROUP_LISTS_MAX) return null;
    const names = this.names;
    const list = Object.freeze(
      third !== -1
        ? [names[first], names[second], names[third]]
        : second !== -1
          ? [names[first], names[second]]
          : [names[first]],
    );
    this.lists.set(key, list);
    return list;
  }
}

/** kept equals text[start, start + kept.length). */
function sameAs(kept: string, text: string, start: number): boolean {
  for (let i = 0; i < kept.length; i++) if (kept.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

/** The items the guard read from one chunk, in stream order, until the next chunk. */
export class CheckedRosterItems {
  /** After a successful take: the stream offset just past the item. */
  end = 0;
  /** The group names of this stream's items. */
  readonly groupNames = new GroupNames();
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly items: RawRosterItem[] = [];
  private count = 0;
  private next = 0;

  /** Forgets the items of the last chunk (the parser has read that chunk by now). */
  clear(): void {
    for (let i = this.next; i < this.count; i++) this.items[i].release();
    this.count = this.next = 0;
  }

  /** The object the next item is read into (kept only if `add` follows). */
  spare(): RawRosterItem {
    const items = this.items;
    if (this.count === items.length) items.push(new RawRosterItem());
    return items[this.count];
  }

  /** The spare item was read from stream offsets [start, end). */
  add(start: number, end: number): void {
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  /**
   * The item whose '<' is at stream offset `start`, if the guard read it and it ends by `limit`
   * (`end` then holds where); items before `start` are dropped (the parser did not take them).
   */
  take(start: number, limit: number): RawRosterItem | null {
    while (this.next < this.count && this.starts[this.next] < start) this.items[this.next++].release();
    if (this.next === this.count || this.starts[this.next] !== start || this.ends[this.next] > limit) return null;
    this.end = this.ends[this.next];
    return this.items[this.next++];
  }
}

/**
 * Reads the <item> at `lt` ('<', known to be followed by 'i') in text[0, end) into `item`: the index
 * after it, or NOT_READ (another shape, or not all of it before `end`).
 */
export function readCheckedItem(
  text: string,
  lt: number,
  end: number,
  item: RawRosterItem,
  groupNames: GroupNames | null = null,
): number {
  let pos = lt + 5;
  if (pos >= end || text.charCodeAt(lt + 2) !== 116 || text.charCodeAt(lt + 3) !== 101) return NOT_READ;
  if (text.charCodeAt(lt + 4) !== 109) return NOT_READ;
  item.reset();
  let count = 0;
  let c = text.charCodeAt(pos);
  // The start tag's attributes.
  for (;;) {
    let space = false;
    while (isSpace(c)) {
      space = true;
      if (++pos >= end) return NOT_READ;
      c = text.charCodeAt(pos);
    }
    if (c === 62 /* > */) break;
    if (c === 47 /* / */) return pos + 1 < end && text.charCodeAt(pos + 1) === 62 ? pos + 2 : NOT_READ;
    if (!space || count === MAX_ATTRIBUTES || !isNameStart(c)) return NOT_READ;
    const nameStart = pos;
    while (++pos < end && isNameChar((c = text.charCodeAt(pos))));
    if (pos + 1 >= end || c !== 61 /* = */) return NOT_READ;
    const nameEnd = pos;
    for (let i = 0; i < count; i++) {
      const start = names[i * 2];
      const length = nameEnd - nameStart;
      if (names[i * 2 + 1] - start === length && sameText(text, start, nameStart, length)) return NOT_READ;
    }
    names[count * 2] = nameStart;
    names[count * 2 + 1] = nameEnd;
    count++;
    const quote = text.charCodeAt(++pos);
    if (quote !== 34 && quote !== 39) return NOT_READ;
    const valueStart = ++pos;
    const valueEnd = checkedText(text, pos, end, quote);
    if (valueEnd < 0) return NOT_READ;
    const length = nameEnd - nameStart;
    const first = text.charCodeAt(nameStart);
    if (length === 3 && first === 106 /* j */ && text.startsWith('jid', nameStart)) {
      item.jid = checkedValue(text, valueStart, valueEnd);
    } else if (length === 4 && first === 110 /* n */ && text.startsWith('name', nameStart)) {
      item.name = checkedValue(text, valueStart, valueEnd);
    } else if (length === 12 && text.startsWith('subscription', nameStart)) {
      item.subscription = knownValue(checkedValue(text, valueStart, valueEnd));
    } else if (length === 3 && first === 97 /* a */ && text.startsWith('ask', nameStart)) {
      item.ask = checkedValue(text, valueStart, valueEnd) === 'subscribe' ? 'subscribe' : '';
    }
    pos = valueEnd + 1;
    if (pos >= end) return NOT_READ;
    c = text.charCodeAt(pos);
  }
  // The content: text (checked, not kept), <group>text</group> and <group/>, then </item>.
  pos++;
  // The ids of the first three groups' kept names (GroupNames); `kept` false once one is not kept.
  let kept = groupNames !== null;
  let first = -1;
  let second = -1;
  let third = -1;
  for (;;) {
    const textEnd = checkedText(text, pos, end, 60 /* < */);
    if (textEnd < 0 || textEnd + 7 > end) return NOT_READ;
    if (text.charCodeAt(textEnd + 1) === 47 /* / */) {
      if (!text.startsWith('item>', textEnd + 2)) return NOT_READ;
      // One to three distinct names, in document order: the list the roster feature would make.
      if (kept && first !== -1 && first !== second && first !== third && (third === -1 || second !== third))
        item.groupList = groupNames!.list(first, second, third);
      return textEnd + 7;
    }
    if (!text.startsWith('group', textEnd + 1)) return NOT_READ;
    pos = textEnd + 6;
    c = text.charCodeAt(pos);
    if (c === 47 /* / */) {
      if (pos + 1 >= end || text.charCodeAt(pos + 1) !== 62) return NOT_READ;
      pos += 2;
      kept = false; // an empty group: the roster feature drops it
      continue;
    }
    if (c !== 62 /* > */) return NOT_READ;
    const groupStart = pos + 1;
    const groupEnd = checkedText(text, groupStart, end, 60 /* < */);
    if (groupEnd < 0 || groupEnd + 8 > end || !text.startsWith('</group>', groupEnd)) return NOT_READ;
    const id = kept ? groupNames!.idOf(text, groupStart, groupEnd) : -1;
    if (id === -1) {
      kept = false;
      item.groups[item.groupCount++] = checkedValue(text, groupStart, groupEnd);
    } else {
      item.groups[item.groupCount++] = groupNames!.name(id);
      if (first === -1) first = id;
      else if (second === -1) second = id;
      else if (third === -1) third = id;
      else kept = false;
    }
    pos = groupEnd + 8;
  }
}

// Whether the last checkedText met a reference (its text must then be resolved).
let hadReference = false;

/**
 * Checks the text from `pos` to the first `stop` character (a quote or '<') before `end`: no '<'
 * (in a value), every '&' a reference the guard allows. Returns the index of `stop`, or NOT_READ.
 */
function checkedText(text: string, pos: number, end: number, stop: number): number {
  hadReference = false;
  for (; pos < end; pos++) {
    const c = text.charCodeAt(pos);
    if (c === stop) return pos;
    if (c === 60 /* < */) return NOT_READ;
    if (c === 38 /* & */) {
      const semicolon = referenceEnd(text, pos + 1, end);
      if (semicolon < 0) return NOT_READ;
      hadReference = true;
      pos = semicolon;
    }
  }
  return NOT_READ;
}

/** The ';' of the reference starting at `pos` (after '&') if it is one the guard allows, else NOT_READ. */
function referenceEnd(text: string, pos: number, end: number): number {
  const limit = Math.min(end, pos + MAX_REFERENCE + 1);
  const semicolon = text.indexOf(';', pos);
  if (semicolon === -1 || semicolon >= limit) return NOT_READ;
  return referenceOf(text, pos, semicolon) === null ? NOT_READ : semicolon;
}

/** What the reference text[start, semicolon) stands for, or null when the guard would refuse it or this does not read it. */
function referenceOf(text: string, start: number, semicolon: number): string | null {
  const length = semicolon - start;
  const c = text.charCodeAt(start);
  if (c === 35 /* # */) {
    const hex = text.charCodeAt(start + 1) === 120; /* x */
    const digits = hex ? start + 2 : start + 1;
    if (digits === semicolon) return null;
    let code = 0;
    for (let i = digits; i < semicolon; i++) {
      const d = text.charCodeAt(i);
      let value: number;
      if (d >= 48 && d <= 57) value = d - 48;
      else if (hex && d >= 97 && d <= 102) value = d - 87;
      else if (hex && d >= 65 && d <= 70) value = d - 55;
      else return null;
      code = code * (hex ? 16 : 10) + value;
    }
    return isXmlChar(code) ? String.fromCodePoint(code) : null;
  }
  if (length === 3 && text.startsWith('amp', start)) return '&';
  if (length === 4 && text.startsWith('apos', start)) return "'";
  if (length === 4 && text.startsWith('quot', start)) return '"';
  if (length === 2 && text.charCodeAt(start + 1) === 116 /* t */) {
    if (c === 108 /* l */) return '<';
    if (c === 103 /* g */) return '>';
  }
  return null;
}

/** text[start, end), checked by checkedText just before, with its references resolved. */
function checkedValue(text: string, start: number, end: number): string {
  if (!hadReference) return text.slice(start, end);
  let result = '';
  let from = start;
  for (let amp = text.indexOf('&', start); amp !== -1 && amp < end; amp = text.indexOf('&', from)) {
    const semicolon = text.indexOf(';', amp);
    result += text.slice(from, amp) + referenceOf(text, amp + 1, semicolon)!;
    from = semicolon + 1;
  }
  return result + text.slice(from, end);
}

/** The constant among SUBSCRIPTION_VALUES `value` equals, else `value`. */
function knownValue(value: string): string {
  for (const known of SUBSCRIPTION_VALUES) if (value === known) return known;
  return value;
}
