/**
 * Starts the real Electron shell (the built out/main/index.js) with Playwright's `_electron` on a
 * temporary profile, for the smoke tests in tests/electron. Where the Electron binary is not
 * installed (npm installed the package with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or the download
 * failed), `findElectron()` says why, and the suite is skipped with that one line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { ROOT } from './web';

export const MAIN_ENTRY = path.join(ROOT, 'out/main/index.js');
export const PRELOAD_ENTRY = path.join(ROOT, 'out/preload/index.cjs');

export type ElectronBinary = { path: string; reason?: undefined } | { path?: undefined; reason: string };

/** The Electron executable the `electron` package points at, or why there is none. */
export function findElectron(): ElectronBinary {
  let binary: unknown;
  try {
    binary = createRequire(__filename)('electron');
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `no Electron binary: require('electron') failed (${message})` };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    return { reason: `no Electron binary at ${String(binary)}` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display to open a window on (run under xvfb-run)' };
  }
  return { path: binary };
}

export interface ShellProfile {
  /** --user-data-dir: the database, secrets and window state of this run. */
  userData: string;
  /** XDG_CONFIG_HOME (Linux): where an autostart entry would go, never the real one. */
  config: string;
  /** The environment every start of this profile gets: trusts the test CA, keeps to the temporary dirs. */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createProfile(caFile: string): ShellProfile {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-electron-'));
  const userData = path.join(base, 'user-data');
  const config = path.join(base, 'config');
  fs.mkdirSync(userData);
  fs.mkdirSync(config);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: caFile,
    XDG_CONFIG_HOME: config,
  };
  // The built renderer on app://, never a dev server; a real Electron, not Node.
  delete env.ELECTRON_RENDERER_URL;
  delete env.ELECTRON_RUN_AS_NODE;
  return { userData, config, env, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** The arguments of a start: the app folder, the profile, and what the test adds. */
export function shellArgs(profile: ShellProfile, extra: string[] = []): string[] {
  // Chromium refuses to run as root with its process sandbox; the renderer's sandbox option stays on.
  const root = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return [...root, ROOT, `--user-data-dir=${profile.userData}`, ...extra];
}

export interface RunningShell {
  app: ElectronApplication;
  /** Everything the main process logged to stderr so far. */
  log(): string;
}

export async function launchShell(binary: string, profile: ShellProfile, extra: string[] = []): Promise<RunningShell> {
  const app = await _electron.launch({
    executablePath: binary,
    args: shellArgs(profile, extra),
    env: profile.env as Record<string, string>,
    cwd: ROOT,
  });
  let stderr = '';
  app.process().stderr?.on('data', (chunk) => (stderr += chunk));
  return { app, log: () => stderr };
}

/** The main window's page once it shows the app. */
export async function mainWindow(shell: RunningShell): Promise<Page> {
  const page = await shell.app.firstWindow();
  await page.getByRole('navigation', { name: 'Accounts' }).waitFor();
  return page;
}

/** Starts a second instance on the same profile and resolves with its exit code. */
export function startSecondInstance(
  binary: string,
  profile: ShellProfile,
  extra: string[] = [],
): Promise<number | null> {
  const child = spawn(binary, shellArgs(profile, extra), { env: profile.env, cwd: ROOT, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
