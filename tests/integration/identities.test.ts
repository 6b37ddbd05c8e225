/**
 * Avatars, nicknames and profiles both ways through a real Prosody (mod_pep, mod_vcard) with a
 * second client, slixmpp with its own XEP-0084, XEP-0153, XEP-0054 and XEP-0172 plugins: what it
 * publishes reaches the whole core (verified picture in the media store, the nickname, the profile
 * panel's vCard), what we publish it reads back, and a restart shows the kept avatar without
 * fetching it again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityView, ProfileView, StagedFileView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { mediaKey } from '../../src/main/core/media/store';
import { openTestCore, type Core } from '../support/core';
import { startIdentityPeer, type IdentityPeer } from '../support/identity-peer';
import { png } from '../support/media-samples';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { listenToRoomPhotos } from '../support/room-photos';
import { eventually, waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-identity-Pa55' };
const PY = { user: 'py', password: 'py-identity-Pa55' };
const PY_JID = 'py@localhost';
const JW_JID = 'jw@localhost';

const log: Logger = createLogger(() => {}, 'info');
const secrets = createMemorySecretStore();
let server: ProsodyServer;
let peer: IdentityPeer;
let core: Core;
let dir: string;

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

function identityOf(jid: string): IdentityView | undefined {
  return core.events
    .flatMap((event) => (event.type === 'identity' && event.identity.jid === jid ? [event.identity] : []))
    .at(-1);
}

beforeAll(async () => {
  server = await startProsody({ users: [JW, PY] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-identities-'));
  peer = await startIdentityPeer(server, PY, 'peer');
  core = await openTestCore(server, path.join(dir, 'core'), secrets, log, JW);
  // Mutual presence subscription, as between contacts: PEP notifies contacts (XEP-0163 §4).
  await core.invoke('subscription.add', { accountId: core.accountId, jid: PY_JID });
  // Their request back is accepted without asking: we asked them first.
  await eventually(() => expect(core.messenger.roster.item(core.accountId, PY_JID)?.subscription).toBe('both'), 30_000);
}, 120_000);

afterAll(async () => {
  await peer?.stop();
  await core?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('who is who against Prosody with slixmpp', () => {
  const theirPicture = png(48, 48, { seed: 7 });

  it('shows the avatar, nickname and profile another client published, the picture checked against its hash', async () => {
    await peer.run({ cmd: 'publish_nick', nick: 'Pythonista' });
    await peer.run({
      cmd: 'publish_vcard',
      fn: 'Py Thon',
      nickname: 'Py',
      org: 'Snakes Ltd',
      email: 'py@example.org',
      url: 'https://example.org/py',
      desc: 'Hisses.',
    });
    // XEP-0153 too: slixmpp puts the photo into the vCard it just published and its hash into its presence.
    await peer.run({
      cmd: 'publish_avatar',
      data: theirPicture.toString('base64'),
      type: 'image/png',
      width: 48,
      height: 48,
    });

    await waitUntil(
      'their avatar and nick',
      () => {
        const identity = identityOf(PY_JID);
        return identity?.avatar !== null && identity?.avatar !== undefined && identity.nick === 'Pythonista';
      },
      30_000,
    );
    const identity = identityOf(PY_JID)!;
    expect(identity.avatar).toMatchObject({ mime: 'image/png', width: 48, height: 48, size: theirPicture.length });
    expect(core.messenger.media.store.has(mediaKey('sha1', sha1(theirPicture))!)).toBe(true);
    expect((await core.snapshot()).identities).toContainEqual(identity);

    const profile = (await core.invoke('profile.get', { accountId: core.accountId, jid: PY_JID })) as ProfileView;
    expect(profile).toMatchObject({
      fullName: 'Py Thon',
      nickname: 'Py',
      organisation: 'Snakes Ltd',
      email: 'py@example.org',
      url: 'https://example.org/py',
      note: 'Hisses.',
    });
  }, 60_000);

  it('publishes our avatar to PEP and our vCard, and our profile, for the other client to read', async () => {
    const ours = png(64, 64, { seed: 3 });
    const file = path.join(dir, 'me.png');
    fs.writeFileSync(file, ours);
    const staged = await core.messenger.media.staging.adopt(file);
    if (!staged.ok) throw new Error('not staged');
    const presenceFrom = peer.events.length;
    const view = (await core.invoke('avatar.setOwn', {
      accountId: core.accountId,
      file: staged.staged.id,
    })) as IdentityView;
    expect(view).toMatchObject({ jid: JW_JID, avatar: { mime: 'image/png', width: 64, height: 64 } });

    await peer.run({ cmd: 'read_avatar', jid: JW_JID });
    expect(peer.events.findLast((event) => event.event === 'avatar')).toMatchObject({
      id: sha1(ours),
      sha1: sha1(ours),
    });
    // XEP-0153: our presence now carries the photo's hash.
    await peer.next(
      (event) => event.event === 'presence_photo' && event.jid === JW_JID && event.hash === sha1(ours),
      'our hash',
      presenceFrom,
    );

    const mine: ProfileView = {
      fullName: 'Jabber Wock',
      nickname: 'JW',
      organisation: 'Borogoves',
      email: null,
      url: null,
      note: 'Burbles.',
      birthday: null,
    };
    await core.invoke('profile.setOwn', { accountId: core.accountId, profile: mine });
    await peer.run({ cmd: 'read_vcard', jid: JW_JID });
    // The profile replaced the vCard's fields, and the photo stayed.
    expect(peer.events.findLast((event) => event.event === 'vcard')).toMatchObject({
      fn: 'Jabber Wock',
      nickname: 'JW',
      org: 'Borogoves',
      photo: sha1(ours),
    });
    expect(await core.invoke('profile.get', { accountId: core.accountId, jid: JW_JID })).toMatchObject(mine);
  }, 60_000);

  it('carries our avatar hash in our room presence', async () => {
    const photos = listenToRoomPhotos(core.sessions.at(-1)!.xmpp, 'faces@conference.localhost');
    await core.invoke('muc.join', { accountId: core.accountId, room: 'faces@conference.localhost', nick: 'jw' });
    const ours = sha1(png(64, 64, { seed: 3 }));
    // The room reflects our own presence back, as every occupant sees it.
    await waitUntil('our reflected room presence', () => photos.heard.includes(ours));
    photos.stop();
  }, 60_000);

  it('refuses a picked file that is not a picture, and publishes nothing', async () => {
    const file = path.join(dir, 'not-a-picture.png');
    fs.writeFileSync(file, '<!doctype html><script>alert(1)</script>');
    const staged = await core.messenger.media.staging.adopt(file);
    if (!staged.ok) throw new Error('not staged');
    const before = peer.events.length;
    const result = await core.messenger.invoke('avatar.setOwn', { accountId: core.accountId, file: staged.staged.id });
    expect(result).toMatchObject({ ok: false, error: { reason: 'media.type' } });
    await peer.run({ cmd: 'read_avatar', jid: JW_JID });
    // Still the avatar published before.
    expect(peer.events.slice(before).findLast((event) => event.event === 'avatar')).toMatchObject({
      bytes: png(64, 64, { seed: 3 }).length,
    });
  }, 60_000);

  it('keeps avatars across a restart and does not fetch them again', async () => {
    await core.close();
    core = await openTestCore(server, path.join(dir, 'core'), secrets, log);
    await waitUntil('their kept avatar', () => Boolean(identityOf(PY_JID)?.avatar), 30_000);
    expect(identityOf(PY_JID)).toMatchObject({ nick: 'Pythonista', avatar: { mime: 'image/png', width: 48 } });
    // Prosody sends the last metadata again at login (same hash): nothing is fetched.
    await core.messenger.invoke('app.snapshot', {});
    expect(core.messenger.media.fetcher.stats.fetched).toBe(0);
  }, 60_000);
});

export type { StagedFileView };
