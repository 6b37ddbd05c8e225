/**
 * End to end: OMEMO in a conversation, in Chromium through the browser bridge, against the real core,
 * a real Prosody and an independent OMEMO client (python-omemo + oldmemo on slixmpp, as Bob). The
 * lock is on by itself for a contact with devices; what Alice types is read by Bob's client and the
 * other way round, each message marked encrypted; Alice verifies Bob's key by its fingerprint in the
 * contact panel; a device Bob adds afterwards is announced in the conversation and decided in a
 * dialog; a message sent with the lock off stands out once it is on again; a message that cannot be
 * encrypted is not sent until Alice, warned, chooses to send it in the clear. Axe on each screen.
 */
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { LIVE_TIMEOUT } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startPeer } from '../support/peer';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-omemo' };
const BOB = { user: 'bob', password: 'bob-Pa55-omemo' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';

describe.skipIf(!(await pythonOmemoAvailable()))('encrypted conversations in the browser UI', () => {
  let prosody: ProsodyServer;
  let page: Page;
  let bob: PythonOmemoPeer;
  const phones: PythonOmemoPeer[] = [];

  const main = (): Locator => page.getByRole('main');
  const messageRow = (text: string | RegExp): Locator => main().locator('[data-message-id]').filter({ hasText: text });
  const lock = (): Locator => main().getByRole('switch');
  const bobReads = (body: string, peer = bob, from = 0) =>
    peer.next((e) => e.event === 'message' && e.body === body, `Bob reads "${body}"`, from);

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-omemo-',
    prepare: async (prosody, logger) => {
      bob = await startPythonOmemoPeer(prosody, BOB, 'desk');
      // Alice and Bob see each other (Bob's client accepts and asks back by itself).
      const setup = await startPeer(prosody, ALICE, 'setup', logger, (xmpp) =>
        xmpp.middleware.use((ctx, next) => {
          if (ctx.stanza.name === 'presence' && ctx.stanza.attrs.type === 'subscribe')
            void xmpp.send(xml('presence', { to: ctx.stanza.attrs.from, type: 'subscribed' }));
          return next();
        }),
      );
      await setup.send(xml('presence'));
      await setup.send(xml('presence', { to: BOB_JID, type: 'subscribe' }));
      await eventually(async () => expect((await setup.rosterItem(BOB_JID))?.subscription).toBe('both'), 30_000);
      await setup.stop();
    },
    signIn: ALICE,
    stop: async () => {
      for (const peer of [...phones, bob]) await peer?.stop().catch(() => undefined);
    },
  });
  beforeAll(() => ({ prosody, page } = live));

  it('a contact with devices gets an encrypted conversation: Bob’s client reads it, and Alice reads his', async () => {
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^bob, / })
      .first()
      .dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    await main().getByRole('heading', { name: 'bob', exact: true }).waitFor();
    await eventually(async () => expect(await lock().getAttribute('aria-checked')).toBe('true'), LIVE_TIMEOUT);
    await expect(lock().textContent()).resolves.toContain('Encrypted');

    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('Hello Bob, under the lock');
    await composer.press('Enter');
    await bobReads('Hello Bob, under the lock');
    await messageRow('Hello Bob, under the lock')
      .getByRole('img', { name: 'Encrypted' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    bob.send(ALICE_JID, 'Hello Alice, encrypted back');
    await messageRow('Hello Alice, encrypted back')
      .getByRole('img', { name: 'Encrypted' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'an encrypted conversation');
  });

  it('Alice verifies Bob’s device by its fingerprint in the contact panel', async () => {
    await main().getByRole('button', { name: 'Contact details' }).click();
    const keys = main().getByRole('region', { name: 'Encryption keys' });
    await keys.waitFor();
    const device = keys.getByRole('listitem').filter({ hasText: `Device ${bob.deviceId}` });
    await device.getByText('Trusted (not verified)').waitFor({ timeout: LIVE_TIMEOUT });
    // Eight blocks of eight hex characters, and this device's own fingerprint for Bob to compare.
    expect(await device.locator('.fingerprint-block').allTextContents()).toHaveLength(8);
    await keys.getByText(/This device’s fingerprint/).waitFor();
    await device.getByRole('button', { name: `Verify Device ${bob.deviceId}…` }).click();
    await expectAccessible(page, 'comparing a fingerprint');
    await device.getByRole('button', { name: 'They match: mark verified' }).click();
    await device.getByText('Verified', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('a device Bob adds after that is announced in the conversation, and Alice decides in a dialog', async () => {
    const phone = await startPythonOmemoPeer(prosody, BOB, 'phone');
    phones.push(phone);
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    const prompt = main().getByRole('status').filter({ hasText: 'has a new device that is not verified' });
    await prompt.waitFor({ timeout: LIVE_TIMEOUT });
    // Until Alice decides, the new device gets nothing.
    const from = phone.events.length;
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('Only for the verified desk');
    await composer.press('Enter');
    await bobReads('Only for the verified desk');
    expect(phone.events.slice(from).some((e) => e.event === 'message' && e.body === 'Only for the verified desk')).toBe(
      false,
    );

    await prompt.getByRole('button', { name: 'Review devices…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Encryption keys of bob' });
    await dialog.waitFor();
    await expectAccessible(page, 'the encryption keys dialog');
    const newDevice = dialog.getByRole('listitem').filter({ hasText: `Device ${phone.deviceId}` });
    await newDevice.getByText('New — not verified').waitFor();
    await newDevice.getByRole('button', { name: `Verify Device ${phone.deviceId}…` }).click();
    await newDevice.getByRole('button', { name: 'They match: mark verified' }).click();
    await newDevice.getByText('Verified', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await prompt.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    const after = phone.events.length;
    await composer.fill('Now for both devices');
    await composer.press('Enter');
    await bobReads('Now for both devices', phone, after);
  });

  it('a message sent with the lock off stands out in the conversation once it is encrypted again', async () => {
    await lock().click();
    await eventually(async () => expect(await lock().getAttribute('aria-checked')).toBe('false'), LIVE_TIMEOUT);
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('Said in the clear');
    await composer.press('Enter');
    await messageRow('Said in the clear').getByRole('img', { name: 'Sent' }).waitFor({ timeout: LIVE_TIMEOUT });
    await lock().click();
    await eventually(async () => expect(await lock().getAttribute('aria-checked')).toBe('true'), LIVE_TIMEOUT);
    await messageRow('Said in the clear').getByText('Not encrypted').waitFor();
    await expectAccessible(page, 'a conversation with a message in the clear');
  });

  it('a message that cannot be encrypted is not sent until Alice, warned, sends it in the clear', async () => {
    await main().getByRole('button', { name: 'Contact details' }).click();
    const keys = main().getByRole('region', { name: 'Encryption keys' });
    for (const id of [bob.deviceId, phones[0].deviceId]) {
      const device = keys.getByRole('listitem').filter({ hasText: `Device ${id}` });
      await device.getByRole('button', { name: `Distrust Device ${id}` }).click();
      await device.getByText('Distrusted').waitFor({ timeout: LIVE_TIMEOUT });
    }
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    const from = bob.events.length;
    const composer = main().getByRole('textbox', { name: 'Message to bob' });
    await composer.fill('Nobody may read this');
    await composer.press('Enter');
    const row = messageRow('Nobody may read this');
    await row.getByText(/It could not be encrypted: none of the contact’s devices can be encrypted for/).waitFor({
      timeout: LIVE_TIMEOUT,
    });
    await row.getByText(/2 devices are distrusted/).waitFor();
    await expectAccessible(page, 'a message that could not be encrypted');
    await row.getByRole('button', { name: 'Send without encryption…' }).click();
    await row.getByText(/Send this message without encryption\?/).waitFor();
    await row.getByRole('button', { name: 'Send in the clear' }).click();
    await row.getByRole('img', { name: 'Sent' }).waitFor({ timeout: LIVE_TIMEOUT });
    await row.getByText('Not encrypted').waitFor();
    // Bob's client got it in the clear (it reports only encrypted messages): nothing was decrypted.
    expect(bob.events.slice(from).some((e) => e.event === 'message')).toBe(false);
  });
});
