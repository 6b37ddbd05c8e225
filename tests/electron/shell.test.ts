/**
 * Smoke tests of the real Electron shell (`npm run test:electron`): the built app started with
 * Playwright's `_electron` on a temporary profile, against a real Prosody. The window is isolated and
 * sandboxed, the preload adds window.jabberwock (with the OS's language) and nothing else, an account
 * added in the UI goes online, the tray is there to close the window into, and a second start hands
 * over its arguments and quits. Without an Electron binary the whole file is skipped, the reason in its title.
 */
import fs from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccountInUi, LIVE_TIMEOUT } from '../support/e2e';
import {
  createProfile,
  findElectron,
  launchShell,
  MAIN_ENTRY,
  mainWindow,
  PRELOAD_ENTRY,
  startSecondInstance,
  type RunningShell,
  type ShellProfile,
} from '../support/electron-app';
import { startProsody, type ProsodyServer } from '../support/prosody';

const electron = findElectron();
const ALICE = { user: 'alice', password: 'alice-Pa55-shell' };

describe.skipIf(!electron.path)(
  electron.path ? 'the Electron shell' : `the Electron shell (skipped: ${electron.reason})`,
  () => {
    let prosody: ProsodyServer;
    let profile: ShellProfile;
    let shell: RunningShell;
    let page: Page;

    const windowState = () =>
      shell.app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()
          .filter((win) => !win.isDestroyed())
          .map((win) => ({ visible: win.isVisible(), url: win.webContents.getURL() })),
      );

    beforeAll(async () => {
      expect(fs.existsSync(MAIN_ENTRY), 'run `npm run test:electron` (it builds first)').toBe(true);
      prosody = await startProsody({ users: [ALICE] });
      profile = createProfile(prosody.caFile);
      shell = await launchShell(electron.path!, profile);
      page = await mainWindow(shell);
    });

    afterAll(async () => {
      await shell?.app.close();
      profile?.remove();
      await prosody?.stop();
    });

    it('opens the window on app:// with context isolation, the sandbox and the spell checker', async () => {
      const prefs = await shell.app.evaluate(({ BrowserWindow }) => {
        const win = BrowserWindow.getAllWindows()[0];
        // Undocumented in the typings, but what Electron kept from the window's webPreferences.
        const contents = win.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null };
        const last = contents.getLastWebPreferences();
        return {
          url: win.webContents.getURL(),
          contextIsolation: last?.contextIsolation,
          sandbox: last?.sandbox,
          nodeIntegration: last?.nodeIntegration,
          webviewTag: last?.webviewTag,
          spellcheck: last?.spellcheck,
        };
      });
      expect(prefs).toEqual({
        url: 'app://jabberwock/index.html',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
        spellcheck: true,
      });
      const reach = await page.evaluate(() => {
        const scope = globalThis as unknown as Record<string, unknown>;
        return ['require', 'process', 'module', 'Buffer', 'ipcRenderer', 'electron'].filter(
          (name) => typeof scope[name] !== 'undefined',
        );
      });
      expect(reach).toEqual([]);
    });

    it("the preload adds window.jabberwock with invoke, onEvents and the OS's language, and nothing else", async () => {
      const keys = await page.evaluate(() =>
        Object.keys((globalThis as unknown as { jabberwock: Record<string, unknown> }).jabberwock).sort(),
      );
      expect(keys).toEqual(['invoke', 'locale', 'onEvents']);
      const locale = await page.evaluate(
        () => (globalThis as unknown as { jabberwock: { locale: string } }).jabberwock.locale,
      );
      expect(locale).toBe(await shell.app.evaluate(({ app }) => app.getLocale()));
      // The same blank page with and without our preload: the only new global is jabberwock.
      const added = await shell.app.evaluate(async ({ BrowserWindow }, preload) => {
        const globals = async (withPreload: boolean) => {
          const win = new BrowserWindow({
            show: false,
            webPreferences: { preload: withPreload ? preload : undefined, contextIsolation: true, sandbox: true },
          });
          await win.loadURL('data:text/html,<title>blank</title>');
          const names = (await win.webContents.executeJavaScript('Object.getOwnPropertyNames(window)')) as string[];
          win.destroy();
          return names;
        };
        const plain = await globals(false);
        return (await globals(true)).filter((name) => !plain.includes(name));
      }, PRELOAD_ENTRY);
      expect(added).toEqual(['jabberwock']);
    });

    it('an account added in the window goes online against the test Prosody', async () => {
      await addAccountInUi(page, prosody, { jid: `${ALICE.user}@localhost`, password: ALICE.password, label: 'Home' });
      await page
        .getByRole('navigation', { name: 'Accounts' })
        .getByText('Online', { exact: true })
        .first()
        .waitFor({ timeout: LIVE_TIMEOUT });
    });

    it('has a tray icon, so closing the window (when set so) keeps the app running there', async () => {
      await expect.poll(() => shell.log()).toMatch(/\[shell\] tray icon shown/);
      const saved = await page.evaluate(() =>
        (
          globalThis as unknown as {
            jabberwock: { invoke(command: string, input: unknown): Promise<{ ok: boolean }> };
          }
        ).jabberwock.invoke('prefs.update', { closeToTray: true }),
      );
      expect(saved.ok).toBe(true);
      await shell.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close());
      await expect.poll(windowState).toEqual([{ visible: false, url: 'app://jabberwock/index.html' }]);
    });

    it('a second start hands over its arguments and quits: --hidden changes nothing, a plain start shows the window', async () => {
      expect(await startSecondInstance(electron.path!, profile, ['--hidden'])).toBe(0);
      expect(await windowState()).toEqual([{ visible: false, url: 'app://jabberwock/index.html' }]);
      expect(await startSecondInstance(electron.path!, profile)).toBe(0);
      await expect.poll(windowState).toEqual([{ visible: true, url: 'app://jabberwock/index.html' }]);
    });
  },
);
