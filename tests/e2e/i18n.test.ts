/**
 * End to end: the whole UI in each shipped language, switched in Settings without a restart, with no
 * English left on the main screens (the roster, a conversation, a contact, the account overview and
 * dialog, Settings); the language the browser asks for by default; and a right-to-left pseudo-locale
 * (ar-XB: English mirrored), where the page turns right to left while names, addresses and messages
 * stay readable, isolated from the words around them.
 */
import xml from '@xmpp/xml';
import type { Locator, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT, type BrowserUi } from '../support/e2e';
import { makeMutualContacts, useLiveUi } from '../support/live-ui';
import { englishLeft } from '../support/i18n';
import { startPeer, type Peer } from '../support/peer';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-i18n' };
const BOB = { user: 'bob', password: 'bob-Pa55-i18n' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';
/** Bob's name in Alice's roster, and the messages: nothing in them reads as English. */
const BOB_NAME = 'Zora Kovač';
const SENT = 'Hej 42';
const RECEIVED = 'Dobrý den 7';

describe('the UI in every language', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  const data = () => [BOB_NAME, BOB_JID, ALICE_JID, 'bob', 'Home', SENT, RECEIVED, prosody.host, 'localhost'];

  const open = (p: Page): Locator => p.locator('dialog[open]');
  const settingsButton = (p: Page) => p.locator('nav.sidebar .sidebar-tools button').first();

  /** Chooses `language` in Settings and waits until the page speaks it. */
  async function chooseLanguage(p: Page, language: string) {
    await settingsButton(p).click();
    await open(p).locator('select[name="language"]').selectOption(language);
    await open(p).locator('button[type="submit"]').click();
    await open(p).waitFor({ state: 'detached' });
    const shown = language === 'system' ? 'en' : language;
    await eventually(async () => expect(await p.evaluate('document.documentElement.lang')).toBe(shown));
  }

  async function expectNoEnglish(p: Page, locale: string, screen: string) {
    expect(await englishLeft(p, locale, data()), `${locale}: ${screen}`).toEqual([]);
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-i18n-',
    prepare: async (prosody, logger) => {
      const aliceSetup = await startPeer(prosody, ALICE, 'setup', logger);
      bob = await startPeer(prosody, BOB, 'desk', logger);
      await makeMutualContacts(aliceSetup, ALICE_JID, bob, BOB_JID);
      await aliceSetup.xmpp.iqCaller.set(
        xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: BOB_JID, name: BOB_NAME })),
      );
      await aliceSetup.stop();
    },
    signIn: ALICE,
    // A conversation with a message each way.
    ready: async ({ page }) => {
      await page
        .getByRole('tree')
        .getByRole('treeitem', { name: new RegExp(`^${BOB_NAME}, `) })
        .dblclick({
          timeout: LIVE_TIMEOUT,
        });
      await page.getByRole('main').getByRole('button', { name: 'Message', exact: true }).click();
      const composer = page.getByRole('main').getByRole('textbox', { name: `Message to ${BOB_NAME}` });
      await composer.fill(SENT);
      await composer.press('Enter');
      await bob.send(xml('message', { to: ALICE_JID, type: 'chat', id: 'b1' }, xml('body', {}, RECEIVED)));
      await page.locator('main .chat-body').filter({ hasText: RECEIVED }).waitFor({ timeout: LIVE_TIMEOUT });
    },
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('starts in English, the browser’s language', async () => {
    expect(await page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual(['en', 'ltr']);
  });

  for (const locale of ['de', 'fr', 'es', 'ru']) {
    it(`switches everything to ${locale} at once and leaves no English on the main screens`, async () => {
      await chooseLanguage(page, locale);
      // The conversation stays open through the switch.
      await page.locator('main .chat-message').filter({ hasText: RECEIVED }).waitFor();
      await expectNoEnglish(page, locale, 'roster and conversation');

      await page.locator('[role="tree"] [role="treeitem"]').filter({ hasText: BOB_NAME }).dblclick();
      await page.locator('main .contact-panel').waitFor();
      await expectNoEnglish(page, locale, 'contact');

      await page.locator('nav.sidebar .account-select').first().click();
      await page.locator('main .overview').waitFor();
      await expectNoEnglish(page, locale, 'account overview');
      await page.locator('main .overview-actions button').first().click();
      await open(page).waitFor();
      await open(page).locator('details.advanced summary').click();
      await expectNoEnglish(page, locale, 'account dialog');
      await page.keyboard.press('Escape');
      await open(page).waitFor({ state: 'detached' });

      await settingsButton(page).click();
      await open(page).waitFor();
      await expectNoEnglish(page, locale, 'settings');
      await page.keyboard.press('Escape');
      await open(page).waitFor({ state: 'detached' });

      await page.locator('nav.sidebar .chat-conversation').first().click();
      await page.locator('main .chat-message').filter({ hasText: RECEIVED }).waitFor();
    });
  }

  it('speaks the browser’s language when none is chosen', async () => {
    await chooseLanguage(page, 'system');
    const german = await ui.browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'de-AT' });
    try {
      await german.goto(ui.web.url);
      await german.getByRole('navigation', { name: 'Konten' }).waitFor();
      expect(await german.evaluate('document.documentElement.lang')).toBe('de');
      await german.locator('[role="tree"]').getByText(BOB_NAME).waitFor({ timeout: LIVE_TIMEOUT });
      await expectNoEnglish(german, 'de', 'first start');
    } finally {
      await german.close();
    }
  });

  describe('a right-to-left language (the ar-XB pseudo-locale)', () => {
    let rtl: Page;

    /** Where the first and the last character of `text` are drawn, inside `element`. */
    function ends(element: Locator, text: string): Promise<{ first: number; last: number }> {
      // The page's code, as a string: this project's types know no DOM.
      const inPage = new Function(
        'root',
        'needle',
        `const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent.indexOf(needle);
          if (at < 0) continue;
          const x = (offset) => {
            const range = document.createRange();
            range.setStart(node, offset);
            range.setEnd(node, offset + 1);
            return range.getBoundingClientRect().left;
          };
          return { first: x(at), last: x(at + needle.length - 1) };
        }
        throw new Error('no text node holds ' + needle);`,
      ) as (root: unknown, needle: string) => { first: number; last: number };
      return element.evaluate(inPage, text);
    }

    beforeAll(async () => {
      rtl = await ui.browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ar-XB' });
      await rtl.goto(ui.web.url);
      await eventually(async () => expect(await rtl.evaluate('document.documentElement.dir')).toBe('rtl'));
      await rtl.locator('[role="tree"]').getByText(BOB_NAME).waitFor({ timeout: LIVE_TIMEOUT });
    });

    afterAll(async () => {
      await rtl?.close();
    });

    it('turns the page right to left: the sidebar on the right, nothing wider than the window', async () => {
      expect(await rtl.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual([
        'ar-XB',
        'rtl',
      ]);
      const sidebar = (await rtl.locator('nav.sidebar').boundingBox())!;
      const roster = (await rtl.locator('section.roster').boundingBox())!;
      const main = (await rtl.locator('main').boundingBox())!;
      expect(sidebar.x).toBeGreaterThan(roster.x);
      expect(roster.x).toBeGreaterThan(main.x);
      expect(await rtl.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    });

    it('mirrors the UI’s words but keeps names, addresses and messages readable', async () => {
      // A name in the roster and a message body: isolated, drawn left to right.
      const name = await ends(
        rtl.locator('[role="tree"] .roster-contact-name').filter({ hasText: BOB_NAME }),
        BOB_NAME,
      );
      expect(name.first).toBeLessThan(name.last);
      await rtl.locator('nav.sidebar .chat-conversation').first().click();
      const body = rtl.locator('main .chat-message').filter({ hasText: RECEIVED }).locator('.chat-body');
      await body.waitFor();
      const message = await ends(body, RECEIVED);
      expect(message.first).toBeLessThan(message.last);

      // A sentence with an address in it: the words around are mirrored, the address is not.
      await rtl.locator('nav.sidebar .account-select').first().click();
      const server = rtl.locator('main .overview dd').filter({ hasText: prosody.host });
      await server.waitFor();
      const address = await ends(server, prosody.host);
      expect(address.first).toBeLessThan(address.last);
      const words = await ends(server, 'set by you');
      expect(words.first).toBeGreaterThan(words.last);
    });
  });
});
