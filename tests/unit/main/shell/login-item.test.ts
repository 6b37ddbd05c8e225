/**
 * Start at login and the hidden start: the login item calls per platform (a recorder plays the app),
 * the XDG autostart entry written to a temporary XDG_CONFIG_HOME, the desktop entry's quoting, the
 * preferences driving both, and what a start and a second start make of their arguments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFS, type EventBatch, type Prefs } from '../../../../src/shared/contract';
import {
  applyStartAtLogin,
  autostartDesktopEntry,
  autostartFile,
  execLine,
  launchCommand,
  syncStartAtLogin,
  type LoginItemEnv,
} from '../../../../src/main/shell/login-item';
import { handOverData, openedAtLogin, readSecondStart, startupMode } from '../../../../src/main/shell/launch';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function env(platform: NodeJS.Platform, extra: Partial<LoginItemEnv> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-home-'));
  dirs.push(home);
  const app = { setLoginItemSettings: vi.fn(), isPackaged: true, getAppPath: () => '/src/jabberwock' };
  const loginEnv: LoginItemEnv = {
    platform,
    app,
    execPath: '/opt/Jabberwock/jabberwock',
    env: { XDG_CONFIG_HOME: path.join(home, 'config') },
    homedir: home,
    ...extra,
  };
  return { ...loginEnv, app, home };
}

describe('start at login on Linux (XDG autostart)', () => {
  it('writes the entry when enabled, with --hidden when asked, and removes it when disabled', () => {
    const linux = env('linux');
    const file = path.join(linux.home, 'config', 'autostart', 'org.jabberwock.app.desktop');
    expect(autostartFile(linux)).toBe(file);
    applyStartAtLogin(linux, { enabled: true, hidden: false });
    const entry = fs.readFileSync(file, 'utf8');
    expect(entry.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Exec=/opt/Jabberwock/jabberwock']),
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    applyStartAtLogin(linux, { enabled: true, hidden: true });
    expect(fs.readFileSync(file, 'utf8')).toContain('\nExec=/opt/Jabberwock/jabberwock --hidden\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['org.jabberwock.app.desktop']); // no temporary left
    applyStartAtLogin(linux, { enabled: false, hidden: true });
    expect(fs.existsSync(file)).toBe(false);
    applyStartAtLogin(linux, { enabled: false, hidden: false }); // already gone: fine
    expect(linux.app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('uses ~/.config without XDG_CONFIG_HOME (or with a relative one), and the AppImage rather than its mount', () => {
    const linux = env('linux', { env: { XDG_CONFIG_HOME: 'relative', APPIMAGE: '/home/me/Apps/Jabberwock.AppImage' } });
    expect(autostartFile(linux)).toBe(path.join(linux.home, '.config', 'autostart', 'org.jabberwock.app.desktop'));
    expect(launchCommand(linux)).toEqual(['/home/me/Apps/Jabberwock.AppImage']);
  });

  it('starts an unpackaged build as Electron with the app folder', () => {
    const dev = env('linux');
    dev.app.isPackaged = false;
    expect(launchCommand(dev)).toEqual(['/opt/Jabberwock/jabberwock', '/src/jabberwock']);
  });

  it('quotes and escapes the Exec line as the desktop entry rules say', () => {
    expect(execLine(['/opt/Jabberwock/jabberwock', '--hidden'])).toBe('/opt/Jabberwock/jabberwock --hidden');
    expect(execLine(['/home/me/My Apps/jabberwock'])).toBe('"/home/me/My Apps/jabberwock"');
    // Inside quotes `"`, `` ` ``, `$` and `\` get a backslash; then the file's string escape doubles backslashes.
    expect(execLine(['/a"b`c$d\\e'])).toBe('"/a\\\\"b\\\\`c\\\\$d\\\\\\\\e"');
    // A literal percent sign is %% (field codes start with %).
    expect(execLine(['/opt/100%/jabberwock'])).toBe('/opt/100%%/jabberwock');
    expect(() => execLine(['/opt/evil\nExec=rm -rf ~'])).toThrow(/control character/);
    expect(autostartDesktopEntry(['/x'], true)).toMatch(/^\[Desktop Entry\]\n/);
  });
});

describe('start at login on macOS and Windows (login items)', () => {
  it('Windows: registers the program, with --hidden when asked', () => {
    const win = env('win32', { execPath: 'C:\\Program Files\\Jabberwock\\Jabberwock.exe' });
    applyStartAtLogin(win, { enabled: true, hidden: true });
    expect(win.app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      path: 'C:\\Program Files\\Jabberwock\\Jabberwock.exe',
      args: ['--hidden'],
    });
    applyStartAtLogin(win, { enabled: false, hidden: false });
    expect(win.app.setLoginItemSettings).toHaveBeenLastCalledWith(expect.objectContaining({ openAtLogin: false }));
    expect(fs.existsSync(path.join(win.home, 'config'))).toBe(false);
  });

  it('macOS: registers the app (it cannot pass arguments; the hidden start asks at launch)', () => {
    const mac = env('darwin');
    applyStartAtLogin(mac, { enabled: true, hidden: true });
    expect(mac.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true });
    applyStartAtLogin(mac, { enabled: false, hidden: true });
    expect(mac.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
  });
});

describe('following the preferences', () => {
  function messenger() {
    const listeners: ((batch: EventBatch) => void)[] = [];
    return {
      subscribe: (listener: (batch: EventBatch) => void) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
      change: (prefs: Partial<Prefs>) => {
        for (const listener of [...listeners])
          listener({ seq: 1, events: [{ type: 'prefs.changed', prefs: { ...DEFAULT_PREFS, ...prefs } }] });
      },
      listeners,
    };
  }

  it('applies at start only when on, then on every change of either setting', () => {
    const apply = vi.fn();
    const core = messenger();
    syncStartAtLogin(core, DEFAULT_PREFS, apply);
    expect(apply).not.toHaveBeenCalled();
    core.change({ rosterSort: 'name' });
    core.change({ startHidden: true }); // hidden alone, while off: nothing to register
    expect(apply).not.toHaveBeenCalled();
    core.change({ startAtLogin: true, startHidden: true });
    core.change({ startAtLogin: true, startHidden: true });
    core.change({ startAtLogin: true, startHidden: false });
    core.change({ startAtLogin: false });
    expect(apply.mock.calls).toEqual([
      [{ enabled: true, hidden: true }],
      [{ enabled: true, hidden: false }],
      [{ enabled: false, hidden: false }],
    ]);
  });

  it('re-registers at start when on (an updated app may have moved), logs a failure and goes on', () => {
    const warn = vi.fn();
    const apply = vi.fn(() => {
      throw new Error('EACCES');
    });
    const core = messenger();
    const undo = syncStartAtLogin(core, { ...DEFAULT_PREFS, startAtLogin: true }, apply, { warn } as never);
    expect(apply).toHaveBeenCalledWith({ enabled: true, hidden: false });
    expect(warn).toHaveBeenCalledWith('could not change starting at login', expect.anything());
    undo();
    expect(core.listeners).toHaveLength(0);
  });
});

describe('how a start shows itself', () => {
  const facts = {
    argv: ['/opt/Jabberwock/jabberwock'],
    platform: 'linux' as NodeJS.Platform,
    prefs: { startHidden: false },
    wasOpenedAtLogin: false,
    hasTray: true,
  };

  it('opens the window by default, stays in the tray with --hidden, and goes to the taskbar without a tray', () => {
    expect(startupMode(facts)).toBe('window');
    expect(startupMode({ ...facts, argv: [...facts.argv, '--hidden'] })).toBe('tray');
    expect(startupMode({ ...facts, argv: [...facts.argv, '--hidden'], hasTray: false })).toBe('minimized');
  });

  it('macOS: hidden when opened at login and the user wants that; the Dock brings the window back', () => {
    const mac = { ...facts, platform: 'darwin' as NodeJS.Platform, hasTray: false };
    expect(startupMode({ ...mac, wasOpenedAtLogin: true })).toBe('window');
    expect(startupMode({ ...mac, wasOpenedAtLogin: true, prefs: { startHidden: true } })).toBe('tray');
    expect(startupMode({ ...mac, prefs: { startHidden: true } })).toBe('window');
    // Elsewhere the preference alone does not hide a start the user made by hand.
    expect(startupMode({ ...facts, wasOpenedAtLogin: true, prefs: { startHidden: true } })).toBe('window');
  });

  it('asks macOS whether it was opened at login, and nobody else', () => {
    const app = { getLoginItemSettings: vi.fn(() => ({ wasOpenedAtLogin: true }) as never) };
    expect(openedAtLogin(app, 'darwin')).toBe(true);
    expect(openedAtLogin(app, 'linux')).toBe(false);
    app.getLoginItemSettings.mockImplementation(() => {
      throw new Error('not available');
    });
    expect(openedAtLogin(app, 'darwin')).toBe(false);
  });

  it('a second start hands over its arguments; the first shows the window unless it was only --hidden', () => {
    expect(handOverData(['/opt/jabberwock', '--hidden'])).toEqual({ args: ['--hidden'] });
    expect(handOverData(['/opt/jabberwock', ...Array.from({ length: 100 }, () => 'x'.repeat(9000))]).args).toHaveLength(
      64,
    );
    expect(readSecondStart([], { args: ['--hidden'] })).toEqual({ hidden: true, xmppUri: null });
    expect(readSecondStart(['/opt/jabberwock', '--hidden'], { args: [] })).toEqual({ hidden: false, xmppUri: null });
    // Without (or with malformed) data, argv is read.
    expect(readSecondStart(['/opt/jabberwock', '--hidden'], undefined)).toEqual({ hidden: true, xmppUri: null });
    expect(readSecondStart(['/opt/jabberwock'], { args: [42] })).toEqual({ hidden: false, xmppUri: null });
    expect(readSecondStart(['/opt/jabberwock'], 'junk')).toEqual({ hidden: false, xmppUri: null });
    // A link shows the window with its dialog, even from a start that asked to run hidden.
    expect(readSecondStart([], { args: ['--hidden', 'xmpp:romeo@montague.example?message'] })).toEqual({
      hidden: false,
      xmppUri: 'xmpp:romeo@montague.example?message',
    });
  });
});
