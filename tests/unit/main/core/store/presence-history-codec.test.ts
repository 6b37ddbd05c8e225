/**
 * A day of runs packed and read back: offsets as deltas, status rows and priorities (signed) kept
 * exactly, a few bytes a run, and a damaged blob refused with DayDecodeError rather than read as
 * something else.
 */
import { describe, expect, it } from 'vitest';
import {
  DayDecodeError,
  decodeDay,
  encodeDay,
  type DayRun,
} from '../../../../../src/main/core/store/presence-history-codec';

const RUNS: DayRun[] = [
  { offset: 0, duration: 3600, show: 0, status: 0, priority: 0 },
  { offset: 3600, duration: 60, show: 4, status: 1, priority: -128 },
  { offset: 7200, duration: 79_200, show: 2, status: 2 ** 40, priority: 127 },
  { offset: 86_399, duration: 1, show: 3, status: 123_456, priority: 5 },
];

describe('presence history day codec', () => {
  it('reads back what it packed', () => {
    expect(decodeDay(encodeDay(RUNS))).toEqual(RUNS);
    expect(decodeDay(encodeDay([]))).toEqual([]);
  });

  it('packs a run of a plain day in four to eight bytes', () => {
    const day = Array.from({ length: 100 }, (_, i) => ({
      offset: i * 600,
      duration: 550,
      show: i % 5,
      status: i % 2 === 0 ? 0 : 140_000,
      priority: 1,
    }));
    expect(encodeDay(day).length).toBeLessThanOrEqual(2 + 50 * 6 + 50 * 8);
  });

  it('keeps idle times (version 2), and writes a day without any as version 1', () => {
    const idle: DayRun[] = [
      { offset: 0, duration: 600, show: 2, status: 0, priority: 0, idle: 300 },
      { offset: 600, duration: 60, show: 2, status: 3, priority: 1 },
      { offset: 660, duration: 60, show: 3, status: 0, priority: 1, idle: -5 },
      { offset: 720, duration: 60, show: 3, status: 0, priority: 1, idle: 0 },
    ];
    const blob = encodeDay(idle);
    expect(blob[0]).toBe(2);
    expect(decodeDay(blob)).toEqual(idle);
    expect(encodeDay(RUNS)[0]).toBe(1);
    expect(encodeDay(RUNS.map((run) => ({ ...run, idle: null })))).toEqual(encodeDay(RUNS));
    // Version 1 days written before idle was kept read as before.
    expect(decodeDay(Buffer.from([1, 1, 5, 10, 2, 0]))).toEqual([
      { offset: 5, duration: 10, show: 2, status: 0, priority: 0 },
    ]);
    expect(() => decodeDay(Buffer.from([2, 1, 5, 10, 2, 0]))).toThrow(DayDecodeError); // its idle cut short
  });

  it('refuses damaged blobs', () => {
    const blob = encodeDay(RUNS);
    const bad = [
      blob.subarray(0, blob.length - 1), // cut short
      Buffer.concat([blob, Buffer.from([0])]), // bytes after the runs
      Buffer.from([3, 0]), // unknown version
      Buffer.from([1, 1, 0, 0, 7, 0]), // show 7
      Buffer.from([1, 1, 0, 0, 0, 0xff, 0x03]), // priority out of range
      Buffer.from([1, 1, 0xff, 0xff, 0x0f, 0, 0, 0]), // starts after the day
      Buffer.from([1, 0xff, 0xff, 0xff, 0xff, 0x0f]), // more runs than bytes
      Buffer.from([1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // a number too long
      Buffer.alloc(0),
    ];
    for (const blob of bad) expect(() => decodeDay(blob), blob.toString('hex')).toThrow(DayDecodeError);
  });
});
