/**
 * The primitives of the lean stream readers (presence-stream-parser.ts, raw-roster-item.ts): tags,
 * attributes, end tags, character data and entities, read from the stream text exactly the way ltx
 * (the tokenizer of @xmpp/xml) reads them, or reported as something to leave to ltx.
 *
 * Speed comes from letting the engine's native searches do the walking: values and text are
 * skipped with indexOf, and whether a stretch holds an entity at all is answered from one
 * forward-moving indexOf('&') per text (hasAmpersand), so text is looked at character by character
 * only where it has entities. Tag and attribute names, which are short, are walked in JavaScript.
 */

import { isXmlChar } from './stream-text';

/** Not all of it is in the text yet. */
export const INCOMPLETE = -1;
/** Not of the shape read here: leave it to ltx. */
export const OTHER = -2;

/** Attributes read per tag; a tag with more takes the ltx path. */
export const MAX_ATTRS = 32;
/** Nesting inside one skipped child; deeper takes the ltx path. */
const MAX_NESTING = 16;

/**
 * What scanTag found (one scan at a time: the readers are synchronous). attrs holds, per
 * attribute, nameStart, nameEnd, valueStart, valueEnd.
 */
export const tag = {
  /** The name is text[nameStart, nameEnd). */
  nameStart: 0,
  nameEnd: 0,
  /** The name has a ':' (a prefix). */
  prefixed: false,
  selfClosing: false,
  attrCount: 0,
  attrs: new Int32Array(MAX_ATTRS * 4),
};
const nesting = new Int32Array(MAX_NESTING * 2);

/**
 * The start tag at `lt` ('<' followed by a name character) in the form ltx reads the same way:
 * name, then attributes `name="value"` / `name='value'` (whitespace around '=' allowed), then '>'
 * or '/>'. Returns the index after the tag, INCOMPLETE, or OTHER for anything unusual (ltx is
 * lenient where this is strict; those tags go to ltx). With `record`, attribute offsets go to `tag.attrs`.
 */
export function scanTag(text: string, lt: number, record: boolean): number {
  const len = text.length;
  let pos = lt + 1;
  let prefixed = false;
  for (; pos < len; pos++) {
    const c = text.charCodeAt(pos);
    if (c <= 32 || c === 47 || c === 62) break;
    // ltx treats '!' and '?' anywhere in a tag name as a comment/CDATA or instruction; quotes and '<' are not names.
    if (c === 33 || c === 63 || c === 60 || c === 34 || c === 39 || c === 61) return OTHER;
    if (c === 58) prefixed = true;
  }
  if (pos >= len) return INCOMPLETE;
  if (pos === lt + 1) return OTHER;
  tag.nameStart = lt + 1;
  tag.nameEnd = pos;
  tag.prefixed = prefixed;
  let count = 0;
  const attrs = tag.attrs;
  for (;;) {
    let c = text.charCodeAt(pos);
    while (c <= 32) {
      if (++pos >= len) return INCOMPLETE;
      c = text.charCodeAt(pos);
    }
    if (c === 62) {
      tag.selfClosing = false;
      tag.attrCount = count;
      return pos + 1;
    }
    if (c === 47) {
      if (pos + 1 >= len) return INCOMPLETE;
      if (text.charCodeAt(pos + 1) !== 62) return OTHER;
      tag.selfClosing = true;
      tag.attrCount = count;
      return pos + 2;
    }
    const nameStart = pos;
    for (; pos < len; pos++) {
      c = text.charCodeAt(pos);
      if (c <= 32 || c === 61) break;
      if (c === 62 || c === 47 || c === 60 || c === 34 || c === 39) return OTHER;
    }
    if (pos >= len) return INCOMPLETE;
    const nameEnd = pos;
    while (c <= 32) {
      if (++pos >= len) return INCOMPLETE;
      c = text.charCodeAt(pos);
    }
    if (c !== 61) return OTHER;
    do {
      if (++pos >= len) return INCOMPLETE;
      c = text.charCodeAt(pos);
    } while (c <= 32);
    if (c !== 34 && c !== 39) return OTHER;
    const close = text.indexOf(c === 34 ? '"' : "'", pos + 1);
    if (close === -1) return INCOMPLETE;
    if (record) {
      if (count === MAX_ATTRS) return OTHER;
      const at = count++ * 4;
      attrs[at] = nameStart;
      attrs[at + 1] = nameEnd;
      attrs[at + 2] = pos + 1;
      attrs[at + 3] = close;
    }
    pos = close + 1;
    if (pos >= len) return INCOMPLETE;
  }
}

// The next '&' at or after ampFrom in ampText (its length when there is none). Readers move forward
// through a text, so one indexOf answers many questions.
let ampText = '';
let ampFrom = 0;
let ampAt = 0;

/** True when text[start, end) holds an '&'. */
export function hasAmpersand(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  if (text !== ampText || start < ampFrom || ampAt < start) {
    ampText = text;
    ampFrom = start;
    const found = text.indexOf('&', start);
    ampAt = found === -1 ? text.length : found;
  }
  return ampAt < end;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

function unescapeEntity(entity: string): string {
  if (entity[1] === '#') {
    const code = entity[2] === 'x' ? parseInt(entity.slice(3), 16) : parseInt(entity.slice(2), 10);
    if (isXmlChar(code)) {
      return String.fromCodePoint(code);
    }
    throw new Error(`Illegal XML character 0x${code.toString(16)}`);
  }
  const known = ENTITIES[entity];
  if (known !== undefined) return known;
  throw new Error(`Illegal XML entity ${entity}`);
}

/** The first `code` in text[start, end), or -1 (String#indexOf would search on to the end of the chunk). */
function find(text: string, code: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

/**
 * ltx's unescapeXML (ltx/lib/escape.js), the same result for the same input: the text of
 * [start, end) with entities and character references resolved. Throws where ltx throws (the caller
 * then leaves the stanza to ltx, which throws the same error).
 */
export function unescapeXml(text: string, start: number, end: number): string {
  if (!hasAmpersand(text, start, end)) return text.slice(start, end);
  let amp = find(text, 38, start, end);
  let result = '';
  let previous = start;
  let semi: number;
  while (amp !== -1 && (semi = find(text, 59, amp + 1, end)) !== -1) {
    result += text.slice(previous, amp) + unescapeEntity(text.slice(amp, semi + 1));
    previous = semi + 1;
    amp = find(text, 38, previous, end);
  }
  return result + text.slice(previous, end);
}

/** True when text[start, end) is something ltx unescapes without throwing. */
export function textOk(text: string, start: number, end: number): boolean {
  if (!hasAmpersand(text, start, end)) return true;
  try {
    unescapeXml(text, start, end);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when text[at, at + name.length) is `name`. A loop over character codes: startsWith with a
 * position is a builtin call that costs more than comparing the few characters of a name.
 */
export function sameAt(text: string, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (text.charCodeAt(at + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** True when the name of attribute `index` of the last recorded tag is `name`. */
export function attrIs(text: string, index: number, name: string): boolean {
  const at = index * 4;
  return tag.attrs[at + 1] - tag.attrs[at] === name.length && sameAt(text, tag.attrs[at], name);
}

/**
 * True when attribute `index`'s value, unescaped, is `value`; compared in place unless the value has
 * entities (throws where ltx would).
 */
export function attrValueIs(text: string, index: number, value: string): boolean {
  const at = index * 4;
  const start = tag.attrs[at + 2];
  const end = tag.attrs[at + 3];
  if (hasAmpersand(text, start, end)) return unescapeXml(text, start, end) === value;
  return end - start === value.length && sameAt(text, start, value);
}

/** The unescaped value of attribute `index` of the last recorded tag (throws where ltx would). */
export function attrValue(text: string, index: number): string {
  const at = index * 4;
  return unescapeXml(text, tag.attrs[at + 2], tag.attrs[at + 3]);
}

/** True when attribute `index`'s value is one ltx unescapes without throwing. */
export function attrOk(text: string, index: number): boolean {
  const at = index * 4;
  return textOk(text, tag.attrs[at + 2], tag.attrs[at + 3]);
}

/** `</name>` at `lt` for the name text[nameStart, nameEnd): the index after it, INCOMPLETE or OTHER. */
export function endTag(text: string, lt: number, nameStart: number, nameEnd: number): number {
  const nameLength = nameEnd - nameStart;
  const close = lt + 2 + nameLength;
  if (close >= text.length) {
    // Only a prefix of `</name>` so far?
    const have = text.length - lt;
    const expected = `</${text.slice(nameStart, nameEnd)}>`;
    return text.startsWith(expected.slice(0, have), lt) ? INCOMPLETE : OTHER;
  }
  if (text.charCodeAt(lt + 1) !== 47 || text.charCodeAt(close) !== 62) return OTHER;
  for (let i = 0; i < nameLength; i++) {
    if (text.charCodeAt(lt + 2 + i) !== text.charCodeAt(nameStart + i)) return OTHER;
  }
  return close + 1;
}

/** What the last nextChild met: the parent's end tag (true), or a child's start tag, read into `tag`. */
export const child = { closed: false };

/**
 * The next child of the element named text[nameStart, nameEnd) whose content goes on at `pos`, the
 * text before it checked as ltx would unescape it: its start tag read into `tag` (every attribute
 * value checked too) and the index after that tag returned; or the parent's end tag (`child.closed`)
 * and the index after it. INCOMPLETE, or OTHER for comments, instructions and anything ltx reads
 * otherwise. One loop body for every reader that walks an element's children.
 */
export function nextChild(text: string, pos: number, nameStart: number, nameEnd: number): number {
  const lt = text.indexOf('<', pos);
  if (lt === -1 || lt + 1 >= text.length) return INCOMPLETE;
  if (lt > pos && !textOk(text, pos, lt)) return OTHER;
  const c = text.charCodeAt(lt + 1);
  child.closed = c === 47;
  if (c === 47) return endTag(text, lt, nameStart, nameEnd);
  if (c === 33 || c === 63) return OTHER;
  const tagEnd = scanTag(text, lt, true);
  if (tagEnd < 0) return tagEnd;
  for (let i = 0; i < tag.attrCount; i++) if (!attrOk(text, i)) return OTHER;
  return tagEnd;
}

/**
 * The text-only content of the element whose start tag ended at `tagEnd`, unescaped, up to its end
 * tag (name text[nameStart, nameEnd)); `textEnd` receives the index after the end tag. INCOMPLETE or
 * OTHER (child elements, CDATA, comments: ltx's business) as a number, via `textEnd`, with null.
 */
export const textOnly = { end: 0 };
export function readTextOnly(text: string, tagEnd: number, nameStart: number, nameEnd: number): string | null {
  const lt = text.indexOf('<', tagEnd);
  if (lt === -1) {
    textOnly.end = INCOMPLETE;
    return null;
  }
  const end = endTag(text, lt, nameStart, nameEnd);
  textOnly.end = end;
  if (end < 0) return null;
  return lt > tagEnd ? unescapeXml(text, tagEnd, lt) : '';
}

/**
 * Skips the content of the element whose name is text[nameStart, nameEnd), from `pos` to after its
 * end tag, checking that ltx would read all of it without an error (entities, matching end tags).
 */
export function skipContent(text: string, pos: number, nameStart: number, nameEnd: number): number {
  let depth = 0;
  nesting[0] = nameStart;
  nesting[1] = nameEnd;
  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt === -1 || lt + 1 >= text.length) return INCOMPLETE;
    if (lt > pos && !textOk(text, pos, lt)) return OTHER;
    const c = text.charCodeAt(lt + 1);
    if (c === 47) {
      const end = endTag(text, lt, nesting[depth * 2], nesting[depth * 2 + 1]);
      if (end < 0) return end;
      if (depth === 0) return end;
      depth--;
      pos = end;
      continue;
    }
    if (c === 33 || c === 63) return OTHER;
    const end = scanTag(text, lt, true);
    if (end < 0) return end;
    // An attribute value ltx would fail to unescape: leave the whole stanza to ltx.
    for (let i = 0; i < tag.attrCount; i++) if (!attrOk(text, i)) return OTHER;
    if (!tag.selfClosing) {
      if (++depth === MAX_NESTING) return OTHER;
      nesting[depth * 2] = lt + 1;
      nesting[depth * 2 + 1] = tag.nameEnd;
    }
    pos = end;
  }
}
