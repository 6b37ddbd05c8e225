/**
 * Fetches media into the store once per hash: a hash already kept is answered from disk, a hash
 * being fetched joins that fetch, a hash that just failed is not asked again for a while. Network
 * fetches run a few at a time and wait while held (e.g. while a roster loads, so thousands of
 * avatar hashes announced at login do not compete with it).
 */
import type { MediaRef } from '../../../shared/media';
import type { Logger } from '../log';
import type { MediaLimits } from './limits';
import type { MediaKey, MediaStore } from './store';

/** Produces the bytes for a key: a buffer (e.g. base64 from a stanza) or a stream (HTTPS). */
export type MediaSource = (signal: AbortSignal) => Promise<Uint8Array | AsyncIterable<Uint8Array>>;

export interface MediaFetcherOptions {
  store: MediaStore;
  log: Logger;
  /** Network fetches at once. Default 4. */
  parallel?: number;
  /** A hash that failed is not fetched again before this. Default 30 minutes. */
  retryAfterMs?: number;
  now?: () => number;
}

export interface MediaFetcherStats {
  /** Sources called. */
  fetched: number;
  /** Requests answered by a fetch already under way. */
  joined: number;
  /** Fetches that gave nothing usable (refused bytes, network errors). */
  failed: number;
  /** Most sources running at once so far. */
  peakRunning: number;
}

interface Job {
  key: MediaKey;
  limits: MediaLimits;
  source: MediaSource;
  resolve: (ref: MediaRef | null) => void;
}

/** How many failed hashes are remembered. */
const FAILED_MAX = 10_000;

export class MediaFetcher {
  private readonly store: MediaStore;
  private readonly log: Logger;
  private readonly parallel: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;
  private readonly inFlight = new Map<string, Promise<MediaRef | null>>();
  private readonly failedAt = new Map<string, number>();
  private readonly queue: Job[] = [];
  private readonly controller = new AbortController();
  private running = 0;
  private holds = 0;
  readonly stats: MediaFetcherStats = { fetched: 0, joined: 0, failed: 0, peakRunning: 0 };

  constructor(options: MediaFetcherOptions) {
    this.store = options.store;
    this.log = options.log;
    this.parallel = Math.max(1, options.parallel ?? 4);
    this.retryAfterMs = options.retryAfterMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The media for `key`: from the store, or fetched from `source` (once); null when unavailable. */
  get(key: MediaKey, limits: MediaLimits, source: MediaSource): Promise<MediaRef | null> {
    const id = `${key.algo}-${key.hash}`;
    const current = this.inFlight.get(id);
    if (current) {
      this.stats.joined++;
      return current;
    }
    const promise = this.obtain(id, key, limits, source).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, promise);
    return promise;
  }

  /** Holds network fetches back until the returned function is called (holds nest). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.pump();
    };
  }

  /** Stops every fetch; queued ones answer null. */
  close(): void {
    this.controller.abort();
    for (const job of this.queue.splice(0)) job.resolve(null);
  }

  private async obtain(id: string, key: MediaKey, limits: MediaLimits, source: MediaSource): Promise<MediaRef | null> {
    await this.store.ready.catch(() => {});
    if (this.store.has(key)) {
      const ref = await this.store.ref(key);
      if (ref) return ref;
    }
    const failed = this.failedAt.get(id);
    if (failed !== undefined && this.now() - failed < this.retryAfterMs) return null;
    if (this.controller.signal.aborted) return null;
    const ref = await new Promise<MediaRef | null>((resolve) => {
      this.queue.push({ key, limits, source, resolve });
      this.pump();
    });
    if (ref) this.failedAt.delete(id);
    else this.rememberFailure(id);
    return ref;
  }

  private pump(): void {
    while (this.holds === 0 && this.running < this.parallel && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running);
      void this.run(job).then((ref) => {
        this.running--;
        job.resolve(ref);
        this.pump();
      });
    }
  }

  private async run(job: Job): Promise<MediaRef | null> {
    this.stats.fetched++;
    try {
      const bytes = await job.source(this.controller.signal);
      const result = await this.store.ingest(bytes, job.key, job.limits);
      if (result.ok) return result.ref;
      this.stats.failed++;
      this.log.info('media refused', { hash: `${job.key.algo}:${job.key.hash}`, reason: result.reason });
      return null;
    } catch (error) {
      this.stats.failed++;
      this.log.info('media could not be fetched', { hash: `${job.key.algo}:${job.key.hash}`, error });
      return null;
    }
  }

  private rememberFailure(id: string): void {
    this.failedAt.delete(id);
    this.failedAt.set(id, this.now());
    if (this.failedAt.size > FAILED_MAX) this.failedAt.delete(this.failedAt.keys().next().value!);
  }
}
