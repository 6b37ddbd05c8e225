/**
 * End to end, with the keyboard only: adding an account, answering a contact request, writing to a
 * contact, joining a room and writing there, moderating an occupant and changing our status, in
 * Chromium through the browser bridge against the real core and a real Prosody (Bob is a second
 * real client). No clicks and no focus() calls: Tab, arrows, Enter, Esc and the app's shortcuts,
 * with the focus checked where a user expects it after each step. Then what the polite live regions
 * say: connection changes and new messages.
 */
import { type Locator, type Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT, openApp, type BrowserUi } from '../support/e2e';
import { keepMessages, useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const NS_MUC = 'http://jabber.org/protocol/muc';
const ALICE = { user: 'alice', password: 'alice-Pa55-keys' };
const BOB = { user: 'bob', password: 'bob-Pa55-keys' };
const ALICE_JID = 'alice@localhost';
const TEA = 'tea@conference.localhost';

describe('the keyboard alone', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  const bobGot: Element[] = [];

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  const occupants = (): Locator => main().getByRole('tree', { name: /^Occupants of / });
  /** The app's polite live region, and the one of the conversation on screen. */
  const announced = (): Locator => page.locator('.app-announcements');
  const announcedInChat = (): Locator => main().locator('.chat-announcement');

  /** Whether `target` has the keyboard focus. */
  const hasFocus = (target: Locator): Promise<boolean> =>
    target.evaluate(new Function('el', 'return el === document.activeElement') as (el: unknown) => boolean);

  async function expectFocus(target: Locator) {
    await eventually(async () => expect(await hasFocus(target), `focus on ${String(target)}`).toBe(true));
  }

  /** Presses Tab (Shift+Tab with `back`) until `target` has the focus, as a user would; at most `max` times. */
  async function tabTo(target: Locator, { back = false, max = 40 } = {}) {
    for (let i = 0; i < max; i++) {
      if ((await target.count()) > 0 && (await hasFocus(target))) return;
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    }
    throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} did not reach ${String(target)}`);
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jw-e2e-keys-',
    viewport: { width: 1280, height: 800 },
    prepare: async (prosody, logger) => {
      bob = await startPeer(prosody, BOB, 'desk', logger, keepMessages(bobGot));
      await bob.rosterItem(ALICE_JID);
      await bob.send(xml('presence'));
    },
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('adds an account: the dialog starts on the address, Enter adds it, the focus goes back to "Add"', async () => {
    await openApp(page, ui.web.url);
    const add = sidebar().getByRole('button', { name: 'Add account', exact: true });
    await tabTo(add);
    await page.keyboard.press('Enter');
    const d = dialog('Add an account');
    await expectFocus(d.getByLabel('Address (JID)'));
    await page.keyboard.type(ALICE_JID);
    await page.keyboard.press('Tab');
    await expectFocus(d.getByLabel('Password', { exact: true }));
    await page.keyboard.type(ALICE.password);
    await tabTo(d.getByLabel(/Name in Jabberwock/));
    await page.keyboard.type('Home');
    await tabTo(d.getByText('Advanced'));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expectFocus(d.getByLabel(/Server host/));
    await page.keyboard.type(prosody.host);
    await page.keyboard.press('Tab');
    await expectFocus(d.getByLabel(/^Port/));
    await page.keyboard.type(String(prosody.port));
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });

    await expectFocus(add);
    await sidebar().getByText('Online', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    // Said once it is online (the region is read, not shown).
    await eventually(async () => expect(await announced().textContent()).toBe('Home is online'), LIVE_TIMEOUT);
  });

  it('answers a contact request: the inbox opens at its heading, Accept, and the focus stays in the inbox', async () => {
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribe' }));
    const requests = sidebar().getByRole('button', { name: 'Contact requests, 1 waiting' });
    await requests.waitFor({ timeout: LIVE_TIMEOUT });
    await tabTo(requests);
    await page.keyboard.press('Enter');
    const heading = main().getByRole('heading', { name: 'Contact requests' });
    await expectFocus(heading);
    await tabTo(main().getByRole('button', { name: 'Accept bob@localhost' }));
    await page.keyboard.press('Enter');
    await main().getByText('No pending requests.').waitFor({ timeout: LIVE_TIMEOUT });
    await expectFocus(heading);
    await eventually(() => expect(bob.presences.some((p) => p.attrs.type === 'subscribed')).toBe(true), LIVE_TIMEOUT);
  });

  it('writes to a contact: the filter (Ctrl+F), the list, Enter opens the contact, Message opens the composer', async () => {
    await page.keyboard.press('Control+f');
    await expectFocus(page.getByRole('searchbox', { name: /^Filter contacts/ }));
    await page.keyboard.type('bob');
    await page.keyboard.press('ArrowDown');
    const contacts = page.getByRole('tree', { name: 'Contacts of all accounts' });
    await expectFocus(contacts);
    // The list starts on the group; one down is Bob.
    await page.keyboard.press('ArrowDown');
    await eventually(async () =>
      expect(await contacts.getAttribute('aria-activedescendant')).toBe(
        await contacts.getByRole('treeitem', { name: /^bob, / }).getAttribute('id'),
      ),
    );
    await page.keyboard.press('Enter');
    await expectFocus(main().getByRole('button', { name: 'Message' }));
    await page.keyboard.press('Enter');
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await expectFocus(composer);
    await page.keyboard.type('Hello Bob');
    await page.keyboard.press('Enter');
    await main().locator('[data-message-id]').filter({ hasText: 'Hello Bob' }).waitFor();
    expect(await composer.inputValue()).toBe('');
    await expectFocus(composer);
    await eventually(() => expect(bobGot.some((m) => m.getChildText('body') === 'Hello Bob')).toBe(true), LIVE_TIMEOUT);
  });

  it('joins a room: from the sidebar, the dialog starts on the address, and the room opens in its composer', async () => {
    await tabTo(sidebar().getByRole('button', { name: 'Join a room' }), { back: true });
    await page.keyboard.press('Enter');
    const d = dialog('Join a room');
    await expectFocus(d.getByLabel('Room address'));
    await page.keyboard.type(TEA);
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    const composer = main().getByRole('textbox', { name: 'Message to tea' });
    await expectFocus(composer);

    await page.keyboard.type('Hello room');
    await page.keyboard.press('Enter');
    // The room's echo of our message is "sent to the room", not a delivery to anyone.
    const sent = main().locator('[data-message-id]').filter({ hasText: 'Hello room' });
    await sent.getByRole('img', { name: 'Sent to the room' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await sent.getByRole('img', { name: 'Delivered' }).count()).toBe(0);
    await expectFocus(composer);
  });

  it('moderates an occupant: named with role and affiliation, reached with Tab, its "⋯" in view while chosen', async () => {
    await bob.send(xml('presence', { to: `${TEA}/Bob` }, xml('x', { xmlns: NS_MUC })));
    const bobRow = occupants().getByRole('treeitem', { name: /^Bob, / });
    await bobRow.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await bobRow.getAttribute('aria-label')).toMatch(/^Bob, participant, no affiliation, available/);

    await tabTo(occupants());
    // The first row is the Moderators group: Home goes to its first occupant (us), one down is Bob.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await eventually(async () =>
      expect(await occupants().getAttribute('aria-activedescendant')).toBe(await bobRow.getAttribute('id')),
    );
    // The Moderate button above the list acts on the chosen occupant; the row's "⋯" stays in view.
    await page.keyboard.press('Shift+Tab');
    const moderate = main().getByRole('button', { name: 'Moderate Bob…' });
    await expectFocus(moderate);
    expect(await bobRow.getByRole('button', { name: 'Moderate Bob' }).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    const d = dialog('Moderate Bob');
    await expectFocus(d.getByLabel(/^Reason/));
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await expectFocus(moderate);
  });

  it('changes our status: Ctrl+Shift+S, the arrows choose, Enter sets it, the focus comes back', async () => {
    const before = main().getByRole('button', { name: 'Moderate Bob…' });
    await page.keyboard.press('Control+Shift+S');
    const d = dialog('Set your status');
    await expectFocus(d.getByRole('radio', { name: 'Available' }));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await d.getByRole('radio', { name: 'Away', exact: true }).isChecked()).toBe(true);
    await tabTo(d.getByLabel(/^Status message/));
    await page.keyboard.type('Tea time');
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });
    await expectFocus(before);
    await sidebar()
      .getByRole('button', { name: 'Your status: Away, Tea time. Change status' })
      .waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('announces new messages: elsewhere in the app region, in the open room in its own', async () => {
    await bob.send(xml('message', { to: TEA, type: 'groupchat' }, xml('body', {}, 'Scones are ready')));
    await eventually(
      async () => expect(await announcedInChat().textContent()).toBe('Bob: Scones are ready'),
      LIVE_TIMEOUT,
    );
    await bob.send(xml('message', { to: ALICE_JID, type: 'chat' }, xml('body', {}, 'Psst, Alice')));
    await eventually(async () => expect(await announced().textContent()).toBe('New message from bob'), LIVE_TIMEOUT);
  });

  it('announces the account going offline and online again (the switch, with Space)', async () => {
    const connect = sidebar().getByRole('switch', { name: 'Connect Home' });
    await tabTo(connect, { back: true, max: 80 });
    await page.keyboard.press('Space');
    await eventually(async () => expect(await announced().textContent()).toBe('Home is offline'), LIVE_TIMEOUT);
    await page.keyboard.press('Space');
    await eventually(async () => expect(await announced().textContent()).toBe('Home is online'), LIVE_TIMEOUT);
    expect(ui.cspViolations).toEqual([]);
  });
});
