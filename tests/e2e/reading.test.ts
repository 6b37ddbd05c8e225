/**
 * End to end: reading and writing in Chromium, through the browser bridge, against the real core
 * and a real Prosody. Alice uses the UI; Bob is a second real XMPP client. Bob's styled message is
 * shown styled as text (never markup), Bob's displayed marker shows Alice's message read, a quote
 * (from the message menu) and an emoji go into the composer by keyboard, and a draft survives a restart of the core.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureLog,
  closeBrowserUi,
  expectBuilt,
  LIVE_TIMEOUT,
  openApp,
  openBrowserUi,
  screenshotFailures,
  signInThroughUi,
  type BrowserUi,
} from '../support/e2e';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { startWeb } from '../support/web';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { eventually } from '../support/wait';

const NS_MARKERS = 'urn:xmpp:chat-markers:0';
/** Runs in the page: the element has the focus. */
const isActive = new Function('el', 'return el === document.activeElement') as (el: unknown) => boolean;
const ALICE = { user: 'alice', password: 'alice-Pa55-reading' };
const BOB = { user: 'bob', password: 'bob-Pa55-reading' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';

describe('reading and writing in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  const bobInbox: Element[] = [];
  const { log, logger } = captureLog();

  const main = (): Locator => page.getByRole('main');
  const messageRow = (text: string | RegExp): Locator => main().locator('[data-message-id]').filter({ hasText: text });
  const composer = (): Locator => main().getByRole('textbox', { name: 'Message to bob' });
  const openBobChat = async () => {
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^bob, / })
      .first()
      .dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    await main().getByRole('heading', { name: 'bob', exact: true }).waitFor();
  };

  beforeAll(async () => {
    expectBuilt();
    prosody = await startProsody({ users: [ALICE, BOB] });
    const aliceSetup = await startPeer(prosody, ALICE, 'setup', logger);
    bob = await startPeer(prosody, BOB, 'desk', logger, (xmpp) =>
      xmpp.middleware.use((ctx, next) => {
        if (ctx.stanza.name === 'message') bobInbox.push(ctx.stanza);
        return next();
      }),
    );
    await bob.rosterItem(ALICE_JID);
    await aliceSetup.rosterItem(BOB_JID);
    await bob.send(xml('presence'));
    await aliceSetup.send(xml('presence'));
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribe' }));
    await aliceSetup.send(xml('presence', { to: BOB_JID, type: 'subscribed' }));
    await aliceSetup.send(xml('presence', { to: BOB_JID, type: 'subscribe' }));
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribed' }));
    await eventually(async () => expect((await aliceSetup.rosterItem(BOB_JID))?.subscription).toBe('both'));
    await aliceSetup.stop();

    ui = await openBrowserUi({
      prefix: 'jabberwock-e2e-reading-',
      viewport: { width: 1400, height: 900 },
      server: prosody,
    });
    page = ui.page;
    await signInThroughUi(ui, prosody, ALICE);
    await openBobChat();
  }, 180_000);

  screenshotFailures(() => ui, log);

  afterAll(async () => {
    await closeBrowserUi(ui);
    await bob?.stop();
    await prosody?.stop();
  });

  it("shows Bob's styling as styled text, and his markup as text", async () => {
    const body = 'I am *fully* awake, see `npm test` and <b>this</b>\n> a quoted line\n```\n*raw* code\n```';
    await bob.send(xml('message', { to: ALICE_JID, type: 'chat', id: 'b-style' }, xml('body', {}, body)));
    const row = messageRow('I am');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    await expect(row.locator('.styled-strong:not(.styled-directive)').textContent()).resolves.toBe('fully');
    await expect(row.locator('.styled-code:not(.styled-directive)').textContent()).resolves.toBe('npm test');
    await expect(row.locator('.styled-quote').textContent()).resolves.toBe('a quoted line');
    await expect(row.locator('.styled-pre code').textContent()).resolves.toBe('*raw* code');
    expect(await row.locator('b').count()).toBe(0);
    await expect(row.locator('.chat-body').textContent()).resolves.toContain('<b>this</b>');
  });

  it("marks Alice's message read when Bob's client says it displayed it", async () => {
    await composer().fill('Did you see this?');
    await composer().press('Enter');
    await eventually(() => expect(bobInbox.some((m) => m.getChildText('body') === 'Did you see this?')).toBe(true));
    const arrived = bobInbox.find((m) => m.getChildText('body') === 'Did you see this?')!;
    expect(arrived.getChild('markable', NS_MARKERS)).toBeDefined();
    const row = messageRow('Did you see this?');
    await row.getByRole('img', { name: /Sent|Delivered/ }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.getByText('Read', { exact: true }).count()).toBe(0);
    await bob.send(
      xml('message', { to: ALICE_JID, type: 'chat' }, xml('displayed', { xmlns: NS_MARKERS, id: arrived.attrs.id })),
    );
    await row.getByText('Read', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('quotes a message into the composer from its menu, by keyboard; the row has no separate Quote button', async () => {
    await composer().fill('');
    const row = messageRow('I am').first();
    await expect(row.getByRole('button', { name: 'Quote' }).count()).resolves.toBe(0);
    const actions = row.getByRole('button', { name: 'Actions for this message' });
    await actions.focus();
    await actions.press('Enter');
    const menu = row.getByRole('menu');
    await menu.waitFor();
    // Reply has the focus first; the next item is Quote.
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Quote' }).evaluate(isActive)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    await eventually(async () => expect(await composer().inputValue()).toMatch(/^> I am \*fully\* awake/));
    expect(await composer().inputValue()).toContain('\n>> a quoted line\n');
    await expect(composer().evaluate(isActive)).resolves.toBe(true);
    await composer().fill('');
  });

  it('inserts an emoji with the keyboard only', async () => {
    await composer().focus();
    await composer().pressSequentially('Great ');
    await page.keyboard.press('Tab');
    const button = main().getByRole('button', { name: 'Insert an emoji' });
    await expect(button.evaluate(isActive)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    const search = main().getByRole('combobox', { name: 'Find an emoji' });
    await eventually(async () => expect(await search.evaluate(isActive)).toBe(true));
    await page.keyboard.type('thumbs');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await composer().inputValue()).toBe('Great 👍'));
    // Escape closes a picker opened again and gives the focus back to its button.
    await button.focus();
    await page.keyboard.press('Enter');
    await search.waitFor();
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });
    await expect(button.evaluate(isActive)).resolves.toBe(true);
    await composer().fill('');
  });

  it('keeps a draft across a restart of the core', async () => {
    await composer().fill('an unsent thought');
    // Written to the store a moment after typing stops.
    const db = new Database(path.join(ui.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      await eventually(() =>
        expect(db.prepare('SELECT text FROM drafts').pluck().all()).toEqual(['an unsent thought']),
      );
    } finally {
      db.close();
    }
    expect(await ui.web.stop()).toBe(0);
    ui.web = await startWeb(ui.dataDir, prosody.caFile);
    await openApp(page, ui.web.url);
    await openBobChat();
    await eventually(async () => expect(await composer().inputValue()).toBe('an unsent thought'), LIVE_TIMEOUT);
    // Sent, it is no draft any more.
    await composer().press('Enter');
    await eventually(() => expect(bobInbox.some((m) => m.getChildText('body') === 'an unsent thought')).toBe(true));
    await main().getByRole('heading', { name: 'bob', exact: true }).waitFor();
  }, 120_000);

  it('ran without Content-Security-Policy violations', () => {
    expect(ui.cspViolations).toEqual([]);
  });
});
