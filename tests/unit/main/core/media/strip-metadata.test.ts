import { describe, expect, it } from 'vitest';
import { sniffMedia } from '../../../../../src/main/core/media/sniff';
import { stripImageMetadata } from '../../../../../src/main/core/media/strip-metadata';
import { GPS_SECRET, jpeg, jpegWithExif, png, pngWithText, webpWithExif } from '../../../../support/media-samples';

const has = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text, 'latin1'));

describe('stripImageMetadata', () => {
  it('removes EXIF with its GPS block, XMP and comments from a JPEG, keeping the picture and its orientation', () => {
    const original = jpegWithExif(640, 480, 6);
    expect(has(original, GPS_SECRET)).toBe(true);
    const stripped = stripImageMetadata(original)!;
    expect(has(stripped, GPS_SECRET)).toBe(false);
    expect(has(stripped, 'http://ns.adobe.com/xap')).toBe(false);
    // The GPSInfo pointer (tag 0x8825) is gone with the rest of the camera's EXIF.
    expect(stripped.includes(Buffer.from([0x25, 0x88]))).toBe(false);
    expect(sniffMedia(stripped)).toMatchObject({ mime: 'image/jpeg', width: 640, height: 480 });
    // Only the orientation is left: a minimal EXIF block with tag 0x0112 = 6.
    expect(has(stripped, 'Exif\0\0MM')).toBe(true);
    expect(stripped.includes(Buffer.from([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06]))).toBe(true);
    // The scan (the picture's data) is copied byte for byte.
    const scan = original.subarray(original.indexOf(Buffer.from([0xff, 0xda])));
    expect(stripped.subarray(stripped.length - scan.length).equals(scan)).toBe(true);
  });

  it('leaves a JPEG without metadata as it is, and writes no EXIF for an upright picture', () => {
    const plain = jpeg(100, 50);
    expect(stripImageMetadata(plain)!.equals(plain)).toBe(true);
    expect(has(stripImageMetadata(jpegWithExif(100, 50, 1))!, 'Exif')).toBe(false);
  });

  it('removes text chunks from a PNG, wherever they are', () => {
    const original = pngWithText(20, 10);
    const stripped = stripImageMetadata(original)!;
    expect(has(stripped, GPS_SECRET)).toBe(false);
    expect(stripped.equals(png(20, 10))).toBe(true);
  });

  it('removes the EXIF chunk of a WebP and the flag that announced it', () => {
    const stripped = stripImageMetadata(webpWithExif(30, 20))!;
    expect(has(stripped, GPS_SECRET)).toBe(false);
    expect(stripped[20] & 0x08).toBe(0);
    expect(stripped.readUInt32LE(4)).toBe(stripped.length - 8);
    expect(sniffMedia(stripped)).toMatchObject({ mime: 'image/webp', width: 30, height: 20 });
  });

  it('answers null for what it cannot read, never half rewritten bytes', () => {
    expect(stripImageMetadata(Buffer.from('%PDF-1.7'))).toBeNull();
    const truncated = jpegWithExif(10, 10).subarray(0, 30);
    expect(stripImageMetadata(truncated)).toBeNull();
    expect(stripImageMetadata(pngWithText(5, 5).subarray(0, 40))).toBeNull();
  });
});
