/**
 * End to end: subscriptions in Chromium, through the browser bridge, against the real core and a
 * real Prosody. Alice uses the UI; Romeo, Juliet, the Nurse, Tybalt and two strangers are second
 * real XMPP clients (tests/support/peer.ts) that send and answer subscription presences. A helper
 * session of Alice's only puts an item on her roster (a roster set), as another client of hers would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { AccountsRepository } from '../../src/main/core/store/accounts-repo';
import { openDatabase } from '../../src/main/core/store/db';
import { SubscriptionsRepository } from '../../src/main/core/store/subscriptions-repo';
import { ROOT } from '../support/web';
import { closeBrowserUi, expectBuilt, LIVE_TIMEOUT, openBrowserUi, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const NS_NICK = 'http://jabber.org/protocol/nick';
const ALICE = { user: 'alice', password: 'alice-Pa55-subs' };
const ROMEO = { user: 'romeo', password: 'romeo-Pa55-subs' };
const JULIET = { user: 'juliet', password: 'juliet-Pa55-subs' };
const NURSE = { user: 'nurse', password: 'nurse-Pa55-subs' };
const TYBALT = { user: 'tybalt', password: 'tybalt-Pa55-subs' };
const MALLORY = { user: 'mallory', password: 'mallory-Pa55-subs' };
const SPAMMER = { user: 'spammer', password: 'spammer-Pa55-subs' };
const ALICE_JID = 'alice@localhost';

describe('subscriptions in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  const peers = new Map<string, Peer>();

  const peer = (user: { user: string }) => peers.get(user.user)!;
  const tree = (): Locator => page.getByRole('tree');
  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const explainer = (): Locator => main().getByRole('region', { name: 'Who sees whose status' });
  /** Presences of `type` a peer received from Alice. */
  const fromAlice = (who: Peer, type: string) =>
    who.presences.filter((p) => p.attrs.from?.startsWith(ALICE_JID) && p.attrs.type === type);

  function subscribe(who: Peer, nick?: string, message?: string) {
    return who.send(
      xml(
        'presence',
        { to: ALICE_JID, type: 'subscribe' },
        nick ? xml('nick', { xmlns: NS_NICK }, nick) : undefined,
        message ? xml('status', {}, message) : undefined,
      ),
    );
  }

  async function openContact(name: string) {
    await tree()
      .getByRole('treeitem', { name: new RegExp(`^${name}, `) })
      .first()
      .dblclick();
    await main().getByRole('heading', { name, exact: true }).waitFor();
  }

  async function openInbox() {
    await sidebar()
      .getByRole('button', { name: /^Contact requests, / })
      .click();
    await main().getByRole('heading', { name: 'Contact requests' }).waitFor();
  }

  const live = useLiveUi({
    server: { users: [ALICE, ROMEO, JULIET, NURSE, TYBALT, MALLORY, SPAMMER] },
    prefix: 'jabberwock-e2e-subscriptions-',
    viewport: { width: 1280, height: 800 },
    prepare: async (prosody, logger) => {
      for (const user of [ROMEO, JULIET, NURSE, TYBALT, MALLORY, SPAMMER]) {
        const started = await startPeer(prosody, user, 'desk', logger);
        // Available and interested (it fetched its roster): Prosody delivers subscription presences
        // to such resources only (RFC 6121 §3).
        await started.rosterItem(ALICE_JID);
        await started.send(xml('presence'));
        peers.set(user.user, started);
      }
    },
    signIn: ALICE,
    stop: async () => {
      for (const p of peers.values()) await p.stop();
    },
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('shows a request with its nick in the inbox, without a dialog; accept and add ends in both', async () => {
    const romeo = peer(ROMEO);
    await subscribe(romeo, 'Romeo Montague', 'It is Romeo, from the party');

    // A badge, overall and on the account; no dialog opens by itself.
    await sidebar().getByRole('button', { name: 'Contact requests, 1 waiting' }).waitFor({ timeout: LIVE_TIMEOUT });
    await sidebar().getByRole('button', { name: 'Contact requests for Home, 1 waiting' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    await openInbox();
    const list = main().getByRole('list', { name: '1 pending request' });
    const row = list.getByRole('listitem', { name: 'romeo@localhost' });
    await row.waitFor();
    await row.getByText('Calls themselves “Romeo Montague”').waitFor();
    await row.getByText('“It is Romeo, from the party”').waitFor();
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/subscriptions-inbox.png') });

    await row.getByRole('button', { name: 'Accept and add romeo@localhost' }).click();
    const d = page.getByRole('dialog', { name: 'Accept and add romeo@localhost' });
    expect(await d.getByLabel(/^Name/).inputValue()).toBe('Romeo Montague');
    await d.getByLabel('New group').fill('Verona');
    await d.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await d.getByRole('checkbox', { name: 'Verona' }).isChecked()).toBe(true);
    await d.getByRole('button', { name: 'Accept and add' }).click();
    await d.waitFor({ state: 'detached' });

    // Answered: the row and the badges go; Romeo was approved and asked back.
    await main().getByText('No pending requests.').waitFor({ timeout: LIVE_TIMEOUT });
    await sidebar().getByRole('button', { name: 'Contact requests, none waiting' }).waitFor();
    await eventually(() => expect(fromAlice(romeo, 'subscribed')).toHaveLength(1), LIVE_TIMEOUT);
    await eventually(() => expect(fromAlice(romeo, 'subscribe')).toHaveLength(1), LIVE_TIMEOUT);
    await romeo.send(xml('presence', { to: ALICE_JID, type: 'subscribed' }));

    // The second client's roster, as the server holds it: both.
    await eventually(async () => expect((await romeo.rosterItem(ALICE_JID))?.subscription).toBe('both'), LIVE_TIMEOUT);
    await tree()
      .getByRole('treeitem', { name: /^Verona, \d of 1 online$/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await openContact('Romeo Montague');
    await explainer().getByText('You and Romeo Montague see each other’s status.').waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('adds a contact from the dialog: field errors first, then awaiting approval until they accept, live', async () => {
    const juliet = peer(JULIET);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const d = page.getByRole('dialog', { name: 'Add a contact' });
    await d.getByLabel('Address (JID)').fill('juliet@@localhost');
    await d.getByRole('button', { name: 'Add contact' }).click();
    await d.getByText('An address can contain only one "@".').waitFor();
    expect(await d.getByLabel('Address (JID)').getAttribute('aria-invalid')).toBe('true');

    await d.getByLabel('Address (JID)').fill('  Juliet@LOCALHOST ');
    await d.getByLabel(/^Name/).fill('Juliet');
    await d.getByRole('checkbox', { name: 'Verona' }).check();
    await d.getByText('Introduce yourself').click();
    await d.getByLabel(/Your nick/).fill('Alice of Home');
    await d.getByLabel(/^Message/).fill('May I see your status?');
    await d.getByRole('button', { name: 'Add contact' }).click();
    await d.waitFor({ state: 'detached' });

    // The request reached Juliet, normalized, with the nick and message.
    await eventually(() => expect(fromAlice(juliet, 'subscribe')).toHaveLength(1), LIVE_TIMEOUT);
    const sent = fromAlice(juliet, 'subscribe')[0];
    expect(sent.getChildText('nick', NS_NICK)).toBe('Alice of Home');
    expect(sent.getChildText('status')).toBe('May I see your status?');

    // The new contact opens, awaiting approval.
    await main().getByRole('heading', { name: 'Juliet', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await tree()
      .getByRole('treeitem', { name: /^Juliet, offline, awaiting approval/ })
      .waitFor();
    await explainer().getByText('You asked Juliet just now; no answer yet. Juliet doesn’t see yours either.').waitFor();
    await explainer().getByRole('button', { name: 'Ask again' }).waitFor();

    // Juliet accepts: the row and the explanation change without any reload.
    await juliet.send(xml('presence', { to: ALICE_JID, type: 'subscribed' }));
    await tree()
      .getByRole('treeitem', { name: /^Juliet, .*You see their status/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await explainer().getByText('You see Juliet’s status, but Juliet doesn’t see yours.').waitFor();
    expect(
      await tree()
        .getByRole('treeitem', { name: /awaiting approval/ })
        .count(),
    ).toBe(0);

    // Adding her again opens her instead of asking again.
    await tree()
      .getByRole('treeitem', { name: /^Romeo Montague, / })
      .click();
    await main().getByRole('heading', { name: 'Romeo Montague' }).waitFor();
    await page.getByRole('button', { name: 'Add contact' }).click();
    await d.getByLabel('Address (JID)').fill('juliet@localhost');
    await d.getByRole('button', { name: 'Add contact' }).click();
    await d.waitFor({ state: 'detached' });
    await main().getByRole('heading', { name: 'Juliet', exact: true }).waitFor();
    expect(fromAlice(juliet, 'subscribe')).toHaveLength(1);
  });

  it('explains none, from, to, both, pending out and pending in, each with its fix', async () => {
    // none: put Tybalt on Alice's roster from another client of hers (a roster set, no request).
    const helper = await startPeer(prosody, ALICE, 'helper', live.logger);
    try {
      await helper.xmpp.iqCaller.set(
        xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: 'tybalt@localhost', name: 'Tybalt' })),
      );
    } finally {
      await helper.stop();
    }
    await openContact('Tybalt');
    await explainer().getByText('You and Tybalt don’t see each other’s status.').waitFor();
    await explainer().getByRole('button', { name: 'Ask to see Tybalt’s status' }).waitFor();

    // pending in: Tybalt asks; the explainer offers Accept (and the inbox has it too).
    await subscribe(peer(TYBALT));
    await explainer()
      .getByText(/^Tybalt wants to see your status \(asked just now\)\. You don’t see Tybalt’s status\.$/)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await sidebar().getByRole('button', { name: 'Contact requests, 1 waiting' }).waitFor();
    await explainer().getByRole('button', { name: 'Accept', exact: true }).click();
    // from: Tybalt sees Alice's status now.
    await explainer()
      .getByText('Tybalt sees your status, but you don’t see Tybalt’s.')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(() => expect(fromAlice(peer(TYBALT), 'subscribed')).toHaveLength(1), LIVE_TIMEOUT);
    await sidebar().getByRole('button', { name: 'Contact requests, none waiting' }).waitFor();

    // pending out: ask from the explainer's fix.
    await explainer().getByRole('button', { name: 'Ask to see Tybalt’s status' }).click();
    await explainer()
      .getByText('You asked Tybalt just now; no answer yet. Tybalt sees your status.')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(() => expect(fromAlice(peer(TYBALT), 'subscribe')).toHaveLength(1), LIVE_TIMEOUT);

    // to: Juliet (accepted in the previous test); both: Romeo.
    await openContact('Juliet');
    await explainer().getByText('You see Juliet’s status, but Juliet doesn’t see yours.').waitFor();
    await explainer().getByRole('button', { name: 'Stop seeing theirs' }).waitFor();
    await openContact('Romeo Montague');
    await explainer().getByText('You and Romeo Montague see each other’s status.').waitFor();
    await explainer().getByRole('button', { name: 'Stop sharing my status' }).waitFor();
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/subscriptions-explainer.png') });
  });

  it('accepts a plain request and denies in bulk; a look-alike nick shows the real address', async () => {
    // The nurse is accepted without being asked back: "from".
    await subscribe(peer(NURSE), 'Nurse');
    await subscribe(peer(SPAMMER), 'Free prizes');
    // Mallory calls herself Romeo's name.
    await subscribe(peer(MALLORY), 'Romeo Montague', 'New account, add me');
    await sidebar().getByRole('button', { name: 'Contact requests, 3 waiting' }).waitFor({ timeout: LIVE_TIMEOUT });
    await openInbox();
    const list = main().getByRole('list', { name: '3 pending requests' });
    const mallory = list.getByRole('listitem', { name: 'mallory@localhost' });
    await mallory
      .getByText('Not your contact “Romeo Montague” — this is mallory@localhost; only the nick looks alike.')
      .waitFor();
    // Accept and add does not carry the imitated name over.
    await mallory.getByRole('button', { name: 'Accept and add mallory@localhost' }).click();
    const d = page.getByRole('dialog', { name: 'Accept and add mallory@localhost' });
    await d.getByText('Not your contact Romeo Montague.').waitFor();
    expect(await d.getByLabel(/^Name/).inputValue()).toBe('');
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'detached' });

    await list.getByRole('button', { name: 'Accept nurse@localhost' }).click();
    await list.getByRole('listitem', { name: 'nurse@localhost' }).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await eventually(() => expect(fromAlice(peer(NURSE), 'subscribed')).toHaveLength(1), LIVE_TIMEOUT);
    expect(fromAlice(peer(NURSE), 'subscribe')).toHaveLength(0);

    // Keyboard: select all, deny both at once.
    const all = main().getByRole('checkbox', { name: 'Select all 2 requests' });
    await all.focus();
    await page.keyboard.press('Space');
    await main().getByRole('button', { name: 'Deny selected (2)' }).click();
    await main().getByText('Denied 2 requests.').waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('No pending requests.').waitFor({ timeout: LIVE_TIMEOUT });
    for (const who of [MALLORY, SPAMMER]) {
      await eventually(() => expect(fromAlice(peer(who), 'unsubscribed')).toHaveLength(1), LIVE_TIMEOUT);
      expect(fromAlice(peer(who), 'subscribed')).toHaveLength(0);
    }

    await openContact('nurse');
    await explainer().getByText('nurse sees your status, but you don’t see nurse’s.').waitFor();
  });

  it('sets the account’s policy from the inbox', async () => {
    await openInbox();
    await main().getByRole('button', { name: 'When someone asks…' }).click();
    const d = page.getByRole('dialog', { name: 'When someone asks to see your status' });
    expect(await d.getByRole('radio', { name: 'Ask me' }).isChecked()).toBe(true);
    await d.getByRole('radio', { name: 'Accept and ask back' }).check();
    await d.getByRole('checkbox', { name: 'Always accept people I asked to see' }).uncheck();
    await d.getByRole('button', { name: 'Save' }).click();
    await d.waitFor({ state: 'detached' });
    // Kept by the core: after a reload, the account overview says so.
    await page.reload();
    await sidebar()
      .getByRole('button', { name: /^Home, / })
      .click();
    await main().getByText('Accept and ask back', { exact: true }).waitFor();
  });

  it('ran without Content-Security-Policy violations', () => {
    expect(ui.cspViolations).toEqual([]);
  });
});

describe('the request inbox with 10,000 pending requests', () => {
  const COUNT = 10_000;
  /** The count as the (English) UI writes it. */
  const SHOWN = COUNT.toLocaleString('en');
  let ui: BrowserUi | undefined;

  afterAll(() => closeBrowserUi(ui));

  /** A data directory with one disabled account holding COUNT stored requests from distinct JIDs. */
  function seed(): string {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'jabberwock-e2e-inbox-'));
    const db = openDatabase(path.join(made, DATABASE_FILE));
    new AccountsRepository(db).insert({
      id: 'flood',
      jid: 'flood@example.invalid',
      host: null,
      port: null,
      label: 'Flood',
      color: '#3a5bd9',
      enabled: false,
      resource: 'flood',
    });
    const repo = new SubscriptionsRepository(db);
    const start = Date.now() - COUNT * 1000;
    for (let i = 0; i < COUNT; i++) {
      repo.queuePut({
        accountId: 'flood',
        jid: `spam${String(i).padStart(5, '0')}@spam.example`,
        nick: `Spammer ${i}`,
        message: i % 2 ? 'Add me!' : null,
        receivedAt: start + i * 1000,
      });
    }
    repo.flush();
    db.close();
    return made;
  }

  it('renders only the rows in view, goes to the end by keyboard, and selects all at once', async () => {
    expectBuilt();
    ui = await openBrowserUi({ dataDir: seed(), viewport: { width: 1280, height: 800 } });
    const { page, cspViolations: violations } = ui;
    await page.addInitScript({
      content: `window.__jwLong = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.__jwLong.push([Math.round(entry.startTime), Math.round(entry.duration)]);
        }).observe({ type: 'longtask', buffered: true });`,
    });
    await page.goto(ui.web.url);
    const sidebar = page.getByRole('navigation', { name: 'Accounts' });
    const open = sidebar.getByRole('button', { name: `Contact requests, ${SHOWN} waiting` });
    await open.waitFor({ timeout: 30_000 });
    // The per-account badge reads 999+ past a thousand; its accessible name has the number.
    await sidebar.getByRole('button', { name: `Contact requests for Flood, ${SHOWN} waiting` }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    const clickedAt = (await page.evaluate('Math.round(performance.now())')) as number;
    const clicked = Date.now();
    await open.click();
    const list = page.getByRole('list', { name: `${SHOWN} pending requests` });
    const newest = list.getByRole('listitem', { name: 'spam09999@spam.example' });
    await newest.waitFor();
    const openMs = Date.now() - clicked;
    const inDom = await list.getByRole('listitem').count();
    expect(inDom).toBeGreaterThan(3);
    expect(inDom).toBeLessThan(60);
    expect(await newest.getAttribute('aria-setsize')).toBe(String(COUNT));

    // Keyboard: from the newest row's checkbox, End goes to the oldest, still with a bounded DOM.
    await newest.getByRole('checkbox').focus();
    const ended = Date.now();
    await page.keyboard.press('End');
    const oldest = list.getByRole('listitem', { name: 'spam00000@spam.example' });
    await oldest.waitFor();
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Select request from spam00000@spam.example');
    const endMs = Date.now() - ended;
    expect(await oldest.getAttribute('aria-posinset')).toBe(String(COUNT));
    expect(await list.getByRole('listitem').count()).toBeLessThan(60);
    await page.keyboard.press('ArrowUp');
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Select request from spam00001@spam.example');

    const selecting = Date.now();
    await page.getByRole('checkbox', { name: `Select all ${SHOWN} requests` }).check();
    await page.getByRole('button', { name: `Deny selected (${SHOWN})` }).waitFor();
    const selectMs = Date.now() - selecting;
    expect(await oldest.getByRole('checkbox').isChecked()).toBe(true);

    // Long tasks before the click are the page's start (snapshot of 10,000 requests included).
    const longTasks = (await page.evaluate('window.__jwLong')) as [number, number][];
    const list2 = (tasks: [number, number][]) => tasks.map(([, ms]) => `${ms} ms`).join(', ') || 'none';
    console.info(
      `inbox with ${COUNT} requests: opened in ${openMs} ms, End in ${endMs} ms, select all in ${selectMs} ms, ` +
        `${inDom} rows in the DOM; long tasks at start: ${list2(longTasks.filter(([at]) => at < clickedAt))}, ` +
        `after the click: ${list2(longTasks.filter(([at]) => at >= clickedAt))}`,
    );
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/subscriptions-inbox-10000.png') });
    expect(violations).toEqual([]);
  });
});
