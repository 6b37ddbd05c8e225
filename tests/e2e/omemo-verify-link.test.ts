/**
 * End to end: verifying a contact's keys with the xmpp: link Conversations' QR codes carry
 * (`xmpp:bob@localhost?omemo-sid-<id>=<fingerprint>;…`), pasted into the key panel in Chromium
 * through the browser bridge, against the real core, Prosody and python-omemo as Bob. A link that
 * names Bob's device with another key says so and marks nothing; the right one verifies his device,
 * and a device not seen yet is said to be verified once it appears with that key.
 */
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { LIVE_TIMEOUT, openApp } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startPeer } from '../support/peer';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-link' };
const BOB = { user: 'bob', password: 'bob-Pa55-link' };
const BOB_JID = 'bob@localhost';

describe.skipIf(!(await pythonOmemoAvailable()))('verification links in the key panel', () => {
  let page: Page;
  let bob: PythonOmemoPeer;

  const main = (): Locator => page.getByRole('main');
  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-omemo-link-',
    prepare: async (prosody, logger) => {
      bob = await startPythonOmemoPeer(prosody, BOB, 'desk');
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
    stop: () => bob?.stop().catch(() => undefined),
  });
  beforeAll(() => ({ page } = live));

  it('a wrong link marks nothing and says so; the right one verifies Bob’s device', async () => {
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^bob, / })
      .first()
      .dblclick({ timeout: LIVE_TIMEOUT });
    // The contact's panel, with its encryption keys.
    const keys = main().getByRole('region', { name: 'Encryption keys' });
    const device = keys.getByRole('listitem').filter({ hasText: `Device ${bob.deviceId}` });
    await device.getByText('Trusted (not verified)').waitFor({ timeout: LIVE_TIMEOUT });
    // What Bob's QR code carries: his device and its fingerprint.
    const fingerprint = (await device.locator('.fingerprint-block').allTextContents()).join('');
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const field = keys.getByRole('textbox', { name: 'Verification link' });
    const verify = keys.getByRole('button', { name: 'Verify with link' });

    const wrong = `${fingerprint.slice(0, 63)}${fingerprint.endsWith('0') ? '1' : '0'}`;
    await field.fill(`xmpp:${BOB_JID}?omemo-sid-${bob.deviceId}=${wrong}`);
    await verify.click();
    const refused = keys.getByRole('alert').filter({ hasText: 'Nothing was marked verified' });
    await refused.waitFor({ timeout: LIVE_TIMEOUT });
    await refused.getByText(`Device ${bob.deviceId} is known with a different key`).waitFor();
    await device.getByText('Trusted (not verified)').waitFor();
    await expectAccessible(page, 'a verification link that does not match');

    const unseen = 12345;
    const other = 'ab'.repeat(32);
    await field.fill(`xmpp:${BOB_JID}?omemo-sid-${bob.deviceId}=${fingerprint};omemo-sid-${unseen}=${other}`);
    await verify.click();
    const done = keys.getByRole('status').filter({ hasText: `Verified device ${bob.deviceId}.` });
    await done.waitFor({ timeout: LIVE_TIMEOUT });
    await done.getByText(`Device ${unseen} is not known yet`).waitFor();
    await device.getByText('Verified', { exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await expect(field.inputValue()).resolves.toBe('');
  });

  it('a link for someone else is refused in words', async () => {
    const keys = main().getByRole('region', { name: 'Encryption keys' });
    await keys
      .getByRole('textbox', { name: 'Verification link' })
      .fill(`xmpp:carol@localhost?omemo-sid-7=${'cd'.repeat(32)}`);
    await keys.getByRole('button', { name: 'Verify with link' }).click();
    await keys
      .getByRole('alert')
      .filter({ hasText: 'This link is for carol@localhost, not for this contact.' })
      .waitFor({
        timeout: LIVE_TIMEOUT,
      });
  });

  it('an opened xmpp: link with fingerprints offers to verify them in its dialog', async () => {
    const uri = `xmpp:${BOB_JID}?omemo-sid-777=${'12'.repeat(32)}`;
    await openApp(page, `${live.ui.web.url}&xmpp=${encodeURIComponent(uri)}`);
    const dialog = page.getByRole('dialog');
    const field = dialog.getByRole('textbox', { name: 'Verification link' });
    await field.waitFor({ timeout: LIVE_TIMEOUT });
    await expect(field.inputValue()).resolves.toBe(uri);
    await expectAccessible(page, 'an xmpp: link with fingerprints');
    await dialog.getByRole('button', { name: 'Verify with link' }).click();
    await dialog
      .getByRole('status')
      .filter({ hasText: 'Device 777 is not known yet' })
      .waitFor({ timeout: LIVE_TIMEOUT });
  });
});
