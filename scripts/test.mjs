#!/usr/bin/env node
/**
 * `npm test`: checks (and on Debian/Ubuntu installs) the system packages the suites need, makes sure
 * better-sqlite3 is built for this Node, builds the app, runs the unit, integration and e2e suites and
 * every bench once at tiny sizes (project bench-smoke: each still starts and verifies), and prints one
 * closing line "N passed, N failed" over all of them.
 * Extra arguments go to vitest, e.g. `npm test -- --project unit`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// 1. System packages: Prosody (integration and e2e), ejabberd (integration, the second server),
// Chromium (e2e), OpenSSL (test certificates).
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const EJABBERDCTL = process.env.EJABBERDCTL || '/usr/sbin/ejabberdctl';
const missing = [];
if (!has('prosody') || !has('prosodyctl')) missing.push('prosody');
if (!fs.existsSync(EJABBERDCTL)) missing.push('ejabberd');
if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
if (!has('openssl')) missing.push('openssl');
// The independent OMEMO peer of the interop tests (tests/support/omemo_peer.py).
const pythonOmemo = ['python3-omemo', 'python3-oldmemo', 'python3-slixmpp', 'python3-xmlschema'];
if (
  spawnSync('/usr/bin/python3', ['-c', 'import omemo, oldmemo, slixmpp, xmlschema'], { stdio: 'ignore' }).status !== 0
)
  missing.push(...pythonOmemo);
// The second OMEMO peer: profanity (libsignal-protocol-c), driven in tmux.
if (!has('profanity')) missing.push('profanity');
if (!has('tmux')) missing.push('tmux');
if (missing.length > 0) {
  const isDebian = fs.existsSync('/etc/debian_version') && has('apt-get');
  const isRoot = process.getuid?.() === 0;
  if (isDebian && (isRoot || has('sudo'))) {
    console.log(`Installing Debian packages the tests need: ${missing.join(' ')}`);
    const sudo = isRoot ? [] : ['sudo'];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(isRoot ? [] : ['apt-get']), 'update', '-qq'], {
      env,
    });
    const install =
      update === 0
        ? run(sudo[0] ?? 'apt-get', [...(isRoot ? [] : ['apt-get']), 'install', '-y', '-qq', ...missing], { env })
        : update;
    if (install !== 0) {
      console.error('Could not install them; install them by hand and run npm test again.');
      process.exit(1);
    }
  } else {
    console.error(
      [
        `The tests need these programs, which are missing: ${missing.join(', ')}.`,
        'Install them, then run npm test again:',
        '  - Prosody 0.12 or newer (https://prosody.im/download/): prosody and prosodyctl on PATH',
        '  - ejabberd 23.01 or newer (https://www.ejabberd.im/): ejabberdctl at /usr/sbin, or set EJABBERDCTL to it',
        '  - Chromium or Chrome at /usr/bin/chromium, or set CHROMIUM_PATH to its executable',
        '  - OpenSSL 1.1 or newer on PATH',
        '  - Python 3 with python-omemo, python-oldmemo (with xmlschema) and slixmpp, profanity and tmux (OMEMO peers)',
        'macOS: brew install prosody ejabberd openssl; Chrome from google.com/chrome, then CHROMIUM_PATH=".../Google Chrome".',
      ].join('\n'),
    );
    process.exit(1);
  }
}

// 2. better-sqlite3 must match Node's ABI (npm start rebuilds it for Electron).
const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
  stdio: 'pipe',
});
if (probe.status !== 0) {
  console.log('Rebuilding better-sqlite3 for Node (it was built for Electron)…');
  if (run('npm', ['rebuild', 'better-sqlite3']) !== 0) process.exit(1);
}

// 3. Build main, preload and renderer: the e2e suite drives the built app through the browser bridge,
// and the bench smoke runs out/main/headless.js and the built renderer.
if (run('npx', ['electron-vite', 'build']) !== 0) {
  console.error('Build failed.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// 4. All suites in one vitest run; the JSON report gives the totals for the closing line.
const reportFile = path.join(root, '.tmp', 'vitest-report.json');
fs.mkdirSync(path.dirname(reportFile), { recursive: true });
fs.rmSync(reportFile, { force: true });
const status = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...(process.argv.length > 2
    ? process.argv.slice(2)
    : ['--project', 'unit', '--project', 'integration', '--project', 'e2e', '--project', 'bench-smoke']),
]);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  // A file that fails to load has no test results of its own: count it as one failure.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  );
  failed = report.numFailedTests + brokenFiles.length;
  if (report.numTotalTests === 0) failed += 1; // a run that ran nothing is not a pass
} catch {
  failed += 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
