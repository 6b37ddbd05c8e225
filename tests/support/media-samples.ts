/**
 * Media files for tests, built byte by byte: a real, decodable PNG and GIF of any size, and the
 * headers of JPEG, WebP, AVIF, MP4 and WebM files with the dimensions a test needs (the sniffer reads
 * only headers). Also the things that must never pass as pictures: HTML, SVG, polyglots.
 */
import zlib from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (RGB, one colour); `headerOnly` leaves out the pixels (for huge dimensions). */
export function png(width: number, height: number, options: { headerOnly?: boolean; seed?: number } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (options.headerOnly) return Buffer.concat([signature, chunk('IHDR', ihdr)]);
  const row = Buffer.alloc(1 + width * 3, options.seed ?? 0x80);
  row[0] = 0; // filter: none
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real PNG of pseudo-random pixels (a photo's worth of bytes: it barely compresses). */
export function noisyPng(width: number, height: number, seed = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((1 + width * 3) * height);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < raw.length; i++) {
    // xorshift32: the same picture for the same seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    raw[i] = i % (1 + width * 3) === 0 ? 0 : state & 0xff;
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real 1-pixel GIF whose screen descriptor says `width` × `height`. */
export function gif(width = 1, height = 1): Buffer {
  const bytes = Buffer.from(
    '47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b',
    'hex',
  );
  bytes.writeUInt16LE(width, 6);
  bytes.writeUInt16LE(height, 8);
  return bytes;
}

/** JPEG header: SOI, JFIF, `metadataBytes` of APP1 segments (as EXIF would be), then the frame header. */
export function jpeg(width: number, height: number, metadataBytes = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(Buffer.from('ffe000104a46494600010100000100010000', 'hex'));
  for (let left = metadataBytes; left > 0;) {
    const size = Math.min(left, 65_000);
    const segment = Buffer.alloc(4 + size, 0x41);
    segment[0] = 0xff;
    segment[1] = 0xe1;
    segment.writeUInt16BE(size + 2, 2);
    parts.push(segment);
    left -= size;
  }
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  parts.push(sof, Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

function riff(chunkType: string, data: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(12 + data.length, 4);
  header.write('WEBP', 8, 'latin1');
  header.write(chunkType, 12, 'latin1');
  header.writeUInt32LE(data.length, 16);
  return Buffer.concat([header, data]);
}

export function webpLossy(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data.set([0x9d, 0x01, 0x2a], 3);
  data.writeUInt16LE(width, 6);
  data.writeUInt16LE(height, 8);
  return riff('VP8 ', data);
}

export function webpLossless(width: number, height: number): Buffer {
  const data = Buffer.alloc(5);
  data[0] = 0x2f;
  data.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1);
  return riff('VP8L', data);
}

export function webpExtended(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return riff('VP8X', data);
}

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function ftyp(major: string, ...compatible: string[]): Buffer {
  return box('ftyp', Buffer.from(major, 'latin1'), Buffer.alloc(4), ...compatible.map((b) => Buffer.from(b, 'latin1')));
}

/** AVIF: ftyp avif, meta → iprp → ipco with one ispe per size given (a thumbnail and the image, say). */
export function avif(...sizes: [number, number][]): Buffer {
  const ispes = sizes.map(([w, h]) => {
    const data = Buffer.alloc(12);
    data.writeUInt32BE(w, 4);
    data.writeUInt32BE(h, 8);
    return box('ispe', data);
  });
  const meta = box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(24)), box('iprp', box('ipco', ...ispes)));
  return Buffer.concat([ftyp('avif', 'mif1', 'miaf'), meta, box('mdat', Buffer.alloc(16))]);
}

/** MP4 with a video track of `width` × `height` (moov before mdat, as a fast-start file has it). */
export function mp4(width: number, height: number, brand = 'isom', compatible = ['isom', 'mp41']): Buffer {
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(width << 16, 76);
  tkhd.writeUInt32BE(height << 16, 80);
  const audioTkhd = Buffer.alloc(84); // an audio track first: no size
  const moov = box(
    'moov',
    box('mvhd', Buffer.alloc(100)),
    box('trak', box('tkhd', audioTkhd)),
    box('trak', box('tkhd', tkhd)),
  );
  return Buffer.concat([ftyp(brand, ...compatible), moov, box('mdat', Buffer.alloc(32))]);
}

function ebml(id: number[], content: Buffer, unknownSize = false): Buffer {
  if (unknownSize)
    return Buffer.concat([Buffer.from(id), Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), content]);
  const size = Buffer.alloc(8);
  size.writeUInt32BE(content.length, 4);
  size[0] = 0x01; // 8-byte length
  return Buffer.concat([Buffer.from(id), size, content]);
}

function ebmlUint(id: number[], value: number): Buffer {
  const data = Buffer.alloc(2);
  data.writeUInt16BE(value);
  return Buffer.concat([Buffer.from(id), Buffer.from([0x82]), data]);
}

/** WebM: EBML header with DocType, a Segment of unknown size with Tracks → TrackEntry → Video. */
export function webm(width: number, height: number, docType = 'webm'): Buffer {
  const header = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], Buffer.from(docType, 'latin1')));
  const video = ebml([0xe0], Buffer.concat([ebmlUint([0xb0], width), ebmlUint([0xba], height)]));
  const tracks = ebml([0x16, 0x54, 0xae, 0x6b], ebml([0xae], Buffer.concat([ebmlUint([0xd7], 1), video])));
  const segment = ebml(
    [0x18, 0x53, 0x80, 0x67],
    Buffer.concat([ebml([0x15, 0x49, 0xa9, 0x66], Buffer.alloc(8)), tracks]),
    true,
  );
  return Buffer.concat([header, segment]);
}

export const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
);

/** Words a test finds in a picture's metadata when it was sent as it was. */
export const GPS_SECRET = 'GPS 52.5200N 13.4050E';

/**
 * A JPEG (the header `jpeg` builds) whose camera wrote EXIF with an orientation and a GPS block,
 * XMP and a comment, each carrying GPS_SECRET.
 */
export function jpegWithExif(width: number, height: number, orientation = 6): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4 + 2 + 12 + 4);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(2, 8); // IFD0: two entries
  tiff.writeUInt16LE(0x0112, 10); // Orientation, SHORT, 1
  tiff.writeUInt16LE(3, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt16LE(orientation, 18);
  const gpsIfd = 8 + 2 + 2 * 12 + 4;
  tiff.writeUInt16LE(0x8825, 22); // GPSInfo pointer, LONG, 1
  tiff.writeUInt16LE(4, 24);
  tiff.writeUInt32LE(1, 26);
  tiff.writeUInt32LE(gpsIfd, 30);
  tiff.writeUInt32LE(0, 34); // no IFD1
  tiff.writeUInt16LE(1, gpsIfd); // GPS IFD: GPSLatitudeRef 'N'
  tiff.writeUInt16LE(1, gpsIfd + 2);
  tiff.writeUInt16LE(2, gpsIfd + 4);
  tiff.writeUInt32LE(2, gpsIfd + 6);
  tiff.write('N\0', gpsIfd + 10, 'latin1');
  const segment = (marker: number, payload: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const exif = segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, Buffer.from(GPS_SECRET)]));
  const xmp = segment(
    0xe1,
    Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPS>${GPS_SECRET}</exif:GPS></x:xmpmeta>`),
  );
  const comment = segment(0xfe, Buffer.from(GPS_SECRET));
  const plain = jpeg(width, height);
  const jfifEnd = 2 + 18;
  return Buffer.concat([plain.subarray(0, jfifEnd), exif, xmp, comment, plain.subarray(jfifEnd)]);
}

/** A real PNG with a tEXt chunk (as an editor writes one) carrying GPS_SECRET, after the pixels. */
export function pngWithText(width: number, height: number): Buffer {
  const plain = png(width, height);
  const iend = plain.length - 12;
  return Buffer.concat([
    plain.subarray(0, iend),
    chunk('tEXt', Buffer.from(`Location\0${GPS_SECRET}`, 'latin1')),
    plain.subarray(iend),
  ]);
}

/** An extended WebP with an EXIF chunk carrying GPS_SECRET (and the VP8X flag that says so). */
export function webpWithExif(width: number, height: number): Buffer {
  const extended = webpExtended(width, height);
  extended[20] |= 0x08;
  const exif = Buffer.from(`II*\0${GPS_SECRET}`, 'latin1');
  const exifChunk = Buffer.alloc(8 + exif.length + (exif.length % 2));
  exifChunk.write('EXIF', 0, 'latin1');
  exifChunk.writeUInt32LE(exif.length, 4);
  exif.copy(exifChunk, 8);
  const bytes = Buffer.concat([extended, exifChunk]);
  bytes.writeUInt32LE(bytes.length - 8, 4);
  return bytes;
}
