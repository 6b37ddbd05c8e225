/**
 * End to end: avatars, nicknames and profiles in Chromium, through the browser bridge, against the
 * real core and a real Prosody. A second client (slixmpp, tests/support/identity_peer.py) publishes
 * an avatar, a nickname and a vCard: the roster row shows the picture and the nick, the contact panel
 * the profile card. Alice then publishes her own avatar and profile from the account's Profile
 * dialog, and the second client reads them. axe checks each screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { LIVE_TIMEOUT } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startIdentityPeer, type IdentityPeer } from '../support/identity-peer';
import { noisyPng, png } from '../support/media-samples';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-faces' };
const PY = { user: 'py', password: 'py-Pa55-faces' };
const ALICE_JID = 'alice@localhost';
const PY_JID = 'py@localhost';

describe('avatars and profiles in the browser UI', () => {
  let page: Page;
  let peer: IdentityPeer;
  let dir: string;
  const tree = (): Locator => page.getByRole('tree');
  const main = (): Locator => page.getByRole('main');

  const live = useLiveUi({
    server: { users: [ALICE, PY] },
    prefix: 'jabberwock-e2e-faces-',
    viewport: { width: 1280, height: 800 },
    prepare: async (prosody) => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-e2e-faces-'));
      peer = await startIdentityPeer(prosody, PY, 'desk');
    },
    signIn: ALICE,
    // Alice adds Py without a roster name; Py's client accepts and asks back.
    ready: async ({ page }) => {
      await page.getByRole('button', { name: 'Add contact' }).click();
      const d = page.getByRole('dialog', { name: 'Add a contact' });
      await d.getByLabel('Address (JID)').fill(PY_JID);
      await d.getByRole('button', { name: 'Add contact' }).click();
      await d.waitFor({ state: 'detached' });
    },
    stop: async () => {
      await peer?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  });
  beforeAll(() => ({ page } = live));

  it("shows a contact's avatar and nick in the roster and their profile card", async () => {
    // Before they publish anything: their initials on their XEP-0392 colour (from their bare JID).
    const initials = tree().getByRole('treeitem', { name: /^py, / }).locator('[data-avatar]');
    await initials.waitFor({ timeout: LIVE_TIMEOUT });
    // XEP-0392 for 'py@localhost': hue 148.36°, HSLuv (100, 50), mixed with 0.2 of black (white's inverse).
    const background = await initials.evaluate(
      (el) =>
        (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(
          el,
        ).backgroundColor,
    );
    expect(background).toBe('rgb(0, 109, 73)');
    expect(await initials.textContent()).toBe('P');

    await peer.run({ cmd: 'publish_nick', nick: 'Pythonista' });
    await peer.run({ cmd: 'publish_vcard', fn: 'Py Thon', org: 'Snakes Ltd', desc: 'Hisses politely.' });
    await peer.run({
      cmd: 'publish_avatar',
      data: png(48, 48, { seed: 5 }).toString('base64'),
      type: 'image/png',
      width: 48,
      height: 48,
    });

    // No roster name: the nick they chose names the row, with their picture beside it.
    const row = tree().getByRole('treeitem', { name: /^Pythonista, / });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    const image = row.locator('[data-avatar] img');
    await image.waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(
      async () =>
        expect(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(48),
      LIVE_TIMEOUT,
    );
    await expectAccessible(page, 'the roster with avatars');

    await row.dblclick();
    const card = main().getByRole('region', { name: 'Profile' });
    await card.getByText('Py Thon').waitFor({ timeout: LIVE_TIMEOUT });
    await card.getByText('Snakes Ltd').waitFor();
    await card.getByText('Hisses politely.').waitFor();
    await expectAccessible(page, 'the contact panel with the profile card');
  });

  it('publishes our own avatar and profile from the account, read by the other client', async () => {
    // A photo's worth of bytes (over the core's 1 MiB avatar limit), not square: published as the
    // centred square scaled to 192 × 192 PNG.
    const photo = noisyPng(1200, 900, 9);
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    const file = path.join(dir, 'alice.png');
    fs.writeFileSync(file, photo);
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByRole('button', { name: /^Home, / })
      .click();
    await main().getByRole('button', { name: 'Profile and avatar of Home' }).click();
    const d = page.getByRole('dialog', { name: 'Your profile' });
    await d.getByLabel(/^Full name/).waitFor();
    await expectAccessible(page, 'the own profile dialog');
    // Before anything is published, the picture's input says who will see it.
    const describedBy = await d.locator('[data-avatar-input]').getAttribute('aria-describedby');
    expect(await d.locator(`[id="${describedBy}"]`).textContent()).toContain('anyone who knows your address');

    await d.locator('[data-avatar-input]').setInputFiles(file);
    await d.getByText('Avatar published.').waitFor({ timeout: LIVE_TIMEOUT });
    await peer.run({ cmd: 'read_avatar', jid: ALICE_JID });
    const published = peer.events.findLast((event) => event.event === 'avatar') as { sha1: string } | undefined;
    expect(published).toMatchObject({ type: 'image/png', png_size: [192, 192] });
    const ours = published!.sha1;

    await d.getByLabel(/^Full name/).fill('Alice Liddell');
    await d.getByLabel(/^Nickname/).fill('Alice');
    await d.getByRole('button', { name: 'Save profile' }).click();
    await d.waitFor({ state: 'detached' });
    await peer.run({ cmd: 'read_vcard', jid: ALICE_JID });
    expect(peer.events.findLast((event) => event.event === 'vcard')).toMatchObject({
      fn: 'Alice Liddell',
      nickname: 'Alice',
      photo: ours,
    });
    // Our own picture replaces the account badge in the sidebar.
    const own = page.getByRole('navigation', { name: 'Accounts' }).locator('[data-avatar] img').first();
    await own.waitFor();
    expect(await own.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(192);
  });
});
