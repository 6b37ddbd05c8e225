/**
 * End to end: replies, reactions and retraction in Chromium, through the browser bridge, against
 * the real core and a real Prosody. Alice uses the UI, with the keyboard where a person would; Bob
 * is a second real XMPP client (tests/support/peer.ts) that records what it receives and sends
 * replies, reactions and retractions as stanzas.
 */
import { type Locator, type Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT } from '../support/e2e';
import { openChatFromRoster, startMutualContact, useLiveUi } from '../support/live-ui';
import type { Peer } from '../support/peer';
import { eventually } from '../support/wait';

const NS_REPLY = 'urn:xmpp:reply:0';
const NS_REACTIONS = 'urn:xmpp:reactions:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const NS_SID = 'urn:xmpp:sid:0';
const ALICE = { user: 'alice', password: 'alice-Pa55-replies' };
const BOB = { user: 'bob', password: 'bob-Pa55-replies' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';
/** Runs in the page: the element has the focus. */
const isActive = new Function('el', 'return el === document.activeElement') as (el: unknown) => boolean;

describe('replies, reactions and retraction in the browser UI', () => {
  let page: Page;
  let bob: Peer;
  const bobInbox: Element[] = [];

  const main = (): Locator => page.getByRole('main');
  const messageRow = (text: string | RegExp): Locator => main().locator('[data-message-id]').filter({ hasText: text });
  const composer = (): Locator => main().getByRole('textbox', { name: 'Message to bob' });
  const bobGot = async (predicate: (m: Element) => boolean): Promise<Element> => {
    try {
      await eventually(() => expect(bobInbox.some(predicate)).toBe(true), LIVE_TIMEOUT);
    } catch (error) {
      throw new Error(`Bob did not get the message; ${await scene()}`, { cause: error });
    }
    return bobInbox.filter(predicate).at(-1)!;
  };
  /** What Bob got and what the chat shows, for a failure's message. */
  async function scene(): Promise<string> {
    const inbox = bobInbox
      .slice(-6)
      .map((m) => m.getChildText('body') ?? m.children.map((c) => (typeof c === 'string' ? c : c.name)).join(','));
    return JSON.stringify({
      inbox,
      composer: await composer()
        .inputValue()
        .catch(() => '(no composer)'),
      focused: await page.evaluate('document.activeElement?.outerHTML.slice(0, 160) ?? null'),
      alerts: await page.getByRole('alert').allInnerTexts(),
      rows: (await main().locator('[data-message-id]').allInnerTexts()).slice(-4),
    });
  }
  const fromBob = (id: string, ...children: Element[]) =>
    bob.send(xml('message', { to: ALICE_JID, type: 'chat', id }, ...children, xml('origin-id', { xmlns: NS_SID, id })));
  /** Opens a row's menu with the keyboard: focus its button, Enter. */
  async function openMenu(text: string): Promise<Locator> {
    // The first row with the text: a reply quoting it comes later.
    const button = messageRow(text).first().getByRole('button', { name: 'Actions for this message' });
    await button.focus();
    await button.press('Enter');
    const menu = messageRow(text).first().getByRole('menu');
    await menu.waitFor();
    return menu;
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-replies-',
    prepare: async (server, logger) => {
      bob = await startMutualContact(server, logger, ALICE, BOB, bobInbox);
    },
    signIn: ALICE,
    ready: (parts) => openChatFromRoster(parts.page, 'bob'),
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ page } = live));

  it('replies from the message menu with the keyboard; the quote jumps to the original', async () => {
    await fromBob('b-1', xml('body', {}, 'Which day suits you?'));
    const menu = await openMenu('Which day suits you?');
    await menu.getByRole('menuitem', { name: 'Reply' }).press('Enter');
    await main().getByRole('status').filter({ hasText: 'Replying to bob@localhost' }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Message to bob');
    await page.keyboard.type('Thursday');
    await expect.poll(() => composer().inputValue()).toBe('Thursday');
    await page.keyboard.press('Enter');
    await expect.poll(() => composer().inputValue()).toBe('');
    const got = await bobGot((m) => m.getChild('reply', NS_REPLY) !== undefined);
    expect(got.getChild('reply', NS_REPLY)?.attrs).toMatchObject({ to: BOB_JID, id: 'b-1' });
    expect(got.getChildText('body')).toBe('> Which day suits you?\nThursday');

    const quote = messageRow('Thursday').getByRole('button', { name: /go to the quoted message/ });
    await quote.click();
    await expect
      .poll(() => page.evaluate('document.activeElement?.textContent ?? ""'))
      .toContain('Which day suits you?');
  });

  it('opens a focused row’s menu with the context-menu key and with Shift+F10, as a right click would', async () => {
    const row = messageRow('Which day suits you?').first();
    const menu = row.getByRole('menu');
    for (const key of ['ContextMenu', 'Shift+F10']) {
      await row.focus();
      await page.keyboard.press(key);
      await menu.waitFor();
      await expect(menu.getByRole('menuitem', { name: 'Reply' }).evaluate(isActive)).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      await expect(row.getByRole('button', { name: 'Actions for this message' }).evaluate(isActive)).resolves.toBe(
        true,
      );
    }
    // Another row's key opens that row's menu only.
    await messageRow('Thursday').first().focus();
    await page.keyboard.press('ContextMenu');
    await messageRow('Thursday').first().getByRole('menu').waitFor();
    expect(await menu.count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('Alt+Up in the composer picks the message to answer, Esc cancels; their reply shows its quote', async () => {
    await composer().focus();
    await page.keyboard.press('Alt+ArrowUp');
    await main().getByRole('status').filter({ hasText: 'Replying to you' }).waitFor(); // our "Thursday"
    await page.keyboard.press('Alt+ArrowUp');
    await main().getByRole('status').filter({ hasText: 'Replying to bob@localhost' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => main().getByRole('status').filter({ hasText: 'Replying to' }).count()).toBe(0);

    const quoted = bobInbox.find((m) => m.getChildText('body')?.endsWith('Thursday'))!;
    const ref = quoted.getChild('origin-id', NS_SID)!.attrs.id as string;
    await fromBob(
      'b-2',
      xml('body', {}, '> Thursday\nThursday it is'),
      xml('reply', { xmlns: NS_REPLY, to: ALICE_JID, id: ref }),
      xml('fallback', { xmlns: 'urn:xmpp:fallback:0', for: NS_REPLY }, xml('body', { start: '0', end: '11' })),
    );
    const row = messageRow('Thursday it is');
    await row.getByRole('button', { name: /go to the quoted message/ }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.locator('.chat-body').innerText()).not.toContain('>'); // the fallback is not shown twice
  });

  it('reactions: Bob’s shown with who on hover, ours toggled and added by shortcode', async () => {
    const ours = bobInbox.find((m) => m.getChildText('body')?.endsWith('Thursday'))!;
    const ref = ours.getChild('origin-id', NS_SID)!.attrs.id as string;
    await fromBob('b-3', xml('reactions', { xmlns: NS_REACTIONS, id: ref }, xml('reaction', {}, '👍')));
    const chip = messageRow('Thursday')
      .first()
      .getByRole('button', { name: /^👍, 1: bob@localhost$/ });
    await chip.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await chip.getAttribute('title')).toBe('👍 from bob@localhost');
    await chip.press('Enter');
    await messageRow('Thursday')
      .first()
      .getByRole('button', { name: /^👍, 2: you and bob@localhost$/ })
      .waitFor();
    let sent = await bobGot((m) => m.getChild('reactions', NS_REACTIONS) !== undefined);
    expect(
      sent
        .getChild('reactions', NS_REACTIONS)
        ?.getChildren('reaction')
        .map((r) => r.text()),
    ).toEqual(['👍']);

    const menu = await openMenu('Which day suits you?');
    await menu.getByRole('menuitem', { name: 'Add a reaction' }).press('Enter');
    const shortcode = messageRow('Which day suits you?').first().getByRole('textbox', { name: 'Type a shortcode' });
    await expect
      .poll(() =>
        shortcode.evaluate(new Function('el', 'return el === document.activeElement') as (el: unknown) => boolean),
      )
      .toBe(true);
    await page.keyboard.type(':tada:');
    await page.keyboard.press('Enter');
    await messageRow('Which day suits you?')
      .getByRole('button', { name: /^🎉, 1: you$/ })
      .waitFor();
    sent = await bobGot((m) => m.getChild('reactions', NS_REACTIONS)?.attrs.id === 'b-1');
    expect(
      sent
        .getChild('reactions', NS_REACTIONS)
        ?.getChildren('reaction')
        .map((r) => r.text()),
    ).toEqual(['🎉']);
  });

  it('takes our message back after asking; Bob’s retraction removes his', async () => {
    await composer().fill('a regrettable remark');
    await composer().press('Enter');
    const sent = await bobGot((m) => m.getChildText('body') === 'a regrettable remark');
    await messageRow('a regrettable remark')
      .getByRole('img', { name: /Sent|Delivered/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    const menu = await openMenu('a regrettable remark');
    await menu.getByRole('menuitem', { name: 'Take back' }).press('Enter');
    await menu.getByRole('menuitem', { name: 'Remove' }).press('Enter');
    const retraction = await bobGot((m) => m.getChild('retract', NS_RETRACT) !== undefined);
    expect(retraction.getChild('retract', NS_RETRACT)?.attrs.id).toBe(sent.getChild('origin-id', NS_SID)?.attrs.id);
    await eventually(async () => expect(await messageRow('a regrettable remark').count()).toBe(0), LIVE_TIMEOUT);
    await expect.poll(() => main().getByText('Message removed').count()).toBe(1);

    await fromBob('b-9', xml('body', {}, 'oops, wrong chat'));
    await messageRow('oops, wrong chat').waitFor({ timeout: LIVE_TIMEOUT });
    await fromBob('b-10', xml('retract', { xmlns: NS_RETRACT, id: 'b-9' }), xml('body', {}, 'retracted'));
    await eventually(async () => expect(await messageRow('oops, wrong chat').count()).toBe(0), LIVE_TIMEOUT);
    await expect.poll(() => main().getByText('Message removed').count()).toBe(2);
  });
});
