/**
 * The Electron entry: wires the shell (src/main/shell) to the core. Everything that can be tested
 * without Electron lives in the shell modules and the core; this file only decides the order.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, powerMonitor, protocol, screen, session, shell } from 'electron';
import { consoleSink, createLogger } from './core/log';
import { createMessenger, type Messenger } from './core/messenger';
import { CONNECT_FALLBACK_MS } from './core/first-snapshot';
import { installProcessGuard } from './core/process-guard';
import { FileSecretStore } from './core/secrets';
import type { MessageNotification } from './core/notify-api';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  originOf,
} from './shell/app-protocol';
import { bindIpc } from './shell/ipc';
import { preloadPath, rendererRoot, resourcePath } from './shell/paths';
import { createSafeStorageCipher } from './shell/secret-cipher';
import {
  createMainWindow,
  focusWindow,
  hardenWebContents,
  installPermissionPolicy,
  openExternalWithConsent,
} from './shell/window';
import { restoreWindowState, trackWindowState } from './shell/window-state';
import { createTray, installCloseToTray, type TrayController } from './shell/tray';
import { createPowerMonitorIdleSource } from './shell/idle-source';
import { createElectronNotifier, messengerNotificationHandlers } from './shell/notifications';
import { installContextMenu } from './shell/context-menu';
import { createSpellcheckHost } from './shell/spellcheck';
import { createUnreadBadge, type UnreadBadge } from './shell/badge';
import { applyStartAtLogin, defaultLoginItemEnv, syncStartAtLogin } from './shell/login-item';
import { handOverData, openedAtLogin, readSecondStart, startupMode } from './shell/launch';
import { createTrayHint, showTrayHint } from './shell/tray-hint';
import { listenForOpenUrl, registerXmppHandler, xmppLinkIn } from './shell/xmpp-links';
import { followLanguage, shellWords, wordsFor, type ShellWords } from './shell/words';

const log = createLogger(consoleSink, app.isPackaged ? 'info' : 'debug', 'shell');
// A stray rejection or exception is logged; the user's accounts and window stay up.
installProcessGuard(log.child('process'), { onUncaughtException: 'log' });
// electron-vite sets this in `dev` only; a packaged app always loads app://.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [originOf(devServerUrl)] : [])].filter(
  (origin): origin is string => origin !== null,
);

let mainWindow: BrowserWindow | null = null;
let messenger: Messenger | null = null;
let tray: TrayController | null = null;
let badge: UnreadBadge | null = null;
/** Called each time closing the window hid it to the tray. */
let hiddenToTray: (() => void) | null = null;
/** Set once the user quits: from then on closing the window really closes it. */
let quitting = false;
/** The shell's words: the language chosen in Settings, else the OS's (set once the app is ready). */
let words: ShellWords = shellWords('en');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// macOS may hand over an xmpp: link before the app is ready.
const openUrlLinks = listenForOpenUrl(app);

const TRAY_HINT_SHOWN_KEY = 'shell.trayHintShown';

function openLink(url: string): void {
  openExternalWithConsent(mainWindow, url, words).catch((error) => log.warn('could not open link', { error }));
}

// Every webContents, whoever creates it, gets the navigation, window-open and webview rules, and our menu.
app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, openLink);
  installContextMenu(contents, { devTools: !app.isPackaged, openLink, words: () => words });
});

function openMainWindow(minimized = false): BrowserWindow {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const win = createMainWindow({
    preloadPath: preloadPath(),
    devTools: !app.isPackaged,
    locale: app.getLocale(),
    state: restoreWindowState(stateFile, screen),
    iconPath: process.platform === 'linux' ? resourcePath('icon.png') : undefined,
    minimized,
  });
  trackWindowState(win, stateFile, (error) => log.warn('could not save the window state', { error }));
  installCloseToTray(
    win,
    // Only with a tray to come back from.
    () => tray !== null && (messenger?.prefs.get().closeToTray ?? false),
    () => quitting,
    () => hiddenToTray?.(),
  );
  // Windows: the unread overlay belongs to the taskbar button, which comes with the shown window.
  win.on('show', () => badge?.redraw());
  const unwatch = tray?.watchWindow(win);
  win.on('closed', () => {
    unwatch?.();
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(devServerUrl ?? APP_ENTRY_URL).catch((error) => log.error('could not load the renderer', { error }));
  return win;
}

function showWindowNow(): void {
  if (mainWindow) focusWindow(mainWindow);
  else mainWindow = openMainWindow();
}

async function start(): Promise<void> {
  await app.whenReady();
  // Until the core has read the user's choice: the OS's language.
  words = wordsFor(undefined, app.getLocale());
  if (process.platform === 'win32') app.setAppUserModelId('org.jabberwock.app');
  installPermissionPolicy(session.defaultSession);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler(rendererRoot(), { media: () => messenger?.mediaAccess ?? null }),
  );

  const userData = app.getPath('userData');
  const secrets = new FileSecretStore(path.join(userData, 'secrets.json'), createSafeStorageCipher());
  const idleSource = createPowerMonitorIdleSource(powerMonitor);
  let core: Messenger;
  try {
    const notificationLog = log.child('notifications');
    const openConversation = (clicked: MessageNotification) => {
      showWindowNow();
      messenger?.openConversation(clicked.accountId, clicked.conversation, clicked.kind);
    };
    const notifier = createElectronNotifier(
      messengerNotificationHandlers(() => messenger, openConversation, notificationLog),
      notificationLog,
      () => words,
    );
    core = await createMessenger({
      dataDir: userData,
      secrets,
      log: log.child('core'),
      idle: { source: idleSource },
      notifier,
      windowFocused: () => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isFocused(),
      spellcheck: createSpellcheckHost(session.defaultSession, log.child('spellcheck')),
      downloadsDir: app.getPath('downloads'),
      connectAfterFirstSnapshotMs: CONNECT_FALLBACK_MS,
      pickFiles: async () => {
        const options: Electron.OpenDialogOptions = { properties: ['openFile', 'multiSelections'] };
        const picked = mainWindow
          ? await dialog.showOpenDialog(mainWindow, options)
          : await dialog.showOpenDialog(options);
        return picked.canceled ? [] : picked.filePaths;
      },
      // Only files this run downloaded reach here (the core looks them up by transfer), on the user's click.
      openFile: async (file) => (await shell.openPath(file)) === '',
    });
  } catch (error) {
    log.error('the core could not start', { error });
    dialog.showErrorBox(words.text('start.failed'), error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  messenger = core;
  words = wordsFor(core.prefs.get().language, app.getLocale());
  const unfollowLanguage = followLanguage(
    core,
    app.getLocale(),
    () => words,
    (next) => {
      words = next;
      tray?.refresh();
      badge?.refresh();
    },
  );
  const unbindIpc = bindIpc({
    messenger: core,
    getMainWindow: () => mainWindow,
    allowedOrigins,
    log: log.child('ipc'),
  });
  const showWindow = showWindowNow;
  try {
    tray = createTray({
      model: core.tray,
      getWindow: () => mainWindow,
      showWindow,
      hideWindow: () => mainWindow?.hide(),
      quit: () => app.quit(),
      iconPath: (icon) => resourcePath(`tray-${icon}.png`),
      words: () => words,
      log: log.child('tray'),
    });
    log.info('tray icon shown');
  } catch (error) {
    // Some Linux desktops have no tray: the app works without it (and then never hides to it).
    log.warn('no tray icon', { error });
  }
  hiddenToTray = createTrayHint({
    wasShown: () => core.settings.get<unknown>(TRAY_HINT_SHOWN_KEY, false) === true,
    markShown: () => core.settings.set(TRAY_HINT_SHOWN_KEY, true),
    show: (text) => showTrayHint(text, log),
    words: () => words,
  });
  badge = createUnreadBadge({
    model: core.tray,
    app,
    getWindow: () => mainWindow,
    words: () => words,
    log: log.child('badge'),
  });
  const unsyncLoginItem = syncStartAtLogin(
    core,
    core.prefs.get(),
    (setting) => applyStartAtLogin(defaultLoginItemEnv(app), setting),
    log.child('login-item'),
  );
  const mode = startupMode({
    argv: process.argv,
    platform: process.platform,
    prefs: core.prefs.get(),
    wasOpenedAtLogin: openedAtLogin(app, process.platform),
    hasTray: tray !== null,
  });
  if (mode !== 'tray') mainWindow = openMainWindow(mode === 'minimized');
  else log.info('started hidden in the tray');
  // After sleep a TCP connection may be dead without anyone having said so: check now, not in a minute.
  powerMonitor.on('resume', () => core.checkConnections());

  // A second start (e.g. from the menu while we run in the tray) shows the window; one that was only
  // asked to run hidden (a login item of a user who started us already) has nothing to add.
  // A second start opened with an xmpp: link hands it over; the window shows its dialog.
  const openXmppLink = (link: string) => {
    showWindow();
    core.control.openXmppUri(link);
  };
  app.on('second-instance', (_event, argv, _workingDirectory, data) => {
    const second = readSecondStart(argv, data);
    if (second.xmppUri) openXmppLink(second.xmppUri);
    else if (!second.hidden) showWindow();
  });
  registerXmppHandler(app, log.child('xmpp-links'));
  const firstLink = xmppLinkIn(process.argv.slice(1));
  if (firstLink) core.control.openXmppUri(firstLink);
  openUrlLinks.deliverTo(openXmppLink);
  // macOS: a click on the Dock icon brings back a closed or hidden window.
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Close the core (disconnect accounts, close the database) before the process goes away.
  let closing: 'no' | 'pending' | 'done' = 'no';
  app.on('before-quit', (event) => {
    quitting = true;
    if (closing === 'done') return;
    event.preventDefault();
    if (closing === 'pending') return;
    closing = 'pending';
    unbindIpc();
    unsyncLoginItem();
    unfollowLanguage();
    badge?.dispose();
    badge = null;
    tray?.destroy();
    tray = null;
    idleSource.dispose();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    Promise.race([core.close(), timeout])
      .catch((error) => log.error('closing the core failed', { error }))
      .finally(() => {
        closing = 'done';
        app.quit();
      });
  });
}

// A second start hands over to the first (which focuses its window, above) and exits.
if (!app.requestSingleInstanceLock(handOverData(process.argv))) {
  app.quit();
} else {
  start().catch((error) => {
    log.error('start-up failed', { error });
    app.exit(1);
  });
}
