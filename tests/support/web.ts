/**
 * Runs the browser bridge as a user would (`node out/main/web.js --port 0 --data DIR`) and drives
 * Debian's Chromium: shared by the e2e suites and the renderer benchmarks.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright';

export const ROOT = path.resolve(__dirname, '../..');
export const WEB_ENTRY = path.join(ROOT, 'out/main/web.js');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** As root Chromium needs --no-sandbox; the rest keeps it from reaching for the internet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // No omnibox popup (chrome://omnibox-popup.top-chrome): its WebUI renderer, made during page loads,
  // took up to 410 ms of CPU in the renderer benches' traces on the same 2 cores; Electron has none.
  // One switch only (a second --disable-features replaces the first), so Playwright's own list
  // (chromiumSwitches.ts, Playwright 1.65) is repeated in it.
  `--disable-features=${[
    ...['AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades'],
    ...['HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding'],
    ...['ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin'],
    ...['OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch'],
    ...['PreloadTopChromeWebUI', 'WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'],
  ].join(',')}`,
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface WebProcess {
  /** http://127.0.0.1:PORT/?token=… as printed on the `ready` line. */
  url: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  /** The bridge's process id (a benchmark reads its CPU time). */
  pid: number | undefined;
}

/**
 * Starts the bridge on DIR, trusting `caFile` when given, and waits for its `ready <url>` line.
 * `entry` runs another build of the bridge (a benchmark's before/after).
 */
export function startWeb(dataDir: string, caFile?: string, entry = WEB_ENTRY): Promise<WebProcess> {
  // BENCH_WEB_NODE_ARGS: Node flags for the bridge's process only (`--cpu-prof --cpu-prof-dir=DIR`,
  // which NODE_OPTIONS refuses), to profile the core under a renderer benchmark.
  const nodeArgs = process.env.BENCH_WEB_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, entry, '--port', '0', '--data', dataDir], {
    env: caFile ? { ...process.env, NODE_EXTRA_CA_CERTS: caFile } : process.env,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web did not become ready\n${output()}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`web exited with ${code}\n${output()}`)));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /^ready (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        output,
        pid: child.pid,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** Saves a screenshot of a failed test's page under out/screenshots and prints where, with the bridge's output. */
export async function screenshotFailure(page: Page, testName: string, web: WebProcess | null): Promise<void> {
  const file = path.join(ROOT, 'out/screenshots', `failed-${testName.replace(/\W+/g, '-')}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file }).catch(() => {});
  console.error(`screenshot: ${file}\n${web?.output() ?? ''}`);
}

/** Records every Content-Security-Policy violation the page reports on its console, into `into`. */
export function collectCspViolations(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(message.text());
  });
}
