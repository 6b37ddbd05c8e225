import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AfterFirstSnapshot } from '../../../../src/main/core/first-snapshot';

describe('AfterFirstSnapshot', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts once the first snapshot has been answered, not before, and only once', () => {
    const start = vi.fn();
    const after = new AfterFirstSnapshot(start, 3_000);
    expect(start).not.toHaveBeenCalled();
    after.snapshotServed();
    // The answer is sent first.
    expect(start).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(start).toHaveBeenCalledTimes(1);
    after.snapshotServed();
    vi.runAllTimers();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('starts after the fallback when no snapshot is asked for', () => {
    const start = vi.fn();
    new AfterFirstSnapshot(start, 3_000);
    vi.advanceTimersByTime(2_999);
    expect(start).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('starts at once without a fallback, and never once closed', () => {
    const now = vi.fn();
    new AfterFirstSnapshot(now, undefined);
    expect(now).toHaveBeenCalledTimes(1);
    const never = vi.fn();
    new AfterFirstSnapshot(never, 3_000).close();
    vi.runAllTimers();
    expect(never).not.toHaveBeenCalled();
  });
});
