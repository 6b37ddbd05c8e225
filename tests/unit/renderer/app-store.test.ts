import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/stores/app';
import { flush } from './fixtures';

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

  it('without animation frames (no window), lets them render after one timer', async () => {
    const app = useAppStore();
    app.snapshotApplied();
    expect(app.firstPaintDone).toBe(false);
    await timers();
    expect(app.firstPaintDone).toBe(true);
  });
});
