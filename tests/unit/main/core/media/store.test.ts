import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../../src/main/core/log';
import { MediaFetcher } from '../../../../../src/main/core/media/fetcher';
import { AVATAR_LIMITS, IMAGE_PREVIEW_LIMITS } from '../../../../../src/main/core/media/limits';
import { MediaStore, mediaKey, type MediaKey } from '../../../../../src/main/core/media/store';
import { HTML, SVG, gif, png } from '../../../../support/media-samples';

const sha1 = (bytes: Buffer): MediaKey => mediaKey('sha1', createHash('sha1').update(bytes).digest('hex'))!;
const sha256 = (bytes: Buffer): MediaKey => mediaKey('sha256', createHash('sha256').update(bytes).digest('hex'))!;

/** Yields `bytes` in chunks and records how many were read before the consumer stopped. */
function chunked(bytes: Buffer, size = 1024): AsyncIterable<Uint8Array> & { read: number } {
  const source = {
    read: 0,
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) {
        const chunk = bytes.subarray(at, at + size);
        source.read += chunk.length;
        yield chunk;
      }
    },
  };
  return source;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-media-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = () => fs.readdirSync(path.join(dir, 'files')).sort();
const tmpFiles = () => fs.readdirSync(path.join(dir, 'tmp'));

describe('media store', () => {
  it('keeps an avatar under its SHA-1 and hands out an opaque id that resolves to it', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const avatar = png(64, 64);
    const key = sha1(avatar);
    const result = await store.ingest(avatar, key, AVATAR_LIMITS);
    expect(result).toMatchObject({ ok: true, ref: { mime: 'image/png', width: 64, height: 64, size: avatar.length } });
    if (!result.ok) return;
    expect(files()).toEqual([`sha1-${key.hash}`]);
    expect(result.ref.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(result.ref.id).not.toContain(key.hash.slice(0, 8));
    const served = store.resolve(result.ref.id);
    expect(served?.mime).toBe('image/png');
    expect(fs.readFileSync(served!.file)).toEqual(avatar);
    expect(store.resolve('A'.repeat(22))).toBeNull();
  });

  it('refuses bytes that do not hash to the expected value, and keeps nothing of them', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const result = await store.ingest(png(8, 8), sha1(png(9, 9)), AVATAR_LIMITS);
    expect(result).toEqual({ ok: false, reason: 'hash-mismatch' });
    expect(files()).toEqual([]);
    expect(tmpFiles()).toEqual([]);
    expect(store.has(sha1(png(8, 8)))).toBe(false);
  });

  it('refuses HTML and SVG whatever they claim, before reading all of them', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const big = Buffer.concat([HTML, Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    const source = chunked(big, 64 * 1024);
    expect(await store.ingest(source, 'sha256', IMAGE_PREVIEW_LIMITS)).toEqual({ ok: false, reason: 'type' });
    expect(source.read).toBeLessThan(big.length / 2);
    expect(await store.ingest(SVG, sha256(SVG), IMAGE_PREVIEW_LIMITS)).toEqual({ ok: false, reason: 'type' });
    expect(files()).toEqual([]);
    expect(tmpFiles()).toEqual([]);
  });

  it('stops reading at the byte limit and refuses dimensions over the limit', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const huge = Buffer.concat([png(10, 10), Buffer.alloc(AVATAR_LIMITS.maxBytes + 10)]);
    const source = chunked(huge, 64 * 1024);
    expect(await store.ingest(source, 'sha1', AVATAR_LIMITS)).toEqual({ ok: false, reason: 'too-large' });
    expect(source.read).toBeLessThanOrEqual(AVATAR_LIMITS.maxBytes + 64 * 1024);
    const wide = png(5000, 1);
    expect(await store.ingest(wide, sha1(wide), AVATAR_LIMITS)).toEqual({ ok: false, reason: 'dimensions' });
    expect(tmpFiles()).toEqual([]);
  });

  it('evicts the least recently used files to stay within its total, and the order survives a restart', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const HOUR = 3_600_000;
    const images = [2, 3, 4, 5].map((seed) => png(40, 40, { seed }));
    const size = images[0].length;
    expect(images.every((image) => image.length === size)).toBe(true);
    const store = await MediaStore.open({ dir, log: silentLogger, maxTotalBytes: size * 3, now: () => now });
    const refs = [];
    for (const image of images.slice(0, 3)) {
      now += HOUR;
      const result = await store.ingest(image, sha256(image), IMAGE_PREVIEW_LIMITS);
      if (!result.ok) throw new Error(result.reason);
      refs.push(result.ref);
    }
    now += HOUR;
    expect(store.resolve(refs[0].id)).not.toBeNull(); // the oldest is used again
    now += HOUR;
    await store.ingest(images[3], sha256(images[3]), IMAGE_PREVIEW_LIMITS);
    expect(store.has(sha256(images[1]))).toBe(false); // now the least recently used
    expect(store.has(sha256(images[0]))).toBe(true);
    expect(store.resolve(refs[1].id)).toBeNull();
    expect(store.usage()).toEqual({ bytes: size * 3, files: 3 });
    expect(files()).toHaveLength(3);

    await store.settle(); // uses are written to the files' mtimes in the background
    const reopened = await MediaStore.open({ dir, log: silentLogger, maxTotalBytes: size * 2 });
    expect(reopened.has(sha256(images[2]))).toBe(false);
    expect(reopened.has(sha256(images[3]))).toBe(true);
    const ref = await reopened.ref(sha256(images[3]));
    expect(ref).toMatchObject({ mime: 'image/png', width: 40, height: 40 });
  });

  it('removes unfinished and foreign files when it opens', async () => {
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tmp', 'half'), 'x');
    fs.writeFileSync(path.join(dir, 'files', '../../escape'), 'x', { flag: 'w' });
    fs.writeFileSync(path.join(dir, 'files', 'notes.txt'), 'x');
    fs.writeFileSync(path.join(dir, 'files', 'sha1-abc'), 'x');
    const store = await MediaStore.open({ dir, log: silentLogger });
    expect(files()).toEqual([]);
    expect(tmpFiles()).toEqual([]);
    expect(store.usage().files).toBe(0);
    fs.rmSync(path.join(dir, '..', 'escape'), { force: true });
  });
});

describe('media store index', () => {
  const indexFile = () => path.join(dir, 'index.json');

  /** Two avatars kept and the index written, as a run of the app leaves them. */
  async function keptAvatars(): Promise<MediaKey[]> {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const keys: MediaKey[] = [];
    for (const avatar of [png(16, 16, { seed: 1 }), gif(9, 7)]) {
      const result = await store.ingest(avatar, sha1(avatar), AVATAR_LIMITS);
      if (!result.ok) throw new Error(result.reason);
      keys.push(result.key);
    }
    await store.settle();
    return keys;
  }

  /** Counts the calls of fs.promises `name` on the store's files while `run` runs. */
  async function counting<T>(name: 'open' | 'stat', run: () => Promise<T>): Promise<{ value: T; calls: number }> {
    const spy = vi.spyOn(fs.promises, name);
    try {
      const value = await run();
      const calls = spy.mock.calls.filter(([file]) => String(file).startsWith(path.join(dir, 'files'))).length;
      return { value, calls };
    } finally {
      spy.mockRestore();
    }
  }

  it('opens without a stat or a read of the files it vouches for, and gives their refs at once', async () => {
    const [a, b] = await keptAvatars();
    const { value: store, calls: stats } = await counting('stat', () => MediaStore.open({ dir, log: silentLogger }));
    expect(stats).toBe(0);
    const { value: refs, calls: opens } = await counting('open', async () => [
      store.refIfKnown(a),
      store.refIfKnown(b),
    ]);
    expect(opens).toBe(0);
    expect(refs).toMatchObject([
      { mime: 'image/png', width: 16, height: 16 },
      { mime: 'image/gif', width: 9, height: 7 },
    ]);
    expect(store.resolve(refs[1]!.id)?.mime).toBe('image/gif');
  });

  it('sniffs a file it has no entry for before serving it, and forgets entries without a file', async () => {
    const [a, b] = await keptAvatars();
    fs.rmSync(path.join(dir, 'files', `sha1-${a.hash}`));
    // Not stored by the store (no index entry): a picture, and HTML under a picture's name.
    const added = png(12, 12, { seed: 3 });
    const addedKey = sha1(added);
    fs.writeFileSync(path.join(dir, 'files', `sha1-${addedKey.hash}`), added);
    const fake = sha1(png(13, 13));
    fs.writeFileSync(path.join(dir, 'files', `sha1-${fake.hash}`), HTML);
    const store = await MediaStore.open({ dir, log: silentLogger });
    expect(store.has(a)).toBe(false);
    expect(store.refIfKnown(addedKey)).toBeNull();
    expect(store.refIfKnown(fake)).toBeNull();
    const { value: sniffed, calls: opens } = await counting('open', async () => [
      await store.ref(addedKey),
      await store.ref(fake),
    ]);
    expect(opens).toBe(2);
    expect(sniffed).toEqual([expect.objectContaining({ mime: 'image/png', width: 12 }), null]);
    expect(store.has(fake)).toBe(false);
    await store.settle();
    const reopened = await MediaStore.open({ dir, log: silentLogger });
    expect(reopened.refIfKnown(addedKey)).toMatchObject({ mime: 'image/png', width: 12 });
    expect(reopened.refIfKnown(b)).toMatchObject({ mime: 'image/gif' });
    expect(reopened.usage().files).toBe(2);
  });

  /** Counts the index's writes (each writes its temporary file, then renames it). */
  function countingIndexWrites(): { count: () => number; restore: () => void } {
    const spy = vi.spyOn(fs.promises, 'writeFile');
    return {
      count: () => spy.mock.calls.filter(([file]) => String(file) === `${indexFile()}.tmp`).length,
      restore: () => spy.mockRestore(),
    };
  }

  it('does not rewrite the index every few seconds while kept avatars are served, and keeps their use at close', async () => {
    const [a, b] = await keptAvatars();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const writes = countingIndexWrites();
    try {
      const store = await MediaStore.open({ dir, log: silentLogger, maxTotalBytes: 10_000 });
      const refA = store.refIfKnown(a)!;
      const refB = store.refIfKnown(b)!;
      for (let turn = 0; turn < 10; turn++) {
        // A roster scrolling: both pictures served again, `a` last.
        expect(store.resolve(refB.id)).not.toBeNull();
        await vi.advanceTimersByTimeAsync(1_250);
        expect(store.resolve(refA.id)).not.toBeNull();
        await vi.advanceTimersByTimeAsync(1_250);
      }
      expect(writes.count()).toBe(0);
      await vi.advanceTimersByTimeAsync(40_000); // a minute after the first use
      await vi.waitFor(() => expect(writes.count()).toBe(1));
      expect(store.resolve(refA.id)).not.toBeNull();
      await store.settle(); // at close
      expect(writes.count()).toBe(2);
    } finally {
      writes.restore();
      vi.useRealTimers();
    }
    // After a restart `b` is the least recently used: it goes first when the store must shrink.
    const sizeOfA = fs.statSync(path.join(dir, 'files', `sha1-${a.hash}`)).size;
    const reopened = await MediaStore.open({ dir, log: silentLogger, maxTotalBytes: sizeOfA });
    expect(reopened.has(a)).toBe(true);
    expect(reopened.has(b)).toBe(false);
  });

  it('writes a new file into the index promptly even while uses wait', async () => {
    const [a] = await keptAvatars();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const writes = countingIndexWrites();
    const added = png(12, 12, { seed: 5 });
    try {
      const store = await MediaStore.open({ dir, log: silentLogger });
      expect(store.resolve(store.refIfKnown(a)!.id)).not.toBeNull(); // a use: written later
      await vi.advanceTimersByTimeAsync(2_500);
      expect(writes.count()).toBe(0);
      const result = await store.ingest(added, sha1(added), AVATAR_LIMITS);
      expect(result.ok).toBe(true);
      await vi.advanceTimersByTimeAsync(2_500);
      await vi.waitFor(() => expect(writes.count()).toBe(1));
      await store.settle(); // nothing left to write
      expect(writes.count()).toBe(1);
    } finally {
      writes.restore();
      vi.useRealTimers();
    }
    const index = JSON.parse(fs.readFileSync(indexFile(), 'utf8')) as { files: [string][] };
    expect(index.files.map(([name]) => name)).toContain(`sha1-${sha1(added).hash}`);
  });

  it.each([
    ['not JSON', '{"version":1,"files":[['],
    ['another version', '{"version":99,"files":[]}'],
    ['a type that is not media', null],
  ])('ignores a damaged index (%s): sniffs each file before serving it, then writes it again', async (_, text) => {
    const [a, b] = await keptAvatars();
    const index = fs.readFileSync(indexFile(), 'utf8');
    fs.writeFileSync(indexFile(), text ?? index.replace('"image/gif"', '"text/html"'));
    const { value: store, calls: stats } = await counting('stat', () => MediaStore.open({ dir, log: silentLogger }));
    expect(stats).toBe(2);
    expect(store.usage().files).toBe(2);
    expect(store.refIfKnown(a)).toBeNull();
    expect(store.refIfKnown(b)).toBeNull();
    expect(await store.ref(b)).toMatchObject({ mime: 'image/gif', width: 9, height: 7 });
    await store.settle();
    const reopened = await MediaStore.open({ dir, log: silentLogger });
    expect(reopened.refIfKnown(b)).toMatchObject({ mime: 'image/gif', width: 9, height: 7 });
    expect(reopened.has(a)).toBe(true);
  });
});

describe('media fetcher', () => {
  it('fetches each hash once: joined while in flight, answered from disk afterwards', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const fetcher = new MediaFetcher({ store, log: silentLogger });
    const avatar = png(32, 32);
    let calls = 0;
    const source = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return avatar;
    };
    const [a, b] = await Promise.all([
      fetcher.get(sha1(avatar), AVATAR_LIMITS, source),
      fetcher.get(sha1(avatar), AVATAR_LIMITS, source),
    ]);
    expect(a).toEqual(b);
    const again = await fetcher.get(sha1(avatar), AVATAR_LIMITS, source);
    expect(again?.id).toBe(a?.id);
    expect(calls).toBe(1);
    expect(fetcher.stats.joined).toBe(1);
  });

  it('runs at most `parallel` fetches and none while held; a failed hash is not asked again soon', async () => {
    const store = await MediaStore.open({ dir, log: silentLogger });
    const fetcher = new MediaFetcher({ store, log: silentLogger, parallel: 3 });
    const release = fetcher.hold();
    let running = 0;
    let peak = 0;
    let started = 0;
    const images = Array.from({ length: 20 }, (_, i) => gif(i + 1, 1));
    const pending = images.map((image) =>
      fetcher.get(sha1(image), AVATAR_LIMITS, async () => {
        started++;
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return image;
      }),
    );
    // Every fetch got past the store (queued, or started): none of them may have started.
    const queue = (fetcher as unknown as { queue: unknown[] }).queue;
    await expect.poll(() => queue.length + started).toBe(20);
    expect(started).toBe(0);
    release();
    const refs = await Promise.all(pending);
    expect(refs.every((ref) => ref?.mime === 'image/gif')).toBe(true);
    expect(peak).toBe(3);

    let brokenCalls = 0;
    const broken = async () => {
      brokenCalls++;
      return HTML;
    };
    expect(await fetcher.get(sha1(HTML), AVATAR_LIMITS, broken)).toBeNull();
    expect(await fetcher.get(sha1(HTML), AVATAR_LIMITS, broken)).toBeNull();
    expect(brokenCalls).toBe(1);
    const throwing = async () => {
      throw new Error('network down');
    };
    expect(await fetcher.get(sha1(png(3, 3)), AVATAR_LIMITS, throwing)).toBeNull();
  });
});
