import { describe, expect, it } from 'vitest';
import { SpeedMeter } from '../../../../../../src/main/core/features/upload/speed';

describe('transfer speed', () => {
  it('is the rate over the last seconds, and falls to 0 when nothing moves', () => {
    const meter = new SpeedMeter(3000);
    expect(meter.rate(0)).toBe(0);
    meter.add(0, 0);
    meter.add(1000, 1_000_000);
    expect(meter.rate(1000)).toBe(1_000_000);
    // A fast start, then a slow stretch: the window forgets the start.
    for (let t = 2000; t <= 8000; t += 1000) meter.add(t, 1_000_000 + (t - 1000) * 10);
    expect(meter.rate(8000)).toBe(10_000);
    expect(meter.rate(12_000)).toBe(0);
  });
});
