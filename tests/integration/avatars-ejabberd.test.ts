/**
 * Avatars, nicknames and profiles through ejabberd 23.01 (mod_pep, mod_vcard, mod_vcard_xupdate) with
 * slixmpp as the other client, once with mod_avatar (XEP-0398: the server converts between PEP avatars
 * and vCard photos both ways, and lists urn:xmpp:pep-vcard-conversion:0 but not vCard4 on our account)
 * and once without it.
 *
 * What differs from Prosody's mod_vcard_legacy: ejabberd keeps our profile as vcard-temp, so a profile
 * edit is a vcard-temp write, and mod_avatar reads every vcard-temp write as an avatar change too — a
 * vCard without a PHOTO makes it purge our PEP avatar (empty metadata), a photo other than our PEP
 * avatar's makes it publish that photo to PEP. So our edit must carry the photo the server keeps.
 *
 * mod_avatar's image format conversion (`convert:`) is not tested: Debian's eimp (erlang-p1-eimp 1.0.22)
 * dlopens the unversioned `libgd.so`, which only libgd-dev ships, so every conversion fails with
 * "Unsupported format" here. XEP-0398's conversion needs no image library and is what runs below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityView, ProfileView } from '../../src/shared/contract';
import { mediaKey } from '../../src/main/core/media/store';
import { EMPTY_PROFILE } from '../../src/main/core/features/avatars/stanzas';
import { serverConvertsAvatars, serverKeepsProfileInPep } from '../../src/main/core/features/avatars/conversion';
import { createPepClient } from '../../src/main/core/encryption/pep';
import { NS_AVATAR_DATA, NS_AVATAR_METADATA } from '../../src/main/core/xmpp/ns';
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
import { startEjabberd, type EjabberdServer } from '../support/ejabberd';
import { startIdentityPeer, type IdentityPeer } from '../support/identity-peer';
import { png } from '../support/media-samples';
import { eventually, waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-ejabberd-Pa55' };
const PY = { user: 'py', password: 'py-ejabberd-Pa55' };
const JW_JID = 'jw@localhost';
const PY_JID = 'py@localhost';

for (const conversion of [true, false]) {
  describe(`avatars and profiles against ejabberd ${conversion ? 'with' : 'without'} mod_avatar`, () => {
    let server: EjabberdServer;
    let peer: IdentityPeer;
    let core: Core;
    let dir: string;
    let scene: IdentityScene | undefined;
    const ours = png(64, 64, { seed: 3 });
    const theirs = png(48, 48, { seed: 7 });

    const identityEvents = (jid: string, from = 0): IdentityView[] =>
      core.events
        .slice(from)
        .flatMap((event) => (event.type === 'identity' && event.identity.jid === jid ? [event.identity] : []));

    /** Our vcard-temp writes (IQ sets) the console captured. */
    const vcardSets = () =>
      core.messenger.control.console
        .entries(core.accountId)
        .filter((entry) => entry.direction === 'out' && entry.text.includes('type="set"'))
        .filter((entry) => entry.text.includes('vcard-temp') && !entry.text.includes('vcard-temp:x:update'));

    /** The avatars our PEP metadata lists (their info elements). */
    const pepAvatars = async () => {
      const pep = createPepClient(core.sessions.at(-1)!.xmpp, JW_JID);
      const items = (await pep.items(JW_JID, NS_AVATAR_METADATA)) ?? [];
      return items.flatMap((item) => item.getChild('metadata', NS_AVATAR_METADATA)?.getChildren('info') ?? []);
    };

    const publishOwnAvatar = (picture: Buffer, name: string) => publishOwn(core, dir, picture, name);

    beforeAll(async () => {
      server = await startEjabberd({ users: [JW, PY], avatarConversion: conversion });
      scene = await openIdentityScene(server, JW, PY);
      ({ dir, peer, core } = scene);
      // Mutual presence subscription, as between contacts: PEP notifies contacts (XEP-0163 §4).
      await core.invoke('subscription.add', { accountId: core.accountId, jid: PY_JID });
      await eventually(
        () => expect(core.messenger.roster.item(core.accountId, PY_JID)?.subscription).toBe('both'),
        60_000,
      );
    }, 180_000);

    afterAll(async () => {
      await scene?.close();
      await server?.stop();
    });

    it(`sees ${conversion ? 'that the server converts avatars, and no' : 'no avatar conversion and no'} vCard4`, async () => {
      const session = core.sessions.at(-1)!.xmpp;
      expect(await serverConvertsAvatars(session, JW_JID)).toBe(conversion);
      expect(await serverKeepsProfileInPep(session, JW_JID)).toBe(false);
    }, 60_000);

    it('publishes our avatar, which the other client reads from PEP and from our vCard', async () => {
      await core.invoke('console.setCapture', { accountId: core.accountId, capture: true });
      const setsFrom = vcardSets().length;
      const presenceFrom = peer.events.length;
      const view = await publishOwnAvatar(ours, 'me.png');
      expect(view).toMatchObject({ jid: JW_JID, avatar: { mime: 'image/png', width: 64, height: 64 } });

      // XEP-0084: our metadata as we published it, dimensions included, and the data behind it.
      expect(await avatarThePeerReads(peer, JW_JID)).toMatchObject({
        ...publishedAs(ours, 64, 64),
        bytes: ours.length,
        type: 'image/png',
      });
      // XEP-0153: the photo in our vCard (put there by mod_avatar, or by us without it)...
      expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({ photo: sha1(ours) });
      // ...and its hash in our presence.
      await peer.next(
        (event) => event.event === 'presence_photo' && event.jid === JW_JID && event.hash === sha1(ours),
        'our hash in our presence',
        presenceFrom,
      );
      // A converting server writes the vCard photo itself; otherwise we do.
      expect(vcardSets().slice(setsFrom)).toHaveLength(conversion ? 0 : 1);
      await core.invoke('console.setCapture', { accountId: core.accountId, capture: false });
    }, 90_000);

    it('shows the avatar and nickname the other client publishes, live', async () => {
      await peer.run({ cmd: 'publish_nick', nick: 'Pythonista' });
      await peer.run({
        cmd: 'publish_avatar',
        data: theirs.toString('base64'),
        type: 'image/png',
        width: 48,
        height: 48,
      });
      await waitUntil(
        'their avatar and nickname',
        () => {
          const identity = identityEvents(PY_JID).at(-1);
          return Boolean(identity?.avatar) && identity?.nick === 'Pythonista';
        },
        60_000,
      );
      expect(identityEvents(PY_JID).at(-1)!.avatar).toMatchObject({
        mime: 'image/png',
        width: 48,
        height: 48,
        size: theirs.length,
      });
      expect(core.messenger.media.store.has(mediaKey('sha1', sha1(theirs))!)).toBe(true);
    }, 90_000);

    it('saves a profile edit in our vCard with our photo kept, and our PEP avatar stays as published', async () => {
      await core.invoke('console.setCapture', { accountId: core.accountId, capture: true });
      const setsFrom = vcardSets().length;
      const eventsFrom = core.events.length;
      const profile: ProfileView = {
        fullName: 'Jabber Wock',
        nickname: 'JW',
        organisation: 'Tulgey Wood',
        email: 'jw@example.org',
        url: 'https://example.org/jw',
        note: 'Burbles.',
        birthday: '1871-12-27',
      };
      expect(await core.invoke('profile.setOwn', { accountId: core.accountId, profile })).toEqual(profile);
      await core.invoke('console.setCapture', { accountId: core.accountId, capture: false });

      expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({
        fn: 'Jabber Wock',
        nickname: 'JW',
        org: 'Tulgey Wood',
        photo: sha1(ours),
      });
      // Not purged (empty metadata) nor published again: the same item, our dimensions.
      expect(await avatarThePeerReads(peer, JW_JID)).toMatchObject(publishedAs(ours, 64, 64));
      // A purge would have reached our own client as a PEP event before the vCard write's result.
      for (const identity of identityEvents(JW_JID, eventsFrom)) {
        expect(identity.avatar).toMatchObject({ mime: 'image/png', size: ours.length, width: 64, height: 64 });
      }
      expect(core.messenger.identities.ownPresenceElement(core.accountId).getChildText('photo')).toBe(sha1(ours));

      // ejabberd lists no vCard4: the profile went to vcard-temp, with the PHOTO the server keeps (without
      // it, mod_avatar purges our PEP avatar: the checks above fail first).
      const sets = vcardSets().slice(setsFrom);
      expect(sets).toHaveLength(1);
      expect(sets[0]!.text).toContain(ours.toString('base64'));

      // (d) Read back as saved, every field.
      expect(await core.invoke('profile.get', { accountId: core.accountId, jid: JW_JID })).toEqual(profile);
    }, 90_000);

    it('removes our avatar from PEP and our vCard, and a later profile edit does not bring it back', async () => {
      expect((await pepAvatars()).map((info) => info.attrs.id)).toEqual([sha1(ours)]);
      expect(await core.invoke('avatar.setOwn', { accountId: core.accountId, file: null })).toMatchObject({
        jid: JW_JID,
        avatar: null,
      });
      expect(await pepAvatars()).toEqual([]);
      expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({ fn: 'Jabber Wock', photo: '' });

      const profile: ProfileView = { ...EMPTY_PROFILE, fullName: 'Jabber Wock', note: 'Gone.' };
      expect(await core.invoke('profile.setOwn', { accountId: core.accountId, profile })).toEqual(profile);
      expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({ fn: 'Jabber Wock', photo: '' });
      expect(await pepAvatars()).toEqual([]);
      expect(await core.invoke('profile.get', { accountId: core.accountId, jid: JW_JID })).toEqual(profile);
    }, 90_000);

    if (conversion) {
      it('shows an avatar another of our clients put only in our vCard, and publishes our next one over the nodes the server made', async () => {
        // No avatar nodes of ours: the server makes them, with its own configuration.
        const pep = createPepClient(core.sessions.at(-1)!.xmpp, JW_JID);
        await pep.deleteNode(NS_AVATAR_METADATA);
        await pep.deleteNode(NS_AVATAR_DATA);
        const legacy = png(40, 40, { seed: 13 });
        const eventsFrom = core.events.length;
        const other = await startIdentityPeer(server, JW, 'legacy');
        try {
          await other.run({ cmd: 'publish_vcard_photo', data: legacy.toString('base64'), type: 'image/png' });
        } finally {
          await other.stop();
        }
        // mod_avatar published the vCard photo to PEP; our core heard it and fetched it.
        expect((await pepAvatars()).map((info) => info.attrs.id)).toEqual([sha1(legacy)]);
        await waitUntil(
          'the avatar of our other client',
          () => identityEvents(JW_JID, eventsFrom).at(-1)?.avatar?.size === legacy.length,
          60_000,
        );
        expect(core.messenger.identities.ownPresenceElement(core.accountId).getChildText('photo')).toBe(sha1(legacy));

        const next = png(64, 64, { seed: 5 });
        expect(await publishOwnAvatar(next, 'next.png')).toMatchObject({ avatar: { width: 64, height: 64 } });
        expect(await avatarThePeerReads(peer, JW_JID)).toMatchObject(publishedAs(next, 64, 64));
        expect(await vcardThePeerReads(peer, JW_JID)).toMatchObject({ photo: sha1(next) });
      }, 120_000);
    }
  });
}
