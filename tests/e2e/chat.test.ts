/**
 * End to end: conversations in Chromium, through the browser bridge, against the real core and a
 * real Prosody. Alice uses the UI; Bob is a second real XMPP client (tests/support/peer.ts) that
 * records what it receives and answers with stanzas: receipts, replies, /me, typing, room messages
 * and a private message from a room. A last part measures (does not assert a time) opening a
 * 10,000-message conversation and scrolling back, in the built renderer fed by a stand-in core,
 * with long tasks observed.
 */
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/web';
import { closeBrowserUi, expectBuilt, LIVE_TIMEOUT, openBrowserUi, type BrowserUi } from '../support/e2e';
import { openChatFromRoster, startMutualContact, useLiveUi } from '../support/live-ui';
import type { Peer } from '../support/peer';
import { eventually } from '../support/wait';

const NS_RECEIPTS = 'urn:xmpp:receipts';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const ALICE = { user: 'alice', password: 'alice-Pa55-chat' };
const BOB = { user: 'bob', password: 'bob-Pa55-chat' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';
const TEA = 'tea@conference.localhost';

describe('conversations in the browser UI', () => {
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  /** Every message Bob received, oldest first. */
  const bobInbox: Element[] = [];

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const messageRow = (text: string | RegExp): Locator => main().locator('[data-message-id]').filter({ hasText: text });
  const bobGot = (predicate: (m: Element) => boolean) =>
    eventually(() => expect(bobInbox.some(predicate)).toBe(true), LIVE_TIMEOUT);
  const chatFromBob = (body: string, ...extra: Element[]) =>
    bob.send(
      xml('message', { to: ALICE_JID, type: 'chat', id: `b-${Math.random()}` }, xml('body', {}, body), ...extra),
    );

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-chat-',
    // Alice and Bob see each other, made with stanzas before Alice's Jabberwock starts.
    prepare: async (prosody, logger) => {
      bob = await startMutualContact(prosody, logger, ALICE, BOB, bobInbox);
    },
    signIn: ALICE,
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ ui, page } = live));

  it('opens a chat from the roster and sends: Bob receives it, shown sent, then delivered on his receipt', async () => {
    await openChatFromRoster(page, 'bob');
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('Hello Bob, pineapple');
    await composer.press('Enter');
    await eventually(async () => expect(await composer.inputValue()).toBe('')); // cleared once the send returns

    await bobGot((m) => m.getChildText('body') === 'Hello Bob, pineapple');
    const arrived = bobInbox.find((m) => m.getChildText('body') === 'Hello Bob, pineapple')!;
    expect(arrived.attrs.to).toBe(BOB_JID); // the bare JID: the server picks Bob's device
    await messageRow('Hello Bob, pineapple').getByRole('img', { name: 'Sent' }).waitFor({ timeout: LIVE_TIMEOUT });

    await bob.send(
      xml('message', { to: arrived.attrs.from }, xml('received', { xmlns: NS_RECEIPTS, id: arrived.attrs.id })),
    );
    await messageRow('Hello Bob, pineapple').getByRole('img', { name: 'Delivered' }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('a reply from Bob while elsewhere: unread badge, count in the title, cleared when opened', async () => {
    // Leave the conversation: show the account instead.
    await sidebar()
      .getByRole('button', { name: /^Home, / })
      .click();
    await chatFromBob('Hi Alice! Nice to hear from you');
    const entry = sidebar().getByRole('button', { name: /^bob, 1 unread message/ });
    await entry.waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () => expect(await page.title()).toBe('(1) Jabberwock'));
    await sidebar().getByText('1 unread message', { exact: true }).first().waitFor();

    await entry.click();
    await messageRow('Hi Alice! Nice to hear from you').waitFor();
    await sidebar().getByRole('button', { name: 'bob', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () => expect(await page.title()).toBe('Jabberwock'));

    // Typing from Bob shows, and goes when he sends.
    await bob.send(xml('message', { to: ALICE_JID, type: 'chat' }, xml('composing', { xmlns: NS_CHATSTATES })));
    await main().getByText('bob is typing…').waitFor({ timeout: LIVE_TIMEOUT });
    await bob.send(xml('message', { to: ALICE_JID, type: 'chat' }, xml('active', { xmlns: NS_CHATSTATES })));
    await main().getByText('bob is typing…').waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    // And ours reaches Bob.
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.pressSequentially('typ');
    await bobGot((m) => m.getChild('composing', NS_CHATSTATES) !== undefined);
    await composer.fill('');
  });

  it('renders /me as an action, both ways', async () => {
    await chatFromBob('/me waves');
    await eventually(async () => expect(await messageRow('waves').innerText()).toMatch(/^\* bob waves/), LIVE_TIMEOUT);
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('/me smiles back');
    await composer.press('Enter');
    await eventually(async () => expect(await messageRow('smiles back').innerText()).toMatch(/^\* alice smiles back/));
    await bobGot((m) => m.getChildText('body') === '/me smiles back');
  });

  it('corrects the last message with the Up arrow: Bob receives a replace, the row shows edited', async () => {
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('See you at noin');
    await composer.press('Enter');
    await bobGot((m) => m.getChildText('body') === 'See you at noin');
    const original = bobInbox.find((m) => m.getChildText('body') === 'See you at noin')!;
    await messageRow('See you at noin')
      .getByRole('img', { name: /Sent|Delivered/ })
      .waitFor({ timeout: LIVE_TIMEOUT });

    await composer.press('ArrowUp');
    const editing = main().getByRole('textbox', { name: 'Correct your last message to bob' });
    expect(await editing.inputValue()).toBe('See you at noin');
    await editing.fill('See you at noon');
    await editing.press('Enter');
    await bobGot(
      (m) =>
        m.getChildText('body') === 'See you at noon' &&
        m.getChild('replace', NS_CORRECT)?.attrs.id === original.attrs.id,
    );
    const row = messageRow('See you at noon');
    await row.getByText('edited', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await messageRow('See you at noin').count()).toBe(0);
    await main().getByRole('textbox', { name: 'Message to bob' }).waitFor();
  });

  it('links: http(s) become buttons that ask with the host first; javascript: stays text', async () => {
    await chatFromBob('look https://example.org/tea?x=1 or javascript:alert(1) or file:///etc/passwd');
    const row = messageRow('look https://example.org');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.locator('.chat-link').allInnerTexts()).toEqual(['https://example.org/tea?x=1']);
    await row.getByRole('button', { name: 'https://example.org/tea?x=1' }).click();
    const d = page.getByRole('dialog', { name: 'Open a link to example.org?' });
    await d.waitFor();
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'detached' });
    expect(await row.locator('a').count()).toBe(0);
  });

  it('a room conversation shows the room’s messages and sends to the room; a private message opens from the occupant list', async () => {
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const d = page.getByRole('dialog', { name: 'Join a room' });
    await d.getByLabel('Room address').fill(TEA);
    await d.getByRole('button', { name: 'Join', exact: true }).click();
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main().getByText('You are alice (moderator, owner)').waitFor({ timeout: LIVE_TIMEOUT });

    await bob.send(xml('presence', { to: `${TEA}/Bob` }, xml('x', { xmlns: NS_MUC })));
    await main()
      .getByRole('tree', { name: /^Occupants of tea@conference\.localhost, 2/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await bob.send(xml('message', { to: TEA, type: 'groupchat' }, xml('body', {}, 'The tea is ready')));
    const roomChat = main().getByRole('region', { name: 'Messages in tea' });
    await roomChat
      .locator('[data-message-id]')
      .filter({ hasText: 'The tea is ready' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    const composer = main().getByRole('textbox', { name: 'Message to tea' });
    await composer.fill('Coming!');
    await composer.press('Enter');
    await bobGot((m) => m.attrs.type === 'groupchat' && m.getChildText('body') === 'Coming!');
    // The room's echo of our message: sent to the room (nobody confirmed receiving it).
    await roomChat
      .locator('[data-message-id]')
      .filter({ hasText: 'Coming!' })
      .getByRole('img', { name: 'Sent to the room' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // A private message from Bob in the room appears as its own conversation.
    await bob.send(
      xml(
        'message',
        { to: `${TEA}/alice`, type: 'chat' },
        xml('body', {}, 'psst, over here'),
        xml('x', { xmlns: NS_MUC_USER }),
      ),
    );
    await sidebar()
      .getByRole('button', { name: /^Bob \(tea\), 1 unread message/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    // Opened from the occupant list (double-click on Bob).
    await main()
      .getByRole('treeitem', { name: /^Bob, / })
      .dblclick();
    await main().getByRole('heading', { name: 'Bob (tea)' }).waitFor();
    await messageRow('psst, over here').waitFor();
    const pm = main().getByRole('textbox', { name: 'Message to Bob (tea)' });
    await pm.fill('hello privately');
    await pm.press('Enter');
    await bobGot((m) => m.attrs.from === `${TEA}/alice` && m.getChildText('body') === 'hello privately');
  });

  it('search finds a message across conversations and opens its conversation', async () => {
    const search = sidebar().getByRole('searchbox', { name: 'Search messages' });
    await search.fill('pineapple');
    await search.press('Enter');
    await main().getByRole('heading', { name: 'Messages matching “pineapple”' }).waitFor();
    const result = main().getByRole('button', { name: /Hello Bob, pineapple/ });
    await result.waitFor({ timeout: LIVE_TIMEOUT });
    await result.click();
    await main().getByRole('heading', { name: 'bob', exact: true }).waitFor();
    await messageRow('Hello Bob, pineapple').waitFor();
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/chat.png') });
    expect(ui.cspViolations).toEqual([]);
  });
});

// ---------- measurement: a 10,000-message conversation in the renderer ----------

const MESSAGES = 10_000;
const BUDGET_MS = 50;

// Runs in the page before its scripts: a stand-in core with one account and one long conversation.
const STAND_IN = `
  window.__jw = { longtasks: [], listener: null, history: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const account = { id: 'bench', jid: 'bench@example.org', host: null, port: null, label: 'Bench', color: '#3a5bd9',
    enabled: true, password: 'session', pinnedCertificates: [], connection: { status: 'online', since: Date.now() } };
  const peer = 'romeo@example.org';
  const start = Date.now() - ${MESSAGES} * 60_000;
  const words = ['wherefore', 'art', 'thou', 'see https://example.org/balcony', 'light', 'yonder', 'window', 'breaks'];
  const messages = [];
  for (let i = 1; i <= ${MESSAGES}; i++) {
    const out = i % 3 === 0;
    const length = 1 + ((i * 7919) % 40);
    const body = i % 97 === 0 ? '/me sighs' : Array.from({ length }, (_, j) => words[(i + j) % words.length]).join(' ');
    messages.push({ accountId: 'bench', id: i, conversation: peer, kind: 'chat', direction: out ? 'out' : 'in',
      from: out ? 'bench@example.org' : peer, body: 'm' + i + ' ' + body, at: start + i * 60_000,
      state: out ? 'delivered' : 'received', corrected: i % 50 === 0, error: null });
  }
  const snapshot = { seq: 1, accounts: [account], secretStorage: { encrypted: false, description: 'bench' },
    roster: [{ accountId: 'bench', jid: peer, name: 'Romeo', subscription: 'both', pendingOut: false, groups: [] }],
    rosterSync: [{ accountId: 'bench', state: 'synced', version: null, syncedAt: Date.now() }],
    prefs: { rosterSort: 'availability', rosterHideOffline: false, rosterCollapsed: [], rosterView: 'all',
      closeToTray: false, idleEnabled: false, idleAwayMinutes: 5, idleXaMinutes: null },
    presence: [], ownPresence: { bench: { show: 'available', status: null, priority: 0, auto: false } }, recentStatuses: [],
    subscriptionRequests: [], subscriptionPolicies: [], subscriptionNotes: [], blockingAccounts: [],
    rooms: [], occupants: [], roomNotices: [], bookmarks: [], roomInvites: [],
    conversations: [{ accountId: 'bench', conversation: peer, kind: 'chat', lastAt: messages[messages.length - 1].at,
      lastBody: 'last', unread: 0 }], notices: [] };
  const answer = (value) => Promise.resolve({ ok: true, value });
  window.jabberwock = {
    invoke: (command, input) => {
      if (command === 'app.snapshot') return answer(snapshot);
      if (command === 'message.history') {
        window.__jw.history++;
        const end = input.before === undefined ? messages.length : input.before - 1;
        return answer(messages.slice(Math.max(0, end - (input.limit ?? 100)), end));
      }
      if (command === 'conversation.markRead' || command === 'chat.setState') return answer(null);
      if (command === 'history.older') return answer({ messages: [], complete: true });
      return Promise.resolve({ ok: false, error: { code: 'internal', message: 'stand-in' } });
    },
    onEvents: (listener) => { window.__jw.listener = listener; return () => {}; },
  };
`;

describe('a 10,000-message conversation in the renderer (measured, not timed)', () => {
  let ui: BrowserUi | undefined;

  afterAll(() => closeBrowserUi(ui));

  it(`opens it and scrolls back through all ${MESSAGES} messages`, async () => {
    expectBuilt();
    ui = await openBrowserUi({ prefix: 'jw-chat-render-', viewport: { width: 1280, height: 800 } });
    const page = ui.page;
    await page.addInitScript({ content: STAND_IN });
    await page.goto(ui.web.url);
    const entry = page.getByRole('button', { name: 'Romeo', exact: true });
    await entry.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);

    const before = (await page.evaluate('window.__jw.longtasks.length')) as number;
    const openStarted = Date.now();
    await entry.click();
    const log = page.getByRole('region', { name: 'Messages with Romeo' });
    await log.locator(`[data-message-id="${MESSAGES}"]`).waitFor();
    const openMs = Date.now() - openStarted;
    const openedAt = (await page.evaluate('performance.now()')) as number;
    // At the bottom, with the newest message in view.
    expect(await log.locator(`[data-message-id="${MESSAGES}"]`).isVisible()).toBe(true);

    // Scroll back to the top repeatedly; each time an older page loads, the message that was at the
    // top stays where it was (no jump).
    const scrollStarted = Date.now();
    const jumps: number[] = [];
    for (let round = 0; round < 200; round++) {
      const state = (await log.evaluate((el) => {
        el.scrollTop = 0;
        const top = [...el.querySelectorAll('[data-message-id]')].find(
          (row) => row.getBoundingClientRect().bottom > el.getBoundingClientRect().top + 40,
        );
        return {
          id: top?.getAttribute('data-message-id') ?? null,
          y: top ? top.getBoundingClientRect().top - el.getBoundingClientRect().top : 0,
        };
      })) as { id: string | null; y: number };
      await page.waitForTimeout(80);
      const after = (await log.evaluate((el, id) => {
        const row = el.querySelector(`[data-message-id="${id}"]`);
        return {
          y: row ? row.getBoundingClientRect().top - el.getBoundingClientRect().top : null,
          first: el.querySelector('[data-message-id="1"]') !== null,
        };
      }, state.id)) as { y: number | null; first: boolean };
      if (after.y !== null) jumps.push(Math.abs(after.y - state.y));
      if (after.first) break;
    }
    const scrollMs = Date.now() - scrollStarted;
    await log.locator('[data-message-id="1"]').waitFor();
    await page.getByText('Start of the conversation', { exact: false }).first().waitFor();
    const rendered = await log.locator('[data-message-id]').count();
    expect(rendered).toBeLessThan(150);
    const pages = (await page.evaluate('window.__jw.history')) as number;
    // Every page once, plus the empty answer that tells the start (a full last page cannot).
    expect(pages).toBe(MESSAGES / 100 + 1);

    // Long tasks that started before the newest message was seen belong to opening, the rest to scrolling.
    const tasks = (await page.evaluate(`window.__jw.longtasks.slice(${before})`)) as [number, number][];
    const openTasks = tasks.filter(([start]) => start < openedAt).map(([, ms]) => ms);
    const scrollTasks = tasks.filter(([start]) => start >= openedAt).map(([, ms]) => ms);
    const result = {
      messages: MESSAGES,
      openMs,
      scrollBackMs: scrollMs,
      pages,
      renderedRows: rendered,
      openLongTasks: openTasks.map(Math.round),
      scrollLongTasks: scrollTasks.map(Math.round),
      longestTaskMs: Math.round(Math.max(0, ...openTasks, ...scrollTasks)),
      tasksOverBudget: [...openTasks, ...scrollTasks].filter((ms) => ms > BUDGET_MS).length,
      largestJumpPx: Math.round(Math.max(0, ...jumps)),
    };
    console.info(`chat: ${JSON.stringify(result)}`);
  }, 180_000);
});
