/**
 * What a file is, from its first bytes: the image and video types the renderer may show, with their
 * pixel dimensions read from the headers (never by decoding the image). The type a sender or server
 * claims is never used: HTML, SVG and anything else without one of these signatures is not media.
 *
 * Every read is bounds-checked: a truncated or hostile header gives null or unknown dimensions,
 * never an exception or a read past the buffer.
 */

import type { ImageMime, MediaMime } from '../../../shared/media';

export interface Sniffed {
  mime: MediaMime;
  /** Pixels, or null when the header holding them is not within the bytes given. */
  width: number | null;
  height: number | null;
}

/** How many leading bytes to give sniffMedia: a JPEG's frame header can follow 64 KiB segments of metadata. */
export const SNIFF_BYTES = 256 * 1024;

export function isImageMime(mime: MediaMime): mime is ImageMime {
  return mime.startsWith('image/');
}

/** The media type and dimensions of `head` (a file's first bytes), or null when it is none we show. */
export function sniffMedia(head: Uint8Array): Sniffed | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (startsWith(b, PNG_SIGNATURE)) return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return gif(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (ascii(b, 4, 4) === 'ftyp') return isoMedia(b);
  if (startsWith(b, EBML_MAGIC)) return webm(b);
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

function startsWith(b: Buffer, bytes: number[]): boolean {
  return b.length >= bytes.length && bytes.every((byte, i) => b[i] === byte);
}

function ascii(b: Buffer, at: number, length: number): string {
  return at >= 0 && at + length <= b.length ? b.toString('latin1', at, at + length) : '';
}

function u16be(b: Buffer, at: number): number | null {
  return at >= 0 && at + 2 <= b.length ? b.readUInt16BE(at) : null;
}

function u32be(b: Buffer, at: number): number | null {
  return at >= 0 && at + 4 <= b.length ? b.readUInt32BE(at) : null;
}

function dims(width: number | null, height: number | null): { width: number | null; height: number | null } {
  // Zero is no size at all: treat it like a header we could not read.
  if (!width || !height) return { width: null, height: null };
  return { width, height };
}

function png(b: Buffer): Sniffed {
  // The first chunk must be IHDR: length 13, then width and height.
  const ok = u32be(b, 8) === 13 && ascii(b, 12, 4) === 'IHDR';
  return { mime: 'image/png', ...dims(ok ? u32be(b, 16) : null, ok ? u32be(b, 20) : null) };
}

function gif(b: Buffer): Sniffed {
  const ok = b.length >= 10;
  return { mime: 'image/gif', ...dims(ok ? b.readUInt16LE(6) : null, ok ? b.readUInt16LE(8) : null) };
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpeg(b: Buffer): Sniffed {
  let at = 2;
  // Each step moves forward by at least two bytes, so the loop ends within the buffer.
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) break;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or entropy-coded data: no frame header before it
    const length = b.readUInt16BE(at + 2);
    if (length < 2) break;
    if (isStartOfFrame(marker)) {
      return { mime: 'image/jpeg', ...dims(u16be(b, at + 7), u16be(b, at + 5)) };
    }
    at += 2 + length;
  }
  return { mime: 'image/jpeg', width: null, height: null };
}

function webp(b: Buffer): Sniffed {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    // Key frame start code 9D 01 2A, then 14-bit width and height.
    const ok = b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a;
    return {
      mime: 'image/webp',
      ...dims(ok ? b.readUInt16LE(26) & 0x3fff : null, ok ? b.readUInt16LE(28) & 0x3fff : null),
    };
  }
  if (chunk === 'VP8L') {
    if (b.length < 25 || b[20] !== 0x2f) return { mime: 'image/webp', width: null, height: null };
    const bits = b.readUInt32LE(21);
    return { mime: 'image/webp', ...dims((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1) };
  }
  if (chunk === 'VP8X') {
    if (b.length < 30) return { mime: 'image/webp', width: null, height: null };
    return { mime: 'image/webp', ...dims(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1) };
  }
  return { mime: 'image/webp', width: null, height: null };
}

// ---------- ISO base media (AVIF, MP4) ----------

interface Box {
  type: string;
  /** Where the box's content starts and ends (end may lie beyond the buffer). */
  start: number;
  end: number;
}

/** The boxes between `from` and `to`, at most `limit` of them; stops at the first malformed one. */
function boxes(b: Buffer, from: number, to: number, limit = 256): Box[] {
  const found: Box[] = [];
  let at = from;
  while (at + 8 <= Math.min(to, b.length) && found.length < limit) {
    let size = b.readUInt32BE(at);
    const type = ascii(b, at + 4, 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > b.length) break;
      const large = b.readBigUInt64BE(at + 8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) break;
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = to - at; // to the end
    }
    if (size < header) break;
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

function child(b: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  return boxes(b, parent.start + skip, parent.end).find((box) => box.type === type);
}

const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'dash', 'mmp4']);

function isoMedia(b: Buffer): Sniffed | null {
  const ftyp = boxes(b, 0, b.length, 1)[0];
  if (!ftyp || ftyp.type !== 'ftyp') return null;
  const brands = new Set<string>([ascii(b, ftyp.start, 4)]);
  for (let at = ftyp.start + 8; at + 4 <= Math.min(ftyp.end, b.length, ftyp.start + 8 + 4 * 64); at += 4) {
    brands.add(ascii(b, at, 4));
  }
  const top = boxes(b, 0, b.length);
  if (brands.has('avif') || brands.has('avis')) return avif(b, top);
  if ([...brands].some((brand) => MP4_BRANDS.has(brand))) return mp4(b, top);
  return null; // HEIC, QuickTime and others the renderer does not show
}

function avif(b: Buffer, top: Box[]): Sniffed {
  // meta (a full box) → iprp → ipco → ispe (full box: width, height); the largest one bounds the image.
  let width: number | null = null;
  let height: number | null = null;
  const meta = top.find((box) => box.type === 'meta');
  const iprp = meta && child(b, meta, 'iprp', 4);
  const ipco = iprp && child(b, iprp, 'ipco');
  if (ipco) {
    for (const box of boxes(b, ipco.start, ipco.end)) {
      if (box.type !== 'ispe') continue;
      const w = u32be(b, box.start + 4);
      const h = u32be(b, box.start + 8);
      if (w !== null && h !== null && w * h > (width ?? 0) * (height ?? 0)) {
        width = w;
        height = h;
      }
    }
  }
  return { mime: 'image/avif', ...dims(width, height) };
}

function mp4(b: Buffer, top: Box[]): Sniffed {
  // moov → trak → tkhd: the first track with a size is the video (16.16 fixed point).
  const moov = top.find((box) => box.type === 'moov');
  if (moov) {
    for (const trak of boxes(b, moov.start, moov.end)) {
      if (trak.type !== 'trak') continue;
      const tkhd = child(b, trak, 'tkhd');
      if (!tkhd || tkhd.start >= b.length) continue;
      const at = b[tkhd.start] === 1 ? tkhd.start + 88 : tkhd.start + 76;
      const w = u32be(b, at);
      const h = u32be(b, at + 4);
      if (w && h) return { mime: 'video/mp4', ...dims(w >>> 16, h >>> 16) };
    }
  }
  return { mime: 'video/mp4', width: null, height: null };
}

// ---------- WebM (EBML) ----------

const EBML_HEADER = 0x1a45dfa3;
const EBML_DOCTYPE = 0x4282;
const SEGMENT = 0x18538067;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const CLUSTER = 0x1f43b675;

interface Element {
  id: number;
  start: number;
  /** null: unknown size (runs to the end of its parent). */
  end: number | null;
}

function readElement(b: Buffer, at: number): Element | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const idLength = Math.clz32(first) - 23; // 1..4 for a valid ID
  if (idLength < 1 || idLength > 4 || at + idLength > b.length) return null;
  const id = b.readUIntBE(at, idLength);
  const sizeAt = at + idLength;
  const sizeFirst = b[sizeAt];
  if (sizeFirst === undefined || sizeFirst === 0) return null;
  const sizeLength = Math.clz32(sizeFirst) - 23;
  if (sizeLength < 1 || sizeLength > 8 || sizeAt + sizeLength > b.length) return null;
  let size = sizeFirst & (0xff >> sizeLength);
  let allOnes = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    size = size * 256 + b[sizeAt + i];
    if (b[sizeAt + i] !== 0xff) allOnes = false;
  }
  const start = sizeAt + sizeLength;
  return { id, start, end: allOnes ? null : start + size };
}

function elements(b: Buffer, from: number, to: number, limit = 256): Element[] {
  const found: Element[] = [];
  let at = from;
  while (at < Math.min(to, b.length) && found.length < limit) {
    const element = readElement(b, at);
    if (!element) break;
    found.push(element);
    if (element.end === null) break; // its children follow; the caller descends
    at = element.end;
  }
  return found;
}

function uint(b: Buffer, element: Element): number | null {
  const end = element.end ?? element.start;
  const length = end - element.start;
  if (length < 1 || length > 6 || end > b.length) return null;
  return b.readUIntBE(element.start, length);
}

function webm(b: Buffer): Sniffed | null {
  const header = readElement(b, 0);
  if (!header || header.id !== EBML_HEADER || header.end === null) return null;
  const doctype = elements(b, header.start, header.end).find((e) => e.id === EBML_DOCTYPE);
  if (!doctype || doctype.end === null || ascii(b, doctype.start, doctype.end - doctype.start) !== 'webm') return null;
  const segment = elements(b, header.end, b.length, 4).find((e) => e.id === SEGMENT);
  if (!segment) return { mime: 'video/webm', width: null, height: null };
  const within = (e: Element) => e.end ?? b.length;
  for (const section of elements(b, segment.start, within(segment))) {
    if (section.id === CLUSTER) break;
    if (section.id !== TRACKS) continue;
    for (const entry of elements(b, section.start, within(section))) {
      if (entry.id !== TRACK_ENTRY) continue;
      const video = elements(b, entry.start, within(entry)).find((e) => e.id === VIDEO);
      if (!video) continue;
      const fields = elements(b, video.start, within(video));
      const width = fields.find((e) => e.id === PIXEL_WIDTH);
      const height = fields.find((e) => e.id === PIXEL_HEIGHT);
      return { mime: 'video/webm', ...dims(width ? uint(b, width) : null, height ? uint(b, height) : null) };
    }
  }
  return { mime: 'video/webm', width: null, height: null };
}
