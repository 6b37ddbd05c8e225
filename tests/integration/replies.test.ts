/**
 * Replies (XEP-0461 with the XEP-0428 fallback), reactions (XEP-0444, keyed by XEP-0421 occupant-id
 * in rooms) and retraction (XEP-0424) both ways through a real Prosody 0.12 with a second client,
 * slixmpp 1.8 with its own plugins (its XEP-0424 is version 0, in a fastening; we send both). In a
 * chat and in a room: what slixmpp sends reaches the store, what we send slixmpp reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, RoomView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from '../support/core';
import { startRepliesPeer, type RepliesPeer, type RepliesPeerEvent } from '../support/replies-peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually, waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-replies-Pa55' };
const PY = { user: 'py', password: 'py-replies-Pa55' };
const PY_JID = 'py@localhost';
const JW_JID = 'jw@localhost';
const ROOM = 'replies@conference.localhost';

const log: Logger = createLogger(() => {}, 'info');
let server: ProsodyServer;
let peer: RepliesPeer;
let core: Core;
let dir: string;

function history(conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 200 });
  return page.ok ? page.value : [];
}
const find = (conversation: string, body: string) => history(conversation).find((m) => m.body === body);
const peerMessage = (what: string, predicate: (event: RepliesPeerEvent) => boolean, from = 0) =>
  peer.next((event) => event.event === 'message' && predicate(event), what, from);

beforeAll(async () => {
  server = await startProsody({ users: [JW, PY] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-replies-'));
  peer = await startRepliesPeer(server, PY, 'peer');
  core = await openTestCore(server, path.join(dir, 'core'), createMemorySecretStore(), log, JW);
  await core.invoke('subscription.add', { accountId: core.accountId, jid: PY_JID });
  await eventually(() => expect(core.messenger.roster.item(core.accountId, PY_JID)?.subscription).toBe('both'), 30_000);
}, 120_000);

afterAll(async () => {
  await peer?.stop();
  await core?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('in a chat, against Prosody with slixmpp', { timeout: 90_000 }, () => {
  it('their reply shows the quoted message without the fallback; ours carries reference and fallback', async () => {
    await peer.run({ cmd: 'send', to: JW_JID, type: 'chat', body: 'shall we meet at noon?', id: 'py-1' });
    await waitUntil('their message', () => find(PY_JID, 'shall we meet at noon?') !== undefined);
    await peer.run({
      cmd: 'reply',
      to: JW_JID,
      type: 'chat',
      body: 'or at one',
      quote: 'shall we meet at noon?',
      reply_to: `${PY_JID}/peer`,
      reply_id: 'py-1',
    });
    await waitUntil('their reply', () => find(PY_JID, 'or at one') !== undefined);
    const original = find(PY_JID, 'shall we meet at noon?')!;
    expect(find(PY_JID, 'or at one')?.reply).toEqual({
      to: PY_JID,
      quote: 'shall we meet at noon?',
      target: original.id,
    });

    const from = peer.events.length;
    const sent = (await core.invoke('message.send', {
      accountId: core.accountId,
      conversation: PY_JID,
      kind: 'chat',
      body: 'noon is fine',
      replyTo: original.id,
    })) as MessageView;
    expect(sent.reply?.target).toBe(original.id);
    const got = await peerMessage('our reply', (e) => e.reply !== null, from);
    expect(got.reply).toEqual({ to: PY_JID, id: 'py-1' });
    expect(got.body).toBe('> shall we meet at noon?\nnoon is fine');
    expect(got.fallback).toEqual({ start: '0', end: String('> shall we meet at noon?\n'.length) });
  });

  it('reactions both ways: theirs aggregated on our message, ours read by slixmpp', async () => {
    const ours = (await core.invoke('message.send', {
      accountId: core.accountId,
      conversation: PY_JID,
      kind: 'chat',
      body: 'react to me',
    })) as MessageView;
    const delivered = await peerMessage('our message', (e) => e.body === 'react to me');
    await peer.run({ cmd: 'react', to: JW_JID, type: 'chat', id: delivered.origin_id, emojis: ['👍', '🎉'] });
    await eventually(() =>
      expect(find(PY_JID, 'react to me')?.reactions).toEqual([
        { emoji: '👍', count: 1, mine: false, by: [PY_JID] },
        { emoji: '🎉', count: 1, mine: false, by: [PY_JID] },
      ]),
    );
    // Their next set replaces the last one.
    await peer.run({ cmd: 'react', to: JW_JID, type: 'chat', id: delivered.origin_id, emojis: ['👍'] });
    await eventually(() => expect(find(PY_JID, 'react to me')?.reactions).toHaveLength(1));

    const theirs = find(PY_JID, 'shall we meet at noon?')!;
    const from = peer.events.length;
    const reacted = (await core.invoke('message.react', {
      accountId: core.accountId,
      id: theirs.id,
      emojis: ['❤️'],
    })) as MessageView;
    expect(reacted.reactions).toEqual([{ emoji: '❤️', count: 1, mine: true, by: [] }]);
    const got = await peerMessage('our reaction', (e) => e.reactions !== null, from);
    expect(got.reactions).toEqual({ id: 'py-1', emojis: ['❤️'] });
    expect(ours.id).toBeGreaterThan(0);
  });

  it('retraction both ways: theirs (version 0) removes the message here and from search; ours reaches them', async () => {
    await peer.run({ cmd: 'send', to: JW_JID, type: 'chat', body: 'wrong window password hunter2', id: 'py-2' });
    await waitUntil('their message', () => find(PY_JID, 'wrong window password hunter2') !== undefined);
    const id = find(PY_JID, 'wrong window password hunter2')!.id;
    await peer.run({ cmd: 'retract', to: JW_JID, type: 'chat', id: 'py-2' });
    await eventually(() =>
      expect(history(PY_JID).find((m) => m.id === id)).toMatchObject({ body: '', retracted: 'sender' }),
    );
    const search = core.messenger.chat.search({ query: 'hunter2', limit: 10 });
    expect(search.ok && search.value).toEqual([]);
    // Its fallback body was no message.
    expect(history(PY_JID).some((m) => m.body.includes('retract'))).toBe(false);

    const ours = (await core.invoke('message.send', {
      accountId: core.accountId,
      conversation: PY_JID,
      kind: 'chat',
      body: 'take me back',
    })) as MessageView;
    const delivered = await peerMessage('our message', (e) => e.body === 'take me back');
    const from = peer.events.length;
    await eventually(() => expect(find(PY_JID, 'take me back')?.state).not.toBe('queued'));
    const retracted = (await core.invoke('message.retract', { accountId: core.accountId, id: ours.id })) as MessageView;
    expect(retracted).toMatchObject({ body: '', retracted: 'sender' });
    const got = await peerMessage('our retraction', (e) => e.retract !== null, from);
    expect(got.retract).toBe(delivered.origin_id);
    expect(got.retract_legacy).toBe(delivered.origin_id); // slixmpp 1.8 reads this one
  });
});

describe('in a room, against Prosody with slixmpp', { timeout: 90_000 }, () => {
  it('joins with occupant-ids; their reply, reaction and retraction; ours by the room’s stanza-id', async () => {
    const room = (await core.invoke('muc.join', { accountId: core.accountId, room: ROOM, nick: 'Jay' })) as RoomView;
    expect(room.state).toBe('joined');
    await peer.run({ cmd: 'join', room: ROOM, nick: 'Py' });
    await waitUntil('Py in the room', () =>
      core.messenger.muc.occupants().some((o) => o.room === ROOM && o.nick === 'Py'),
    );
    expect(core.messenger.muc.providesOccupantIds(core.accountId, ROOM)).toBe(true);

    // Ours, reflected: the room's stanza-id is what others refer to.
    await core.invoke('message.send', {
      accountId: core.accountId,
      conversation: ROOM,
      kind: 'groupchat',
      body: 'agenda?',
    });
    const seen = await peerMessage('our room message', (e) => e.body === 'agenda?' && e.type === 'groupchat');
    await eventually(() => expect(find(ROOM, 'agenda?')?.state).toBe('delivered'));
    await peer.run({ cmd: 'react', to: ROOM, type: 'groupchat', id: seen.stanza_id, emojis: ['👀'] });
    await eventually(() =>
      expect(find(ROOM, 'agenda?')?.reactions).toEqual([{ emoji: '👀', count: 1, mine: false, by: ['Py'] }]),
    );
    await peer.run({
      cmd: 'reply',
      to: ROOM,
      type: 'groupchat',
      body: 'first item: lunch',
      quote: 'agenda?',
      reply_to: `${ROOM}/Jay`,
      reply_id: seen.stanza_id,
    });
    await waitUntil('their reply', () => find(ROOM, 'first item: lunch') !== undefined);
    expect(find(ROOM, 'first item: lunch')?.reply).toEqual({
      to: 'Jay',
      quote: 'agenda?',
      target: find(ROOM, 'agenda?')!.id,
    });

    // Theirs: we react and reply by the room's stanza-id, and they take it back.
    const theirs = find(ROOM, 'first item: lunch')!;
    const from = peer.events.length;
    await core.invoke('message.react', { accountId: core.accountId, id: theirs.id, emojis: ['🍕'] });
    const reaction = await peerMessage(
      'our room reaction',
      (e) => e.reactions !== null && e.from === `${ROOM}/Jay`,
      from,
    );
    const theirsSeen = peer.events.find(
      (e) => e.event === 'message' && e.body?.toString().endsWith('first item: lunch'),
    );
    expect(reaction.reactions).toEqual({ id: theirsSeen?.stanza_id, emojis: ['🍕'] });
    expect(typeof reaction.occupant_id).toBe('string');
    await peer.run({ cmd: 'retract', to: ROOM, type: 'groupchat', id: theirsSeen?.stanza_id });
    await eventually(() => expect(history(ROOM).find((m) => m.id === theirs.id)?.retracted).toBe('sender'));
  });
});
