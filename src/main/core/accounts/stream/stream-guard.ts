/**
 * The stream guard: sits where the socket's bytes become text, in front of every parser (the lean
 * presence path and ltx alike), one guard per stream (a restart after STARTTLS or SASL starts a new
 * one). It decodes UTF-8 strictly and tokenizes the stream as XML as it arrives, with a small state
 * machine that carries over chunk boundaries at any byte, and refuses what RFC 6120 §11 forbids:
 *
 * - restricted-xml: a DOCTYPE or other DTD declaration, an entity declaration, a comment, a
 *   processing instruction (the XML declaration is allowed at the very start of a stream only), an
 *   entity reference other than the five predefined ones;
 * - not-well-formed: invalid UTF-8, a character outside XML 1.0's Char (also as a character
 *   reference), an attribute given twice in one tag, any markup that is not well-formed XML;
 * - policy-violation: a stanza larger or deeper than the limits (stream-limits.ts), counted as the
 *   text arrives, so an oversized stanza is refused as soon as it crosses the limit, never held whole.
 *
 * The guard is stricter than ltx everywhere, so whatever it lets through is tokenized by ltx exactly
 * as by the guard (ltx would take `<!DOCTYPE` for a comment and swallow the rest of the stream).
 * Sizes are counted in UTF-16 code units of the decoded text: never more than the bytes on the wire,
 * so a stanza a server let through under a byte limit of N never counts more than N here.
 */

import {
  ILLEGAL_CHARACTER,
  NAME,
  PREDEFINED,
  StrictUtf8Decoder,
  indexOrEnd,
  sameText,
  scanStartTag,
  textIs,
  startTag,
  attributeOf,
  isNameChar,
  isNameStart,
  isSpace,
  isXmlChar,
  onlySpace,
  unescapeValue,
} from './stream-text';
import { type CheckedRosterItems, readCheckedItem } from './checked-roster-item';
import { STREAM_LIMITS, StanzaMeter, StreamViolation, type RefusedConstruct, type StreamLimits } from './stream-limits';

export type { StreamLimits } from './stream-limits';

// Tokenizer states.
const TEXT = 0;
const LT = 1; // after '<'
const TAG_NAME = 2;
const IN_TAG = 3; // inside a start tag, between attributes
const ATTR_NAME = 4;
const ATTR_EQ = 5; // after an attribute name, before '='
const ATTR_QUOTE = 6; // after '=', before the opening quote
const ATTR_VALUE = 7;
const EMPTY_END = 8; // after '/' in a start tag
const END_TAG_NAME = 9;
const END_TAG_END = 10; // after an end tag's name, before '>'
const REF = 11; // after '&'
const BANG = 12; // after '<!'
const CDATA = 13;
/** After '<?' at the very start of the stream. */
const DECL_TARGET = 14;
/** Inside the XML declaration. */
const DECL = 15;

/** The longest reference read before deciding what it is ("&" and ";" not counted). */
const MAX_REFERENCE = 40;
/** Up to this many attributes per tag, duplicates are found by comparing with each. */
const FEW_ATTRIBUTES = 8;
const MARKUP_DECLARATIONS = ['DOCTYPE', 'ENTITY', 'ELEMENT', 'ATTLIST', 'NOTATION'];
const CDATA_OPEN = '[CDATA[';

export class StreamGuard {
  /** Set once the stream was refused; from then on nothing more is read. */
  violation: StreamViolation | null = null;
  /** Where the roster items this guard reads in one pass go (the lean parser's), if anywhere. */
  items: CheckedRosterItems | null = null;

  private readonly limits: StreamLimits;
  private readonly meter: StanzaMeter;
  private readonly decoder = new StrictUtf8Decoder();
  /** Stream offset (UTF-16 code units) of the first character of the chunk being read. */
  private base = 0;
  private state = TEXT;
  /** Open elements, the stream's root included. */
  private level = 0;
  private readonly names: string[] = [];
  private rootClosed = false;
  /** Stream offset of the '<' of the markup being read. */
  private ltOffset = 0;
  /** The part of a name, reference or '<!…' keyword read in earlier chunks. */
  private partial = '';
  private tagName = '';
  /** Whitespace since the tag name or the last attribute value (an attribute must follow some). */
  private spaceBefore = false;
  private readonly attrNames: string[] = [];
  private readonly manyAttributes = new Set<string>();
  private attrCount = 0;
  private quote = 0;
  private refReturn = TEXT;
  /** How many of a closing "]]>" (CDATA) or "?>" (declaration) the last chunk ended with. */
  private closers = 0;

  // Attributes the roster accounting needs: the stanza's type, the query's xmlns.
  private capturing = false;
  private captured = '';
  private iqType = '';
  private queryNs = '';

  constructor(limits: Partial<StreamLimits> = {}) {
    this.limits = { ...STREAM_LIMITS, ...limits };
    this.meter = new StanzaMeter(this.limits);
  }

  /**
   * Reads one chunk of the stream's bytes. Returns the text a parser may read: all of it, or after a
   * violation the part before the top-level unit it happened in (complete stanzas before it are kept),
   * and '' from then on.
   */
  read(chunk: Uint8Array): string {
    if (this.violation) return '';
    this.items?.clear();
    const text = this.decoder.decode(chunk);
    if (text === null) {
      this.fail('invalid-utf8', this.base);
      return '';
    }
    const length = text.length;
    if (length === 0) return '';
    const illegal = text.search(ILLEGAL_CHARACTER);
    const end = illegal === -1 ? length : illegal;
    this.scan(text, end);
    if (!this.violation) {
      if (end < length) {
        this.fail('illegal-character', this.base + end, text.charCodeAt(end));
      } else {
        // A '<' at the very end might open a roster item or not: counted once the next chunk tells.
        this.violation = this.meter.oversize(this.base + length - (this.state === LT ? 1 : 0));
      }
    }
    if (this.violation) return text.slice(0, Math.min(length, Math.max(0, this.meter.unitStart - this.base)));
    this.base += length;
    return text;
  }

  /** Records the violation at stream offset `at`, unless a size limit was crossed before it; returns false. */
  private fail(construct: RefusedConstruct, at: number, detail?: number): false {
    this.violation ??= this.meter.oversize(at) ?? new StreamViolation(construct, detail);
    return false;
  }

  /** True without `violation`; records it otherwise. */
  private ok(violation: StreamViolation | null): boolean {
    this.violation ??= violation;
    return violation === null;
  }

  /** Tokenizes text[0, end) from the state the previous chunk left. */
  private scan(text: string, end: number): void {
    const base = this.base;
    let state = this.state;
    let pos = 0;
    /** Where the token being read (name, reference) began in this chunk. */
    let mark = 0;
    /** Where the captured attribute value continues in this chunk. */
    let captureMark = 0;
    // The next '<' and '&' at or after some position (end when none): each is searched once.
    let nextLt = -1;
    let nextAmp = -1;

    while (pos < end) {
      switch (state) {
        case TEXT: {
          if (nextLt < pos) nextLt = indexOrEnd(text, '<', pos, end);
          if (nextAmp < pos) nextAmp = indexOrEnd(text, '&', pos, end);
          if (this.level === 0 && !onlySpace(text, pos, nextLt)) return void this.fail('malformed', base + pos);
          if (nextAmp < nextLt) {
            pos = mark = nextAmp + 1;
            this.partial = '';
            this.refReturn = TEXT;
            state = REF;
          } else if (nextLt === end) {
            pos = end;
          } else {
            this.ltOffset = base + nextLt;
            pos = nextLt + 1;
            state = LT;
          }
          continue;
        }

        case LT: {
          const c = text.charCodeAt(pos);
          this.partial = '';
          if (isNameStart(c)) {
            if (c === 105 /* i */ && this.level === 3 && this.items && this.meter.inRosterQuery) {
              const after = this.checkedItem(text, pos - 1, end, this.items);
              if (after === 0) return;
              if (after > 0) {
                pos = after;
                state = TEXT;
                continue;
              }
            }
            if (!this.beginElement()) return;
            if (nextLt < pos) nextLt = indexOrEnd(text, '<', pos, end);
            if (nextAmp < pos) nextAmp = indexOrEnd(text, '&', pos, end);
            const after = this.fastStartTag(text, pos, end, nextLt, nextAmp);
            if (after === 0) return;
            if (after > 0) {
              pos = after;
              state = TEXT;
            } else {
              mark = pos++;
              state = TAG_NAME;
            }
          } else if (c === 47 /* / */) {
            // The usual end tag, `</name>` of the open element, in one go.
            const open = this.level > 0 ? this.names[this.level - 1] : '';
            const gt = pos + 1 + open.length;
            if (open !== '' && gt < end && text.charCodeAt(gt) === 62 && textIs(text, pos + 1, open)) {
              this.tagName = open;
              pos = gt + 1;
              if (!this.endTag(base + pos)) return;
              state = TEXT;
              continue;
            }
            pos = mark = pos + 1;
            state = END_TAG_NAME;
          } else if (c === 33 /* ! */) {
            pos++;
            state = BANG;
          } else if (c === 63 /* ? */) {
            if (this.ltOffset !== 0) return void this.fail('processing-instruction', this.ltOffset);
            pos++;
            state = DECL_TARGET;
          } else {
            return void this.fail('malformed', base + pos);
          }
          continue;
        }

        case TAG_NAME: {
          while (pos < end && isNameChar(text.charCodeAt(pos))) pos++;
          if (pos === end) continue;
          this.tagName = this.partial === '' ? text.slice(mark, pos) : this.partial + text.slice(mark, pos);
          this.partial = '';
          this.attrCount = 0;
          this.iqType = '';
          this.queryNs = '';
          this.spaceBefore = false;
          state = IN_TAG;
          continue;
        }

        case IN_TAG: {
          let c = text.charCodeAt(pos);
          if (isSpace(c)) {
            this.spaceBefore = true;
            do {
              if (++pos === end) break;
              c = text.charCodeAt(pos);
            } while (isSpace(c));
            if (pos === end) continue;
          }
          if (c === 62 /* > */) {
            pos++;
            if (!this.endStartTag(false, base + pos)) return;
            state = TEXT;
          } else if (c === 47 /* / */) {
            pos++;
            state = EMPTY_END;
          } else if (this.spaceBefore && isNameStart(c)) {
            mark = pos++;
            state = ATTR_NAME;
          } else {
            return void this.fail('malformed', base + pos);
          }
          continue;
        }

        case ATTR_NAME: {
          while (pos < end && isNameChar(text.charCodeAt(pos))) pos++;
          if (pos === end) continue;
          const name = this.partial === '' ? text.slice(mark, pos) : this.partial + text.slice(mark, pos);
          this.partial = '';
          if (!this.attributeName(name, base + pos)) return;
          state = ATTR_EQ;
          continue;
        }

        case ATTR_EQ:
        case ATTR_QUOTE: {
          let c = text.charCodeAt(pos);
          while (isSpace(c)) {
            if (++pos === end) break;
            c = text.charCodeAt(pos);
          }
          if (pos === end) continue;
          if (state === ATTR_EQ && c === 61 /* = */) {
            state = ATTR_QUOTE;
          } else if (state === ATTR_QUOTE && (c === 34 || c === 39)) {
            this.quote = c;
            this.captured = '';
            captureMark = pos + 1;
            state = ATTR_VALUE;
          } else {
            return void this.fail('malformed', base + pos);
          }
          pos++;
          continue;
        }

        case ATTR_VALUE: {
          // Whichever comes first: the closing quote, a reference, or a '<' (not allowed here).
          const close = indexOrEnd(text, this.quote === 34 ? '"' : "'", pos, end);
          if (nextAmp < pos) nextAmp = indexOrEnd(text, '&', pos, end);
          if (nextLt < pos) nextLt = indexOrEnd(text, '<', pos, end);
          if (nextLt < close && nextLt < nextAmp) return void this.fail('malformed', base + nextLt);
          if (nextAmp < close) {
            pos = mark = nextAmp + 1;
            this.partial = '';
            this.refReturn = ATTR_VALUE;
            state = REF;
            continue;
          }
          pos = close;
          if (close === end) continue;
          if (this.capturing) this.attributeValue(this.captured + text.slice(captureMark, close));
          pos++;
          this.spaceBefore = false;
          state = IN_TAG;
          continue;
        }

        case EMPTY_END: {
          if (text.charCodeAt(pos) !== 62) return void this.fail('malformed', base + pos);
          pos++;
          if (!this.endStartTag(true, base + pos)) return;
          state = TEXT;
          continue;
        }

        case END_TAG_NAME: {
          while (pos < end && isNameChar(text.charCodeAt(pos))) pos++;
          if (pos === end) continue;
          // Compared in place with the element it should end: no copy of the name in the usual case.
          const open = this.level > 0 ? this.names[this.level - 1] : '';
          if (this.partial === '' && pos - mark === open.length && textIs(text, mark, open)) {
            this.tagName = open;
          } else {
            this.tagName = this.partial + text.slice(mark, pos);
            this.partial = '';
            if (!isNameStart(this.tagName.charCodeAt(0))) return void this.fail('malformed', base + pos);
          }
          state = END_TAG_END;
          continue;
        }

        case END_TAG_END: {
          let c = text.charCodeAt(pos);
          while (isSpace(c)) {
            if (++pos === end) break;
            c = text.charCodeAt(pos);
          }
          if (pos === end) continue;
          if (c !== 62) return void this.fail('malformed', base + pos);
          pos++;
          if (!this.endTag(base + pos)) return;
          state = TEXT;
          continue;
        }

        case REF: {
          while (pos < end) {
            const c = text.charCodeAt(pos);
            if (c === 59 /* ; */) {
              const reference = this.partial + text.slice(mark, pos);
              this.partial = '';
              if (!this.reference(reference, base + pos)) return;
              pos++;
              state = this.refReturn;
              break;
            }
            if (!isNameChar(c) && c !== 35 /* # */) return void this.fail('malformed', base + pos);
            pos++;
            if (this.partial.length + pos - mark > MAX_REFERENCE) {
              // Longer than any reference in use: refused as what it can still become.
              const sofar = this.partial + text.slice(mark, pos);
              return void this.fail(NAME.test(sofar) ? 'entity-reference' : 'malformed', base + pos);
            }
          }
          continue;
        }

        case BANG: {
          // '<!' opens a comment, a CDATA section or a declaration: read enough to tell which.
          const word = (this.partial += text[pos++]);
          if (word[0] === '-') return void this.fail('comment', this.ltOffset);
          if (CDATA_OPEN.startsWith(word)) {
            if (word.length < CDATA_OPEN.length) continue;
            if (this.level === 0) return void this.fail('malformed', this.ltOffset);
            this.closers = 0;
            state = CDATA;
            continue;
          }
          const upper = word.toUpperCase();
          const declaration = MARKUP_DECLARATIONS.find((keyword) => keyword.startsWith(upper));
          if (declaration === undefined) return void this.fail('malformed', this.ltOffset);
          if (declaration === upper) {
            return void this.fail(upper === 'ENTITY' ? 'entity-declaration' : 'doctype', this.ltOffset);
          }
          continue;
        }

        case CDATA:
        case DECL: {
          // Until "]]>" (CDATA) or "?>" (the XML declaration), which may be split across chunks.
          const closer = state === CDATA ? 93 /* ] */ : 63; /* ? */
          const need = state === CDATA ? 2 : 1;
          while (this.closers > 0 && pos < end) {
            const c = text.charCodeAt(pos);
            if (c === 62 && this.closers === need) {
              pos++;
              this.closers = 0;
              state = TEXT;
              break;
            }
            if (c === closer) {
              pos++;
              this.closers = Math.min(this.closers + 1, need);
            } else {
              this.closers = 0;
            }
          }
          if (state === TEXT || pos === end) continue;
          const close = text.indexOf(state === CDATA ? ']]>' : '?>', pos);
          if (close !== -1 && close + need + 1 <= end) {
            pos = close + need + 1;
            state = TEXT;
            continue;
          }
          let trailing = 0;
          while (trailing < need && end - 1 - trailing >= pos && text.charCodeAt(end - 1 - trailing) === closer) {
            trailing++;
          }
          this.closers = trailing;
          pos = end;
          continue;
        }

        case DECL_TARGET: {
          // '<?xml' followed by whitespace or '?' is the XML declaration; any other target is a PI.
          if (this.partial.length < 3) {
            const word = (this.partial += text[pos++]);
            if (!'xml'.startsWith(word)) return void this.fail('processing-instruction', this.ltOffset);
            continue;
          }
          const c = text.charCodeAt(pos);
          if (!isSpace(c) && c !== 63) return void this.fail('processing-instruction', this.ltOffset);
          this.closers = 0;
          state = DECL;
          continue;
        }
      }
    }

    // The chunk ends inside a token: keep what it has of it.
    this.state = state;
    if (state === TAG_NAME || state === ATTR_NAME || state === END_TAG_NAME || state === REF) {
      this.partial += text.slice(mark, end);
    }
    if (this.capturing && (state === REF ? this.refReturn : state) === ATTR_VALUE) {
      this.captured += text.slice(captureMark, end);
    }
  }

  /** A start tag begins ('<' and a name character at ltOffset): depth and size checks. */
  private beginElement(): boolean {
    if (this.level === 0 && this.rootClosed) return this.fail('malformed', this.ltOffset);
    return this.ok(this.meter.elementBegins(this.level, this.ltOffset));
  }

  /**
   * A roster item at `lt` read, checked and kept for the lean parser in one go (checked-roster-item.ts):
   * the index after it, 0 when refused (a limit), -1 when the states must read it (also when its
   * <group/> children would be too deep).
   */
  private checkedItem(text: string, lt: number, end: number, items: CheckedRosterItems): number {
    const after = this.limits.depth < 4 ? -1 : readCheckedItem(text, lt, end, items.spare(), items.groupNames);
    if (after < 0) return -1;
    if (!this.beginElement() || !this.ok(this.meter.elementEnded(4, 'item', this.base + after))) return 0;
    items.add(this.ltOffset, this.base + after);
    return after;
  }

  /**
   * A start tag of the usual shape read in one go (scanStartTag) from its name at `from`: returns the
   * index after it, 0 when it was refused, -1 when the states must read it. It refuses only what the
   * states would refuse at the same place: a duplicate attribute (a tag of the usual shape has
   * nothing else to refuse).
   */
  private fastStartTag(text: string, from: number, end: number, ltAt: number, ampAt: number): number {
    const after = scanStartTag(text, from, end, ltAt, ampAt);
    if (after < 0) return -1;
    const { attrs, count } = startTag;
    for (let j = 1; j < count; j++) {
      const start = attrs[j * 4];
      const length = attrs[j * 4 + 1] - start;
      for (let i = 0; i < j; i++) {
        if (attrs[i * 4 + 1] - attrs[i * 4] === length && sameText(text, attrs[i * 4], start, length)) {
          this.fail('duplicate-attribute', this.base + start + length);
          return 0;
        }
      }
    }
    // The last element that ended at this depth is usually a sibling of the same name (the items of a
    // roster, their groups): its name is taken rather than copied again.
    const length = startTag.nameEnd - from;
    const sibling = this.names[this.level];
    const name =
      sibling !== undefined && sibling.length === length && textIs(text, from, sibling)
        ? sibling
        : text.slice(from, startTag.nameEnd);
    this.tagName = name;
    if (this.level === 1 && name === 'iq') this.iqType = attributeOf(text, 'type');
    else if (this.level === 2 && name === 'query') this.queryNs = attributeOf(text, 'xmlns');
    return this.endStartTag(startTag.empty, this.base + after) ? after : 0;
  }

  /** An attribute name was read: refuse duplicates, note the attributes the roster accounting needs. */
  private attributeName(name: string, at: number): boolean {
    const names = this.attrNames;
    const count = this.attrCount;
    if (count < FEW_ATTRIBUTES) {
      for (let i = 0; i < count; i++) if (names[i] === name) return this.fail('duplicate-attribute', at);
      names[count] = name;
    } else {
      // A tag with many attributes (a hostile one may carry 100,000): a set, not a quadratic scan.
      const seen = this.manyAttributes;
      if (count === FEW_ATTRIBUTES) {
        seen.clear();
        for (let i = 0; i < count; i++) seen.add(names[i]);
      }
      if (seen.has(name)) return this.fail('duplicate-attribute', at);
      seen.add(name);
    }
    this.attrCount = count + 1;
    const level = this.level;
    this.capturing =
      (level === 1 && name === 'type' && this.tagName === 'iq') ||
      (level === 2 && name === 'xmlns' && this.tagName === 'query');
    return true;
  }

  private attributeValue(raw: string): void {
    this.capturing = false;
    if (this.level === 1) this.iqType = unescapeValue(raw);
    else this.queryNs = unescapeValue(raw);
  }

  /** A reference (between '&' and ';') was read. */
  private reference(reference: string, at: number): boolean {
    if (PREDEFINED[reference] !== undefined) return true;
    if (reference[0] === '#') {
      const hex = /^#x[0-9A-Fa-f]+$/.test(reference);
      if (!hex && !/^#[0-9]+$/.test(reference)) return this.fail('malformed', at);
      const code = hex ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
      return isXmlChar(code) || this.fail('illegal-character', at, Math.min(code, 0x110000));
    }
    return this.fail(NAME.test(reference) ? 'entity-reference' : 'malformed', at);
  }

  /** A start tag ended at stream offset `after` (just past its '>'). */
  private endStartTag(empty: boolean, after: number): boolean {
    const level = this.level;
    const name = this.tagName;
    this.capturing = false;
    const attribute = level === 1 ? this.iqType : this.queryNs;
    if (!this.ok(this.meter.startTagEnded(level, name, attribute, empty, after))) return false;
    if (!empty) this.names[this.level++] = name;
    else if (level === 0) this.rootClosed = true;
    return true;
  }

  /** An end tag ended at stream offset `after`. */
  private endTag(after: number): boolean {
    const level = this.level;
    if (level === 0) return this.fail('malformed', after);
    const name = this.tagName;
    if (name !== this.names[level - 1]) return this.fail('mismatched-end-tag', after);
    this.level = level - 1;
    if (level === 1) this.rootClosed = true;
    return this.ok(this.meter.elementEnded(level, name, after));
  }
}
