import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIDDEN_WINDOW_WAIT_MS, useAppStore } from '../../../../src/renderer/src/stores/app';
import { noticeText } from '../../../../src/renderer/src/lib/words/app';
import { flush, snapshot } from '../fixtures';

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

describe('app store: notices about the app itself', () => {
  beforeEach(() => setActivePinia(createPinia()));

  const recovered = {
    id: 'store.recovered',
    at: 1,
    code: 'store.recovered' as const,
    keptAs: '/home/me/.config/Jabberwock/jabberwock.sqlite3.damaged-2026-12-06T12-30-00',
    accountsKept: 2,
  };

  it('takes the snapshot’s notices, then one per code from events until removed', () => {
    const app = useAppStore();
    app.applySnapshot(snapshot({ notices: [recovered] }));
    app.applyEvents([
      { type: 'app.notice', notice: { id: 'store.writeFailed', at: 2, code: 'store.writeFailed', reason: 'full' } },
    ]);
    app.applyEvents([
      { type: 'app.notice', notice: { id: 'store.writeFailed', at: 3, code: 'store.writeFailed', reason: 'io' } },
    ]);
    expect(app.notices.map((notice) => [notice.id, notice.at])).toEqual([
      ['store.recovered', 1],
      ['store.writeFailed', 3],
    ]);
    app.applyEvents([{ type: 'app.noticeRemoved', id: 'store.recovered' }]);
    expect(app.notices.map((notice) => notice.id)).toEqual(['store.writeFailed']);
  });

  it('words each notice: what happened, what was kept, where the damaged file is', () => {
    expect(noticeText(recovered)).toEqual({
      title: 'Jabberwock repaired its damaged data file.',
      detail:
        '2 accounts were kept, with their settings. Contacts, bookmarks and recent messages are fetched again from the server. ' +
        `The damaged file was kept as ${recovered.keptAs}.`,
    });
    expect(noticeText({ ...recovered, accountsKept: 0 }).detail).toMatch(/^No account could be read back from it/);
    expect(noticeText({ id: 'store.damaged', at: 1, code: 'store.damaged' }).title).toBe(
      'Jabberwock found damage in its data file.',
    );
    expect(noticeText({ id: 'store.writeFailed', at: 1, code: 'store.writeFailed', reason: 'full' }).title).toBe(
      'Received messages could not be saved because the disk is full.',
    );
    const newKey = noticeText({
      id: 'encryption.newKey',
      at: 1,
      code: 'encryption.newKey',
      accountId: 'a',
      jid: 'alice@example.org',
      oldDeviceId: 111,
      deviceId: 222,
    });
    expect(newKey.title).toBe('New encryption key');
    expect(newKey.detail).toMatch(
      /^The encryption key of alice@example\.org .* \(device 222\) and the old device 111 was removed/,
    );
  });
});

describe('app store: the first screen’s frame draws the roster’s rows only', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => {
    delete (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame;
  });

  it('holds back the rest from the first screen until the frame that paints it is out, once', async () => {
    const frames: (() => void)[] = [];
    (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame = (callback: () => void) =>
      frames.push(callback);
    const app = useAppStore();
    expect(app.rowsOnly).toBe(false); // before any snapshot, the frame renders as it is

    app.firstScreenApplied();
    expect(app.rowsOnly).toBe(true);
    frames.shift()!();
    expect(app.rowsOnly).toBe(true); // painted after the frame's callbacks, so one timer later
    await timers();
    expect(app.rowsOnly).toBe(false);

    app.firstScreenApplied(); // a first screen again (a reload of the data) holds nothing back
    expect(app.rowsOnly).toBe(false);
  });

  it('holds nothing back once the whole snapshot is in', () => {
    const app = useAppStore();
    app.snapshotApplied();
    app.firstScreenApplied();
    expect(app.rowsOnly).toBe(false);
  });
});
