/**
 * Waits for a row of a virtual list to settle: a callback runs once it has waited both some frames
 * and some time, unless cancelled first. Both, because a fast scroll on a loaded machine has slow
 * frames (time alone would pass in one) and a quick machine has short ones (frames alone would too).
 * One animation-frame loop serves every waiting row, and runs only while one waits.
 */
export interface SettleOptions {
  frames: number;
  ms: number;
  /** requestAnimationFrame, or a stand-in. */
  requestFrame: (tick: (now: number) => void) => unknown;
  now: () => number;
}

interface Waiting {
  frames: number;
  since: number;
  run: () => void;
}

export function createSettler(options: SettleOptions) {
  const waiting = new Set<Waiting>();
  let ticking = false;

  function tick(now: number) {
    ticking = false;
    for (const entry of waiting) {
      entry.frames += 1;
      if (entry.frames < options.frames || now - entry.since < options.ms) continue;
      waiting.delete(entry);
      entry.run();
    }
    if (waiting.size > 0) schedule();
  }

  function schedule() {
    if (ticking) return;
    ticking = true;
    options.requestFrame(tick);
  }

  /** Runs `run` once settled; the answer cancels it. */
  function settle(run: () => void): () => void {
    const entry = { frames: 0, since: options.now(), run };
    waiting.add(entry);
    schedule();
    return () => waiting.delete(entry);
  }

  return { settle, waiting: () => waiting.size };
}
