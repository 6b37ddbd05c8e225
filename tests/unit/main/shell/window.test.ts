import { EventEmitter } from 'node:events';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const created: { options: Record<string, unknown> }[] = [];
  class FakeBrowserWindow {
    handlers = new Map<string, () => void>();
    constructor(public options: Record<string, unknown>) {
      created.push(this);
    }
    once(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    }
    show = vi.fn();
    maximize = vi.fn();
    minimize = vi.fn();
  }
  return {
    created,
    BrowserWindow: FakeBrowserWindow,
    dialog: { showMessageBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => {}) },
  };
});

vi.mock('electron', () => ({
  BrowserWindow: electron.BrowserWindow,
  dialog: electron.dialog,
  shell: electron.shell,
}));

import { shellWords } from '../../../../src/main/shell/words';

const english = shellWords('en');
import {
  createMainWindow,
  createWebPreferences,
  describeExternalUrl,
  hardenWebContents,
  installPermissionPolicy,
  isPermissionAllowed,
  isSafeExternalUrl,
  openExternalWithConsent,
} from '../../../../src/main/shell/window';

const PRELOAD = path.resolve('/opt/Jabberwock/resources/app.asar/out/preload/index.cjs');

/** A webContents stand-in: real EventEmitter events with Electron-like event objects. */
class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  fire(name: string, url = 'https://evil.example/') {
    const event = {
      url,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit(name, event);
    return event;
  }
}

beforeEach(() => {
  vi.clearAllMocks();
  electron.created.length = 0;
});

describe('webPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    const prefs = createWebPreferences({ preloadPath: PRELOAD, devTools: false });
    expect(prefs).toMatchObject({
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
      devTools: false,
      spellcheck: true,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(path.isAbsolute(prefs.preload!)).toBe(true);
    expect(prefs.preload).toBe(PRELOAD);
  });

  it("hands the OS's language to the preload on the renderer's command line, a language tag only", () => {
    expect(
      createWebPreferences({ preloadPath: PRELOAD, devTools: false, locale: 'fr-CA' }).additionalArguments,
    ).toEqual(['--jabberwock-locale=fr-CA']);
    expect(
      createWebPreferences({ preloadPath: PRELOAD, devTools: false, locale: 'x; --no-sandbox' }),
    ).not.toHaveProperty('additionalArguments');
  });

  it('refuses a relative preload path', () => {
    expect(() => createWebPreferences({ preloadPath: 'out/preload/index.cjs', devTools: false })).toThrow(/absolute/);
  });

  it('is what the main window is created with', () => {
    const win = createMainWindow({
      preloadPath: PRELOAD,
      devTools: false,
      state: { x: 10, y: 20, width: 800, height: 600, maximized: true },
    }) as unknown as InstanceType<typeof electron.BrowserWindow>;
    expect(electron.created).toHaveLength(1);
    const options = win.options as { webPreferences: unknown; x: number; width: number; show: boolean };
    expect(options.webPreferences).toEqual(createWebPreferences({ preloadPath: PRELOAD, devTools: false }));
    expect(options).toMatchObject({ x: 10, width: 800, show: false });
    win.handlers.get('ready-to-show')!();
    expect(win.maximize).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.minimize).not.toHaveBeenCalled();
  });

  it('opens minimized to the taskbar when asked (a hidden start without a tray)', () => {
    const win = createMainWindow({
      preloadPath: PRELOAD,
      devTools: false,
      state: { x: 10, y: 20, width: 800, height: 600, maximized: false },
      minimized: true,
    }) as unknown as InstanceType<typeof electron.BrowserWindow>;
    win.handlers.get('ready-to-show')!();
    expect(win.minimize).toHaveBeenCalled();
    expect(win.show).not.toHaveBeenCalled();
  });
});

describe('navigation and new windows', () => {
  it('prevents every navigation, redirect and webview', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn();
    hardenWebContents(contents as never, openExternal);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://jabberwock/other.html']) {
        expect(contents.fire(name, url).defaultPrevented, `${name} ${url}`).toBe(true);
      }
    }
  });

  it('routes a followed http(s) link to the external-link policy, and nothing else', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn();
    hardenWebContents(contents as never, openExternal);
    contents.fire('will-navigate', 'https://example.com/page');
    contents.fire('will-navigate', 'file:///etc/passwd');
    contents.fire('will-navigate', 'javascript:alert(1)');
    contents.fire('will-redirect', 'https://example.org/');
    expect(openExternal.mock.calls).toEqual([['https://example.com/page']]);
  });

  it('denies window.open for every URL', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn();
    hardenWebContents(contents as never, openExternal);
    for (const url of [
      'https://example.com/',
      'about:blank',
      'app://jabberwock/index.html',
      'javascript:alert(1)',
      '',
    ]) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://example.com/']]);
  });
});

describe('external links', () => {
  it('refuses dangerous schemes and shapes', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///C:/Windows/System32/calc.exe',
      'file:///etc/passwd',
      '\\\\evil.example\\share\\a.exe',
      '//evil.example/share',
      'smb://evil.example/x',
      'ms-msdt:/id PCWDiagnostic',
      'ms-msdt:/id%20PCWDiagnostic',
      'search-ms:query=x',
      'xmpp:alice@example.com',
      'https://user:pass@example.com/',
      'https://example.com\\@evil.example/',
      'https://exa\nmple.com/',
      'https:///path-only',
      'https:/evil.example',
      'http://',
      'mailto:',
      'relative/path',
      '',
      'x'.repeat(5000),
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
    expect(isSafeExternalUrl(undefined)).toBe(false);
    expect(isSafeExternalUrl({ toString: () => 'https://example.com' })).toBe(false);
  });

  it('allows http(s) and mailto', () => {
    for (const url of [
      'https://example.com/',
      'https://example.com/path?q=1#frag',
      'http://example.com',
      'HTTPS://EXAMPLE.COM/',
      'mailto:alice@example.com',
      'https://exаmple.com/',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(true);
    }
  });

  it('shows look-alike hosts in punycode in the confirmation', () => {
    expect(describeExternalUrl('https://exаmple.com/a')).toEqual({
      href: 'https://xn--exmple-4nf.com/a',
      host: 'xn--exmple-4nf.com',
    });
    expect(describeExternalUrl('https://example.com.evil.example/').host).toBe('example.com.evil.example');
  });

  it('opens a safe link only after the user confirms', async () => {
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    expect(await openExternalWithConsent(null, 'https://exаmple.com/x', english)).toBe(true);
    const ask = electron.dialog.showMessageBox.mock.calls[0][0] as {
      message: string;
      detail: string;
      buttons: string[];
    };
    expect(ask.message).toBe('Open a link to xn--exmple-4nf.com?');
    expect(ask.buttons).toEqual(['Open', 'Cancel']);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://xn--exmple-4nf.com/x');
  });

  it('asks in the chosen language', async () => {
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await openExternalWithConsent(null, 'https://example.com/', shellWords('de'));
    const ask = electron.dialog.showMessageBox.mock.calls[0][0] as { message: string; buttons: string[] };
    expect(ask).toMatchObject({ message: 'Einen Link zu example.com öffnen?', buttons: ['Öffnen', 'Abbrechen'] });
  });

  it('does not open when the user cancels', async () => {
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(await openExternalWithConsent(null, 'https://example.com/', english)).toBe(false);
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('refuses an unsafe link with a notice and never calls openExternal', async () => {
    electron.dialog.showMessageBox.mockResolvedValue({ response: 0, checkboxChecked: false });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ms-msdt:/id PCWDiagnostic', '\\\\evil\\share']) {
      expect(await openExternalWithConsent(null, url, english)).toBe(false);
    }
    expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(4);
    expect((electron.dialog.showMessageBox.mock.calls[0][0] as { type: string }).type).toBe('warning');
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it('grants notifications and denies everything else', () => {
    expect(isPermissionAllowed('notifications')).toBe(true);
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'midi',
      'midiSysex',
      'openExternal',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission), permission).toBe(false);
    }
  });

  it('installs both handlers on the session', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((c: unknown, p: string) => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: vi.fn((h) => (request = h)),
      setPermissionCheckHandler: vi.fn((h) => (check = h)),
    };
    installPermissionPolicy(session as never);
    const granted = vi.fn();
    request!(null, 'media', granted);
    request!(null, 'geolocation', granted);
    request!(null, 'notifications', granted);
    expect(granted.mock.calls).toEqual([[false], [false], [true]]);
    expect(check!(null, 'clipboard-read')).toBe(false);
    expect(check!(null, 'notifications')).toBe(true);
  });
});
