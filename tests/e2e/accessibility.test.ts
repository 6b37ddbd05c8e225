/**
 * End to end: axe-core on every screen and every dialog of the built renderer, in the light and the
 * dark theme, through the browser bridge against the real core and a real Prosody (Bob is a second
 * real client that asks, writes and joins rooms). Zero serious or critical violations.
 */
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { expectAccessible } from '../support/axe';
import {
  addAccountInUi,
  fillAccountForm,
  LIVE_TIMEOUT,
  openAddAccountDialog,
  openApp,
  type BrowserUi,
} from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { leafPages, overwritePages } from '../support/store-files';
import { eventually } from '../support/wait';
import { startWeb } from '../support/web';

const NS_MUC = 'http://jabber.org/protocol/muc';
const ALICE = { user: 'alice', password: 'alice-Pa55-a11y' };
const BOB = { user: 'bob', password: 'bob-Pa55-a11y' };
const DAVE = { user: 'dave', password: 'dave-Pa55-a11y' };
const ALICE_JID = 'alice@localhost';
const TEA = 'tea@conference.localhost';

describe('accessibility of every screen and dialog (axe, light and dark)', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;

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

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jw-e2e-a11y-',
    prepare: async (prosody, logger) => {
      bob = await startPeer(prosody, BOB, 'desk', logger);
      await bob.rosterItem(ALICE_JID);
      await bob.send(xml('presence'));
    },
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

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

  it('a second account: the certificate question, and the dialogs that choose an account', async () => {
    const selfSigned = await startProsody({ users: [DAVE], selfSigned: true });
    try {
      const d = await openAddAccountDialog(page);
      await fillAccountForm(d, selfSigned, { jid: 'dave@localhost', password: DAVE.password });
      await d.getByRole('button', { name: 'Add account' }).click();
      const prompt = dialog('Certificate not trusted');
      await prompt.waitFor({ timeout: LIVE_TIMEOUT });
      await expectAccessible(page, 'certificate prompt');
      await prompt.getByRole('button', { name: 'Cancel' }).click();
      await prompt.waitFor({ state: 'detached' });
      await expectAccessible(page, 'two accounts, one refusing the certificate');
      await checkDialog('Add a contact', () => page.getByRole('button', { name: 'Add contact' }).click());
      await checkDialog('Join a room', () => sidebar().getByRole('button', { name: 'Join a room' }).click());
      await main().getByRole('button', { name: 'Remove dave@localhost' }).click();
      await dialog('Remove dave@localhost?').getByRole('button', { name: 'Remove account' }).click();
      await sidebar().getByRole('listitem').filter({ hasText: 'dave@localhost' }).waitFor({ state: 'detached' });
    } finally {
      await selfSigned.stop();
    }
  });

  it('the request inbox, Accept and add, and the contact panel with its dialogs', async () => {
    await bob.send(xml('presence', { to: ALICE_JID, type: 'subscribe' }));
    await sidebar().getByRole('button', { name: 'Contact requests, 1 waiting' }).click({ timeout: LIVE_TIMEOUT });
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
      await page
        .getByRole('tree')
        .getByRole('treeitem', { name: /^Friends, / })
        .hover();
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
    await sidebar().getByRole('button', { name: 'Browse' }).click();
    await dialog('Browse rooms').getByRole('button', { name: 'List rooms' }).click();
    await dialog('Browse rooms').getByText('This service lists no rooms.').waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'Browse rooms dialog');
    await page.keyboard.press('Escape');
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
  });

  it('at 200 % zoom (640 × 400 CSS pixels): one column, nothing cut off or scrolled sideways, dialogs scroll', async () => {
    await page.setViewportSize({ width: 640, height: 400 });
    try {
      // The room is on screen: its composer, its occupants, the roster and the sidebar, one below the other.
      const essentials = [
        sidebar().getByRole('button', { name: /^Your status: / }),
        sidebar().getByRole('button', { name: 'Add account', exact: true }),
        page.getByRole('searchbox', { name: /^Filter contacts/ }),
        page.getByRole('tree', { name: 'Contacts of all accounts' }),
        main().getByRole('textbox', { name: 'Message to tea' }),
        main().getByRole('button', { name: 'Send' }),
        main().getByRole('tree', { name: /^Occupants of / }),
      ];
      for (const control of essentials) {
        await control.scrollIntoViewIfNeeded();
        const box = await control.boundingBox();
        expect(box, String(control)).not.toBeNull();
        expect(box!.x, String(control)).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, String(control)).toBeLessThanOrEqual(640);
      }
      // Lists and the composer keep a usable width and height.
      for (const wide of [essentials[3], essentials[4], essentials[6]]) {
        const box = (await wide.boundingBox())!;
        expect(box.width, String(wide)).toBeGreaterThanOrEqual(300);
      }
      expect((await essentials[3].boundingBox())!.height).toBeGreaterThanOrEqual(160);
      expect(await sidewaysScrollers(page)).toEqual([]);
      await expectAccessible(page, 'the room at 200 % zoom', { themes: ['light'] });

      // A tall dialog fits the window and scrolls to its buttons.
      await sidebar().getByRole('button', { name: 'Settings' }).click();
      const settings = dialog('Settings');
      const box = (await settings.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(400);
      expect(await settings.evaluate((d) => d.scrollHeight > d.clientHeight)).toBe(true);
      const save = settings.getByRole('button', { name: 'Save' });
      await save.scrollIntoViewIfNeeded();
      const saveBox = (await save.boundingBox())!;
      expect(saveBox.y + saveBox.height).toBeLessThanOrEqual(400);
      expect(await sidewaysScrollers(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await settings.waitFor({ state: 'detached' });
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('with reduced motion, nothing animates or transitions', async () => {
    expect(await moving(page), 'the check sees the usual transitions').not.toEqual([]);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      expect(await moving(page)).toEqual([]);
    } finally {
      await page.emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('in forced colours, focus rings, presence dots (each its own shape) and selected states stay visible', async () => {
    const contacts = page.getByRole('tree', { name: 'Contacts of all accounts' });
    const occupants = main().getByRole('tree', { name: /^Occupants of / });
    await page.emulateMedia({ forcedColors: 'active' });
    try {
      expect(await page.evaluate("matchMedia('(forced-colors: active)').matches")).toBe(true);
      expect(await presenceDotShapes(page)).toEqual({ visible: true, distinct: 5 });

      // Each selected or pressed thing against one of its kind that is not.
      await contacts.getByRole('treeitem', { name: /^Bob, / }).click();
      expect(
        await differ(contacts.locator('.roster-row.selected'), contacts.locator('.roster-row:not(.selected)')),
      ).toBe(true);
      expect(await differ(page.getByRole('tab', { selected: true }), page.getByRole('tab', { selected: false }))).toBe(
        true,
      );
      await sidebar()
        .getByRole('button', { name: /^tea, / })
        .click();
      await occupants.getByRole('treeitem', { name: /^Bob, / }).click();
      expect(
        await differ(
          sidebar().locator('.sidebar-item[aria-current="page"]'),
          sidebar().locator('.sidebar-item:not([aria-current])'),
        ),
      ).toBe(true);
      expect(
        await differ(
          main().getByRole('button', { name: 'By role' }),
          main().getByRole('button', { name: 'By affiliation' }),
        ),
      ).toBe(true);
      expect(
        await differ(
          occupants.locator('.muc-occupant-row.chosen'),
          occupants.locator('.muc-occupant-row:not(.chosen):not(.roster-row-group)'),
        ),
      ).toBe(true);

      // The keyboard's place: the focus ring on a button, and on the active row of a list.
      await main().getByRole('button', { name: 'By affiliation' }).focus();
      await page.keyboard.press('Shift+Tab');
      expect(await outlined(page.locator(':focus'))).toBe(true);
      await occupants.focus();
      await page.keyboard.press('ArrowUp');
      expect(await outlined(occupants.locator('.roster-row.active'))).toBe(true);
    } finally {
      await page.emulateMedia({ forcedColors: 'none' });
    }
  });

  it('after a restart on a damaged store: the notice banner, and the password asked for as a request, not an error', async () => {
    expect(await ui.web.stop()).toBe(0);
    await main().getByText('Lost the connection to the Jabberwock service. Reconnecting…').waitFor();
    await expectAccessible(page, 'the lost-link banner');
    const file = path.join(ui.dataDir, DATABASE_FILE);
    overwritePages(file, leafPages(file, 'roster_items'));
    ui.web = await startWeb(ui.dataDir, prosody.caFile);
    await openApp(page, ui.web.url);
    const prompt = dialog('Password for Home');
    await prompt.waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'password prompt');
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    // The password the user chose not to keep is asked for, calmly: a request, not an error.
    const row = sidebar().getByRole('listitem').filter({ hasText: ALICE_JID });
    await row.getByText('Waiting for your password').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.getByText(/Error/).count()).toBe(0);
    expect(await row.locator('.status').getAttribute('class')).toContain('status-request');
    // In the accent colour, like the action next to it, not in the error red.
    const enter = row.getByRole('button', { name: 'Enter password…' });
    expect(await inPage(row.locator('.status-line'), 'return getComputedStyle(el).color')).toBe(
      await inPage(enter, 'return getComputedStyle(el).color'),
    );
    await main().getByText('Jabberwock repaired its damaged data file.').waitFor();
    await expectAccessible(page, 'notices banner and the password request');
    await eventually(() => expect(ui.cspViolations).toEqual([]));
  });
});

/** Elements that scroll sideways (a wide page, a squeezed pane): none should at any width. */
function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(`[document.documentElement, ...document.querySelectorAll('body *')]
    .filter((el) => {
      const overflow = getComputedStyle(el).overflowX;
      const scrolls = el === document.documentElement || overflow === 'auto' || overflow === 'scroll';
      return scrolls && el.scrollWidth > el.clientWidth + 1;
    })
    .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))`) as Promise<string[]>;
}

/** Elements (and their ::before and ::after) with a transition or an animation. */
function moving(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('body *')].flatMap((el) =>
    [null, '::before', '::after'].flatMap((pseudo) => {
      const style = getComputedStyle(el, pseudo);
      const durations = style.transitionDuration.split(',').map(parseFloat);
      const moves = durations.some((d) => d > 0) || style.animationName !== 'none';
      return moves ? [el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + (pseudo ?? '')] : [];
    }))`) as Promise<string[]>;
}

/**
 * Presence dots of every kind, drawn in the page as the app draws them: whether each is visible on
 * the page's background (a fill, a border or a pattern of another colour) and how many shapes they make.
 */
function presenceDotShapes(page: Page): Promise<{ visible: boolean; distinct: number }> {
  return page.evaluate(`(() => {
    const host = document.createElement('div');
    document.body.append(host);
    const page = getComputedStyle(document.documentElement).backgroundColor;
    const shapes = ['available', 'away', 'dnd', 'offline', 'error'].map((show) => {
      const dot = document.createElement('span');
      dot.className = 'presence-dot presence-' + show;
      host.append(dot);
      const s = getComputedStyle(dot);
      const fill = s.backgroundColor !== 'rgba(0, 0, 0, 0)' && s.backgroundColor !== page;
      const border = parseFloat(s.borderTopWidth) > 0 && s.borderTopColor !== page;
      const layers = s.backgroundImage === 'none' ? 0 : s.backgroundImage.split('gradient(').length - 1;
      return { visible: fill || border || layers > 0, shape: [fill, border, layers, s.borderTopLeftRadius].join() };
    });
    host.remove();
    return { visible: shapes.every((s) => s.visible), distinct: new Set(shapes.map((s) => s.shape)).size };
  })()`) as Promise<{ visible: boolean; distinct: number }>;
}

/**
 * Runs `body` in the page with the locator's first element as `el`: the suites are compiled without
 * the DOM's types, so page code is text.
 */
function inPage<T>(element: Locator, body: string): Promise<T> {
  return element.first().evaluate(new Function('el', body) as (el: unknown) => T);
}

/** How an element is drawn behind and around it: its background (or the nearest one under it) and its outline. */
function looks(element: Locator): Promise<string> {
  return inPage(
    element,
    `let background = 'none';
    for (let at = el; at; at = at.parentElement) {
      const colour = getComputedStyle(at).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(colour)) {
        background = colour;
        break;
      }
    }
    const style = getComputedStyle(el);
    return background + ' ' + (style.outlineStyle === 'none' ? 'no outline' : style.outlineWidth);`,
  );
}

/** The two elements are drawn differently: a selected one stands out from one that is not. */
async function differ(selected: Locator, other: Locator): Promise<boolean> {
  return (await looks(selected)) !== (await looks(other));
}

/** The element shows a focus ring: an outline at least 2 px wide. */
function outlined(element: Locator): Promise<boolean> {
  return inPage(
    element,
    `const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;`,
  );
}
