/**
 * The Electron entry (src/main/index.ts) with `electron` and the core stubbed: start-up order,
 * single-instance behaviour and a clean quit.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Mock } from 'vitest';
import { DEFAULT_PREFS, IPC_INVOKE, type EventBatch } from '../../../src/shared/contract';
import type { LanguageChoice } from '../../../src/shared/languages';
import type { IdleSource } from '../../../src/main/core/features/presence/idle';
import { MemoryTrayModel } from '../../support/tray-model';
import type { Notifier } from '../../../src/main/core/notify-api';
import { execLine } from '../../../src/main/shell/login-item';

type AnyFn = (...args: unknown[]) => unknown;

const h = vi.hoisted(() => ({
  state: {} as {
    lock: boolean;
    userData: string;
    app: EventEmitter;
    windows: EventEmitter[];
    trays: (EventEmitter & { image: string; menu: { template: unknown[] } | null; destroy: Mock<AnyFn> })[];
    idleSeconds: number;
    closeToTray: boolean;
    startAtLogin: boolean;
    /** app.getLocale() */
    locale: string;
    language: LanguageChoice;
    argv: string[];
    settings: Map<string, unknown>;
    spellcheckLanguages: string[];
    menus: { template: { label?: string; role?: string }[]; popup: Mock<AnyFn> }[];
    batchListeners: ((batch: EventBatch) => void)[];
    messenger: {
      invoke: Mock<AnyFn>;
      subscribe: Mock<AnyFn>;
      close: Mock<() => Promise<void>>;
      checkConnections: Mock<() => void>;
      tray: MemoryTrayModel;
      prefs: {
        get: () => { closeToTray: boolean; startAtLogin: boolean; startHidden: boolean; language: LanguageChoice };
      };
      settings: { get: (key: string, fallback: unknown) => unknown; set: (key: string, value: unknown) => void };
      openConversation: Mock<AnyFn>;
    };
    notifications: (EventEmitter & { options: { title: string; body: string }; show: Mock<AnyFn> })[];
    createMessenger: Mock<AnyFn>;
    electron: Record<string, unknown>;
  },
}));

function makeElectron() {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    requestSingleInstanceLock: vi.fn(() => h.state.lock),
    quit: vi.fn(),
    exit: vi.fn(),
    whenReady: vi.fn(async () => {}),
    getPath: vi.fn(() => h.state.userData),
    getLocale: vi.fn(() => h.state.locale),
    getAppPath: vi.fn(() => '/app'),
    setAppUserModelId: vi.fn(),
    setBadgeCount: vi.fn(() => true),
    setLoginItemSettings: vi.fn(),
    getLoginItemSettings: vi.fn(() => ({ openAtLogin: false, wasOpenedAtLogin: false })),
  });
  class FakeBrowserWindow extends EventEmitter {
    webContents = {
      mainFrame: { url: 'app://jabberwock/index.html' },
      getURL: () => 'app://jabberwock/index.html',
      send: vi.fn(),
    };
    loadURL = vi.fn(async () => {});
    isDestroyed = vi.fn(() => false);
    isMinimized = vi.fn(() => true);
    isVisible = vi.fn(() => true);
    isMaximized = vi.fn(() => false);
    isFullScreen = vi.fn(() => false);
    getNormalBounds = vi.fn(() => ({ x: 5, y: 6, width: 700, height: 500 }));
    restore = vi.fn();
    show = vi.fn();
    hide = vi.fn();
    focus = vi.fn();
    maximize = vi.fn();
    minimize = vi.fn();
    setOverlayIcon = vi.fn();
    constructor(public options: Record<string, unknown>) {
      super();
      h.state.windows.push(this as never);
    }
  }
  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  h.state.app = app as never;
  class FakeTray extends EventEmitter {
    menu: { template: unknown[] } | null = null;
    setImage = vi.fn((image: string) => {
      this.image = image;
    });
    setToolTip = vi.fn();
    setContextMenu = vi.fn((menu: { template: unknown[] } | null) => {
      this.menu = menu;
    });
    destroy = vi.fn();
    constructor(public image: string) {
      super();
      h.state.trays.push(this as never);
    }
  }
  class FakeNotification extends EventEmitter {
    static isSupported = () => true;
    show = vi.fn();
    constructor(public options: { title: string; body: string }) {
      super();
      h.state.notifications.push(this as never);
    }
  }
  const powerMonitor = Object.assign(new EventEmitter(), {
    getSystemIdleTime: vi.fn(() => h.state.idleSeconds),
    getSystemIdleState: vi.fn(() => 'active'),
  });
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: {
      buildFromTemplate: vi.fn((template: { label?: string; role?: string }[]) => {
        const menu = { template, popup: vi.fn() };
        h.state.menus.push(menu);
        return menu;
      }),
    },
    nativeImage: { createFromBitmap: vi.fn((buffer: Buffer) => ({ buffer })) },
    clipboard: { writeText: vi.fn() },
    powerMonitor,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setSpellCheckerEnabled: vi.fn(),
        availableSpellCheckerLanguages: ['de-DE', 'en-US', 'fr'],
        getSpellCheckerLanguages: vi.fn(() => h.state.spellcheckLanguages),
        setSpellCheckerLanguages: vi.fn((languages: string[]) => {
          h.state.spellcheckLanguages = languages;
        }),
      },
    },
    screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
    dialog: { showErrorBox: vi.fn(), showMessageBox: vi.fn() },
    shell: { openExternal: vi.fn() },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: vi.fn(),
      decryptString: vi.fn(),
    },
  };
}

vi.mock('electron', () => {
  h.state.electron = makeElectron();
  return h.state.electron;
});

vi.mock('../../../src/main/core/messenger', () => ({
  createMessenger: (...args: unknown[]) => h.state.createMessenger(...args),
}));

type Electron = ReturnType<typeof makeElectron>;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function startMain(lock: boolean, args: string[] = []): Promise<Electron> {
  h.state.lock = lock;
  // The electron stub survives resetModules: start each run from a clean app object.
  if (h.state.electron) (h.state.electron as Electron).app.removeAllListeners();
  vi.clearAllMocks();
  vi.resetModules();
  const argv = process.argv;
  process.argv = [argv[0], ...args];
  try {
    await import('../../../src/main/index');
    await flush();
  } finally {
    process.argv = argv;
  }
  return h.state.electron as Electron;
}

beforeEach(() => {
  // Electron defines this in the main process; the packaged-path branch reads it.
  Object.assign(process, { resourcesPath: '/opt/Jabberwock/resources' });
  h.state.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-main-'));
  h.state.windows = [];
  h.state.trays = [];
  h.state.idleSeconds = 0;
  h.state.closeToTray = false;
  h.state.startAtLogin = false;
  h.state.locale = 'en-US';
  h.state.language = 'system';
  h.state.settings = new Map();
  h.state.spellcheckLanguages = ['en-US'];
  h.state.menus = [];
  h.state.batchListeners = [];
  h.state.messenger = {
    invoke: vi.fn<AnyFn>(),
    subscribe: vi.fn<AnyFn>((listener) => {
      h.state.batchListeners.push(listener as (batch: EventBatch) => void);
      return () => {};
    }),
    close: vi.fn(async () => {}),
    checkConnections: vi.fn(),
    tray: new MemoryTrayModel([
      {
        id: 'a1',
        label: 'Work',
        jid: 'me@work.example',
        enabled: true,
        connection: { status: 'online', since: 0 },
        show: 'available',
      },
    ]),
    prefs: {
      get: () => ({
        closeToTray: h.state.closeToTray,
        startAtLogin: h.state.startAtLogin,
        startHidden: false,
        language: h.state.language,
      }),
    },
    settings: {
      get: (key, fallback) => (h.state.settings.has(key) ? h.state.settings.get(key) : fallback),
      set: (key, value) => void h.state.settings.set(key, value),
    },
    openConversation: vi.fn(),
  };
  h.state.notifications = [];
  h.state.createMessenger = vi.fn<AnyFn>(async () => h.state.messenger);
});
afterEach(() => fs.rmSync(h.state.userData, { recursive: true, force: true }));

describe('Electron entry', () => {
  it('registers app:// as a privileged standard, secure scheme with a code cache, before anything else', async () => {
    const electron = await startMain(true);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, codeCache: true }) },
    ]);
  });

  it('a second instance quits at once and starts nothing', async () => {
    const electron = await startMain(false);
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(h.state.createMessenger).not.toHaveBeenCalled();
    expect(h.state.windows).toHaveLength(0);
  });

  it('starts the core, binds IPC and opens the hardened window on app://', async () => {
    const electron = await startMain(true);
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(h.state.createMessenger).toHaveBeenCalledTimes(1);
    const options = h.state.createMessenger.mock.calls[0][0] as { dataDir: string; secrets: { info: unknown } };
    expect(options.dataDir).toBe(h.state.userData);
    // basic_text on Linux (or no keychain elsewhere) is not treated as encryption.
    if (process.platform === 'linux') expect(options.secrets.info).toMatchObject({ encrypted: false });
    expect(electron.ipcMain.handle).toHaveBeenCalledWith(IPC_INVOKE, expect.any(Function));
    expect(h.state.windows).toHaveLength(1);
    const win = h.state.windows[0] as unknown as {
      options: { webPreferences: Record<string, unknown> };
      loadURL: ReturnType<typeof vi.fn>;
    };
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: false,
    });
    expect(path.isAbsolute(win.options.webPreferences.preload as string)).toBe(true);
    expect(win.loadURL).toHaveBeenCalledWith('app://jabberwock/index.html');
  });

  it('checks every connection when the computer resumes from sleep', async () => {
    const electron = await startMain(true);
    expect(h.state.messenger.checkConnections).not.toHaveBeenCalled();
    electron.powerMonitor.emit('resume');
    expect(h.state.messenger.checkConnections).toHaveBeenCalledTimes(1);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const electron = await startMain(true);
    electron.app.emit('second-instance', {}, [], '/');
    const win = h.state.windows[0] as unknown as Record<string, ReturnType<typeof vi.fn>>;
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(h.state.windows).toHaveLength(1);
  });

  it('closes the core before quitting', async () => {
    const electron = await startMain(true);
    const event = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(h.state.messenger.close).toHaveBeenCalledTimes(1);
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_INVOKE);
    await flush();
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    // The second before-quit (from that app.quit) lets the app go.
    const second = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(h.state.messenger.close).toHaveBeenCalledTimes(1);
  });

  it('shows an error and exits when the core cannot start', async () => {
    h.state.createMessenger = vi.fn<AnyFn>(async () => {
      throw new Error('The database was written by a newer Jabberwock.');
    });
    const electron = await startMain(true);
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Jabberwock cannot start',
      'The database was written by a newer Jabberwock.',
    );
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(h.state.windows).toHaveLength(0);
  });

  it('words the tray in the OS language, then in the one chosen in Settings, at once', async () => {
    h.state.locale = 'de-DE';
    await startMain(true);
    const tray = h.state.trays[0] as unknown as { setToolTip: Mock<AnyFn>; menu: { template: { label?: string }[] } };
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Jabberwock – 1 Konto online');
    expect(tray.menu.template.at(-1)?.label).toBe('Beenden');
    // The renderer gets the OS language through the preload's command line.
    const win = h.state.windows[0] as unknown as { options: { webPreferences: Record<string, unknown> } };
    expect(win.options.webPreferences.additionalArguments).toEqual(['--jabberwock-locale=de-DE']);
    const prefs = { ...DEFAULT_PREFS, language: 'es' as const };
    for (const listener of h.state.batchListeners) listener({ seq: 2, events: [{ type: 'prefs.changed', prefs }] });
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Jabberwock — 1 cuenta en línea');
    expect(tray.menu.template.at(-1)?.label).toBe('Salir');
  });

  it("shows the tray from the core's tray model and sets the status through it", async () => {
    const electron = await startMain(true);
    expect(h.state.trays).toHaveLength(1);
    const tray = h.state.trays[0];
    expect(tray.image).toMatch(/tray-available\.png$/);
    const setShow = vi.spyOn(h.state.messenger.tray, 'setShow');
    type Item = { label?: string; submenu?: Item[]; click?: () => void };
    const template = tray.menu!.template as Item[];
    const all = template.find((item) => item.label === 'Set status for all accounts')!;
    all.submenu!.find((item) => item.label === 'Do not disturb')!.click!();
    await flush();
    expect(setShow).toHaveBeenCalledWith('all', 'dnd');
    expect(tray.image).toMatch(/tray-dnd\.png$/);
    // The tray goes away with the app.
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    expect(tray.destroy).toHaveBeenCalled();
  });

  it('hides the window on close when the preference says so, and really closes when quitting', async () => {
    const electron = await startMain(true);
    const win = h.state.windows[0] as unknown as EventEmitter & { hide: Mock<AnyFn> };
    const closeOnce = () => {
      const event = { preventDefault: vi.fn() };
      win.emit('close', event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(closeOnce()).toBe(false); // closeToTray off
    h.state.closeToTray = true;
    expect(closeOnce()).toBe(true);
    expect(win.hide).toHaveBeenCalledTimes(1);
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    expect(closeOnce()).toBe(false);
  });

  it('gives the core the system idle time from powerMonitor', async () => {
    const electron = await startMain(true);
    const options = h.state.createMessenger.mock.calls[0][0] as { idle?: { source: IdleSource } };
    expect(options.idle).toBeDefined();
    h.state.idleSeconds = 321;
    expect(options.idle!.source.idleSeconds()).toBe(321);
    expect(electron.powerMonitor.getSystemIdleTime).toHaveBeenCalled();
  });

  it('shows message notifications the core asks for, only when the window is not focused; a click opens the conversation', async () => {
    await startMain(true);
    const options = h.state.createMessenger.mock.calls[0][0] as {
      notifier?: Notifier;
      windowFocused?: () => boolean;
    };
    const win = h.state.windows[0] as unknown as { isFocused: Mock<AnyFn>; focus: Mock<AnyFn> };
    win.isFocused = vi.fn(() => true);
    expect(options.windowFocused!()).toBe(true);
    win.isFocused.mockReturnValue(false);
    expect(options.windowFocused!()).toBe(false);

    options.notifier!.show({
      accountId: 'a1',
      conversation: 'romeo@example.org',
      kind: 'chat',
      sender: 'Romeo',
      room: null,
      body: '<b>not html</b>',
    });
    expect(h.state.notifications).toHaveLength(1);
    const shown = h.state.notifications[0];
    expect(shown.options).toMatchObject({ title: 'Romeo', body: '<b>not html</b>' });
    expect(shown.show).toHaveBeenCalled();
    shown.emit('click');
    expect(win.focus).toHaveBeenCalled();
    expect(h.state.messenger.openConversation).toHaveBeenCalledWith('a1', 'romeo@example.org', 'chat');
  });

  it('starts hidden in the tray with --hidden; a second start shows the window, one with --hidden does not', async () => {
    const electron = await startMain(true, ['--hidden']);
    expect(h.state.trays).toHaveLength(1);
    expect(h.state.windows).toHaveLength(0);
    electron.app.emit('second-instance', {}, ['/opt/jabberwock', '--hidden'], '/', { args: ['--hidden'] });
    expect(h.state.windows).toHaveLength(0);
    electron.app.emit('second-instance', {}, ['/opt/jabberwock'], '/', { args: [] });
    expect(h.state.windows).toHaveLength(1);
  });

  it('hands its own arguments to the running instance when it is the second start', async () => {
    const electron = await startMain(false, ['--hidden']);
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledWith({ args: ['--hidden'] });
    expect(electron.app.quit).toHaveBeenCalled();
  });

  it('gives every webContents the context menu, without Inspect Element in a packaged build', async () => {
    const electron = await startMain(true);
    const contents = Object.assign(new EventEmitter(), {
      setWindowOpenHandler: vi.fn(),
      replaceMisspelling: vi.fn(),
      inspectElement: vi.fn(),
      session: { addWordToSpellCheckerDictionary: vi.fn() },
    });
    electron.app.emit('web-contents-created', {}, contents);
    contents.emit(
      'context-menu',
      {},
      {
        isEditable: true,
        misspelledWord: 'helo',
        dictionarySuggestions: ['hello', 'help'],
        editFlags: { canUndo: true, canRedo: true, canCut: true, canCopy: true, canPaste: true, canSelectAll: true },
        selectionText: '',
        linkURL: '',
        x: 1,
        y: 2,
      },
    );
    const menu = h.state.menus.at(-1)!;
    expect(menu.popup).toHaveBeenCalled();
    const labels = menu.template.map((item) => item.label ?? item.role);
    expect(labels.slice(0, 3)).toEqual(['hello', 'help', 'Add to dictionary']);
    expect(labels).not.toContain('Inspect element');
    (menu.template[0] as { click: () => void }).click();
    expect(contents.replaceMisspelling).toHaveBeenCalledWith('hello');
  });

  it("turns the session's spell checker on and gives the core a host that switches its language", async () => {
    const electron = await startMain(true);
    const session = electron.session.defaultSession;
    expect(session.setSpellCheckerEnabled).toHaveBeenCalledWith(true);
    const options = h.state.createMessenger.mock.calls[0][0] as {
      spellcheck: { available(): string[]; use(language: string | null): void };
    };
    if (process.platform === 'darwin') return; // the system checker picks the language there
    expect(options.spellcheck.available()).toEqual(['de-DE', 'en-US', 'fr']);
    options.spellcheck.use('de-DE');
    expect(session.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['de-DE']);
    options.spellcheck.use(null);
    expect(session.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['en-US']);
  });

  it('shows the unread count of the tray model on the dock, launcher or taskbar button', async () => {
    const electron = await startMain(true);
    const win = h.state.windows[0] as unknown as EventEmitter & { setOverlayIcon: Mock<AnyFn> };
    const accounts = h.state.messenger.tray.summary().accounts.map((line) => ({
      id: line.id,
      label: line.name,
      jid: line.jid,
      enabled: true,
      connection: { status: 'online' as const, since: 0 },
      show: 'available' as const,
    }));
    h.state.messenger.tray.update(accounts, 0, 3);
    if (process.platform === 'win32') {
      expect(win.setOverlayIcon).toHaveBeenLastCalledWith(expect.anything(), '3 unread messages');
    } else {
      expect(electron.app.setBadgeCount).toHaveBeenLastCalledWith(3);
    }
    h.state.messenger.tray.update(accounts, 0, 0);
    if (process.platform === 'win32') expect(win.setOverlayIcon).toHaveBeenLastCalledWith(null, '');
    else expect(electron.app.setBadgeCount).toHaveBeenLastCalledWith(0);
  });

  it('says once, the first time ever, that closing left Jabberwock running in the tray', async () => {
    h.state.closeToTray = true;
    await startMain(true);
    const win = h.state.windows[0] as unknown as EventEmitter;
    win.emit('close', { preventDefault: vi.fn() });
    expect(h.state.notifications).toHaveLength(1);
    expect(h.state.notifications[0].options.title).toMatch(/still running/);
    expect(h.state.notifications[0].options.body).toMatch(/Quit/);
    expect(h.state.notifications[0].show).toHaveBeenCalled();
    win.emit('close', { preventDefault: vi.fn() });
    expect(h.state.notifications).toHaveLength(1);
    expect(h.state.settings.get('shell.trayHintShown')).toBe(true);

    // The next run remembers it.
    await startMain(true);
    (h.state.windows.at(-1) as unknown as EventEmitter).emit('close', { preventDefault: vi.fn() });
    expect(h.state.notifications).toHaveLength(1);
  });

  it('Quit in the tray menu really quits, even with closing to the tray on', async () => {
    h.state.closeToTray = true;
    const electron = await startMain(true);
    type Item = { label?: string; click?: () => void };
    const quit = (h.state.trays[0].menu!.template as Item[]).find((item) => item.label === 'Quit')!;
    quit.click!();
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    const close = { preventDefault: vi.fn() };
    (h.state.windows[0] as unknown as EventEmitter).emit('close', close);
    expect(close.preventDefault).not.toHaveBeenCalled();
  });

  it('sends a reply typed into a notification as a message, and marks the conversation read', async () => {
    await startMain(true);
    h.state.messenger.invoke.mockImplementation(async () => ({ ok: true, value: null }));
    const options = h.state.createMessenger.mock.calls[0][0] as { notifier: Notifier };
    options.notifier.show({
      accountId: 'a1',
      conversation: 'romeo@example.org',
      kind: 'chat',
      sender: 'Romeo',
      room: null,
      body: 'Are you there?',
    });
    h.state.notifications[0].emit('reply', {}, 'On my way');
    await flush();
    expect(h.state.messenger.invoke.mock.calls).toEqual([
      ['message.send', { accountId: 'a1', conversation: 'romeo@example.org', kind: 'chat', body: 'On my way' }],
      ['conversation.markRead', { accountId: 'a1', conversation: 'romeo@example.org' }],
    ]);
    h.state.messenger.invoke.mockClear();
    h.state.notifications[0].emit('action', {}, 0);
    await flush();
    expect(h.state.messenger.invoke.mock.calls).toEqual([
      ['conversation.markRead', { accountId: 'a1', conversation: 'romeo@example.org' }],
    ]);
  });

  it('registers the start at login when the preference is on, and follows its changes', async () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-xdg-'));
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = config;
    try {
      h.state.startAtLogin = true;
      const electron = await startMain(true);
      const entry = path.join(config, 'autostart', 'org.jabberwock.app.desktop');
      if (process.platform === 'linux') {
        expect(fs.readFileSync(entry, 'utf8')).toContain(`\nExec=${execLine([process.execPath])}\n`);
      } else {
        expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith(
          expect.objectContaining({ openAtLogin: true }),
        );
      }
      const prefs = { ...DEFAULT_PREFS, startAtLogin: false };
      for (const listener of h.state.batchListeners) listener({ seq: 2, events: [{ type: 'prefs.changed', prefs }] });
      if (process.platform === 'linux') expect(fs.existsSync(entry)).toBe(false);
      else
        expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith(
          expect.objectContaining({ openAtLogin: false }),
        );
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      fs.rmSync(config, { recursive: true, force: true });
    }
  });
});
