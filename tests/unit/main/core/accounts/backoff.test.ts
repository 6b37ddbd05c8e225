import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF } from '../../../../../src/main/core/accounts/backoff';

/** A random source that always returns the same value. */
const constant = (value: number) => () => value;

describe('Backoff', () => {
  it('starts at the base delay and counts failures', () => {
    const backoff = new Backoff({ baseMs: 1000, capMs: 60_000, random: constant(0) });
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(1000);
    expect(backoff.attempt).toBe(1);
  });

  it('grows exponentially (×3 at the top of the jitter range) up to the cap', () => {
    const backoff = new Backoff({ baseMs: 1000, capMs: 30_000, random: constant(0.999999) });
    const delays = Array.from({ length: 6 }, () => backoff.next());
    expect(delays).toEqual([1000, 3000, 9000, 27_000, 30_000, 30_000]);
  });

  it('never waits less than the base nor more than the cap, whatever the random source says', () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const backoff = new Backoff({ baseMs: 2000, capMs: 300_000, random: lcg });
    for (let i = 0; i < 200; i++) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(300_000);
    }
  });

  it('jitters: two accounts with different random draws do not wait the same', () => {
    const a = new Backoff({ random: constant(0.1) });
    const b = new Backoff({ random: constant(0.9) });
    a.next();
    b.next();
    expect(a.next()).not.toBe(b.next());
  });

  it('defaults to 2 s base and a 5 minute cap', () => {
    expect(DEFAULT_BACKOFF.baseMs).toBe(2000);
    expect(DEFAULT_BACKOFF.capMs).toBe(300_000);
    const backoff = new Backoff({ random: constant(0.999999) });
    let last = 0;
    for (let i = 0; i < 20; i++) last = backoff.next();
    expect(last).toBe(300_000);
  });

  it('honours a raised floor (policy-violation) without exceeding the cap', () => {
    const backoff = new Backoff({ baseMs: 1000, capMs: 10_000, random: constant(0) });
    expect(backoff.next(5000)).toBe(5000);
    expect(backoff.next(50_000)).toBe(10_000);
  });

  it('resets after a connection that stayed up long enough, not after a short one', () => {
    const backoff = new Backoff({ baseMs: 1000, capMs: 60_000, stableAfterMs: 10_000, random: constant(0.999999) });
    backoff.next();
    backoff.next();
    backoff.connected(0);
    backoff.disconnected(5_000); // flapping: keep growing
    expect(backoff.attempt).toBe(2);
    expect(backoff.next()).toBe(9000);
    backoff.connected(100_000);
    backoff.disconnected(110_000); // stable for 10 s: start over
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(1000);
  });

  it('reset() starts over', () => {
    const backoff = new Backoff({ baseMs: 1000, random: constant(0.999999) });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(1000);
  });
});
