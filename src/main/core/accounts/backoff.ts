/**
 * Reconnect delays: exponential growth with "decorrelated jitter" (each delay is drawn between the
 * base and three times the previous one, then capped), so many accounts that lost the same server
 * do not come back in lockstep. Pure: the clock and the random source are passed in.
 */
export interface BackoffOptions {
  /** First delay and the smallest delay ever returned (ms). */
  baseMs?: number;
  /** Largest delay (ms). */
  capMs?: number;
  /** A connection that stayed up at least this long resets the backoff (ms). */
  stableAfterMs?: number;
  /** Returns a number in [0, 1). */
  random?: () => number;
}

export const DEFAULT_BACKOFF: Required<Omit<BackoffOptions, 'random'>> = {
  baseMs: 2_000,
  capMs: 5 * 60_000,
  stableAfterMs: 60_000,
};

export class Backoff {
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly stableAfterMs: number;
  private readonly random: () => number;
  private previousMs = 0;
  private failures = 0;
  private upSince: number | null = null;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = Math.max(1, options.baseMs ?? DEFAULT_BACKOFF.baseMs);
    this.capMs = Math.max(this.baseMs, options.capMs ?? DEFAULT_BACKOFF.capMs);
    this.stableAfterMs = options.stableAfterMs ?? DEFAULT_BACKOFF.stableAfterMs;
    this.random = options.random ?? Math.random;
  }

  /** How many failures in a row since the last reset. */
  get attempt(): number {
    return this.failures;
  }

  /**
   * Records a failure and returns how long to wait before the next attempt. `minMs` raises the
   * floor for this delay (e.g. a server that said policy-violation gets a longer pause).
   */
  next(minMs = 0): number {
    this.failures += 1;
    const low = this.baseMs;
    const high = Math.max(low, this.previousMs * 3);
    const drawn = low + Math.floor(this.random() * (high - low + 1));
    const delay = Math.min(this.capMs, Math.max(drawn, Math.min(minMs, this.capMs)));
    this.previousMs = delay;
    return delay;
  }

  /** Forget all failures (e.g. the user pressed "reconnect now" and it worked). */
  reset(): void {
    this.failures = 0;
    this.previousMs = 0;
  }

  /** The connection came up at `now`. */
  connected(now: number): void {
    this.upSince = now;
  }

  /** The connection went down at `now`: resets the backoff when it had been up long enough. */
  disconnected(now: number): void {
    if (this.upSince !== null && now - this.upSince >= this.stableAfterMs) this.reset();
    this.upSince = null;
  }
}
