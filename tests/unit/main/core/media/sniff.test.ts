import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sniffMedia } from '../../../../../src/main/core/media/sniff';
import {
  AVATAR_LIMITS,
  IMAGE_PREVIEW_LIMITS,
  VIDEO_PREVIEW_LIMITS,
  refusal,
} from '../../../../../src/main/core/media/limits';
import {
  HTML,
  SVG,
  avif,
  gif,
  jpeg,
  mp4,
  png,
  webm,
  webpExtended,
  webpLossless,
  webpLossy,
} from '../../../../support/media-samples';

describe('media type and dimensions from the bytes', () => {
  it('reads every type we show, with its pixel size from the header', () => {
    expect(sniffMedia(png(3, 2))).toEqual({ mime: 'image/png', width: 3, height: 2 });
    expect(sniffMedia(gif(640, 480))).toEqual({ mime: 'image/gif', width: 640, height: 480 });
    expect(sniffMedia(jpeg(1024, 768))).toEqual({ mime: 'image/jpeg', width: 1024, height: 768 });
    expect(sniffMedia(webpLossy(300, 200))).toEqual({ mime: 'image/webp', width: 300, height: 200 });
    expect(sniffMedia(webpLossless(16383, 1))).toEqual({ mime: 'image/webp', width: 16383, height: 1 });
    expect(sniffMedia(webpExtended(20000, 30000))).toEqual({ mime: 'image/webp', width: 20000, height: 30000 });
    expect(sniffMedia(avif([64, 64], [4000, 3000]))).toEqual({ mime: 'image/avif', width: 4000, height: 3000 });
    expect(sniffMedia(mp4(1280, 720))).toEqual({ mime: 'video/mp4', width: 1280, height: 720 });
    expect(sniffMedia(webm(640, 360))).toEqual({ mime: 'video/webm', width: 640, height: 360 });
  });

  it('finds a JPEG frame header behind large metadata segments', () => {
    expect(sniffMedia(jpeg(4032, 3024, 200_000))).toEqual({ mime: 'image/jpeg', width: 4032, height: 3024 });
  });

  it('never takes HTML, SVG, text or noise for media', () => {
    for (const bytes of [
      HTML,
      SVG,
      Buffer.from('GIF8'),
      Buffer.from('RIFF....WAVEfmt '),
      Buffer.alloc(0),
      randomBytes(4096),
    ]) {
      expect(sniffMedia(bytes)).toBeNull();
    }
    // Matroska that is not WebM, HEIC, and QuickTime are not shown either.
    expect(sniffMedia(webm(10, 10, 'matroska'))).toBeNull();
    expect(sniffMedia(mp4(10, 10, 'heic', ['mif1', 'heic']))).toBeNull();
    expect(sniffMedia(mp4(10, 10, 'qt  ', []))).toBeNull();
  });

  it('a polyglot is what its signature says (and is served as that type, never as a page)', () => {
    expect(sniffMedia(Buffer.concat([gif(1, 1), HTML]))?.mime).toBe('image/gif');
  });

  it('survives every truncation and random corruption of a header without throwing', () => {
    const samples = [
      png(5, 5),
      gif(2, 2),
      jpeg(100, 50, 1000),
      webpLossy(9, 9),
      webpLossless(9, 9),
      webpExtended(9, 9),
      avif([9, 9]),
      mp4(9, 9),
      webm(9, 9),
    ];
    for (const sample of samples) {
      for (let length = 0; length <= sample.length; length++)
        expect(() => sniffMedia(sample.subarray(0, length))).not.toThrow();
      for (let round = 0; round < 200; round++) {
        const broken = Buffer.from(sample);
        for (let flips = 0; flips < 4; flips++)
          broken[Math.floor(Math.random() * broken.length)] = Math.floor(Math.random() * 256);
        expect(() => sniffMedia(broken)).not.toThrow();
      }
    }
  });

  it('reports unknown dimensions when the header that holds them is cut off', () => {
    expect(sniffMedia(png(10, 10).subarray(0, 16))).toEqual({ mime: 'image/png', width: null, height: null });
    expect(sniffMedia(jpeg(10, 10, 100_000).subarray(0, 50_000))).toEqual({
      mime: 'image/jpeg',
      width: null,
      height: null,
    });
    expect(sniffMedia(png(0, 10, { headerOnly: true }))).toEqual({ mime: 'image/png', width: null, height: null });
  });
});

describe('media limits', () => {
  it('refuses other types, too many bytes, too many pixels and images of unknown size', () => {
    expect(refusal(sniffMedia(HTML), 10, IMAGE_PREVIEW_LIMITS)).toBe('type');
    expect(refusal(sniffMedia(png(10, 10)), AVATAR_LIMITS.maxBytes + 1, AVATAR_LIMITS)).toBe('too-large');
    expect(refusal(sniffMedia(png(5000, 10, { headerOnly: true })), 100, AVATAR_LIMITS)).toBe('dimensions');
    // A few kilobytes that would decode to 30000 × 30000 × 4 bytes: a decompression bomb.
    expect(refusal(sniffMedia(webpExtended(30000, 30000)), 100, IMAGE_PREVIEW_LIMITS)).toBe('dimensions');
    expect(refusal(sniffMedia(png(8000, 8000, { headerOnly: true })), 100, IMAGE_PREVIEW_LIMITS)).toBe('dimensions');
    expect(refusal(sniffMedia(jpeg(10, 10).subarray(0, 24)), 24, IMAGE_PREVIEW_LIMITS)).toBe('unknown-dimensions');
    expect(refusal(sniffMedia(png(192, 192)), 1000, AVATAR_LIMITS)).toBeNull();
  });

  it('accepts videos only where videos count', () => {
    expect(refusal(sniffMedia(mp4(640, 480)), 1000, AVATAR_LIMITS)).toBe('type');
    expect(refusal(sniffMedia(mp4(640, 480)), 1000, IMAGE_PREVIEW_LIMITS)).toBe('type');
    expect(refusal(sniffMedia(mp4(640, 480)), 1000, VIDEO_PREVIEW_LIMITS)).toBeNull();
    expect(refusal(sniffMedia(webm(8000, 8000)), 1000, VIDEO_PREVIEW_LIMITS)).toBe('dimensions');
  });
});
