/**
 * When a session's OMEMO start may run. Loading the Signal library and making a first identity are
 * synchronous blocks of hundreds of ms that cannot be cut; run during a room's join (thousands of
 * occupant presences, its history) they hold the event loop while the room waits. So the start waits
 * until no room of the account is joining and the loop has kept its timers on time for a while, and
 * never longer than a bound (a busy session still gets its keys published).
 */

export interface QuietStartOptions {
  /** True while something the start must not hold up is under way (a room being joined). */
  busy(): boolean;
  /** How long the loop must have been on time, ms. */
  quietMs?: number;
  /** The probe's period, ms; a tick later than `lateMs` past it breaks the quiet. */
  tickMs?: number;
  lateMs?: number;
  /** Start anyway after this long, ms. */
  maxWaitMs?: number;
}

export const QUIET_MS = 300;
export const QUIET_MAX_WAIT_MS = 15_000;

/** Resolves once the loop is quiet (see above); `cancel` stops the probe and never resolves. */
export function whenQuiet(options: QuietStartOptions): { done: Promise<void>; cancel: () => void } {
  const { busy, quietMs = QUIET_MS, tickMs = 25, lateMs = 15, maxWaitMs = QUIET_MAX_WAIT_MS } = options;
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  const done = new Promise<void>((resolve) => {
    const started = Date.now();
    let quietSince = started;
    let last = started;
    const tick = () => {
      if (cancelled) return;
      const now = Date.now();
      if (now - last > tickMs + lateMs || busy()) quietSince = now;
      last = now;
      if (now - quietSince >= quietMs || now - started >= maxWaitMs) {
        timer = null;
        resolve();
        return;
      }
      timer = setTimeout(tick, tickMs);
      timer.unref?.();
    };
    timer = setTimeout(tick, tickMs);
    timer.unref?.();
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}
