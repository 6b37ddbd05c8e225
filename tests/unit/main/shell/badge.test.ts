/**
 * The unread badge with `electron` stubbed: app.setBadgeCount on macOS and Linux, the drawn overlay
 * icon on Windows, both fed by the tray model's unread count.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountStatusInput } from '../../../../src/main/core/tray/status-summary';
import { MemoryTrayModel } from '../../../support/tray-model';

const electron = vi.hoisted(() => ({
  createFromBitmap: vi.fn((buffer: Buffer, options: { width: number; height: number; scaleFactor: number }) => ({
    buffer,
    options,
  })),
}));

vi.mock('electron', () => ({ nativeImage: { createFromBitmap: electron.createFromBitmap } }));

import { createUnreadBadge } from '../../../../src/main/shell/badge';
import { shellWords } from '../../../../src/main/shell/words';
import { BADGE_SIZE, badgeText, drawUnreadBadge } from '../../../../src/main/shell/badge-image';

const ACCOUNT: AccountStatusInput = {
  id: 'a',
  label: 'A',
  jid: 'a@example.org',
  enabled: true,
  connection: { status: 'online', since: 0 },
  show: 'available',
};

function setup(platform: NodeJS.Platform, unread = 0) {
  const model = new MemoryTrayModel([ACCOUNT], 0, unread);
  const app = { setBadgeCount: vi.fn(() => true) };
  const win = { isDestroyed: vi.fn(() => false), setOverlayIcon: vi.fn() };
  let current: typeof win | null = win;
  const badge = createUnreadBadge({ model, app, getWindow: () => current, platform, words: () => shellWords('en') });
  const setUnread = (count: number) => model.update([ACCOUNT], 0, count);
  return { model, app, win, badge, setUnread, setWindow: (next: typeof win | null) => (current = next) };
}

beforeEach(() => vi.clearAllMocks());

describe('badge count (macOS dock, Linux launcher)', () => {
  for (const platform of ['darwin', 'linux'] as const) {
    it(`${platform}: follows the unread count, and only calls when it changes`, () => {
      const { app, win, setUnread } = setup(platform, 2);
      expect(app.setBadgeCount.mock.calls).toEqual([[2]]);
      setUnread(2);
      expect(app.setBadgeCount).toHaveBeenCalledTimes(1);
      setUnread(7);
      setUnread(0);
      expect(app.setBadgeCount.mock.calls).toEqual([[2], [7], [0]]);
      expect(win.setOverlayIcon).not.toHaveBeenCalled();
    });
  }

  it('stops following the model once disposed', () => {
    const { app, badge, setUnread } = setup('darwin');
    badge.dispose();
    setUnread(4);
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });
});

describe('overlay icon (Windows taskbar)', () => {
  it('draws the count over the taskbar button with a description, and takes it away at 0', () => {
    const { app, win, setUnread } = setup('win32');
    expect(win.setOverlayIcon).toHaveBeenCalledWith(null, '');
    setUnread(1);
    expect(win.setOverlayIcon).toHaveBeenLastCalledWith(expect.anything(), '1 unread message');
    const [image] = win.setOverlayIcon.mock.lastCall as [{ buffer: Buffer; options: unknown }];
    expect(image.buffer.equals(drawUnreadBadge(1)!)).toBe(true);
    expect(image.options).toEqual({ width: BADGE_SIZE, height: BADGE_SIZE, scaleFactor: 2 });
    setUnread(0);
    expect(win.setOverlayIcon).toHaveBeenLastCalledWith(null, '');
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });

  it('draws again only when the picture changes (12 and 13 both show 9+), or for a new window', () => {
    const { win, setUnread, setWindow, badge } = setup('win32', 12);
    expect(win.setOverlayIcon).toHaveBeenCalledTimes(1);
    setUnread(13);
    expect(win.setOverlayIcon).toHaveBeenCalledTimes(1);
    const next = { isDestroyed: vi.fn(() => false), setOverlayIcon: vi.fn() };
    setWindow(next);
    setUnread(14);
    expect(next.setOverlayIcon).toHaveBeenLastCalledWith(expect.anything(), '14 unread messages');
    badge.redraw();
    expect(next.setOverlayIcon).toHaveBeenCalledTimes(2);
  });

  it('waits for a window when there is none', () => {
    const { win, setUnread, setWindow, badge } = setup('win32');
    setWindow(null);
    setUnread(3);
    setWindow(win);
    win.setOverlayIcon.mockClear();
    badge.refresh();
    expect(win.setOverlayIcon).toHaveBeenCalledWith(expect.anything(), '3 unread messages');
  });
});

describe('the drawn badge', () => {
  const pixel = (buffer: Buffer, x: number, y: number) => {
    const i = (y * BADGE_SIZE + x) * 4;
    return { b: buffer[i], g: buffer[i + 1], r: buffer[i + 2], a: buffer[i + 3] };
  };

  it('says 1 to 9, then 9+, and nothing at 0', () => {
    expect([0, 1, 9, 10, 250].map(badgeText)).toEqual(['', '1', '9', '9+', '9+']);
    expect(drawUnreadBadge(0)).toBeNull();
    expect(drawUnreadBadge(10)!.equals(drawUnreadBadge(99)!)).toBe(true);
    expect(drawUnreadBadge(3)!.equals(drawUnreadBadge(8)!)).toBe(false);
  });

  it('is a red disc with transparent corners and white ink, in premultiplied BGRA', () => {
    const image = drawUnreadBadge(1)!;
    expect(image.length).toBe(BADGE_SIZE * BADGE_SIZE * 4);
    expect(pixel(image, 0, 0).a).toBe(0);
    expect(pixel(image, BADGE_SIZE - 1, BADGE_SIZE - 1).a).toBe(0);
    // Near the rim, left of the glyph: the disc colour.
    expect(pixel(image, 3, 16)).toEqual({ r: 0xd9, g: 0x30, b: 0x25, a: 255 });
    // The foot of the "1" (a full row of ink) runs through the bottom of the glyph box.
    expect(pixel(image, 16, 24)).toEqual({ r: 255, g: 255, b: 255, a: 255 });
    // Premultiplied: no channel exceeds alpha anywhere.
    for (let i = 0; i < image.length; i += 4) {
      expect(Math.max(image[i], image[i + 1], image[i + 2])).toBeLessThanOrEqual(image[i + 3]);
    }
  });
});
