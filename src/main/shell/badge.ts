/**
 * The unread count on the taskbar or dock: app.setBadgeCount on macOS (dock) and Linux (launchers
 * that read the Unity launcher API), an overlay icon on the taskbar button on Windows, which has no
 * badge count of its own. The count is the tray model's: every unread message over all accounts.
 */
import { nativeImage } from 'electron';
import type { App, BrowserWindow, NativeImage } from 'electron';
import type { Logger } from '../core/log';
import type { TrayModel } from '../core/tray/tray-api';
import { BADGE_SCALE_FACTOR, BADGE_SIZE, badgeDescription, badgeText, drawUnreadBadge } from './badge-image';
import type { ShellWords } from './words';

export type OverlayWindow = Pick<BrowserWindow, 'isDestroyed' | 'setOverlayIcon'>;

export interface UnreadBadgeOptions {
  model: Pick<TrayModel, 'summary' | 'subscribe'>;
  app: Pick<App, 'setBadgeCount'>;
  /** The window whose taskbar button carries the overlay (Windows). */
  getWindow: () => OverlayWindow | null;
  /** The words in the user's language (the overlay's description for screen readers). */
  words: () => ShellWords;
  platform?: NodeJS.Platform;
  log?: Logger;
}

export interface UnreadBadge {
  /** Re-reads the count; draws only when it (or, on Windows, the window) changed. */
  refresh(): void;
  /** Draws again even when nothing changed: the window's taskbar button came (back). */
  redraw(): void;
  /** Stops following the model. */
  dispose(): void;
}

/** The overlay image for a count, or null to take the overlay away. */
export function overlayImage(count: number): NativeImage | null {
  const pixels = drawUnreadBadge(count);
  if (!pixels) return null;
  return nativeImage.createFromBitmap(pixels, {
    width: BADGE_SIZE,
    height: BADGE_SIZE,
    scaleFactor: BADGE_SCALE_FACTOR,
  });
}

export function createUnreadBadge(options: UnreadBadgeOptions): UnreadBadge {
  const platform = options.platform ?? process.platform;
  let shownCount = 0;
  // Windows: the overlay belongs to a window, so a new window needs it drawn again.
  let shownText = '';
  let shownOn: OverlayWindow | null = null;

  const refresh = () => {
    const count = options.model.summary().unreadMessages;
    try {
      if (platform === 'win32') {
        const win = options.getWindow();
        if (!win || win.isDestroyed()) return;
        // The overlay shows at most "9+": 12 and 13 unread draw the same image.
        const words = options.words();
        const text = `${badgeText(count)}|${words.language}`;
        if (text === shownText && win === shownOn) return;
        shownText = text;
        shownOn = win;
        win.setOverlayIcon(overlayImage(count), count > 0 ? badgeDescription(count, words) : '');
      } else {
        if (count === shownCount) return;
        shownCount = count;
        options.app.setBadgeCount(count);
      }
    } catch (error) {
      options.log?.warn('could not show the unread count', { error });
    }
  };

  const unsubscribe = options.model.subscribe(refresh);
  refresh();
  return {
    refresh,
    redraw() {
      shownOn = null;
      refresh();
    },
    dispose: unsubscribe,
  };
}
