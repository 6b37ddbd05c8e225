/**
 * Whether a picture can leave without what its camera wrote about it. JPEG, PNG and WebP are
 * rewritten without their metadata; one too large to be read whole, or one the rewriter cannot
 * parse, would leave with it: that is the user's decision, never made silently, so it is answered
 * as a problem the user is asked about (send as it is, or not at all).
 */
import { readFile } from 'node:fs/promises';
import { STRIP_MAX_BYTES, stripImageMetadata } from '../../media/strip-metadata';

/** The kinds of picture whose metadata is removed. */
const STRIPPED_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Why a picture's metadata would stay: too large to be rewritten, or not readable as its kind. */
export type MetadataStays = 'tooLarge' | 'unreadable';

export type PictureCleaning =
  /** Not a picture whose metadata we remove: sent as it is. */
  | { kind: 'as-is' }
  /** The picture without its metadata. */
  | { kind: 'cleaned'; bytes: Buffer }
  /** The metadata cannot be removed: ask the user. */
  | { kind: 'stays'; why: MetadataStays; limit: number };

/** The decision for a picture of `contentType` and `size`, with `read` giving its bytes when needed. */
export async function cleanPicture(
  contentType: string,
  size: number,
  read: () => Promise<Buffer>,
): Promise<PictureCleaning> {
  if (!STRIPPED_TYPES.has(contentType)) return { kind: 'as-is' };
  if (size > STRIP_MAX_BYTES) return { kind: 'stays', why: 'tooLarge', limit: STRIP_MAX_BYTES };
  const cleaned = stripImageMetadata(await read());
  return cleaned ? { kind: 'cleaned', bytes: cleaned } : { kind: 'stays', why: 'unreadable', limit: STRIP_MAX_BYTES };
}

/** cleanPicture for a file on disk. */
export function cleanPictureFile(file: string, size: number, contentType: string): Promise<PictureCleaning> {
  return cleanPicture(contentType, size, () => readFile(file));
}
