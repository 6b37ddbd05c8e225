/**
 * End to end: a room's owner in Chromium, through the browser bridge, against a real Prosody. Alice
 * uses the UI (with the keyboard where it matters); Bob is a second real XMPP client. Creating a
 * room with its configuration form, a room's info before joining, a voice request granted from the
 * prompt, and destroying the room with a reason and a venue.
 */
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { eventually } from '../support/wait';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const ALICE = { user: 'alice', password: 'alice-Pa55-owner' };
const BOB = { user: 'bob', password: 'bob-Pa55-owner' };
const FORUM = 'forum@conference.localhost';
const PLAZA = 'plaza@conference.localhost';

describe("a room's owner in the browser UI", () => {
  let page: Page;
  let bob: Peer;

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-muc-owner-',
    prepare: async (prosody, logger) => {
      bob = await startPeer(prosody, BOB, 'desk', logger);
      await bob.send(xml('presence'));
    },
    signIn: ALICE,
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ page } = live));

  it('creates a room with its configuration form, by keyboard', async () => {
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const join = page.getByRole('dialog', { name: 'Join a room' });
    await join.getByLabel('Room address').fill(FORUM);
    await join.getByRole('button', { name: 'About this room' }).click();
    await join.getByText('This room does not exist yet').waitFor({ timeout: LIVE_TIMEOUT });
    await join.getByLabel('If the room is new, configure it before others can join').check();
    await join.getByLabel('Room address').press('Enter');

    const config = page.getByRole('dialog', { name: `Configure ${FORUM}` });
    await config.getByLabel('Title').waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('This new room is locked until you configure it.').waitFor();
    await config.getByLabel('Title').fill('The Forum');
    await config.getByLabel('Moderated (require permission to speak)').check();
    await config.getByLabel('Title').press('Enter');
    await config.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main().getByText('configuration was saved').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await main().getByText('This new room is locked until you configure it.').count()).toBe(0);
  });

  it("shows a room's info before joining", async () => {
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const join = page.getByRole('dialog', { name: 'Join a room' });
    await join.getByLabel('Room address').fill(FORUM);
    await join.getByRole('button', { name: 'About this room' }).click();
    const about = join.getByRole('region', { name: `About ${FORUM}` });
    await about.getByText('The Forum').waitFor({ timeout: LIVE_TIMEOUT });
    await about.getByText('Moderated: visitors need voice to speak').waitFor();
    await page.keyboard.press('Escape');
    await join.waitFor({ state: 'detached' });
  });

  it('prompts for a voice request and grants it from the keyboard', async () => {
    await bob.send(xml('presence', { to: `${FORUM}/Bob` }, xml('x', { xmlns: NS_MUC })));
    await eventually(
      () =>
        expect(bob.presences.some((p) => p.attrs.from === `${FORUM}/Bob` && p.attrs.type !== 'unavailable')).toBe(true),
      LIVE_TIMEOUT,
    );
    await bob.send(
      xml(
        'message',
        { to: FORUM },
        xml(
          'x',
          { xmlns: 'jabber:x:data', type: 'submit' },
          xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#request')),
          xml('field', { var: 'muc#role' }, xml('value', {}, 'participant')),
        ),
      ),
    );
    const requests = main().getByRole('region', { name: 'Voice requests' });
    await requests.getByText(/Bob \(bob@localhost\/desk\) asks for voice\./).waitFor({ timeout: LIVE_TIMEOUT });
    const grant = requests.getByRole('button', { name: 'Grant voice' });
    await grant.focus();
    await page.keyboard.press('Enter');
    await requests.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await eventually(
      () =>
        expect(
          bob.presences.some(
            (p) =>
              p.attrs.from === `${FORUM}/Bob` &&
              p.getChild('x', NS_MUC_USER)?.getChild('item')?.attrs.role === 'participant',
          ),
        ).toBe(true),
      LIVE_TIMEOUT,
    );
  });

  it('destroys the room with a reason and a venue, and offers the venue', async () => {
    await main().getByRole('button', { name: 'Destroy room…' }).click();
    const destroy = page.getByRole('dialog', { name: `Destroy ${FORUM}` });
    await destroy.getByLabel('Reason').fill('moving house');
    await destroy.getByLabel('Room to go to instead').fill(PLAZA);
    await destroy.getByLabel('Room to go to instead').press('Enter');
    await destroy.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main()
      .getByRole('alert')
      .getByText(`The room was destroyed: moving house Its owner suggests ${PLAZA} instead.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(
      () =>
        expect(
          bob.presences.some(
            (p) =>
              p.attrs.from === `${FORUM}/Bob` && p.getChild('x', NS_MUC_USER)?.getChild('destroy')?.attrs.jid === PLAZA,
          ),
        ).toBe(true),
      LIVE_TIMEOUT,
    );
    await main()
      .getByRole('button', { name: `Join ${PLAZA}` })
      .click();
    const join = page.getByRole('dialog', { name: 'Join a room' });
    expect(await join.getByLabel('Room address').inputValue()).toBe(PLAZA);
    await page.keyboard.press('Escape');
  });
});
