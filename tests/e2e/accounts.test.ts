/**
 * End to end: the built renderer in Chromium, through the browser bridge (`node out/main/web.js`),
 * against the real core and a real Prosody. `npm run test:e2e` builds first.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startWeb } from '../support/web';
import { fillAccountForm, LIVE_TIMEOUT, openAddAccountDialog, openApp, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startProsody, type ProsodyServer } from '../support/prosody';

const ALICE = { user: 'alice', password: 'alice-Pa55-7f3c9e' };
const BOB = { user: 'bob', password: 'bob-Pa55-2b81d4' };
const CAROL = { user: 'carol', password: 'carol-Pa55-9a0e55' };
const DAVE = { user: 'dave', password: 'dave-Pa55-51c0aa' };
const PASSWORDS = [ALICE, BOB, CAROL, DAVE].map((u) => u.password);

/** Every file in the data directory except the secrets file the user may have opted into. */
function dataFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function fileContains(file: string, text: string): boolean {
  const data = fs.readFileSync(file);
  return data.includes(Buffer.from(text, 'utf8')) || data.includes(Buffer.from(text, 'utf16le'));
}

describe('accounts in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  // Every WebSocket frame, both ways, for the "no password ever reaches the renderer" check.
  const framesReceived: string[] = [];
  const framesSent: string[] = [];

  const accountRow = (jid: string): Locator =>
    page.getByRole('navigation', { name: 'Accounts' }).getByRole('listitem').filter({ hasText: jid });
  const accountRows = (): Locator => page.getByRole('navigation', { name: 'Accounts' }).getByRole('listitem');
  const openAddDialog = () => openAddAccountDialog(page);
  const fillAccount = (
    d: Locator,
    jid: string,
    password: string,
    opts: { label?: string; remember?: boolean; server?: ProsodyServer },
  ) => fillAccountForm(d, opts.server ?? prosody, { jid, password, label: opts.label, remember: opts.remember });

  async function openPage(url: string) {
    await openApp(page, url);
    // The token leaves the address bar once read; the cookie keeps the session.
    expect(page.url()).not.toContain('token=');
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB, CAROL] },
    viewport: { width: 1100, height: 680 },
    preparePage: (page) => {
      page.on('websocket', (ws) => {
        ws.on('framereceived', (frame) => framesReceived.push(String(frame.payload)));
        ws.on('framesent', (frame) => framesSent.push(String(frame.payload)));
      });
    },
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('adds an account in the UI and sees it online', async () => {
    await openPage(ui.web.url);
    await page.getByRole('heading', { name: 'Welcome to Jabberwock' }).waitFor();

    const d = await openAddDialog();
    // The bridge has no keychain: storing the password is an explicit, clearly worded opt-in.
    const plainFile = d.getByLabel('Store password in a plain file on this computer (not encrypted)');
    expect(await plainFile.isChecked()).toBe(false);
    await fillAccount(d, 'alice@localhost', ALICE.password, {});
    await d.getByRole('button', { name: 'Add account' }).click();
    await d.waitFor({ state: 'detached' });

    await accountRow('alice@localhost').getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await page
      .getByRole('main')
      .getByText(/^alice@localhost\/.+/)
      .waitFor();

    // A second account whose password the user chose to keep in a plain file.
    const d2 = await openAddDialog();
    await fillAccount(d2, 'bob@localhost', BOB.password, { label: 'Work', remember: true });
    await d2.getByRole('button', { name: 'Add account' }).click();
    await d2.waitFor({ state: 'detached' });
    await accountRow('bob@localhost').getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });

    await accountRow('alice@localhost')
      .getByRole('button', { name: /alice@localhost/ })
      .click();
    const shot = path.join(ROOT, 'out/screenshots/accounts.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      fs.copyFileSync(shot, path.join(ROOT, 'docs/screenshot.png'));
    }
  });

  it('keeps no password in the database while running', () => {
    const files = dataFiles(ui.dataDir).filter((file) => path.basename(file) !== 'secrets.json');
    expect(files.some((file) => /\.sqlite3$/.test(file))).toBe(true);
    for (const file of files) {
      expect(fileContains(file, ALICE.password), file).toBe(false);
      expect(fileContains(file, BOB.password), file).toBe(false);
    }
  });

  it('after a restart on the same data dir, lists the accounts and reconnects (asking once for the unsaved password)', async () => {
    expect(await ui.web.stop()).toBe(0);
    // Nothing on disk holds Alice's password; Bob's is only in the plain file he opted into.
    for (const file of dataFiles(ui.dataDir)) {
      expect(fileContains(file, ALICE.password), file).toBe(false);
      if (path.basename(file) !== 'secrets.json') expect(fileContains(file, BOB.password), file).toBe(false);
    }
    expect(fileContains(path.join(ui.dataDir, 'secrets.json'), BOB.password)).toBe(true);

    ui.web = await startWeb(ui.dataDir, prosody.caFile);
    await openPage(ui.web.url);
    await accountRow('alice@localhost').waitFor();
    await accountRow('bob@localhost').getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });

    // Alice's password was kept for the last run only: the prompt opens by itself.
    const prompt = page.getByRole('dialog', { name: 'Password for alice@localhost' });
    await prompt.waitFor();
    await prompt.getByLabel('Password', { exact: true }).fill(ALICE.password);
    await prompt.getByRole('button', { name: 'Connect' }).click();
    await prompt.waitFor({ state: 'detached' });
    await accountRow('alice@localhost').getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await accountRows().count()).toBe(2);
  });

  it('shows a field error for a bad JID, and for a duplicate, and creates nothing', async () => {
    const d = await openAddDialog();
    // Keyboard: the dialog starts on the address field and Tab stays inside it.
    const focused = () =>
      page.evaluate('document.activeElement?.getAttribute("name") ?? document.activeElement?.textContent');
    expect(await focused()).toBe('jid');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Add account');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('jid');

    await d.getByLabel('Address (JID)').fill('alice@@localhost');
    await d.getByLabel('Password', { exact: true }).fill('whatever');
    await d.getByRole('button', { name: 'Add account' }).click();
    const jidField = d.getByLabel('Address (JID)');
    expect(await jidField.getAttribute('aria-invalid')).toBe('true');
    expect(await d.getByText('An address can contain only one "@".').isVisible()).toBe(true);

    // Valid locally, refused by the core: its field error lands on the same field.
    await jidField.fill('Alice@localhost');
    await d.getByRole('button', { name: 'Add account' }).click();
    await d.getByText('This account is already set up.').waitFor();
    expect(await jidField.getAttribute('aria-invalid')).toBe('true');

    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await page.reload();
    await accountRow('bob@localhost').waitFor();
    expect(await accountRows().count()).toBe(2);
  });

  it('shows a wrong password as an authentication error in words, without retrying', async () => {
    const d = await openAddDialog();
    await fillAccount(d, 'carol@localhost', 'not-her-password', {});
    await d.getByRole('button', { name: 'Add account' }).click();
    await d.waitFor({ state: 'detached' });

    const row = accountRow('carol@localhost');
    await row.getByText('Error: wrong password or sign-in refused').waitFor({ timeout: LIVE_TIMEOUT });
    await page
      .getByRole('main')
      .getByText(/password/i)
      .first()
      .waitFor();
    await row.getByRole('button', { name: 'Enter password…' }).waitFor();
    // No retry loop: still the same error a few seconds later.
    await page.waitForTimeout(3000);
    expect(await row.getByText('Error: wrong password or sign-in refused').isVisible()).toBe(true);

    // Remove it again, through the confirmation.
    await row.getByRole('button', { name: /carol@localhost/ }).click();
    await page.getByRole('button', { name: 'Remove carol@localhost' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove carol@localhost?' });
    await confirm.getByRole('button', { name: 'Remove account' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await accountRows().count()).toBe(2);
  });

  it('edits an account (password write-only) and turns it off and on', async () => {
    await accountRow('bob@localhost')
      .getByRole('button', { name: /bob@localhost/ })
      .click();
    await page.getByRole('button', { name: 'Edit Work' }).click();
    const d = page.getByRole('dialog', { name: 'Edit Work' });
    const password = d.getByLabel('Password', { exact: true });
    expect(await password.inputValue()).toBe('');
    expect(await password.getAttribute('placeholder')).toBe('unchanged');
    // Bob chose the plain file when adding; the edit dialog shows that choice.
    expect(await d.getByLabel(/Store password in a plain file/).isChecked()).toBe(true);
    await d.getByLabel(/Name in Jabberwock/).fill('Office');
    await d.getByRole('button', { name: 'Save' }).click();
    await d.waitFor({ state: 'detached' });
    const row = accountRow('bob@localhost');
    await row.getByText('Office', { exact: true }).waitFor();
    expect(await row.getByText('Online', { exact: true }).isVisible()).toBe(true);

    const toggle = row.getByRole('switch', { name: 'Connect Office' });
    await toggle.uncheck();
    await row.getByText('Offline', { exact: true }).waitFor();
    await toggle.check();
    await row.getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('shows the reconnect countdown while the server is down, and "Reconnect now" brings it back', async () => {
    await prosody.halt();
    const row = accountRow('alice@localhost');
    await row.getByText(/^Reconnecting in \d+ s$/).waitFor({ timeout: LIVE_TIMEOUT });
    // Wait for a wait long enough that the server is back before the automatic attempt, so
    // it is the button that reconnects (the backoff grows with each failed attempt).
    await row.getByText(/^Reconnecting in ([5-9]|\d{2,}) s$/).waitFor({ timeout: 60_000 });
    await prosody.start();
    await row.getByRole('button', { name: 'Reconnect now' }).click();
    await row.getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
  }, 120_000);

  it('shows an untrusted certificate with its fingerprint, and connects once the user trusts it', async () => {
    const selfSigned = await startProsody({ users: [DAVE], selfSigned: true });
    try {
      const d = await openAddDialog();
      await fillAccount(d, 'dave@localhost', DAVE.password, { server: selfSigned });
      await d.getByRole('button', { name: 'Add account' }).click();

      const prompt = page.getByRole('dialog', { name: 'Certificate not trusted' });
      await prompt.waitFor({ timeout: LIVE_TIMEOUT });
      const fingerprint = new X509Certificate(selfSigned.serverCertPem).fingerprint256;
      await prompt.getByLabel(`SHA-256 fingerprint ${fingerprint}`).waitFor();
      await prompt.getByRole('button', { name: 'Trust this certificate for dave@localhost' }).click();
      await prompt.waitFor({ state: 'detached' });
      const row = accountRow('dave@localhost');
      await row.getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
      await page.getByRole('main').getByText(fingerprint).waitFor();

      // Done: remove it so the other checks see the two accounts they expect.
      await page.getByRole('button', { name: 'Remove dave@localhost' }).click();
      await page
        .getByRole('dialog', { name: 'Remove dave@localhost?' })
        .getByRole('button', { name: 'Remove account' })
        .click();
      await row.waitFor({ state: 'detached' });
    } finally {
      await selfSigned.stop();
    }
  });

  it('never sent a password to the renderer, and the renderer stored none', async () => {
    // The recording works: the passwords typed by the user went out, once each.
    expect(framesSent.some((frame) => frame.includes(ALICE.password))).toBe(true);
    expect(framesReceived.length).toBeGreaterThan(10);
    for (const password of PASSWORDS) {
      expect(framesReceived.filter((frame) => frame.includes(password))).toEqual([]);
    }
    // Evaluated in the page (DOM globals), hence a string rather than a type-checked function.
    const stored = await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
    expect(stored).toBe('{}{}');
  });

  it('ran without Content-Security-Policy violations', () => {
    expect(ui.cspViolations).toEqual([]);
  });

  it('styles the page from its own stylesheet only: no style element of its own, an injected one blocked', async () => {
    // The app's styles (every domain's, and every lazily loaded part's) come as CSS files from the app's
    // origin; the policy (style-src 'self') blocks any style element, so the page must need none.
    const outcome = await page.evaluate(`(async () => {
      const own = document.querySelectorAll('style').length;
      const sheets = [...document.styleSheets].map((sheet) => new URL(sheet.href ?? 'inline:').origin === location.origin);
      const violations = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
      const style = document.createElement('style');
      style.textContent = 'body { visibility: hidden; }';
      document.head.append(style);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const visibility = getComputedStyle(document.body).visibility;
      style.remove();
      return { own, sheets, visibility, violations };
    })()`);
    expect(outcome).toEqual({ own: 0, sheets: [true], visibility: 'visible', violations: ['style-src-elem'] });
  });

  it('enforces the CSP on the bridge page: no string eval, no injected inline script', async () => {
    // Code run through page.evaluate is exempt from CSP (DevTools), so the page itself must do the
    // evaluating: a string timer and an injected inline script, both of which the policy must block.
    const outcome = await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
      setTimeout('window.__timer = 1', 0);
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { timer: window.__timer ?? null, inline: window.__inline ?? null, violations: violations.sort() };
    })()`);
    expect(outcome).toEqual({ timer: null, inline: null, violations: ['script-src', 'script-src-elem'] });
  });
});
