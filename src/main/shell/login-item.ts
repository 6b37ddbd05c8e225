/**
 * Start at login, when the user opts in. macOS and Windows register a login item
 * (app.setLoginItemSettings); Electron has no login items on Linux, so there an XDG autostart entry
 * is written to $XDG_CONFIG_HOME/autostart (the freedesktop.org rule every desktop follows).
 * A start at login that should stay in the tray gets --hidden on Windows and Linux; macOS cannot pass
 * arguments to a login item, so there the app asks whether it was opened at login (launch.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from 'electron';
import type { Prefs } from '../../shared/contract';
import type { Logger } from '../core/log';
import type { MessengerApi } from '../core/messenger-api';

/** Start without the window, in the tray. */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE_NAME = 'org.jabberwock.app.desktop';

export interface LoginItemEnv {
  platform: NodeJS.Platform;
  app: Pick<App, 'setLoginItemSettings' | 'isPackaged' | 'getAppPath'>;
  /** process.execPath. */
  execPath: string;
  env: NodeJS.ProcessEnv;
  homedir: string;
}

export interface StartAtLogin {
  enabled: boolean;
  hidden: boolean;
}

export function defaultLoginItemEnv(app: LoginItemEnv['app']): LoginItemEnv {
  return { platform: process.platform, app, execPath: process.execPath, env: process.env, homedir: os.homedir() };
}

/** The program and arguments that start this Jabberwock (the AppImage itself, not its mount point). */
export function launchCommand(env: LoginItemEnv): string[] {
  const program = env.platform === 'linux' && env.env.APPIMAGE ? env.env.APPIMAGE : env.execPath;
  // An unpackaged build is Electron running the app's folder.
  return env.app.isPackaged ? [program] : [program, env.app.getAppPath()];
}

/** $XDG_CONFIG_HOME/autostart (~/.config/autostart when unset or not absolute). */
export function autostartFile(env: Pick<LoginItemEnv, 'env' | 'homedir'>): string {
  const configured = env.env.XDG_CONFIG_HOME;
  const configHome = configured && path.isAbsolute(configured) ? configured : path.join(env.homedir, '.config');
  return path.join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * One argument of a desktop entry's Exec key: quoted when it holds anything but plain characters,
 * with `"`, `` ` ``, `$` and `\` escaped inside the quotes.
 */
export function quoteExecArgument(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The Exec value as written in the file: the string escapes (`\\`) and `%%` for a literal percent sign. */
export function execLine(command: string[]): string {
  for (const arg of command) {
    // A desktop entry is one line per key: a path with a line break cannot be written.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(arg)) throw new Error('The program path contains a control character.');
  }
  return command.map(quoteExecArgument).join(' ').replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The autostart entry's text. */
export function autostartDesktopEntry(command: string[], hidden: boolean): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Jabberwock',
    'Comment=XMPP messenger',
    `Exec=${execLine(hidden ? [...command, HIDDEN_FLAG] : command)}`,
    'Icon=jabberwock',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Registers or removes the login item so the OS does what `setting` says. */
export function applyStartAtLogin(env: LoginItemEnv, setting: StartAtLogin): void {
  const command = launchCommand(env);
  if (env.platform === 'linux') {
    const file = autostartFile(env);
    if (!setting.enabled) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written whole, then renamed: the session manager never reads half an entry.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, autostartDesktopEntry(command, setting.hidden), { mode: 0o644 });
    fs.renameSync(temporary, file);
  } else if (env.platform === 'win32') {
    const [program, ...args] = command;
    env.app.setLoginItemSettings({
      openAtLogin: setting.enabled,
      path: program,
      args: setting.hidden ? [...args, HIDDEN_FLAG] : args,
    });
  } else {
    env.app.setLoginItemSettings({ openAtLogin: setting.enabled });
  }
}

/**
 * Keeps the login item in step with the preferences: once at start when it is on (so an updated or
 * moved app registers its new path), then whenever the user changes either setting. Returns the undo.
 */
export function syncStartAtLogin(
  messenger: Pick<MessengerApi, 'subscribe'>,
  initial: Prefs,
  apply: (setting: StartAtLogin) => void,
  log?: Logger,
): () => void {
  let applied: StartAtLogin = { enabled: initial.startAtLogin, hidden: initial.startHidden };
  const safely = (setting: StartAtLogin) => {
    try {
      apply(setting);
    } catch (error) {
      log?.warn('could not change starting at login', { error });
    }
  };
  if (applied.enabled) safely(applied);
  return messenger.subscribe((batch) => {
    for (const event of batch.events) {
      if (event.type !== 'prefs.changed') continue;
      const next = { enabled: event.prefs.startAtLogin, hidden: event.prefs.startHidden };
      if (next.enabled === applied.enabled && (next.hidden === applied.hidden || !next.enabled)) continue;
      applied = next;
      safely(next);
    }
  });
}
