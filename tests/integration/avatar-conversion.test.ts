/**
 * XEP-0398 against Prosody's mod_vcard_legacy, a server that converts between PEP avatars and vCard
 * photos both ways and says so on our account: our avatar goes to PEP only (a vCard photo of ours
 * would make the server purge and publish our PEP avatar again, without its dimensions), other
 * clients still find it in our vCard, and the rooms we are in hear our new hash at once, also when
 * another of our clients published it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../support/core';
import {
  avatarThePeerReads,
  openIdentityScene,
  publishedAs,
  publishOwnAvatar as publishOwn,
  sha1,
  vcardThePeerReads,
  type IdentityScene,
} from '../support/identity-scene';
import { startIdentityPeer, type IdentityPeer } from '../support/identity-peer';
import { png } from '../support/media-samples';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { listenToRoomPhotos } from '../support/room-photos';
import { waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-conversion-Pa55' };
const PY = { user: 'py', password: 'py-conversion-Pa55' };
const JW_JID = 'jw@localhost';
const ROOM = 'portraits@conference.localhost';

let server: ProsodyServer;
let peer: IdentityPeer;
let core: Core;
let dir: string;
let scene: IdentityScene | undefined;

const publishOwnAvatar = (picture: Buffer, name: string) => publishOwn(core, dir, picture, name);

beforeAll(async () => {
  server = await startProsody({ users: [JW, PY], vcardLegacy: true });
  scene = await openIdentityScene(server, JW, PY);
  ({ dir, peer, core } = scene);
}, 120_000);

afterAll(async () => {
  await scene?.close();
  await server?.stop();
});

describe('avatars on a server that converts them (XEP-0398, Prosody mod_vcard_legacy)', () => {
  it('publishes our avatar to PEP only; the server puts it in our vCard, and our metadata stays as published', async () => {
    await core.invoke('console.setCapture', { accountId: core.accountId, capture: true });
    const ours = png(64, 64, { seed: 3 });
    const view = await publishOwnAvatar(ours, 'me.png');
    expect(view).toMatchObject({ jid: JW_JID, avatar: { mime: 'image/png', width: 64, height: 64 } });

    // Our metadata, dimensions included: not replaced by the server's copy from a vCard write.
    expect(await avatarThePeerReads(peer, JW_JID)).toMatchObject(publishedAs(ours, 64, 64));
    // XEP-0153 clients still find it: the server made it our vCard's photo.
    expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({ photo: sha1(ours) });

    const sent = core.messenger.control.console.entries(core.accountId).filter((entry) => entry.direction === 'out');
    expect(sent.some((entry) => entry.text.includes('urn:xmpp:avatar:metadata'))).toBe(true);
    expect(sent.filter((entry) => entry.text.includes('type="set"') && entry.text.includes('vcard-temp'))).toEqual([]);
    await core.invoke('console.setCapture', { accountId: core.accountId, capture: false });
  }, 60_000);

  it('saves a profile edit as our vCard4, so the server neither purges nor re-publishes our avatar', async () => {
    await core.invoke('console.setCapture', { accountId: core.accountId, capture: true });
    const ours = png(64, 64, { seed: 3 });
    const profile = {
      fullName: 'Jabber Wock',
      nickname: 'jw',
      organisation: 'Tulgey Wood',
      email: 'jw@example.org',
      url: 'https://example.org/jw',
      note: 'Beware',
      birthday: '1871-12-27',
    };
    await core.invoke('profile.setOwn', { accountId: core.accountId, profile });

    // vcard-temp readers get the new profile, with the photo the server keeps.
    expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({
      fn: 'Jabber Wock',
      org: 'Tulgey Wood',
      photo: sha1(ours),
    });
    // Our avatar's metadata is still ours, dimensions included (a vcard-temp write would have replaced it).
    expect(await avatarThePeerReads(peer, JW_JID)).toMatchObject(publishedAs(ours, 64, 64));
    const sent = core.messenger.control.console.entries(core.accountId).filter((entry) => entry.direction === 'out');
    expect(sent.filter((entry) => entry.text.includes('type="set"') && entry.text.includes('vcard-temp'))).toEqual([]);
    await core.invoke('console.setCapture', { accountId: core.accountId, capture: false });

    // Read back through the server's vcard-temp, the note included (it comes back as NOTE there).
    expect(await core.invoke('profile.get', { accountId: core.accountId, jid: JW_JID })).toEqual(profile);
  }, 60_000);

  it('tells the rooms we are in when our avatar changes', async () => {
    const photos = listenToRoomPhotos(core.sessions.at(-1)!.xmpp, ROOM);
    await core.invoke('muc.join', { accountId: core.accountId, room: ROOM, nick: 'jw' });
    await waitUntil('our reflected join', () => photos.heard.includes(sha1(png(64, 64, { seed: 3 }))));

    const next = png(64, 64, { seed: 5 });
    await publishOwnAvatar(next, 'me-again.png');
    // Our show and status did not change; the room hears our presence again for the new hash.
    await waitUntil('the room hearing our new hash', () => photos.heard.includes(sha1(next)));
    photos.stop();
  }, 60_000);

  it('carries the avatar another of our clients published, in our presence and to our rooms', async () => {
    const photos = listenToRoomPhotos(core.sessions.at(-1)!.xmpp, ROOM);
    const other = await startIdentityPeer(server, JW, 'other');
    try {
      const theirs = png(48, 48, { seed: 11 });
      await other.run({
        cmd: 'publish_avatar',
        data: theirs.toString('base64'),
        type: 'image/png',
        width: 48,
        height: 48,
      });
      // Only our core is in the room: what it hears there is our core's own presence.
      await waitUntil("the room hearing our other client's avatar", () => photos.heard.includes(sha1(theirs)));
      expect(core.messenger.identities.ownPresenceElement(core.accountId).getChildText('photo')).toBe(sha1(theirs));
    } finally {
      photos.stop();
      await other.stop();
    }
  }, 60_000);
});
