#!/usr/bin/env node
/**
 * `npm run test:electron`: the smoke tests of the real Electron shell (tests/electron). Without an
 * Electron binary (the package installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download
 * failed) or, on Linux, without a display, it prints one line saying why and succeeds. Otherwise it
 * builds the app, builds better-sqlite3 for Electron when it is built for Node, runs the suite, and
 * builds better-sqlite3 for Node again so `npm test` finds it as it left it.
 * Separate from `npm test` because better-sqlite3 can be built for only one of Node and Electron at a time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(command, args, options = {}) {
  return spawnSync(command, args, { stdio: 'inherit', ...options }).status ?? 1;
}

/** The Electron executable, or why the suite cannot run here (the same rules as tests/support/electron-app.ts). */
function findElectron() {
  let binary;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { reason: `no Electron binary: require('electron') failed (${String(error.message).split('\n')[0]})` };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) return { reason: `no Electron binary at ${binary}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display to open a window on (run under xvfb-run)' };
  }
  return { path: binary };
}

const electron = findElectron();
if (!electron.path) {
  console.log(`Electron smoke tests skipped: ${electron.reason}.`);
  process.exit(0);
}

if (run('npx', ['electron-vite', 'build']) !== 0) {
  console.error('Build failed.');
  process.exit(1);
}

// better-sqlite3 is a native module: the main process loads it with Electron's ABI, not Node's.
const probe = spawnSync(electron.path, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
  env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  stdio: 'pipe',
});
const rebuilt = probe.status !== 0;
if (rebuilt) {
  console.log('Building better-sqlite3 for Electron…');
  if (run('npm', ['run', 'rebuild:electron']) !== 0) process.exit(1);
}

const status = run('npx', ['vitest', 'run', '--project', 'electron', ...process.argv.slice(2)]);

if (rebuilt) {
  console.log('Building better-sqlite3 for Node again…');
  if (run('npm', ['rebuild', 'better-sqlite3']) !== 0) process.exit(1);
}
process.exit(status);
