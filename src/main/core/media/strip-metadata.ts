/**
 * Pictures leave without what their camera wrote about them: EXIF (GPS position, camera, times),
 * XMP, IPTC and comments are removed from JPEG, PNG and WebP files; the picture itself, its colour
 * profile and its orientation (kept as a minimal EXIF block, else a phone's photo would turn on
 * its side) stay. Anything not recognised, or not well formed, is answered with null: the caller
 * decides (the bytes are never half rewritten).
 */

/** The rewritten bytes, or null when this is not a JPEG, PNG or WebP we could read. */
export function stripImageMetadata(bytes: Buffer): Buffer | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return stripJpeg(bytes);
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return stripPng(bytes);
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return stripWebp(bytes);
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG chunks that carry words and times about the picture, not the picture. */
const PNG_METADATA = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

// JPEG markers kept before the scan: JFIF (APP0), ICC profile (APP2), Adobe colour transform (APP14).
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const SOS = 0xda;

function stripJpeg(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  let orientation: number | null = null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return null;
    const segment = bytes.subarray(at, at + 2 + length);
    if (marker === SOS) {
      if (orientation !== null) parts.splice(1, 0, orientationExif(orientation));
      parts.push(bytes.subarray(at));
      return Buffer.concat(parts);
    }
    const isApp = marker >= APP0 && marker <= 0xef;
    if (marker === APP1 && orientation === null) orientation = exifOrientation(segment.subarray(4));
    // Application segments other than the kept ones, and comments (COM), are metadata.
    const metadata = (isApp && marker !== APP0 && marker !== APP2 && marker !== APP14) || marker === 0xfe;
    if (!metadata) parts.push(segment);
    at += 2 + length;
  }
  return null;
}

/** The orientation tag (1..8) of an APP1 Exif payload, or null. */
function exifOrientation(payload: Buffer): number | null {
  if (payload.length < 14 || payload.toString('latin1', 0, 6) !== 'Exif\0\0') return null;
  const tiff = payload.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return null;
  const u16 = (offset: number) => (little ? tiff.readUInt16LE(offset) : tiff.readUInt16BE(offset));
  const u32 = (offset: number) => (little ? tiff.readUInt32LE(offset) : tiff.readUInt32BE(offset));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 && value !== 1 ? value : null;
    }
  }
  return null;
}

/** An APP1 segment with nothing but the orientation tag. */
function orientationExif(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

function stripPng(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [PNG_SIGNATURE];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return null;
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!PNG_METADATA.has(type)) parts.push(bytes.subarray(at, end));
    at = end;
    // Whatever follows the end is not the camera's: kept as it is, as after a JPEG's scan.
    if (type === 'IEND') return Buffer.concat([...parts, bytes.subarray(at)]);
  }
  return null;
}

function stripWebp(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 12;
  while (at + 8 <= bytes.length) {
    const fourcc = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > bytes.length) return null;
    const chunk = Buffer.from(bytes.subarray(at, Math.min(end, bytes.length)));
    // VP8X says which optional chunks follow: without them, its EXIF (0x08) and XMP (0x04) flags go.
    if (fourcc === 'VP8X' && size >= 1) chunk[8] &= ~0x0c;
    if (fourcc !== 'EXIF' && fourcc !== 'XMP ') parts.push(chunk);
    at = end;
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

/** Pictures larger than this are not rewritten (they are read whole; photos are far smaller): the user is asked. */
export const STRIP_MAX_BYTES = 64 * 1024 * 1024;
