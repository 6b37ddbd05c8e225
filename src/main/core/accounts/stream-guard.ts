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
 * - policy-violation: a stanza larger or deeper than the limits below, counted as the text arrives,
 *   so an oversized stanza is refused as soon as it crosses the limit, never held whole.
 *
 * The guard is stricter than ltx everywhere, so whatever it lets through is tokenized by ltx exactly
 * as by the guard (ltx would take `<!DOCTYPE` for a comment and swallow the rest of the stream).
 * Sizes are counted in UTF-16 code units of the decoded text: never more than the bytes on the wire,
 * so a stanza a server let through under a byte limit of N never counts more than N here.
 */

import { isUtf8 } from 'node:buffer';

export type GuardCondition = 'restricted-xml' | 'not-well-formed' | 'policy-violation';

/** What the guard refused (session-errors.ts words each for the user). */
export type RefusedConstruct =
  | 'doctype'
  | 'entity-declaration'
  | 'comment'
  | 'processing-instruction'
  | 'entity-reference'
  | 'invalid-utf8'
  | 'illegal-character'
  | 'duplicate-attribute'
  | 'mismatched-end-tag'
  | 'malformed'
  | 'stanza-size'
  | 'stanza-depth'
  | 'roster-item-size'
  | 'roster-items';

const CONDITIONS: Record<RefusedConstruct, GuardCondition> = {
  doctype: 'restricted-xml',
  'entity-declaration': 'restricted-xml',
  comment: 'restricted-xml',
  'processing-instruction': 'restricted-xml',
  'entity-reference': 'restricted-xml',
  'invalid-utf8': 'not-well-formed',
  'illegal-character': 'not-well-formed',
  'duplicate-attribute': 'not-well-formed',
  'mismatched-end-tag': 'not-well-formed',
  malformed: 'not-well-formed',
  'stanza-size': 'policy-violation',
  'stanza-depth': 'policy-violation',
  'roster-item-size': 'policy-violation',
  'roster-items': 'policy-violation',
};

export interface StreamLimits {
  /** Largest top-level element (stanza, stream header) or run of text between stanzas. */
  stanza: number;
  /** Deepest nesting inside a stanza; the stanza itself is at depth 1. */
  depth: number;
  /** Largest child of a roster result's <query/> (an <item/>). */
  rosterItem: number;
  /** Most children of the <query/> of one roster result. */
  rosterItems: number;
}

export const STREAM_LIMITS: Readonly<StreamLimits> = {
  // What reaches a client was sent by another client or server through its server's input limit:
  // Prosody 0.12 c2s_stanza_size_limit 256 KiB and s2s_stanza_size_limit 512 KiB, ejabberd's shipped
  // max_stanza_size 256 KiB (c2s) and 512 KiB (s2s). Our server then wraps some of it (carbons, MAM
  // <forwarded/>, <delay/>: well under 1 KiB), and builds some results itself that no input limit
  // bounds (disco#items of a large service). Twice the larger server limit leaves room for both; it
  // is also the default of Prosody's own stream parser (util.xmppstream, 1 MiB).
  stanza: 1024 * 1024,
  // The deepest stanzas in use (a MAM result wrapping a carbon wrapping a message with an XHTML-IM
  // or Atom payload) nest about 15 deep. Servers limit size, not depth, so a contact can send 100,000
  // levels within 512 KiB; 128 leaves ample room and keeps the recursive walks over an element tree
  // (ltx's toString and clone) far from the stack limit.
  depth: 128,
  // A roster result is read item by item and each item leaves the tree once read, so the result is
  // bounded per item and by item count instead of by the stanza limit (a 10,000-contact roster is
  // ≈1.4 MB). A typical item is ≈150 bytes; 8 KiB holds a maximal JID (3,071 bytes), a long name and
  // a dozen groups.
  rosterItem: 8 * 1024,
  // Five times the 10,000 contacts the client is built and measured for. Neither Prosody nor
  // ejabberd caps a roster by default, so this bounds what one result can make us store.
  rosterItems: 50_000,
};

/** Why the guard stopped a stream; emitted as the connection's error (named XMLError, like a parser's). */
export class StreamViolation extends Error {
  readonly condition: GuardCondition;

  constructor(
    readonly construct: RefusedConstruct,
    /** For illegal-character: the code point; for policy-violation: the limit crossed. */
    readonly detail?: number,
  ) {
    super(`stream refused (${CONDITIONS[construct]}): ${construct}${detail === undefined ? '' : ` ${detail}`}`);
    this.name = 'XMLError';
    this.condition = CONDITIONS[construct];
  }
}

// Tokenizer states.
const TEXT = 0;
/** After '<'. */
const LT = 1;
const TAG_NAME = 2;
/** Inside a start tag, between attributes. */
const IN_TAG = 3;
const ATTR_NAME = 4;
/** After an attribute name, before '='. */
const ATTR_EQ = 5;
/** After '=', before the opening quote. */
const ATTR_QUOTE = 6;
const ATTR_VALUE = 7;
/** After '/' in a start tag. */
const EMPTY_END = 8;
const END_TAG_NAME = 9;
/** After an end tag's name, before '>'. */
const END_TAG_END = 10;
/** After '&'. */
const REF = 11;
/** After '<!'. */
const BANG = 12;
const CDATA = 13;
/** After '<?' at the very start of the stream. */
const DECL_TARGET = 14;
/** Inside the XML declaration. */
const DECL = 15;

const NS_ROSTER = 'jabber:iq:roster';
/** The longest reference read before deciding what it is ("&" and ";" not counted). */
const MAX_REFERENCE = 40;
const MARKUP_DECLARATIONS = ['DOCTYPE', 'ENTITY', 'ELEMENT', 'ATTLIST', 'NOTATION'];
const CDATA_OPEN = '[CDATA[';
/** Characters outside XML 1.0's Char (valid UTF-8 never decodes to a lone surrogate). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ILLEGAL_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

/** ASCII name characters: 1 name start and name, 2 name only. Everything from U+0080 on counts as a name character. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) ASCII_NAME[c] = 1;
  else if (/[0-9.-]/.test(ch)) ASCII_NAME[c] = 2;
}

function isNameStart(c: number): boolean {
  return c < 128 ? ASCII_NAME[c] === 1 : true;
}

function isNameChar(c: number): boolean {
  return c < 128 ? ASCII_NAME[c] !== 0 : true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Length of the UTF-8 sequence a lead byte begins (bytes that cannot lead count 4: never complete early). */
function sequenceLength(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/** How many bytes at the end of `bytes` begin a UTF-8 sequence that is not complete yet (0–3). */
function incompleteTail(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back];
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) return sequenceLength(byte) > back ? back : 0;
  }
  return 0;
}

function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

const NAME = /^[A-Za-z_:\u0080-\uffff][A-Za-z0-9._:\u0080-\uffff-]*$/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The value of an attribute the guard checked, references resolved. */
function unescapeValue(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[^;]+);/g, (_, ref: string) =>
    ref[0] === '#'
      ? String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10))
      : (PREDEFINED[ref] ?? ''),
  );
}

export class StreamGuard {
  /** Set once the stream was refused; from then on nothing more is read. */
  violation: StreamViolation | null = null;

  private readonly limits: StreamLimits;
  /** The start of a UTF-8 sequence the last chunk ended in. */
  private pendingBytes: Buffer | null = null;
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
  private attrCount = 0;
  private quote = 0;
  private refReturn = TEXT;
  /** How many of a closing "]]>" (CDATA) or "?>" (declaration) the last chunk ended with. */
  private closers = 0;

  // Size accounting, in stream offsets.
  /** Start of the current top-level unit: a stanza, the stream header, or the text between stanzas. */
  private unitStart = 0;
  /** Code units of the current stanza that do not count against the stanza limit (roster items read). */
  private excluded = 0;
  /** Start of the open child of a roster result's <query/>, or -1. */
  private childStart = -1;
  private rosterChildren = 0;
  /** The open stanza is <iq type='result'>. */
  private rosterResult = false;
  /** A roster <query/> is open at level 3 inside that result. */
  private rosterQuery = false;

  // Attributes the roster accounting needs: the stanza's type, the query's xmlns.
  private capturing = false;
  private captured = '';
  private iqType = '';
  private queryNs = '';

  constructor(limits: Partial<StreamLimits> = {}) {
    this.limits = { ...STREAM_LIMITS, ...limits };
  }

  /**
   * Reads one chunk of the stream's bytes. Returns the text a parser may read: all of it, or after a
   * violation the part before the top-level unit it happened in (complete stanzas before it are kept),
   * and '' from then on.
   */
  read(chunk: Uint8Array): string {
    if (this.violation) return '';
    const text = this.decode(chunk);
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
        const over = this.oversize(this.base + length - (this.state === LT ? 1 : 0));
        if (over) this.violation = over;
      }
    }
    if (this.violation) return text.slice(0, Math.min(length, Math.max(0, this.unitStart - this.base)));
    this.base += length;
    return text;
  }

  /**
   * The text of `chunk`, or null when it is not valid UTF-8. Checked by simdutf (buffer.isUtf8) and
   * decoded by Buffer#toString, several times faster than a fatal TextDecoder; a sequence split
   * between chunks waits for the rest.
   */
  private decode(chunk: Uint8Array): string | null {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let head = '';
    const pending = this.pendingBytes;
    if (pending) {
      const take = Math.min(bytes.length, sequenceLength(pending[0]) - pending.length);
      const joined = Buffer.concat([pending, bytes.subarray(0, take)]);
      bytes = bytes.subarray(take);
      if (joined.length < sequenceLength(joined[0])) {
        this.pendingBytes = joined;
        return '';
      }
      this.pendingBytes = null;
      if (!isUtf8(joined)) return null;
      head = joined.toString('utf8');
    }
    const tail = incompleteTail(bytes);
    const body = tail === 0 ? bytes : bytes.subarray(0, bytes.length - tail);
    if (!isUtf8(body)) return null;
    if (tail !== 0) this.pendingBytes = Buffer.from(bytes.subarray(bytes.length - tail));
    let text = head + body.toString('utf8');
    // A byte order mark may open the stream (XML 1.0 §4.3.3); it is not text.
    if (this.base === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  }

  /** Records the violation at stream offset `at`, unless a size limit was crossed before it; returns false. */
  private fail(construct: RefusedConstruct, at: number, detail?: number): false {
    this.violation ??= this.oversize(at) ?? new StreamViolation(construct, detail);
    return false;
  }

  /** The size limit the text up to stream offset `at` crosses, if any. */
  private oversize(at: number): StreamViolation | null {
    const inChild = this.childStart >= 0 ? at - this.childStart : 0;
    if (inChild > this.limits.rosterItem) return new StreamViolation('roster-item-size', this.limits.rosterItem);
    if (at - this.unitStart - this.excluded - inChild > this.limits.stanza) {
      return new StreamViolation('stanza-size', this.limits.stanza);
    }
    return null;
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
          if (c < 128 ? ASCII_NAME[c] === 1 : true) {
            if (!this.beginElement()) return;
            mark = pos++;
            state = TAG_NAME;
          } else if (c === 47 /* / */) {
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
          if (this.partial === '' && pos - mark === open.length && text.startsWith(open, mark)) {
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
    const at = this.ltOffset;
    const level = this.level;
    if (level === 0 && this.rootClosed) return this.fail('malformed', at);
    if (level > this.limits.depth) return this.fail('stanza-depth', at, this.limits.depth);
    if (level === 1) {
      // A stanza begins: the text before it is a unit of its own.
      const over = this.oversize(at);
      if (over) return this.fail('stanza-size', at);
      this.unitStart = at;
      this.excluded = 0;
      this.rosterChildren = 0;
    } else if (level === 3 && this.rosterQuery) {
      const over = this.oversize(at);
      if (over) return this.fail('stanza-size', at);
      if (++this.rosterChildren > this.limits.rosterItems) {
        return this.fail('roster-items', at, this.limits.rosterItems);
      }
      this.childStart = at;
    }
    return true;
  }

  /** An attribute name was read: refuse duplicates, note the attributes the roster accounting needs. */
  private attributeName(name: string, at: number): boolean {
    const names = this.attrNames;
    const count = this.attrCount;
    for (let i = 0; i < count; i++) if (names[i] === name) return this.fail('duplicate-attribute', at);
    names[count] = name;
    this.attrCount = count + 1;
    const level = this.level;
    this.capturing =
      (level === 1 && name === 'type' && this.tagName === 'iq') ||
      (level === 2 && name === 'xmlns' && this.rosterResult && this.tagName === 'query');
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
    if (level === 0) {
      // The stream header: a unit of its own, then the text before the first stanza.
      if (this.oversize(after)) return this.fail('stanza-size', after);
      this.unitStart = after;
      if (empty) this.rootClosed = true;
      else this.names[this.level++] = name;
      return true;
    }
    if (level === 1) {
      this.rosterResult = name === 'iq' && this.iqType === 'result';
    } else if (level === 2 && this.rosterResult && name === 'query' && this.queryNs === NS_ROSTER) {
      this.rosterQuery = !empty;
    }
    if (!empty) {
      this.names[this.level++] = name;
      return true;
    }
    return this.elementEnded(level + 1, name, after);
  }

  /** An end tag ended at stream offset `after`. */
  private endTag(after: number): boolean {
    const level = this.level;
    if (level === 0) return this.fail('malformed', after);
    const name = this.tagName;
    if (name !== this.names[level - 1]) return this.fail('mismatched-end-tag', after);
    this.level = level - 1;
    return this.elementEnded(level, name, after);
  }

  /** The element named `name` at `level` (the root is 1) ended at stream offset `after`. */
  private elementEnded(level: number, name: string, after: number): boolean {
    if (level === 1) {
      this.rootClosed = true;
      this.unitStart = after;
    } else if (level === 2) {
      if (this.oversize(after)) return this.fail('stanza-size', after);
      this.unitStart = after;
      this.excluded = 0;
      this.rosterResult = false;
    } else if (level === 3) {
      this.rosterQuery = false;
    } else if (level === 4 && this.childStart >= 0) {
      if (this.oversize(after)) return this.fail('roster-item-size', after);
      // An <item/> left the tree once read; anything else stays in it and counts as the stanza's.
      if (name === 'item') this.excluded += after - this.childStart;
      this.childStart = -1;
      if (this.oversize(after)) return this.fail('stanza-size', after);
    }
    return true;
  }
}

/** text.indexOf(search, from), or `end` when it is not before `end`. */
function indexOrEnd(text: string, search: string, from: number, end: number): number {
  const index = text.indexOf(search, from);
  return index === -1 || index > end ? end : index;
}
