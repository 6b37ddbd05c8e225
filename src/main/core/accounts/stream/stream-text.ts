/**
 * Text-level helpers of the stream guard (stream-guard.ts): strict UTF-8 decoding and the character
 * classes of XML 1.0 it checks names, references and characters against.
 */
import { isUtf8 } from 'node:buffer';

/** Characters outside XML 1.0's Char (valid UTF-8 never decodes to a lone surrogate). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const ILLEGAL_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

/** ASCII name characters: 1 name start and name, 2 name only. Everything from U+0080 on counts as a name character. */
export const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) ASCII_NAME[c] = 1;
  else if (/[0-9.-]/.test(ch)) ASCII_NAME[c] = 2;
}

export function isNameStart(c: number): boolean {
  return c < 128 ? ASCII_NAME[c] === 1 : true;
}

export function isNameChar(c: number): boolean {
  return c < 128 ? ASCII_NAME[c] !== 0 : true;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

export function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

export const NAME = /^[A-Za-z_:\u0080-\uffff][A-Za-z0-9._:\u0080-\uffff-]*$/;
export const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The value of an attribute the guard checked, references resolved. */
export function unescapeValue(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[^;]+);/g, (_, ref: string) =>
    ref[0] === '#'
      ? String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10))
      : (PREDEFINED[ref] ?? ''),
  );
}

/** text.indexOf(search, from), or `end` when it is not before `end`. */
export function indexOrEnd(text: string, search: string, from: number, end: number): number {
  const index = text.indexOf(search, from);
  return index === -1 || index > end ? end : index;
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

/**
 * Strict UTF-8 for a stream of chunks: null for bytes that are not valid UTF-8 (RFC 6120 §11.6: no
 * silent U+FFFD). Checked by simdutf (buffer.isUtf8) and decoded by Buffer#toString, several times
 * faster than a fatal TextDecoder; a sequence split between chunks waits for the rest.
 */
export class StrictUtf8Decoder {
  /** The start of a UTF-8 sequence the last chunk ended in. */
  private pendingBytes: Buffer | null = null;
  private started = false;

  decode(chunk: Uint8Array): string | null {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

/** Most attributes scanStartTag reads; a tag with more takes the tokenizer's states. */
const FAST_ATTRIBUTES = 8;

/** What scanStartTag read: offsets into the text. */
export const startTag = {
  nameEnd: 0,
  empty: false,
  count: 0,
  /** nameStart, nameEnd, valueStart, valueEnd per attribute. */
  attrs: new Int32Array(FAST_ATTRIBUTES * 4),
};

/**
 * Reads a start tag of the usual shape in one go, from its name at `from` (just after '<') to its
 * '>' within text[0, end): a name, then up to FAST_ATTRIBUTES whitespace-separated `name='value'`
 * with no whitespace around '=' and no '<' or '&' in the value. `ltAt` and `ampAt` are the first
 * '<' and '&' at or after `from` (or `end`). Returns the index after the tag, or -1 for anything
 * else, which the tokenizer's states then read one token at a time.
 */
export function scanStartTag(text: string, from: number, end: number, ltAt: number, ampAt: number): number {
  const attrs = startTag.attrs;
  let pos = from;
  let c = 0;
  while (pos < end && isNameChar((c = text.charCodeAt(pos)))) pos++;
  if (pos >= end) return -1;
  startTag.nameEnd = pos;
  let count = 0;
  for (;;) {
    let space = false;
    while (c === 32 || c === 10 || c === 9 || c === 13) {
      space = true;
      if (++pos >= end) return -1;
      c = text.charCodeAt(pos);
    }
    if (c === 62 /* > */ || c === 47 /* / */) {
      const empty = c === 47;
      if (empty && (pos + 1 >= end || text.charCodeAt(pos + 1) !== 62)) return -1;
      startTag.empty = empty;
      startTag.count = count;
      return empty ? pos + 2 : pos + 1;
    }
    if (!space || count === FAST_ATTRIBUTES || !isNameStart(c)) return -1;
    const nameStart = pos;
    while (++pos < end && isNameChar((c = text.charCodeAt(pos))));
    if (pos + 1 >= end || c !== 61 /* = */) return -1;
    const nameEnd = pos;
    const quote = text.charCodeAt(++pos);
    if (quote !== 34 && quote !== 39) return -1;
    const valueStart = pos + 1;
    pos = text.indexOf(quote === 34 ? '"' : "'", valueStart);
    if (pos === -1 || pos + 1 >= end || ltAt < pos || ampAt < pos) return -1;
    const at = count++ * 4;
    attrs[at] = nameStart;
    attrs[at + 1] = nameEnd;
    attrs[at + 2] = valueStart;
    attrs[at + 3] = pos++;
    c = text.charCodeAt(pos);
  }
}

/** text[a, a + length) equals text[b, b + length). */
export function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/** text.startsWith(name, at), without the builtin's call overhead (names are short). */
export function textIs(text: string, at: number, name: string): boolean {
  const length = name.length;
  for (let i = 0; i < length; i++) if (text.charCodeAt(at + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** The value of the attribute `name` scanStartTag read, or ''. */
export function attributeOf(text: string, name: string): string {
  const { attrs, count } = startTag;
  for (let i = 0; i < count; i++) {
    const at = i * 4;
    if (attrs[at + 1] - attrs[at] === name.length && text.startsWith(name, attrs[at])) {
      return text.slice(attrs[at + 2], attrs[at + 3]);
    }
  }
  return '';
}
