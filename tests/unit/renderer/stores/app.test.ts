import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIDDEN_WINDOW_WAIT_MS, useAppStore } from '../../../../src/renderer/src/stores/app';
import { flush } from '../fixtures';

const timers = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('app store: the first paint of the roster', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => {
    delete (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame;
  });

  it('holds back the parts beside the roster until the frame with the first snapshot has been painted', async () => {
    const frames: (() => void)[] = [];
    (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = (callback: () => void) =>
      frames.push(callback);
    const app = useAppStore();
    expect(app.firstPaintDone).toBe(false);

    app.snapshotApplied();
    await flush();
    await timers();
    expect(app.firstPaintDone).toBe(false); // the frame has not come yet
    expect(frames).toHaveLength(1);

    frames.shift()!();
    expect(app.firstPaintDone).toBe(false); // painted after the frame's callbacks, so one timer later
    await timers();
    expect(app.firstPaintDone).toBe(true);

    app.snapshotApplied(); // a later snapshot (the bridge came back) waits for nothing
    expect(frames).toHaveLength(0);
    expect(app.firstPaintDone).toBe(true);
  });

  it('in a hidden window (no frames come), lets them render after a while anyway', () => {
    vi.useFakeTimers();
    try {
      (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = () => 0;
      const app = useAppStore();
      app.snapshotApplied();
      vi.advanceTimersByTime(HIDDEN_WINDOW_WAIT_MS - 1);
      expect(app.firstPaintDone).toBe(false);
      vi.advanceTimersByTime(1);
      expect(app.firstPaintDone).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without animation frames (no window), lets them render after one timer', async () => {
    const app = useAppStore();
    app.snapshotApplied();
    expect(app.firstPaintDone).toBe(false);
    await timers();
    expect(app.firstPaintDone).toBe(true);
  });
});
