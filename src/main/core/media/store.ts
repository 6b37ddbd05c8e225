/**
 * The media store: pictures and short videos kept on disk under the data directory, named by their
 * content hash (SHA-1 for avatars, because XEP-0084 and XEP-0153 name it; SHA-256 otherwise).
 *
 * Nothing enters unchecked: bytes stream into a temporary file while they are hashed, their type and
 * dimensions are read from the first bytes (and refused early, before the rest arrives), the byte
 * count is capped, and the file takes its name only when the hash is the one expected. The total is
 * bounded; the least recently used files go first. The renderer reaches a file only through an
 * opaque id made for this run (`ref`), which the shells resolve with `resolve`.
 *
 * What the store learned about each file (size, type, dimensions, last use) is kept in an index
 * beside them (store-index.ts): opening the store reads it and the directory's listing, not every file.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MediaRef } from '../../../shared/media';
import type { Logger } from '../log';
import { refusal, type MediaLimits, type MediaRefusal } from './limits';
import { SNIFF_BYTES, sniffMedia, type Sniffed } from './sniff';
import { readStoreIndex, writeStoreIndex, type IndexedFile } from './store-index';

export type HashAlgo = 'sha1' | 'sha256';

export interface MediaKey {
  algo: HashAlgo;
  /** Lower-case hex. */
  hash: string;
}

const HEX_LENGTH: Record<HashAlgo, number> = { sha1: 40, sha256: 64 };
const FILE_NAME = /^(sha1|sha256)-([0-9a-f]+)$/;

/** Whether `name` is one the store gives its files (run for each of thousands at start-up: one regex). */
function isFileName(name: string): boolean {
  const match = FILE_NAME.exec(name);
  return match !== null && match[2].length === HEX_LENGTH[match[1] as HashAlgo];
}

/** A key from a hash as a protocol gave it (hex, any case), or null when it is not one. */
export function mediaKey(algo: HashAlgo, hex: string): MediaKey | null {
  const hash = hex.toLowerCase();
  return hash.length === HEX_LENGTH[algo] && /^[0-9a-f]+$/.test(hash) ? { algo, hash } : null;
}

function nameOf(key: MediaKey): string {
  return `${key.algo}-${key.hash}`;
}

export type IngestResult = { ok: true; key: MediaKey; ref: MediaRef } | { ok: false; reason: MediaRefusal };

/** What a shell needs to serve one media id. */
export interface ResolvedMedia {
  file: string;
  mime: MediaRef['mime'];
  size: number;
}

export interface MediaStoreOptions {
  /** The store's own directory (e.g. <data>/media); created when missing. */
  dir: string;
  log: Logger;
  /** Total bytes kept before the least recently used files are removed. Default 512 MiB. */
  maxTotalBytes?: number;
  now?: () => number;
}

interface Entry {
  name: string;
  size: number;
  /** Read from the file's first bytes (or vouched for by the index); undefined until needed. */
  sniffed?: Sniffed | null;
  usedAt: number;
}

/**
 * The index is written this long after a change to what is kept (a new, removed or sniffed file), so
 * that a burst of them (the kept avatars at start-up) writes it once; `settle` writes it at once.
 */
const INDEX_WRITE_DELAY_MS = 2_000;
/**
 * Only uses changed (the order of least recent use): written this long after the first of them, or
 * with the next change of what is kept, or by `settle` at close. Serving avatars while a roster of
 * thousands scrolls touches files all the time; rewriting the whole index for each 2 s of it is waste.
 * A crash loses at most this long of uses: after a restart the eviction order is then the one of at
 * most a minute before, so a file used in that minute may be evicted as if it had not been.
 */
const USE_WRITE_DELAY_MS = 60_000;

export class MediaStore {
  private readonly filesDir: string;
  private readonly tmpDir: string;
  private readonly log: Logger;
  private readonly maxTotalBytes: number;
  private readonly now: () => number;
  /** Least recently used first (Map order). */
  private readonly entries = new Map<string, Entry>();
  /** Opaque id → file name, for the ids handed out in this run. */
  private readonly ids = new Map<string, string>();
  private readonly idSecret = randomBytes(32);
  private total = 0;
  private readonly indexFile: string;
  /** The index differs from what is known (written after INDEX_WRITE_DELAY_MS, or by `settle`). */
  private indexDirty = false;
  private indexTimer: ReturnType<typeof setTimeout> | null = null;
  /** The delay `indexTimer` was set with (a change of what is kept shortens a pending use's). */
  private indexTimerDelay = 0;
  /** The index write under way (one at a time). */
  private indexWrite: Promise<void> = Promise.resolve();
  private loaded = false;

  private constructor(options: MediaStoreOptions) {
    this.filesDir = path.join(options.dir, 'files');
    this.tmpDir = path.join(options.dir, 'tmp');
    this.indexFile = path.join(options.dir, 'index.json');
    this.log = options.log;
    this.maxTotalBytes = options.maxTotalBytes ?? 512 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  /** Opens the store and waits until it has read what is on disk. */
  static async open(options: MediaStoreOptions): Promise<MediaStore> {
    const store = MediaStore.create(options);
    await store.ready;
    return store;
  }

  /**
   * The store at once; it reads what is on disk in the background (`ready`), so starting the app
   * never waits for thousands of avatar files. Until then nothing is kept and every call waits.
   */
  static create(options: MediaStoreOptions): MediaStore {
    const store = new MediaStore(options);
    store.ready = store.load();
    store.ready.catch((error) => store.log.error('the media store could not be read', { error }));
    return store;
  }

  /** Settles once what is on disk is known (oldest use first) and unfinished files are removed. */
  ready: Promise<void> = Promise.resolve();

  /**
   * The directory's listing and the index: a file the index vouches for is neither stat'ed nor read;
   * one it does not know is stat'ed now and sniffed before it is first served.
   */
  private async load(): Promise<void> {
    await fs.mkdir(this.filesDir, { recursive: true, mode: 0o700 });
    await fs.rm(this.tmpDir, { recursive: true, force: true });
    await fs.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const [names, index] = await Promise.all([fs.readdir(this.filesDir), readStoreIndex(this.indexFile, isFileName)]);
    if (!index) this.log.info('the media index is missing or damaged: it is made again');
    let unindexed = 0;
    const found: Entry[] = [];
    for (const name of names) {
      const indexed = index?.get(name); // only the store's names are in the index (readStoreIndex)
      if (indexed) {
        found.push({ name, size: indexed.size, usedAt: indexed.usedAt, sniffed: indexed.sniffed });
        continue;
      }
      const file = path.join(this.filesDir, name);
      const stat = isFileName(name) ? await fs.stat(file).catch(() => null) : null;
      if (!stat?.isFile()) {
        await fs.rm(file, { recursive: true, force: true });
        continue;
      }
      unindexed += 1;
      found.push({ name, size: stat.size, usedAt: stat.mtimeMs });
    }
    found.sort((a, b) => a.usedAt - b.usedAt);
    for (const entry of found) if (!this.entries.has(entry.name)) this.add(entry);
    this.loaded = true;
    // Files it did not know, or entries without their file: the index is written again.
    this.indexDirty = false;
    if (!index || unindexed > 0 || index.size !== found.length - unindexed) this.indexChanged();
    await this.evict();
  }

  /** Kept now (false while the store is still being read). */
  has(key: MediaKey): boolean {
    return this.entries.has(nameOf(key));
  }

  /** Bytes and files kept. */
  usage(): { bytes: number; files: number } {
    return { bytes: this.total, files: this.entries.size };
  }

  /**
   * The reference at once (marking the file used) when the store has been read and knows the file's
   * type; null otherwise (not kept, not read yet, or not sniffed yet: `ref` tells).
   */
  refIfKnown(key: MediaKey): MediaRef | null {
    const entry = this.loaded ? this.entries.get(nameOf(key)) : undefined;
    if (!entry?.sniffed) return null;
    this.touch(entry);
    return this.refOf(entry, entry.sniffed);
  }

  /** The renderer's reference to a kept file (marking it used), or null when it is not kept. */
  async ref(key: MediaKey): Promise<MediaRef | null> {
    await this.ready.catch(() => {});
    const entry = this.entries.get(nameOf(key));
    if (!entry) return null;
    if (entry.sniffed === undefined) {
      entry.sniffed = await this.sniffFile(entry);
      this.indexChanged();
    }
    if (!this.entries.has(entry.name)) return null;
    if (!entry.sniffed) {
      await this.drop(entry); // no longer media we show: of no use to anyone
      return null;
    }
    this.touch(entry);
    return this.refOf(entry, entry.sniffed);
  }

  /** A file to serve for an id from `ref`, or null (unknown id, or evicted since). */
  resolve(id: string): ResolvedMedia | null {
    const name = this.ids.get(id);
    const entry = name === undefined ? undefined : this.entries.get(name);
    if (!entry?.sniffed) return null;
    this.touch(entry);
    return { file: path.join(this.filesDir, entry.name), mime: entry.sniffed.mime, size: entry.size };
  }

  /**
   * Keeps media from `source` if it fits `limits` and hashes to `expected` (a key), or keys it by
   * its own hash (an algorithm). Stops reading as soon as the bytes are refused.
   */
  async ingest(
    source: Uint8Array | AsyncIterable<Uint8Array>,
    expected: MediaKey | HashAlgo,
    limits: MediaLimits,
  ): Promise<IngestResult> {
    await this.ready.catch(() => {});
    const algo = typeof expected === 'string' ? expected : expected.algo;
    const tmp = path.join(this.tmpDir, randomBytes(12).toString('hex'));
    const hash = createHash(algo);
    const head: Buffer[] = [];
    let headBytes = 0;
    let sniffed: Sniffed | null | undefined;
    let size = 0;
    let handle: fs.FileHandle | null = null;
    const refuse = async (reason: MediaRefusal): Promise<IngestResult> => {
      await handle?.close().catch(() => {});
      await fs.rm(tmp, { force: true });
      return { ok: false, reason };
    };
    try {
      handle = await fs.open(tmp, 'wx', 0o600);
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        size += chunk.byteLength;
        if (size > limits.maxBytes) return await refuse('too-large');
        if (sniffed === undefined && headBytes < SNIFF_BYTES) {
          head.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          headBytes += chunk.byteLength;
          if (headBytes >= SNIFF_BYTES) {
            sniffed = sniffMedia(Buffer.concat(head));
            const refused = refusal(sniffed, null, limits);
            if (refused) return await refuse(refused);
          }
        }
        hash.update(chunk);
        await handle.write(chunk);
      }
      sniffed ??= sniffMedia(Buffer.concat(head));
      const refused = refusal(sniffed, size, limits);
      if (refused || !sniffed) return await refuse(refused ?? 'type');
      const key: MediaKey = { algo, hash: hash.digest('hex') };
      if (typeof expected !== 'string' && expected.hash !== key.hash) return await refuse('hash-mismatch');
      await handle.sync();
      await handle.close();
      handle = null;
      const name = nameOf(key);
      const existing = this.entries.get(name);
      if (existing) {
        await fs.rm(tmp, { force: true });
        existing.sniffed ??= sniffed;
      } else {
        const file = path.join(this.filesDir, name);
        await fs.rename(tmp, file);
        const now = this.now();
        // The file's mtime is its last use when the index is lost (its order is then the order stored).
        await fs.utimes(file, new Date(now), new Date(now));
        this.add({ name, size, sniffed, usedAt: now });
      }
      const entry = this.entries.get(name)!;
      this.touch(entry);
      await this.evict(name);
      return { ok: true, key, ref: this.refOf(entry, sniffed) };
    } catch (error) {
      this.log.warn('media could not be stored', { error });
      return refuse('io');
    }
  }

  /** Removes one kept file (e.g. an avatar its owner removed). */
  async remove(key: MediaKey): Promise<void> {
    const entry = this.entries.get(nameOf(key));
    if (entry) await this.drop(entry);
  }

  private add(entry: Entry): void {
    this.entries.set(entry.name, entry);
    this.total += entry.size;
    this.indexChanged();
  }

  /** Marks the file used: last in the order, which the index keeps across restarts. */
  private touch(entry: Entry): void {
    entry.usedAt = this.now();
    this.entries.delete(entry.name);
    this.entries.set(entry.name, entry);
    this.indexWriteIn(USE_WRITE_DELAY_MS);
  }

  /** What is kept changed (a file added, removed or sniffed): the index is written soon. */
  private indexChanged(): void {
    this.indexWriteIn(INDEX_WRITE_DELAY_MS);
  }

  /** Marks the index changed and writes it within `delay` ms (sooner if a write is due sooner). */
  private indexWriteIn(delay: number): void {
    this.indexDirty = true;
    if (!this.loaded || (this.indexTimer && this.indexTimerDelay <= delay)) return;
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimerDelay = delay;
    this.indexTimer = setTimeout(() => void this.writeIndex(), delay);
    this.indexTimer.unref?.();
  }

  /** Writes the index if it changed, after any write under way. */
  private writeIndex(): Promise<void> {
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = null;
    this.indexWrite = this.indexWrite.then(async () => {
      if (!this.indexDirty) return;
      this.indexDirty = false;
      const files: [string, IndexedFile][] = [];
      for (const { name, size, usedAt, sniffed } of this.entries.values())
        files.push([name, { size, usedAt, sniffed: sniffed ?? undefined }]);
      await writeStoreIndex(this.indexFile, files).catch((error: unknown) => {
        this.log.warn('the media index could not be written', { error });
      });
    });
    return this.indexWrite;
  }

  /** Writes what is pending (the index of files and uses) now: before closing, and in tests. */
  async settle(): Promise<void> {
    if (this.loaded) await this.writeIndex();
  }

  /** Removes the least recently used files until the total fits (never `keep`, just stored). */
  private async evict(keep?: string): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      if (this.total <= this.maxTotalBytes) return;
      if (entry.name !== keep) await this.drop(entry);
    }
  }

  private async drop(entry: Entry): Promise<void> {
    if (this.entries.get(entry.name) !== entry) return;
    this.entries.delete(entry.name);
    this.ids.delete(this.idOf(entry.name));
    this.total -= entry.size;
    this.indexChanged();
    // A file being served stays readable (POSIX) or is removed at the next start (Windows).
    await fs.rm(path.join(this.filesDir, entry.name), { force: true }).catch(() => {});
  }

  /** 128 bits of a keyed hash: stable within this run, meaningless outside it. */
  private idOf(name: string): string {
    return createHmac('sha256', this.idSecret).update(name).digest('base64url').slice(0, 22);
  }

  private refOf(entry: Entry, sniffed: Sniffed): MediaRef {
    const id = this.idOf(entry.name);
    this.ids.set(id, entry.name);
    return { id, mime: sniffed.mime, size: entry.size, width: sniffed.width, height: sniffed.height };
  }

  private async sniffFile(entry: Entry): Promise<Sniffed | null> {
    try {
      const handle = await fs.open(path.join(this.filesDir, entry.name), 'r');
      try {
        const head = Buffer.alloc(Math.min(SNIFF_BYTES, entry.size));
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        return sniffMedia(head.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
  }
}
