/**
 * Transfer speed over a sliding window: bytes moved in the last few seconds divided by the time they
 * took, so a stall shows as a falling number rather than the average since the start.
 */
export class SpeedMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Records that `bytes` in all had moved at time `at`. */
  add(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last && last.at === at) last.bytes = bytes;
    else this.samples.push({ at, bytes });
    // Keep one sample older than the window as the baseline.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /** Bytes per second at time `now` (0 when nothing moved within the window). */
  rate(now: number): number {
    const last = this.samples.at(-1);
    const first = this.samples[0];
    if (!last || !first || last === first || now - last.at > this.windowMs) return 0;
    const elapsed = Math.max(last.at - first.at, 1);
    return Math.round(((last.bytes - first.bytes) * 1000) / elapsed);
  }

  reset(): void {
    this.samples.length = 0;
  }
}
