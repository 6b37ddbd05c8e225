/** The message list's cache of parsed texts: what was used lately is kept, the rest forgotten. */
import { describe, expect, it } from 'vitest';
import { RecentCache } from '../../../../../src/renderer/src/components/chat/recent-cache';

describe('RecentCache', () => {
  it('makes a value once while it is used, and keeps at most two generations', () => {
    const cache = new RecentCache<number, string>(3);
    let made = 0;
    const make = (key: number) => `v${key}-${++made}`;
    expect(cache.get(1, make)).toBe('v1-1');
    expect(cache.get(1, make)).toBe('v1-1');
    for (let key = 2; key <= 20; key++) cache.get(key, make);
    expect(made).toBe(20);
    expect(cache.size).toBeLessThanOrEqual(6);
    // The first keys are forgotten and made again; the last ones are kept.
    expect(cache.get(20, make)).toBe('v20-20');
    expect(cache.get(1, make)).toBe('v1-21');
  });

  it('brings an entry of the older generation back, so a key used now and then is kept', () => {
    const cache = new RecentCache<number, string>(2);
    let made = 0;
    const make = (key: number) => `v${key}-${++made}`;
    cache.get(0, make);
    for (let key = 1; key <= 30; key++) {
      cache.get(key, make);
      expect(cache.get(0, make)).toBe('v0-1');
    }
  });
});
