/**
 * What another client of our own account does, through a real Prosody 0.12: slixmpp logged in as
 * our second resource reacts to a contact's message (its sent carbon reaches us live; after a
 * restart our archive brings it), and our phone's read position (XEP-0490) for a room message we
 * do not hold yet is applied once joining the room brings that message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from '../support/core';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { startReadingPeer, type ReadingPeer } from '../support/reading-peer';
import { startRepliesPeer, type RepliesPeer, type RepliesPeerEvent } from '../support/replies-peer';
import { eventually, waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-own-devices-Pa55' };
const PY = { user: 'py', password: 'py-own-devices-Pa55' };
const PY_JID = 'py@localhost';
const JW_JID = 'jw@localhost';
const ROOM = 'own-devices@conference.localhost';

const log: Logger = createLogger(() => {}, 'info');
const secrets = createMemorySecretStore();
let server: ProsodyServer;
/** The contact. */
let peer: RepliesPeer;
/** Our own account on another device. */
let other: RepliesPeer;
let phone: ReadingPeer;
let core: Core;
let dir: string;

function history(conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 200 });
  return page.ok ? page.value : [];
}
const find = (conversation: string, body: string) => history(conversation).find((m) => m.body === body);
const unread = (conversation: string) =>
  core.messenger.chat.conversations().find((c) => c.conversation === conversation)?.unread;
const peerMessage = (what: string, predicate: (event: RepliesPeerEvent) => boolean, from = 0) =>
  peer.next((event) => event.event === 'message' && predicate(event), what, from);
/** A round trip to the server: what it sent the core before the answer has been read. */
const roundTrip = () => core.sessions.at(-1)?.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');

beforeAll(async () => {
  server = await startProsody({ users: [JW, PY] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-own-devices-'));
  peer = await startRepliesPeer(server, PY, 'peer');
  core = await openTestCore(server, path.join(dir, 'core'), secrets, log, JW);
  await core.invoke('subscription.add', { accountId: core.accountId, jid: PY_JID });
  await eventually(() => expect(core.messenger.roster.item(core.accountId, PY_JID)?.subscription).toBe('both'), 30_000);
  other = await startRepliesPeer(server, JW, 'other');
  phone = await startReadingPeer(server, JW, 'phone');
}, 120_000);

afterAll(async () => {
  await other?.stop();
  await phone?.stop();
  await peer?.stop();
  await core?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('our reactions sent from another of our clients', { timeout: 90_000 }, () => {
  it('arrive as sent carbons live, and from our archive after a restart', async () => {
    await peer.run({ cmd: 'send', to: JW_JID, type: 'chat', body: 'lunch at one?', id: 'py-lunch' });
    await waitUntil('their message', () => find(PY_JID, 'lunch at one?') !== undefined);

    await other.run({ cmd: 'react', to: PY_JID, type: 'chat', id: 'py-lunch', emojis: ['👍'] });
    await eventually(() =>
      expect(find(PY_JID, 'lunch at one?')?.reactions).toEqual([{ emoji: '👍', count: 1, mine: true, by: [] }]),
    );

    await core.close();
    const from = peer.events.length;
    await other.run({ cmd: 'react', to: PY_JID, type: 'chat', id: 'py-lunch', emojis: ['🎉'] });
    await peerMessage('the second set', (e) => (e.reactions as { emojis: string[] } | null)?.emojis[0] === '🎉', from);
    core = await openTestCore(server, path.join(dir, 'core'), secrets, log);
    await eventually(() =>
      expect(find(PY_JID, 'lunch at one?')?.reactions).toEqual([{ emoji: '🎉', count: 1, mine: true, by: [] }]),
    );
  });
});

describe('a read position for a message we do not hold yet', { timeout: 90_000 }, () => {
  it('is applied when joining the room brings that message', async () => {
    await core.invoke('muc.join', { accountId: core.accountId, room: ROOM, nick: 'Jay' });
    await peer.run({ cmd: 'join', room: ROOM, nick: 'Py' });
    await waitUntil('Py in the room', () =>
      core.messenger.muc.occupants().some((o) => o.room === ROOM && o.nick === 'Py'),
    );
    await core.invoke('muc.leave', { accountId: core.accountId, room: ROOM });
    const from = peer.events.length;
    await peer.run({ cmd: 'send', to: ROOM, type: 'groupchat', body: 'read this on your phone', id: 'py-room-1' });
    const seen = await peerMessage('the room message', (e) => e.body === 'read this on your phone', from);
    expect(seen.stanza_id).toBeTruthy();

    // The phone read it; the core, out of the room, does not have it yet.
    await phone.publish(ROOM, seen.stanza_id as string, ROOM);
    await roundTrip();
    expect(find(ROOM, 'read this on your phone')).toBeUndefined();

    await core.invoke('muc.join', { accountId: core.accountId, room: ROOM, nick: 'Jay' });
    await waitUntil('the room message', () => find(ROOM, 'read this on your phone') !== undefined);
    await eventually(() => expect(unread(ROOM)).toBe(0));
  });
});
