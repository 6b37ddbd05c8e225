/**
 * What media the core accepts for showing, per use: byte size, pixel dimensions (an image's decoded
 * size is width × height × 4 bytes, so a small file can still be a decompression bomb) and whether
 * short videos count. Checked from the headers before anything is kept.
 */
import { isImageMime, type Sniffed } from './sniff';

export interface MediaLimits {
  maxBytes: number;
  maxWidth: number;
  maxHeight: number;
  maxPixels: number;
  /** Short videos (MP4, WebM) are accepted too. */
  video: boolean;
}

const MiB = 1024 * 1024;

/** Contact and occupant avatars (XEP-0084 / XEP-0153); published ones are at most 192 × 192. */
export const AVATAR_LIMITS: MediaLimits = {
  maxBytes: 1 * MiB,
  maxWidth: 4096,
  maxHeight: 4096,
  maxPixels: 4096 * 4096,
  video: false,
};

/** Inline previews of shared images. */
export const IMAGE_PREVIEW_LIMITS: MediaLimits = {
  maxBytes: 16 * MiB,
  maxWidth: 16_384,
  maxHeight: 16_384,
  maxPixels: 50_000_000,
  video: false,
};

/** Inline previews of shared images and short videos. */
export const VIDEO_PREVIEW_LIMITS: MediaLimits = {
  ...IMAGE_PREVIEW_LIMITS,
  maxBytes: 64 * MiB,
  video: true,
};

/** Why media was refused. */
export type MediaRefusal =
  /** Not a type we show (HTML, SVG, a document, a video where only images count, …). */
  | 'type'
  | 'too-large'
  | 'dimensions'
  /** An image whose size is not in its header (it could be anything once decoded). */
  | 'unknown-dimensions'
  | 'hash-mismatch'
  | 'io';

/** Null when `sniffed` (of `size` bytes, or null while still arriving) fits `limits`, else why not. */
export function refusal(sniffed: Sniffed | null, size: number | null, limits: MediaLimits): MediaRefusal | null {
  if (!sniffed) return 'type';
  const image = isImageMime(sniffed.mime);
  if (!image && !limits.video) return 'type';
  if (size !== null && size > limits.maxBytes) return 'too-large';
  const { width, height } = sniffed;
  if (width === null || height === null) return image ? 'unknown-dimensions' : null;
  if (width > limits.maxWidth || height > limits.maxHeight || width * height > limits.maxPixels) return 'dimensions';
  return null;
}
