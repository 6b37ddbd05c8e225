/**
 * The media store's index: what it learned about each kept file (its size, the type and dimensions
 * read from its first bytes, its last use), in one file beside them, so that a start with thousands
 * of avatars reads one file instead of a `stat` and a sniff per picture.
 *
 * It is a cache of what the store learned, never the only word: a file without an entry is looked at
 * (stat now, sniffed before it is first served), an entry without a file is forgotten, and an index
 * that cannot be read or does not have the expected shape is ignored as a whole and written again.
 * It is written whole to a temporary file and renamed, so a crash leaves the old one or the new one.
 */
import { promises as fs } from 'node:fs';
import type { MediaMime } from '../../../shared/media';
import type { Sniffed } from './sniff';

/** What the index vouches for about one file. */
export interface IndexedFile {
  size: number;
  usedAt: number;
  /** Undefined when it was never sniffed (then it is sniffed before it is first served). */
  sniffed?: Sniffed;
}

const VERSION = 1;
/** Every type the store keeps (a Record, so that a new one cannot be forgotten here). */
const MIMES: Record<MediaMime, true> = {
  'image/png': true,
  'image/jpeg': true,
  'image/gif': true,
  'image/webp': true,
  'image/avif': true,
  'video/mp4': true,
  'video/webm': true,
};
const isMime = (value: unknown): value is MediaMime => typeof value === 'string' && Object.hasOwn(MIMES, value);

/** One row: [name, size, usedAt] or [name, size, usedAt, mime, width, height]. */
type Row = [string, number, number] | [string, number, number, MediaMime, number | null, number | null];

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isDimension = (value: unknown): value is number | null => value === null || (isCount(value) && value > 0);

/** The files the index at `file` vouches for, by name; null when it is missing or damaged. */
export async function readStoreIndex(
  file: string,
  isName: (name: string) => boolean,
): Promise<Map<string, IndexedFile> | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { version, files } = parsed as { version?: unknown; files?: unknown };
  if (version !== VERSION || !Array.isArray(files)) return null;
  const found = new Map<string, IndexedFile>();
  for (const row of files as unknown[]) {
    if (!Array.isArray(row) || (row.length !== 3 && row.length !== 6)) return null;
    const [name, size, usedAt, mime, width, height] = row as unknown[];
    if (typeof name !== 'string' || !isName(name) || !isCount(size) || !isTime(usedAt)) return null;
    if (row.length === 3) {
      found.set(name, { size, usedAt });
      continue;
    }
    if (!isMime(mime) || !isDimension(width) || !isDimension(height)) return null;
    found.set(name, { size, usedAt, sniffed: { mime, width, height } });
  }
  return found;
}

/** Writes the index of `files` (least recently used first) to `file`, replacing it at once. */
export async function writeStoreIndex(file: string, files: Iterable<[string, IndexedFile]>): Promise<void> {
  const rows: Row[] = [];
  for (const [name, { size, usedAt, sniffed }] of files)
    rows.push(sniffed ? [name, size, usedAt, sniffed.mime, sniffed.width, sniffed.height] : [name, size, usedAt]);
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, JSON.stringify({ version: VERSION, files: rows }), { mode: 0o600 });
  await fs.rename(tmp, file);
}
