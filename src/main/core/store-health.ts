/**
 * What the user learns about the store while the app runs: the background check of the whole file
 * after start, and store writes that failed (disk full, I/O error, damage found by a statement).
 *
 * Damage found while running is never repaired under open connections: the file is marked for a
 * check, and the next start checks it before anything reads it and, if still damaged, moves it aside.
 */
import type { StoreFailure } from '../../shared/contract';
import type { AppNotices } from './app-notices';
import type { Logger } from './log';
import { markForCheck } from './store/recovery';
import { quickCheckInWorker, storeFailureOf, type StoreCheckResult } from './store/store-check';

/**
 * When the background check starts if no renderer asked for a snapshot first (headless, a window
 * that never opened): late enough to stay out of the way of the start itself.
 */
export const STORE_CHECK_FALLBACK_MS = 5_000;

/**
 * How long after the first snapshot the check starts: its worker (a thread, a SQLite connection, a
 * read of the whole file) would otherwise share the CPU with the renderer applying that snapshot.
 */
export const STORE_CHECK_AFTER_SNAPSHOT_MS = 2_000;

export class StoreHealth {
  private check: Promise<StoreCheckResult | null> | null = null;
  private fallback: ReturnType<typeof setTimeout> | null = null;
  private afterSnapshot = false;
  private closed = false;
  /** Damage was found while running: the file is closed without a checkpoint, for the next start to move aside. */
  damageFound = false;

  constructor(
    private readonly file: string,
    private readonly notices: AppNotices,
    private readonly log: Logger,
  ) {}

  /**
   * Starts the check after the first snapshot was answered (the renderer's first paint never waits for
   * it), or after `fallbackMs` if none is asked for.
   */
  startCheckLater(fallbackMs = STORE_CHECK_FALLBACK_MS): void {
    if (this.file === ':memory:') return;
    this.fallback = setTimeout(() => void this.runCheck(), fallbackMs);
    this.fallback.unref?.();
  }

  /** The first snapshot went out: check soon (on a worker thread), once the renderer has painted it. */
  snapshotServed(afterMs = STORE_CHECK_AFTER_SNAPSHOT_MS): void {
    if (this.check !== null || this.fallback === null || this.afterSnapshot) return;
    this.afterSnapshot = true;
    clearTimeout(this.fallback);
    this.fallback = setTimeout(() => void this.runCheck(), afterMs);
    this.fallback.unref?.();
  }

  /** The background check's result (null: not run, or it could not run). Starts it if it has not started. */
  runCheck(): Promise<StoreCheckResult | null> {
    if (this.fallback) clearTimeout(this.fallback);
    this.fallback = null;
    this.check ??= quickCheckInWorker(this.file).then(
      (result) => {
        if (!result.ok && !this.closed) this.damaged(result.problem);
        return result;
      },
      (error: unknown) => {
        this.log.warn('the store could not be checked', { error });
        return null;
      },
    );
    return this.check;
  }

  /**
   * A store operation failed: damage is marked for repair at the next start and told; a failed write of
   * received data (`received`) is told as a notice, while a command's failure is told by its Result.
   */
  failed(error: unknown, received = true): StoreFailure | null {
    const failure = storeFailureOf(error);
    if (failure === null || this.closed) return failure;
    if (failure === 'corrupt') this.damaged((error as Error).message);
    else if (received && !this.notices.has('store.writeFailed')) {
      this.log.error('a store write failed', { failure, error });
      this.notices.show({ code: 'store.writeFailed', reason: failure });
    }
    return failure;
  }

  /** Every write that had failed has been made again. */
  recovered(): void {
    if (this.notices.dismiss('store.writeFailed')) this.log.info('store writes work again');
  }

  close(): void {
    this.closed = true;
    if (this.fallback) clearTimeout(this.fallback);
    this.fallback = null;
  }

  private damaged(problem: string): void {
    this.damageFound = true;
    if (this.notices.has('store.damaged')) return;
    this.log.error('the store is damaged; it is repaired at the next start', { problem });
    markForCheck(this.file);
    this.notices.show({ code: 'store.damaged' });
  }
}
