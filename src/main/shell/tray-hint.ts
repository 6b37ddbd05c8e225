/**
 * The first time closing the window only hides it, the user is told once that Jabberwock still
 * runs in the tray and how to quit: as a notification, or a message box where there are none.
 */
import { dialog, Notification } from 'electron';
import type { Logger } from '../core/log';
import type { ShellWords } from './words';

export interface TrayHintText {
  title: string;
  body: string;
  /** The message box's button, where there are no notifications. */
  ok: string;
}

/** macOS has a menu bar (and ⌘Q), the others a tray. */
export function trayHintText(platform: NodeJS.Platform, words: ShellWords): TrayHintText {
  const where = platform === 'darwin' ? 'menuBar' : 'tray';
  return {
    title: words.text(`hint.title.${where}`),
    body: words.text(`hint.body.${where}`),
    ok: words.text('hint.ok'),
  };
}

export interface TrayHintOptions {
  /** Whether the hint was shown before (kept across restarts), and recording that it was. */
  wasShown(): boolean;
  markShown(): void;
  show(text: TrayHintText): void;
  /** The words in the user's language when the hint is shown. */
  words: () => ShellWords;
  platform?: NodeJS.Platform;
}

/** Returns the function to call each time the window hides to the tray; it shows the hint only once. */
export function createTrayHint(options: TrayHintOptions): () => void {
  let shown = false;
  return () => {
    if (shown || options.wasShown()) return;
    shown = true;
    options.markShown();
    options.show(trayHintText(options.platform ?? process.platform, options.words()));
  };
}

// Referenced until closed, so the notification is not collected while on screen.
const onScreen = new Set<Notification>();

/** Shows the hint as a notification, or without notifications as a message box (not waited for). */
export function showTrayHint(text: TrayHintText, log?: Logger): void {
  if (Notification.isSupported()) {
    const notification = new Notification({ title: text.title, body: text.body, silent: true });
    onScreen.add(notification);
    notification.on('close', () => onScreen.delete(notification));
    notification.show();
    return;
  }
  dialog
    .showMessageBox({ type: 'info', title: 'Jabberwock', message: text.title, detail: text.body, buttons: [text.ok] })
    .catch((error) => log?.warn('could not show the tray hint', { error }));
}
