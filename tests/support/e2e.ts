/**
 * The parts every e2e suite repeats: the built bridge on a data directory with Chromium on it, an
 * account added through the UI as a user would, a screenshot when a test fails, and the teardown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright';
import { afterEach, expect } from 'vitest';
import { createLogger, type Logger } from '../../src/main/core/log';
import type { ProsodyServer } from './prosody';
import { collectCspViolations, launchChromium, screenshotFailure, startWeb, WEB_ENTRY, type WebProcess } from './web';

/** How long a live step (an account going online, a stanza arriving) may take in the UI. */
export const LIVE_TIMEOUT = 20_000;

/** Fails early, with what to do, when the bridge has not been built. */
export function expectBuilt(): void {
  expect(fs.existsSync(WEB_ENTRY), 'run `npm run test:e2e` (it builds first)').toBe(true);
}

/** A logger that keeps its lines (`level scope: message`) in `log`, to print when a test fails. */
export function captureLog(): { log: string[]; logger: Logger } {
  const log: string[] = [];
  const logger = createLogger((level, scope, message) => log.push(`${level} ${scope}: ${message}`), 'info');
  return { log, logger };
}

export interface BrowserUi {
  browser: Browser;
  page: Page;
  dataDir: string;
  /** The bridge; a test that restarts it puts the new one here. */
  web: WebProcess;
  /** Every Content-Security-Policy violation the page reported. */
  cspViolations: string[];
}

export interface BrowserUiOptions {
  viewport: { width: number; height: number };
  /** A new temporary data directory is made with this prefix… */
  prefix?: string;
  /** …unless one is given (it is removed by closeBrowserUi all the same). */
  dataDir?: string;
  /** The test Prosody whose CA the bridge trusts. */
  server?: ProsodyServer;
  /** Runs on the new page before the bridge starts: listeners, exposed functions, init scripts. */
  preparePage?: (page: Page) => void | Promise<void>;
  /** The browser's language (navigator.languages), which the UI follows by default: English unless given. */
  locale?: string;
}

/** Launches Chromium with one light, English page and starts the bridge on the data directory. */
export async function openBrowserUi(options: BrowserUiOptions): Promise<BrowserUi> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'jabberwock-e2e-'));
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: options.viewport,
    colorScheme: 'light',
    locale: options.locale ?? 'en-US',
  });
  const cspViolations: string[] = [];
  collectCspViolations(page, cspViolations);
  await options.preparePage?.(page);
  const web = await startWeb(dataDir, options.server?.caFile);
  return { browser, page, dataDir, web, cspViolations };
}

/** Closes the browser, stops the bridge and removes the data directory; a no-op before openBrowserUi. */
export async function closeBrowserUi(ui: BrowserUi | undefined): Promise<void> {
  await ui?.browser.close();
  await ui?.web.stop();
  if (ui?.dataDir) fs.rmSync(ui.dataDir, { recursive: true, force: true });
}

/**
 * A picture of the page when a test fails, and the bridge's output (with the last lines of `log`),
 * say more than a timeout. Registers an afterEach in the calling describe.
 */
export function screenshotFailures(current: () => BrowserUi | undefined, log?: string[]): void {
  afterEach(async (context) => {
    const ui = current();
    if (context.task.result?.state !== 'fail' || !ui) return;
    await screenshotFailure(ui.page, context.task.name, ui.web);
    if (log) console.error(log.slice(-40).join('\n'));
  });
}

/** Opens the app at `url` and waits for the accounts sidebar. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Accounts' }).waitFor();
}

export interface UiAccount {
  jid: string;
  password: string;
  /** "Name in Jabberwock". */
  label?: string;
  /** Opts into keeping the password in the plain file. */
  remember?: boolean;
}

/** Fills the Add account dialog `d`, pointing it at `server` under Advanced. */
export async function fillAccountForm(d: Locator, server: ProsodyServer, account: UiAccount): Promise<void> {
  await d.getByLabel('Address (JID)').fill(account.jid);
  await d.getByLabel('Password', { exact: true }).fill(account.password);
  if (account.label) await d.getByLabel(/Name in Jabberwock/).fill(account.label);
  if (account.remember) await d.getByLabel(/Store password in a plain file/).check();
  await d.getByText('Advanced').click();
  await d.getByLabel(/Server host/).fill(server.host);
  await d.getByLabel(/^Port/).fill(String(server.port));
}

/** Opens the Add account dialog and returns it. */
export async function openAddAccountDialog(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Add account', exact: true }).first().click();
  const d = page.getByRole('dialog');
  await d.waitFor();
  return d;
}

/** Adds an account through the Add account dialog and waits for the dialog to close. */
export async function addAccountInUi(page: Page, server: ProsodyServer, account: UiAccount): Promise<void> {
  const d = await openAddAccountDialog(page);
  await fillAccountForm(d, server, account);
  await d.getByRole('button', { name: 'Add account' }).click();
  await d.waitFor({ state: 'detached' });
}

/**
 * Opens the app and adds `user` of the test server as "Home", password kept, then waits until it
 * is online: where most suites start.
 */
export async function signInThroughUi(
  ui: BrowserUi,
  server: ProsodyServer,
  user: { user: string; password: string },
): Promise<void> {
  await openApp(ui.page, ui.web.url);
  await addAccountInUi(ui.page, server, {
    jid: `${user.user}@localhost`,
    password: user.password,
    label: 'Home',
    remember: true,
  });
  await ui.page
    .getByRole('navigation', { name: 'Accounts' })
    .getByText('Online', { exact: true })
    .first()
    .waitFor({ timeout: LIVE_TIMEOUT });
}
