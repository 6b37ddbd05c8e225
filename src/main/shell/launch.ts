/**
 * How this start shows itself, and what a second start hands over to the running one. Only one
 * Jabberwock runs per profile: a second start passes its arguments to the first and quits.
 */
import type { App } from 'electron';
import type { Prefs } from '../../shared/contract';
import { HIDDEN_FLAG } from './login-item';
import { HANDED_LINK_MAX, isXmppLink, xmppLinkIn } from './xmpp-links';

/** 'window': open it; 'tray': no window until the user asks; 'minimized': to the taskbar (no tray to live in). */
export type StartupMode = 'window' | 'tray' | 'minimized';

export interface StartupFacts {
  argv: readonly string[];
  platform: NodeJS.Platform;
  prefs: Pick<Prefs, 'startHidden'>;
  /** macOS: started as a login item (it cannot pass --hidden). */
  wasOpenedAtLogin: boolean;
  hasTray: boolean;
}

export function startupMode(facts: StartupFacts): StartupMode {
  const hidden =
    facts.argv.includes(HIDDEN_FLAG) ||
    (facts.platform === 'darwin' && facts.wasOpenedAtLogin && facts.prefs.startHidden);
  if (!hidden) return 'window';
  // macOS brings the window back from the Dock; elsewhere a hidden window needs the tray icon.
  return facts.hasTray || facts.platform === 'darwin' ? 'tray' : 'minimized';
}

/** Whether macOS started us as a login item (false elsewhere, and when the OS will not say). */
export function openedAtLogin(app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform): boolean {
  if (platform !== 'darwin') return false;
  try {
    return app.getLoginItemSettings().wasOpenedAtLogin === true;
  } catch {
    return false;
  }
}

/** What a second start sends to the first: its own arguments (after the program). */
export interface HandOver {
  args: string[];
}

const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 4096;

export function handOverData(argv: readonly string[]): HandOver {
  return {
    args: argv.slice(1, 1 + MAX_ARGS).map((arg) => arg.slice(0, isXmppLink(arg) ? HANDED_LINK_MAX : MAX_ARG_LENGTH)),
  };
}

/** What the first start makes of a second start: show the window, unless it was only asked to run hidden. */
export interface SecondStart {
  hidden: boolean;
  /** The `xmpp:` link the second start was opened with (the OS hands links over so), if any. */
  xmppUri: string | null;
}

/**
 * Reads what a second start handed over. The additional data is preferred (Chromium may reorder or
 * add switches in argv); anything malformed counts as a plain start, which shows the window.
 */
export function readSecondStart(argv: readonly string[], data: unknown): SecondStart {
  const handed =
    typeof data === 'object' &&
    data !== null &&
    Array.isArray((data as HandOver).args) &&
    (data as HandOver).args.every((arg) => typeof arg === 'string')
      ? (data as HandOver).args
      : Array.isArray(argv)
        ? argv.filter((arg) => typeof arg === 'string')
        : [];
  const xmppUri = xmppLinkIn(handed);
  return { hidden: handed.includes(HIDDEN_FLAG) && xmppUri === null, xmppUri };
}
