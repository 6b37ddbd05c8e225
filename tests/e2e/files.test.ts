/**
 * End to end: files in Chromium, through the browser bridge, against the real core and Prosody's
 * mod_http_file_share. Alice uses the UI; Bob (a mutual contact) and Dave (a stranger) are
 * python3-slixmpp clients that upload with XEP-0363 and send with XEP-0066 (file_peer.py).
 * Sending: the bridge's file input (several files), a drop onto the conversation, a pasted
 * picture. Receiving: Bob's picture previews by itself, Dave's only on a click (served from the
 * bridge's own media route); a download shows its progress and can be cancelled (a scripted file
 * host that stalls), and a finished one lands in the download folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, LIVE_TIMEOUT, screenshotFailures, type BrowserUi } from '../support/e2e';
import type { FilePeer } from '../support/file-peer';
import type { ScriptedHttps } from '../support/https-server';
import { png } from '../support/media-samples';
import { filesScene } from '../support/files-scene';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-files' };
const BOB = { user: 'bob', password: 'bob-Pa55-files' };
const DAVE = { user: 'dave', password: 'dave-Pa55-files' };

describe('files in the browser UI', () => {
  let ui: BrowserUi;
  let page: Page;
  let bob: FilePeer;
  let dave: FilePeer;
  let host: ScriptedHttps;
  const { log, logger } = captureLog();

  const main = (): Locator => page.getByRole('main');
  const fileRow = (name: string): Locator => main().locator('[data-file-message]').filter({ hasText: name });
  const bobGot = (name: string) =>
    eventually(
      () =>
        expect(
          bob.events.some((e) => e.event === 'message' && String(e.body).endsWith(`/${name}`) && e.oob === e.body),
        ).toBe(true),
      LIVE_TIMEOUT,
    );

  async function openChat(name: string) {
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: new RegExp(`^${name}, `) })
      .first()
      .dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    await main().getByRole('heading', { name, exact: true }).waitFor();
  }

  const scene = filesScene();
  beforeAll(async () => {
    ({ ui, page, bob, dave, host } = await scene.start({
      users: { alice: ALICE, bob: BOB, dave: DAVE },
      httpUpload: { sizeLimit: 5_000_000 },
      prefix: 'jabberwock-e2e-files-',
      logger,
    }));
    await openChat('bob');
  }, 180_000);

  screenshotFailures(() => ui, log);

  afterAll(() => scene.stop());

  it('sends several files picked at once; Bob gets each as body and jabber:x:oob; they show as files', async () => {
    await expect(main().getByRole('button', { name: 'Attach files' }).isVisible()).resolves.toBe(true);
    await main()
      .locator('[data-testid=file-input]')
      .setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('pineapple notes') },
        { name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 plan') },
      ]);
    await bobGot('notes.txt');
    await bobGot('plan.pdf');
    await fileRow('notes.txt').waitFor({ timeout: LIVE_TIMEOUT });
    await fileRow('plan.pdf').waitFor({ timeout: LIVE_TIMEOUT });
    // Sent files leave the list of uploads.
    await eventually(async () =>
      expect(await main().getByRole('region', { name: 'Files being sent' }).count()).toBe(0),
    );
  });

  it('sends a file dropped onto the conversation and a picture pasted into the composer', async () => {
    // Built in the page (the tests are typed without the DOM): a drag carrying one file.
    const dropped = await page.evaluateHandle(
      `(() => { const data = new DataTransfer(); data.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' })); return data; })()`,
    );
    const chat = page.locator('section.chat');
    await chat.dispatchEvent('dragenter', { dataTransfer: dropped });
    await expect(chat.getAttribute('data-dropping')).resolves.not.toBeNull();
    await chat.dispatchEvent('drop', { dataTransfer: dropped });
    await bobGot('dropped.txt');

    const picture = png(40, 30, { seed: 5 }).toString('base64');
    await main().getByRole('textbox', { name: 'Message to bob' }).focus();
    // A picture on the clipboard, pasted into the composer (the page's own paste event).
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      const raw = Uint8Array.from(atob('${picture}'), (c) => c.charCodeAt(0));
      data.items.add(new File([raw], 'image.png', { type: 'image/png' }));
      const box = document.activeElement;
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await bobGot('image.png');
    // Our own picture previews by itself, from the bridge's media route.
    const preview = fileRow('image.png').getByRole('img', { name: 'Preview of image.png' });
    await preview.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await preview.getAttribute('src')).toMatch(/^\/media\/[A-Za-z0-9_-]{22}$/);
  });

  it("previews Bob's picture by itself; Dave's (a stranger) only after a click", async () => {
    await bob.run({
      cmd: 'send_file',
      to: 'alice@localhost',
      name: 'beach.png',
      data: png(200, 120, { seed: 9 }).toString('base64'),
      type: 'image/png',
    });
    await fileRow('beach.png').getByRole('img', { name: 'Preview of beach.png' }).waitFor({ timeout: LIVE_TIMEOUT });

    await dave.run({
      cmd: 'send_file',
      to: 'alice@localhost',
      name: 'stranger.png',
      data: png(60, 60, { seed: 2 }).toString('base64'),
      type: 'image/png',
    });
    const conversations = page.getByRole('navigation', { name: 'Accounts' });
    await conversations
      .getByRole('button', { name: /^dave@localhost, / })
      .first()
      .click({ timeout: LIVE_TIMEOUT });
    const row = fileRow('stranger.png');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.getByRole('img').count()).toBe(0);
    await row.getByRole('button', { name: 'Show preview' }).click();
    await row.getByRole('img', { name: 'Preview of stranger.png' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(ui.cspViolations).toEqual([]);
  });

  it('a download shows its progress and can be cancelled; a finished one is in the download folder', async () => {
    host.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 4_000_000 });
      res.write(Buffer.alloc(64 * 1024, 1)); // then stalls
    };
    await dave.run({ cmd: 'send_url', to: 'alice@localhost', url: `${host.origin}/big.bin` });
    const row = fileRow('big.bin');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    await row.getByRole('button', { name: 'Download big.bin' }).click();
    await row.getByText(/^Downloading .+ of .+$/).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.getByRole('progressbar').count()).toBe(1);
    await row.getByRole('button', { name: 'Cancel downloading big.bin' }).click();
    await row.getByText('Cancelled', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    const folder = path.join(ui.dataDir, 'Downloads');
    // The core says Cancelled at once and removes what it wrote as the transfer stops: nothing is left.
    await eventually(() => expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]), LIVE_TIMEOUT);

    const stranger = fileRow('stranger.png');
    await stranger.getByRole('button', { name: 'Download stranger.png' }).click();
    await stranger.getByText('Saved as stranger.png').waitFor({ timeout: LIVE_TIMEOUT });
    expect(fs.readFileSync(path.join(folder, 'stranger.png')).equals(png(60, 60, { seed: 2 }))).toBe(true);
    // Opening is the desktop app's: the bridge offers no Open button.
    expect(await stranger.getByRole('button', { name: /^Open / }).count()).toBe(0);
  });
});
