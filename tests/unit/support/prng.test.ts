/**
 * The shared seeded generator gives the numbers the copies it replaced gave (recorded from them),
 * for every seed a test or bench uses: the benches' workloads and the tests' generated cases depend on it.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../../support/prng.mjs';

/** The first three values of each seed in use, as 32-bit integers (value × 2³²). */
const RECORDED: Record<number, number[]> = {
  1: [0xa087eaf3, 0x00b349c9, 0x8706c4eb],
  3: [0xb860c852, 0x09e5c36b, 0x74c902f4],
  5: [0xb09516ac, 0xc5d280cf, 0x3842637e],
  7: [0x02ff152c, 0x0fdc7f12, 0xfa169e5e],
  11: [0x82f75e6b, 0x87aa915c, 0x9bada881],
  15: [0x3ce3157c, 0x6774b7ad, 0x671d94f2],
  42: [0x99e1ef7c, 0x72c32b8a, 0xda3b32c0],
  82: [0xc1ece2e5, 0xd59e4354, 0x864e2525],
  115: [0x44a7da7f, 0xf90a70c0, 0xed2f6eaa],
  2203: [0xb5c35fac, 0x0a296b18, 0x7d429d5a],
  4711: [0x5ceed8ca, 0xb9aadf96, 0x0ff6a420],
  4712: [0x2a098517, 0x83dc1f7f, 0x399db72d],
  5000: [0x06bb030f, 0x79c63238, 0xe7ea1efe],
  5001: [0xdc4fa680, 0x2a86ae81, 0x75b19393],
  7000: [0xfd80f019, 0xad18772e, 0xa18ed8e4],
  9000: [0x03ed8b0e, 0x97c93088, 0xc2f2b260],
  20261121: [0xb0ff58c7, 0x5a21b564, 0x89d29050],
};

describe('prng', () => {
  it('gives the recorded first values for every seed in use', () => {
    for (const [seed, values] of Object.entries(RECORDED)) {
      const next = prng(Number(seed));
      expect(
        values.map(() => next() * 2 ** 32),
        `seed ${seed}`,
      ).toEqual(values);
    }
  });

  it('stays in [0, 1) and two generators of one seed do not share state', () => {
    const a = prng(9);
    const b = prng(9);
    const first = a();
    for (let i = 0; i < 1000; i++) {
      const value = a();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    expect(b()).toBe(first);
  });
});
