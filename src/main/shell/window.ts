/**
 * The main window and the rules every webContents lives by: a sandboxed, context-isolated renderer
 * without Node, that never navigates, never opens windows or webviews, gets no permissions except
 * notifications, and hands http(s)/mailto links to the OS browser only after the user confirms.
 */
import path from 'node:path';
import { BrowserWindow, dialog, shell } from 'electron';
import type { Session, WebContents, WebPreferences } from 'electron';
import { LOCALE_ARGUMENT, LOCALE_TAG } from '../../shared/ipc-channels';
import type { WindowState } from './window-state';
import type { ShellWords } from './words';

export interface WebPreferencesOptions {
  /** Absolute path of the preload bundle (out/preload/index.cjs). */
  preloadPath: string;
  /** DevTools only in development builds. */
  devTools: boolean;
  /** The OS's language (app.getLocale()), handed to the page through the preload. */
  locale?: string;
}

/** The webPreferences of every Jabberwock window. Pure, so the unit tests can read it. */
export function createWebPreferences(options: WebPreferencesOptions): WebPreferences {
  if (!path.isAbsolute(options.preloadPath)) throw new Error('The preload path must be absolute.');
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The composer's spell checker; its language and menu come from spellcheck.ts and context-menu.ts.
    spellcheck: true,
    devTools: options.devTools,
    ...(options.locale && LOCALE_TAG.test(options.locale)
      ? { additionalArguments: [`${LOCALE_ARGUMENT}${options.locale}`] }
      : {}),
  };
}

const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);
const MAX_EXTERNAL_URL = 4096;

/**
 * Whether a link may be handed to the OS (shell.openExternal): only http(s) with a host and no
 * credentials, or mailto. Everything else (javascript:, file:, data:, smb:, UNC paths, ms-msdt: and
 * other protocol handlers that run programs) is refused.
 */
export function isSafeExternalUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL) return false;
  // Control characters and whitespace let a URL look like one thing and parse as another.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (!EXTERNAL_PROTOCOLS.has(url.protocol)) return false;
  if (url.protocol === 'mailto:') return url.pathname.length > 0;
  // The URL parser repairs 'https:/x' and 'https:///x' into 'https://x/'; accept only the plain form.
  if (!/^https?:\/\/[^/]/i.test(raw)) return false;
  return url.hostname.length > 0 && url.username === '' && url.password === '';
}

/** What the confirmation shows: the normalised URL and its host in punycode (so look-alikes show). */
export function describeExternalUrl(raw: string): { href: string; host: string } {
  const url = new URL(raw);
  return { href: url.href, host: url.protocol === 'mailto:' ? url.pathname : url.host };
}

/** Asks the user, then opens a safe link in the OS. Unsafe links are refused with a notice. */
export async function openExternalWithConsent(
  parent: BrowserWindow | null,
  raw: string,
  words: ShellWords,
): Promise<boolean> {
  const options = (message: string, detail: string, buttons: string[]) => ({
    type: 'question' as const,
    title: 'Jabberwock',
    message,
    detail,
    buttons,
    defaultId: buttons.length - 1,
    cancelId: buttons.length - 1,
    noLink: true,
  });
  if (!isSafeExternalUrl(raw)) {
    const notice = {
      ...options(words.text('link.refused'), raw.slice(0, 300), [words.text('link.ok')]),
      type: 'warning' as const,
    };
    if (parent) await dialog.showMessageBox(parent, notice);
    else await dialog.showMessageBox(notice);
    return false;
  }
  const { href, host } = describeExternalUrl(raw);
  const ask = options(words.text('link.ask', { host }), href, [words.text('link.open'), words.text('link.cancel')]);
  const { response } = parent ? await dialog.showMessageBox(parent, ask) : await dialog.showMessageBox(ask);
  if (response !== 0) return false;
  await shell.openExternal(href);
  return true;
}

/** Only notifications are ever granted; camera, microphone, geolocation, clipboard, MIDI… are denied. */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'notifications';
}

/** Installs the deny-by-default permission handlers (Electron grants everything without them). */
export function installPermissionPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
}

export type ExternalLinkHandler = (url: string) => void;

/**
 * Locks down a webContents: no navigation of any frame, no redirects, no new windows, no webviews.
 * Links the renderer tries to follow go to `openExternal` (which checks and asks) instead.
 */
export function hardenWebContents(contents: WebContents, openExternal: ExternalLinkHandler): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    if (isSafeExternalUrl(event.url)) openExternal(event.url);
  });
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export interface MainWindowOptions extends WebPreferencesOptions {
  state: WindowState;
  /** Window icon (Linux; macOS and Windows take it from the bundle). */
  iconPath?: string;
  /** Open minimized to the taskbar instead of in front (a hidden start without a tray). */
  minimized?: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { state } = options;
  const win = new BrowserWindow({
    title: 'Jabberwock',
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 480,
    minHeight: 360,
    show: false,
    backgroundColor: '#1e1f22',
    autoHideMenuBar: true,
    icon: options.iconPath,
    webPreferences: createWebPreferences(options),
  });
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    if (options.minimized) win.minimize();
    else win.show();
  });
  return win;
}

/** Brings a window to the front (second instance started, dock icon clicked). */
export function focusWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
