/**
 * End to end: axe-core on every screen and every dialog of the built renderer, in the light and the
 * dark theme, through the browser bridge against the real core and a real Prosody (Bob is a second
 * real client that asks, writes and joins rooms). Zero serious or critical violations.
 */
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { expectAccessible } from '../support/axe';
import {
  addAccountInUi,
  captureLog,
  closeBrowserUi,
  expectBuilt,
  LIVE_TIMEOUT,
  openAddAccountDialog,
  openApp,
  openBrowserUi,
  screenshotFailures,
  type BrowserUi,
} from '../support/e2e';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { leafPages, overwritePages } from '../support/store-files';
import { eventually } from '../support/wait';
import { startWeb } from '../support/web';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const ALICE = { user: 'alice', password: 'alice-Pa55-a11y' };
const BOB = { user: 'bob', password: 'bob-Pa55-a11y' };
const ALICE_JID = 'alice@localhost';
const TEA = 'tea@conference.localhost';

describe('accessibility of every screen and dialog (axe, light and dark)', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  const { log, logger } = captureLog();

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  const message = (text: string): Locator => main().locator('[data-message-id]').filter({ hasText: text });

  /** Opens a dialog with `open`, checks it, and closes it with Esc. */
  async function checkDialog(name: string | RegExp, open: () => Promise<void>, what = `${name} dialog`) {
    await open();
    const d = dialog(name);
    await d.waitFor();
    await expectAccessible(page, what);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  }

  beforeAll(async () => {
    expectBuilt();
    prosody = await startProsody({ users: [ALICE, BOB] });
    bob = await startPeer(prosody, BOB, 'desk', logger);
    await bob.rosterItem(ALICE_JID);
    await bob.send(xml('presence'));
    ui = await openBrowserUi({ prefix: 'jw-e2e-a11y-', viewport: { width: 1400, height: 900 }, server: prosody });
    page = ui.page;
  }, 180_000);

  screenshotFailures(() => ui, log);

  afterAll(async () => {
    await closeBrowserUi(ui);
    await bob?.stop();
    await prosody?.stop();
  });

  it('the welcome screen and the Add account dialog', async () => {
    await openApp(page, ui.web.url);
    await main().getByRole('heading', { name: 'Welcome to Jabberwock' }).waitFor();
    await expectAccessible(page, 'welcome screen');
    await openAddAccountDialog(page);
    await dialog('Add an account').getByText('Advanced').click();
    await expectAccessible(page, 'Add account dialog');
    await page.keyboard.press('Escape');
    // The password is not remembered: after a restart it is asked for (the last test).
    await addAccountInUi(page, prosody, { jid: ALICE_JID, password: ALICE.password, label: 'Home' });
    await sidebar().getByText('Online', { exact: true }).first().waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('the account overview, roster and its account dialogs, settings and status', async () => {
    await main().getByRole('heading', { name: 'Home' }).waitFor();
    await expectAccessible(page, 'account overview with the roster');
    await checkDialog('Edit Home', () => main().getByRole('button', { name: 'Edit Home' }).click());
    await checkDialog('Remove Home?', () => main().getByRole('button', { name: 'Remove Home' }).click());
    await checkDialog('Settings', () => sidebar().getByRole('button', { name: 'Settings' }).click());
    await checkDialog('Set your status', () =>
      sidebar()
        .getByRole('button', { name: /^Your status: / })
        .click(),
    );
    await checkDialog('Add a contact', () => page.getByRole('button', { name: 'Add contact' }).click());
    await checkDialog(/^When someone asks/, () =>
      main()
        .getByRole('button', { name: /^Change what Home does/ })
        .click(),
    );
  });

  it('the request inbox, Accept and add, and the contact panel with its dialogs', async () => {
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribe' }));
    await sidebar()
      .getByRole('button', { name: 'Contact requests, 1 waiting' })
      .click({ timeout: LIVE_TIMEOUT });
    await main().getByRole('listitem', { name: 'bob@localhost' }).waitFor();
    await expectAccessible(page, 'request inbox');

    await main().getByRole('button', { name: 'Accept and add bob@localhost' }).click();
    const d = dialog('Accept and add bob@localhost');
    await d.getByLabel(/^Name/).fill('Bob');
    await d.getByLabel('New group').fill('Friends');
    await d.getByRole('button', { name: 'Add', exact: true }).click();
    await expectAccessible(page, 'Accept and add dialog');
    await d.getByRole('button', { name: 'Accept and add' }).click();
    await d.waitFor({ state: 'detached' });
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribed' }));

    const row = page.getByRole('tree').getByRole('treeitem', { name: /^Bob, / });
    await row.dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'Bob', exact: true }).waitFor();
    await expectAccessible(page, 'contact panel');
    await checkDialog('Rename Bob', () => main().getByRole('button', { name: 'Rename…' }).click());
    await checkDialog('Groups of Bob', () => main().getByRole('button', { name: 'Groups…' }).click());
    await checkDialog('Remove Bob?', () => main().getByRole('button', { name: 'Remove…' }).click());
    await checkDialog('Rename group Friends', async () => {
      await page.getByRole('tree').getByRole('treeitem', { name: /^Friends, / }).hover();
      await page.getByRole('button', { name: 'Rename group Friends' }).click();
    });
  });

  it('a conversation, the link question and message search', async () => {
    await bob.send(
      xml('message', { to: ALICE_JID, type: 'chat' }, xml('body', {}, 'Hello Alice, see https://example.org/tea')),
    );
    await sidebar()
      .getByRole('button', { name: /^Bob, 1 unread message/ })
      .click({ timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'Bob' }).waitFor();
    await main().getByRole('textbox', { name: 'Message to Bob' }).fill('Hello Bob');
    await page.keyboard.press('Enter');
    await message('Hello Bob').waitFor();
    await expectAccessible(page, 'conversation');
    await checkDialog('Open a link to example.org?', () =>
      main().getByRole('button', { name: 'https://example.org/tea' }).click(),
    );

    await sidebar().getByRole('searchbox', { name: 'Search messages' }).fill('Alice');
    await sidebar().getByRole('button', { name: 'Search', exact: true }).click();
    await main().getByText('1 found, best matches first.').waitFor();
    await expectAccessible(page, 'search results');
  });

  it('a room with occupants, and the room dialogs', async () => {
    await checkDialog('Browse rooms', () => sidebar().getByRole('button', { name: 'Browse' }).click());
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const join = dialog('Join a room');
    await join.getByLabel('Room address').fill(TEA);
    await join.getByText('Room password').click();
    await expectAccessible(page, 'Join a room dialog');
    await join.getByRole('button', { name: 'Join', exact: true }).click();
    await join.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    await bob.send(xml('presence', { to: `${TEA}/Bob` }, xml('x', { xmlns: NS_MUC })));
    const bobRow = main().getByRole('treeitem', { name: /^Bob, / });
    await bobRow.waitFor({ timeout: LIVE_TIMEOUT });
    await bob.send(xml('message', { to: TEA, type: 'groupchat' }, xml('body', {}, 'Tea, anyone?')));
    await main().getByText('Tea, anyone?').waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByRole('textbox', { name: 'Message to tea' }).fill('Yes please');
    await page.keyboard.press('Enter');
    await message('Yes please').waitFor();
    await expectAccessible(page, 'room with occupants');

    await checkDialog('Moderate Bob', async () => {
      await bobRow.hover();
      await bobRow.getByRole('button', { name: 'Moderate Bob' }).click();
    });
    await checkDialog(`Affiliations of ${TEA}`, () => main().getByRole('button', { name: 'Affiliations…' }).click());
    await checkDialog(/bookmark/i, () => main().getByRole('button', { name: 'Bookmark this room' }).click());
    await checkDialog(/^Invite/, () => main().getByRole('button', { name: 'Invite…' }).click());

    // A direct invitation to another room: the prompt in the corner.
    await bob.send(
      xml(
        'message',
        { to: ALICE_JID },
        xml('x', { xmlns: 'jabber:x:conference', jid: 'cake@conference.localhost', reason: 'Cake?' }),
      ),
    );
    const prompt = page.getByRole('region', { name: 'Room invitation' });
    await prompt.waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'room invitation prompt');
    await prompt.getByRole('button', { name: 'Decline' }).click();
    await prompt.waitFor({ state: 'detached' });
    expect(
      bob.presences.some((p) =>
        (p.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((s) => s.attrs.code === '110'),
      ),
    ).toBe(true);
  });

  it('after a restart on a damaged store: the notice banner, the password request and its prompt', async () => {
    expect(await ui.web.stop()).toBe(0);
    const file = path.join(ui.dataDir, DATABASE_FILE);
    overwritePages(file, leafPages(file, 'roster_items'));
    ui.web = await startWeb(ui.dataDir, prosody.caFile);
    await openApp(page, ui.web.url);
    const prompt = dialog('Password for Home');
    await prompt.waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'password prompt');
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    await main().getByText('Jabberwock repaired its damaged data file.').waitFor();
    await expectAccessible(page, 'notices banner and the password request');
    await eventually(() => expect(ui.cspViolations).toEqual([]));
  });
});
