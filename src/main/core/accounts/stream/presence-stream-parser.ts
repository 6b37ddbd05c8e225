/**
 * A lean path for incoming <presence/> in front of xmpp.js's parser, for the presence flood budget
 * (≥ 120,000 presences a second through the core).
 *
 * xmpp.js tokenizes the stream with ltx one character at a time and builds an Element tree per
 * stanza (an Element, an attrs object and a children array per element, text nodes, an event per
 * tag), which costs more than everything the presence feature then does with it. This parser sits
 * where xmpp.js's Parser sits (a subclass, so every other stanza goes through the very same code):
 *
 * - It finds the top-level elements of the stream itself, by tags, with indexOf.
 * - A top-level <presence> of the common shape (no type or type='unavailable'; children show,
 *   status, priority, caps <c/>, <delay/> and anything else without prefixes; complete in the text
 *   at hand) is read straight into a reused RawPresence and offered to `onPresence`. Consumed: it
 *   never reaches ltx. Declined (or of any other shape): its text goes to ltx like everything else.
 * - Everything else is handed to ltx unchanged and in order, so every other stanza is parsed,
 *   built and emitted exactly as before.
 * - Anything this reader does not model exactly as ltx would (comments, processing instructions
 *   inside the stream, mismatched or unusual tags, a stanza held back too long) makes it step aside
 *   for good: from that byte on, the rest of the stream goes to ltx alone. CDATA sections are
 *   skipped over (their element goes to ltx).
 *
 * Stream management counting and the online check are the fast path's (presence-fastpath.ts).
 *
 * One more thing happens here because this is where elements end: every element that ends is
 * offered to `onElementEnd` before anything else sees it (the stream hooks hand the items of a roster
 * result to the roster feature, which reads them at once so they can leave the tree).
 */
import type { Element, Parser } from '@xmpp/xml';
import { NS_CAPS, NS_DELAY, NS_MUC_USER } from '../../xmpp/ns';
import { RawPresence } from './raw-presence';

/** Not all of it is in the text yet. */
const INCOMPLETE = -1;
/** Not of the shape read here: leave it to ltx. */
const OTHER = -2;

/** A presence split across socket reads is held back (not given to ltx) up to this length. */
const MAX_HELD = 256 * 1024;
/** How much of a new chunk is joined to what the last one left unfinished (see read). */
const JOIN_HEAD = 2048;
/** Attributes read per tag on the presence path; a tag with more takes the ltx path. */
const MAX_ATTRS = 32;
/** Nesting inside one child of a presence; deeper takes the ltx path. */
const MAX_NESTING = 16;

// Scratch filled by scanTag (one parse at a time: the parser is synchronous).
let tagNameEnd = 0;
let tagSelfClosing = false;
let attrCount = 0;
/** nameStart, nameEnd, valueStart, valueEnd per attribute. */
const attrs = new Int32Array(MAX_ATTRS * 4);
const nesting = new Int32Array(MAX_NESTING * 2);

/**
 * The start tag at `lt` ('<' followed by a name character) in the form ltx reads the same way:
 * name, then attributes `name="value"` / `name='value'` (whitespace around '=' allowed), then '>'
 * or '/>'. Returns the index after the tag, INCOMPLETE, or OTHER for anything unusual (ltx is
 * lenient where this is strict; those tags go to ltx). With `record`, attribute offsets go to `attrs`.
 */
function scanTag(text: string, lt: number, record: boolean): number {
  const len = text.length;
  let pos = lt + 1;
  for (; pos < len; pos++) {
    const c = text.charCodeAt(pos);
    if (c <= 32 || c === 47 || c === 62) break;
    // ltx treats '!' and '?' anywhere in a tag name as a comment/CDATA or instruction; quotes and '<' are not names.
    if (c === 33 || c === 63 || c === 60 || c === 34 || c === 39 || c === 61) return OTHER;
  }
  if (pos >= len) return INCOMPLETE;
  if (pos === lt + 1) return OTHER;
  tagNameEnd = pos;
  attrCount = 0;
  for (;;) {
    let c = text.charCodeAt(pos);
    while (c <= 32) {
      if (++pos >= len) return INCOMPLETE;
      c = text.charCodeAt(pos);
    }
    if (c === 62) {
      tagSelfClosing = false;
      return pos + 1;
    }
    if (c === 47) {
      if (pos + 1 >= len) return INCOMPLETE;
      if (text.charCodeAt(pos + 1) !== 62) return OTHER;
      tagSelfClosing = true;
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
      if (attrCount === MAX_ATTRS) return OTHER;
      const at = attrCount++ * 4;
      attrs[at] = nameStart;
      attrs[at + 1] = nameEnd;
      attrs[at + 2] = pos + 1;
      attrs[at + 3] = close;
    }
    pos = close + 1;
    if (pos >= len) return INCOMPLETE;
  }
}

/** The first `code` in text[start, end), or -1 (String#indexOf would search on to the end of the chunk). */
function find(text: string, code: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
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
    if (
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff)
    ) {
      return String.fromCodePoint(code);
    }
    throw new Error(`Illegal XML character 0x${code.toString(16)}`);
  }
  const known = ENTITIES[entity];
  if (known !== undefined) return known;
  throw new Error(`Illegal XML entity ${entity}`);
}

/**
 * ltx's unescapeXML (ltx/lib/escape.js), the same result for the same input: the text of
 * [start, end) with entities and character references resolved. Throws where ltx throws (the caller
 * then leaves the stanza to ltx, which throws the same error).
 */
export function unescapeXml(text: string, start: number, end: number): string {
  let amp = find(text, 38, start, end);
  if (amp === -1) return text.slice(start, end);
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

function attrIs(text: string, index: number, name: string): boolean {
  const at = index * 4;
  return attrs[at + 1] - attrs[at] === name.length && text.startsWith(name, attrs[at]);
}

function attrValue(text: string, index: number): string {
  const at = index * 4;
  return unescapeXml(text, attrs[at + 2], attrs[at + 3]);
}

/** True when text between tags is something ltx unescapes without throwing. */
function textOk(text: string, start: number, end: number): boolean {
  if (find(text, 38, start, end) === -1) return true;
  try {
    unescapeXml(text, start, end);
    return true;
  } catch {
    return false;
  }
}

/** `</name>` at `lt` for the name text[nameStart, nameEnd): the index after it, INCOMPLETE or OTHER. */
function endTag(text: string, lt: number, nameStart: number, nameEnd: number): number {
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

/** Skips the content of the element whose name is text[nameStart, nameEnd), from `pos` to after its end tag. */
function skipContent(text: string, pos: number, nameStart: number, nameEnd: number): number {
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
    for (let i = 0; i < attrCount; i++) {
      // An attribute value ltx would fail to unescape: leave the whole stanza to ltx.
      const at = i * 4;
      if (!textOk(text, attrs[at + 2], attrs[at + 3])) return OTHER;
    }
    if (!tagSelfClosing) {
      if (++depth === MAX_NESTING) return OTHER;
      nesting[depth * 2] = lt + 1;
      nesting[depth * 2 + 1] = tagNameEnd;
    }
    pos = end;
  }
}

/**
 * Reads the top-level <presence> starting at `lt` into `raw`. Returns the index after it, INCOMPLETE
 * when it is not all there yet, or OTHER when it is not of the shape read here.
 */
export function readRawPresence(text: string, lt: number, raw: RawPresence): number {
  if (!text.startsWith('presence', lt + 1)) return OTHER;
  let pos = scanTag(text, lt, true);
  if (pos < 0) return pos;
  if (tagNameEnd !== lt + 9) return OTHER;
  raw.reset();
  try {
    for (let i = 0; i < attrCount; i++) {
      if (attrIs(text, i, 'from')) raw.from = attrValue(text, i);
      else if (attrIs(text, i, 'type')) raw.type = attrValue(text, i);
      else if (!textOk(text, attrs[i * 4 + 2], attrs[i * 4 + 3])) return OTHER;
      // Prefix declarations: the Element path resolves prefixed children; those take it.
      else if (text.startsWith('xmlns:', attrs[i * 4])) return OTHER;
    }
  } catch {
    return OTHER;
  }
  if (raw.type !== undefined && raw.type !== 'unavailable') return OTHER;
  if (tagSelfClosing) return pos;
  try {
    for (;;) {
      const lt2 = text.indexOf('<', pos);
      if (lt2 === -1 || lt2 + 1 >= text.length) return INCOMPLETE;
      if (lt2 > pos && !textOk(text, pos, lt2)) return OTHER;
      const c = text.charCodeAt(lt2 + 1);
      if (c === 47) return endTag(text, lt2, lt + 1, lt + 9);
      if (c === 33 || c === 63) return OTHER;
      const tagEnd = scanTag(text, lt2, true);
      if (tagEnd < 0) return tagEnd;
      const nameStart = lt2 + 1;
      const nameEnd = tagNameEnd;
      const nameLength = nameEnd - nameStart;
      if (find(text, 58, nameStart, nameEnd) !== -1) return OTHER;
      let xmlns: string | undefined;
      for (let i = 0; i < attrCount; i++) {
        if (attrIs(text, i, 'xmlns')) xmlns = attrValue(text, i);
        else if (!textOk(text, attrs[i * 4 + 2], attrs[i * 4 + 3])) return OTHER;
      }
      const isShow = nameLength === 4 && text.startsWith('show', nameStart);
      const isStatus = nameLength === 6 && text.startsWith('status', nameStart);
      const isPriority = nameLength === 8 && text.startsWith('priority', nameStart);
      if (isShow || isStatus || isPriority) {
        let value = '';
        if (tagSelfClosing) {
          pos = tagEnd;
        } else {
          // Text only: one text node, as getChildText reads it.
          const lt3 = text.indexOf('<', tagEnd);
          if (lt3 === -1) return INCOMPLETE;
          const end = endTag(text, lt3, nameStart, nameEnd);
          if (end < 0) return end;
          if (lt3 > tagEnd) value = unescapeXml(text, tagEnd, lt3);
          pos = end;
        }
        // The first of each counts (getChild).
        if (isShow) raw.show ??= value;
        else if (isStatus) raw.status ??= value;
        else raw.priority ??= value;
        continue;
      }
      if (nameLength === 1 && text.charCodeAt(nameStart) === 99 /* c */ && xmlns === NS_CAPS && !raw.caps) {
        raw.caps = true;
        for (let i = 0; i < attrCount; i++) {
          if (attrIs(text, i, 'hash')) raw.capsHash = attrValue(text, i);
          else if (attrIs(text, i, 'node')) raw.capsNode = attrValue(text, i);
          else if (attrIs(text, i, 'ver')) raw.capsVer = attrValue(text, i);
        }
      } else if (nameLength === 5 && text.startsWith('delay', nameStart) && xmlns === NS_DELAY && !raw.delay) {
        raw.delay = true;
        for (let i = 0; i < attrCount; i++) if (attrIs(text, i, 'stamp')) raw.delayStamp = attrValue(text, i);
      } else if (nameLength === 1 && text.charCodeAt(nameStart) === 120 /* x */ && xmlns === NS_MUC_USER) {
        // Room occupants are the MUC feature's: the normal path.
        return OTHER;
      }
      pos = tagSelfClosing ? tagEnd : skipContent(text, tagEnd, nameStart, nameEnd);
      if (pos < 0) return pos;
    }
  } catch {
    // An entity ltx would reject: ltx gets the stanza and reports it.
    return OTHER;
  }
}

/** Offered each presence read on the lean path; true when consumed (false: it goes to ltx). */
export type RawPresenceHandler = (raw: RawPresence, parser: Parser) => boolean;

type ParserClass = new () => Parser;

/** A subclass of xmpp.js's Parser (the client's `Parser`) with the lean presence path in front. */
export function presenceStreamParser(
  Base: ParserClass,
  onPresence: RawPresenceHandler,
  afterWrite: () => void = () => {},
  onElementEnd: (element: Element) => void = () => {},
): ParserClass {
  return class PresenceStreamParser extends Base {
    /** Text of an unfinished tag or presence, not yet given to ltx. */
    private held = '';
    /** After something this reader does not model: everything goes to ltx. */
    private bypass = false;
    private depth = 0;
    private readonly names: string[] = [];
    private readonly raw = new RawPresence();

    override write(data: string): void {
      try {
        this.read(data);
      } finally {
        afterWrite();
      }
    }

    private read(data: string): void {
      if (this.bypass) {
        super.write(data);
        return;
      }
      if (this.held === '') {
        this.scan(data);
        return;
      }
      // Joining what was held to the whole chunk would copy the chunk (a flat string per read):
      // join it to the chunk's head only, up to a tag start, and read the rest where it is.
      const held = this.held;
      this.held = '';
      const cut = data.indexOf('<', JOIN_HEAD);
      if (cut === -1) {
        this.scan(held + data);
        return;
      }
      this.scan(held + data.slice(0, cut));
      const rest = data.slice(cut);
      if (this.bypass) {
        super.write(rest);
      } else if (this.held === '') {
        this.scan(rest);
      } else {
        // What was held is longer than the head: join after all.
        const longer = this.held;
        this.held = '';
        this.scan(longer + rest);
      }
    }

    /** Reads `text` (what was held joined to new data), feeding ltx all it does not consume. */
    private scan(text: string): void {
      const len = text.length;
      // text[0, fed) went to ltx or was consumed.
      let fed = 0;
      let pos = 0;
      while (pos < len) {
        const lt = text.indexOf('<', pos);
        if (lt === -1) {
          pos = len;
          break;
        }
        if (lt + 1 >= len) {
          pos = lt;
          break;
        }
        const c = text.charCodeAt(lt + 1);
        if (c === 47) {
          // An end tag: it must close what is open, by name.
          const gt = text.indexOf('>', lt + 2);
          if (gt === -1) {
            pos = lt;
            break;
          }
          const open = this.depth > 0 ? this.names[this.depth - 1] : null;
          if (open === null || gt - lt - 2 !== open.length || !text.startsWith(open, lt + 2)) {
            return this.stepAside(text, fed);
          }
          this.depth--;
          pos = gt + 1;
          // The stream's end: whatever follows is ltx's business.
          if (this.depth === 0) return this.stepAside(text, fed);
          continue;
        }
        if (c === 33 && this.depth > 0 && text.startsWith('![CDATA[', lt + 1)) {
          // Character data inside an element (ltx ends it at the first "]]>"); the element is ltx's.
          const end = text.indexOf(']]>', lt + 9);
          if (end === -1) {
            pos = lt;
            break;
          }
          pos = end + 3;
          continue;
        }
        if (c === 33 || (c === 63 && this.depth > 0)) {
          // "<!" might still become "<![CDATA[": wait for enough text to tell.
          if (c === 33 && len - lt < 9 && '<![CDATA['.startsWith(text.slice(lt))) {
            pos = lt;
            break;
          }
          return this.stepAside(text, fed);
        }
        if (c === 63) {
          // The XML declaration before the stream header (ltx ends it at the first "?>").
          const end = text.indexOf('?>', lt + 1);
          if (end === -1) {
            pos = lt;
            break;
          }
          pos = end + 2;
          continue;
        }
        if (this.depth === 1 && c === 112 /* p */) {
          const end = readRawPresence(text, lt, this.raw);
          if (end >= 0) {
            if (lt > fed) super.write(text.slice(fed, lt));
            fed = lt;
            // Consumed: skipped. Declined: it stays in what goes to ltx next.
            if (onPresence(this.raw, this)) fed = end;
            pos = end;
            continue;
          }
          if (end === INCOMPLETE && len - lt <= MAX_HELD) {
            pos = lt;
            break;
          }
        }
        const end = scanTag(text, lt, false);
        if (end === INCOMPLETE) {
          pos = lt;
          break;
        }
        if (end === OTHER) return this.stepAside(text, fed);
        if (!tagSelfClosing) this.names[this.depth++] = text.slice(lt + 1, tagNameEnd);
        pos = end;
      }
      if (pos > fed) super.write(text.slice(fed, pos));
      if (pos < len) {
        if (len - pos > MAX_HELD) return this.stepAside(text, pos);
        this.held = text.slice(pos);
      }
    }

    override end(data?: string): void {
      if (data) this.write(data);
    }

    // Every element that ends, before anything else sees it (the items of a roster result are read
    // and taken out of the tree right away).
    override onEndElement(name: string): void {
      const closing = this.cursor;
      super.onEndElement(name);
      if (closing && closing.name === name && closing !== this.root) onElementEnd(closing);
    }

    /** From text[from] on, ltx alone reads this stream. */
    private stepAside(text: string, from: number): void {
      this.bypass = true;
      this.held = '';
      if (from < text.length) super.write(from === 0 ? text : text.slice(from));
    }
  };
}
