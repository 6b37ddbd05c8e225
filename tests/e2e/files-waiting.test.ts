/**
 * End to end: sending files from the browser UI against Prosody's mod_http_file_share, with the
 * upload's bytes passing a throttling proxy (throttle-proxy.ts: TLS untouched, the real certificate
 * checked) so that an upload lasts long enough to be watched. Its progress bar moves; a cancel in
 * the middle sends nothing and Try again sends it once; a file picked while the account is off
 * waits in the list, saying so, and goes when it is back; a connection cut in the middle of an
 * upload starts it again once. Also: a stranger's file shows the size its message carries (XEP-0446)
 * without any request to its server; a picture whose metadata cannot be removed is asked about; and
 * name colours (XEP-0392) can be turned off in Settings.
 */
import { type Locator, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, LIVE_TIMEOUT, screenshotFailures, type BrowserUi } from '../support/e2e';
import type { FilePeer } from '../support/file-peer';
import type { ScriptedHttps } from '../support/https-server';
import { png } from '../support/media-samples';
import { filesScene } from '../support/files-scene';
import { startThrottleProxy, type ThrottleProxy } from '../support/throttle-proxy';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-waiting' };
const BOB = { user: 'bob', password: 'bob-Pa55-waiting' };
const DAVE = { user: 'dave', password: 'dave-Pa55-waiting' };
/**
 * Bytes a second towards the upload service. The client's socket takes the first few megabytes at
 * once (the kernel's send buffer grows to 4 MB on loopback), so a file must be larger than that for
 * its progress to follow the rate.
 */
const RATE = 1024 * 1024;

/** Bytes that do not compress and say where they are (to compare what arrived). */
function fileOf(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + seed * 104729) % 251;
  return bytes;
}

describe('sending files: progress, cancel, waiting for the account', () => {
  let proxy: ThrottleProxy;
  let ui: BrowserUi;
  let page: Page;
  let bob: FilePeer;
  let dave: FilePeer;
  let host: ScriptedHttps;
  const { log, logger } = captureLog();

  const main = (): Locator => page.getByRole('main');
  const uploads = (): Locator => main().getByRole('region', { name: 'Files being sent' });
  const uploadRow = (name: string): Locator => uploads().getByRole('listitem').filter({ hasText: name });
  const fileRow = (name: string): Locator => main().locator('[data-file-message]').filter({ hasText: name });
  const bobMessages = (name: string) =>
    bob.events.filter((e) => e.event === 'message' && String(e.body).endsWith(`/${name}`) && e.oob === e.body);
  const bobGot = (name: string) => eventually(() => expect(bobMessages(name).length).toBeGreaterThan(0), LIVE_TIMEOUT);
  let barriers = 0;
  /**
   * Alice writes to Bob and waits until he has it: her messages reach him in the order she sent
   * them, so whatever she sent before has reached him too.
   */
  const settled = async () => {
    const text = `barrier ${++barriers}`;
    const box = main().getByRole('textbox', { name: 'Message to bob' });
    await box.fill(text);
    await box.press('Enter');
    await eventually(
      () => expect(bob.events.some((e) => e.event === 'message' && e.body === text)).toBe(true),
      LIVE_TIMEOUT,
    );
  };

  async function pick(name: string, bytes: Buffer, mimeType = 'application/octet-stream') {
    await main()
      .locator('[data-testid=file-input]')
      .setInputFiles([{ name, mimeType, buffer: bytes }]);
  }

  async function openConversation(name: string) {
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: new RegExp(`^${name}, `) })
      .first()
      .dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    await main().getByRole('heading', { name, exact: true }).waitFor();
  }

  /** The progress bar's values while the upload moves (what assistive technology reads as its value). */
  async function progressWhileMoving(row: Locator, until: (value: number, max: number) => boolean): Promise<number[]> {
    const seen: number[] = [];
    const bar = row.getByRole('progressbar');
    for (;;) {
      const { value, max } = await bar.evaluate((el) => ({
        value: (el as unknown as { value: number }).value,
        max: (el as unknown as { max: number }).max,
      }));
      if (seen.at(-1) === value) {
        await page.waitForTimeout(50);
        continue;
      }
      seen.push(value);
      if (until(value, max)) return seen;
      await page.waitForTimeout(50);
    }
  }

  const scene = filesScene();
  beforeAll(async () => {
    proxy = await startThrottleProxy(RATE);
    ({ ui, page, bob, dave, host } = await scene.start({
      users: { alice: ALICE, bob: BOB, dave: DAVE },
      httpUpload: { sizeLimit: 20_000_000, externalPort: proxy.port },
      prefix: 'jabberwock-e2e-files-waiting-',
      logger,
      serverStarted: (server) => (proxy.target = server.upload!.port),
    }));
    await openConversation('bob');
  }, 180_000);

  screenshotFailures(() => ui, log);

  afterAll(async () => {
    await scene.stop();
    await proxy?.close();
  });

  it('shows the upload moving; a cancel in the middle sends nothing; Try again sends it once', async () => {
    const bytes = fileOf(12_000_000, 1);
    await pick('moving.bin', bytes);
    const row = uploadRow('moving.bin');
    // Watched until it has shown a few values (or is nearly through, which fails the check below).
    let shown = 0;
    const seen = await progressWhileMoving(row, (value, max) => (value > 0 && ++shown >= 4) || value > max * 0.8);
    // Several values on the way, each above the last, the upload still short of its end.
    const moving = seen.filter((value) => value > 0);
    expect(moving.length, `progress seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(moving.at(-1)!).toBeLessThan(bytes.length * 0.8);
    expect(moving).toEqual([...moving].sort((a, b) => a - b));
    await row.getByText(/^Sending .+ of .+/).waitFor();

    await row.getByRole('button', { name: 'Cancel sending moving.bin' }).click();
    await row.getByText('Cancelled', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await settled();
    expect(bobMessages('moving.bin')).toHaveLength(0);
    expect(await fileRow('moving.bin').count()).toBe(0);

    await row.getByRole('button', { name: 'Try sending moving.bin again' }).click();
    await bobGot('moving.bin');
    await eventually(async () => expect(await uploads().count()).toBe(0), LIVE_TIMEOUT);
    await settled();
    const got = bobMessages('moving.bin');
    expect(got).toHaveLength(1);
    // Sent with its name, size and type (XEP-0446), and the same bytes arrive.
    expect(got[0].metadata).toEqual({
      'media-type': 'application/octet-stream',
      name: 'moving.bin',
      size: String(bytes.length),
    });
    await bob.run({ cmd: 'fetch', url: String(got[0].body) });
    const fetched = bob.events.find((e) => e.event === 'fetched' && e.url === got[0].body);
    expect(fetched).toMatchObject({ status: 200, bytes: bytes.length });
  }, 120_000);

  it('a file picked while the account is off waits in the list, saying so, and goes when it is back', async () => {
    const accounts = page.getByRole('navigation', { name: 'Accounts' });
    const toggle = accounts.getByRole('switch', { name: /^Connect / }).first();
    await toggle.uncheck();
    await accounts.getByText('Offline', { exact: true }).first().waitFor({ timeout: LIVE_TIMEOUT });

    await pick('later.txt', Buffer.from('for when you are back'), 'text/plain');
    const row = uploadRow('later.txt');
    await row.getByText('Waiting for the account to connect.', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(bobMessages('later.txt')).toHaveLength(0);

    await toggle.check();
    await bobGot('later.txt');
    await fileRow('later.txt').waitFor({ timeout: LIVE_TIMEOUT });
    await settled();
    expect(bobMessages('later.txt')).toHaveLength(1);
  }, 90_000);

  it('a connection cut in the middle of an upload starts it again, and the file goes once', async () => {
    const bytes = fileOf(2_000_000, 2);
    const before = proxy.connections;
    await pick('cut.bin', bytes);
    const row = uploadRow('cut.bin');
    await progressWhileMoving(row, (value) => value > 200_000);
    proxy.cut();
    await bobGot('cut.bin');
    await settled();
    expect(bobMessages('cut.bin')).toHaveLength(1);
    // A new connection carried the upload again from its start (the first may have been one kept open).
    expect(proxy.connections).toBeGreaterThan(before);
    const got = bobMessages('cut.bin')[0];
    await bob.run({ cmd: 'fetch', url: String(got.body) });
    expect(bob.events.find((e) => e.event === 'fetched' && e.url === got.body)).toMatchObject({
      status: 200,
      bytes: bytes.length,
    });
  }, 90_000);

  it("shows the size a stranger's file message carries, with no request to its server", async () => {
    await dave.run({
      cmd: 'send_url',
      to: 'alice@localhost',
      url: `${host.origin}/contract.pdf`,
      metadata: { name: 'contract.pdf', size: 2_500_000, type: 'application/pdf' },
    });
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByRole('button', { name: /^dave@localhost, / })
      .first()
      .click({ timeout: LIVE_TIMEOUT });
    const row = fileRow('contract.pdf');
    await row.getByText('2.4 MB, application/pdf', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(host.requests.filter((request) => request.url === '/contract.pdf')).toEqual([]);
  });

  it('asks before sending a picture whose metadata cannot be removed, and sends it as it is when told', async () => {
    await openConversation('bob');
    const whole = png(40, 30, { seed: 3 });
    await pick('broken.png', whole.subarray(0, whole.length - 12), 'image/png');
    const question = uploads().getByRole('alert').filter({ hasText: 'broken.png' });
    await question
      .getByText(/could not be read to remove its location, camera and times\. Send it as it is\?/)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await settled();
    expect(bobMessages('broken.png')).toHaveLength(0);
    await question.getByRole('button', { name: 'Send broken.png as it is, with its metadata' }).click();
    await bobGot('broken.png');
  });

  it('turns name colours off in Settings: initials then take the text colour', async () => {
    const initials = page.getByRole('tree').locator('[data-avatar]').first();
    const colours = () =>
      initials.evaluate((el) => {
        // Runs in the page (the tests are typed without the DOM).
        const page = globalThis as unknown as {
          getComputedStyle(element: unknown): { color: string };
          document: { body: unknown };
        };
        return { ink: page.getComputedStyle(el).color, text: page.getComputedStyle(page.document.body).color };
      });
    expect((await colours()).ink).not.toBe((await colours()).text);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Colour names and initials').uncheck();
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    await eventually(async () => {
      const { ink, text } = await colours();
      expect(ink).toBe(text);
    });
  });
});
