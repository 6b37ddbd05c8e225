/**
 * OMEMO in a members-only, non-anonymous room through the whole core against Prosody's MUC, with
 * two independent python-omemo members (tests/support/omemo_peer.py): Jabberwock creates the room,
 * makes both members, and the lock turns on by itself once every member's devices are known; a
 * message Jabberwock sends is read by both members (its reflected copy is its delivery, not a
 * second message); a member's message is stored decrypted with its device; a member who loses the
 * affiliation is no longer encrypted to. A room that is not members-only keeps the lock off with why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEncryptionView, MessageView, RoomView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from '../support/core';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const JW = { user: 'jw', password: 'jw-room-omemo-Pa55' };
const PY = { user: 'py', password: 'py-room-omemo-Pa55' };
const CAROL = { user: 'carol', password: 'carol-room-omemo-Pa55' };
const JW_JID = 'jw@localhost';
const PY_JID = 'py@localhost';
const CAROL_JID = 'carol@localhost';
const ROOM = 'secret@conference.localhost';
const OPEN_ROOM = 'lobby@conference.localhost';

const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  if (level !== 'debug') logLines.push(`${level} ${scope}: ${message} ${JSON.stringify(details ?? '')}`.slice(0, 400));
}, 'info');
const dirs: string[] = [];

function history(core: Core, conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 500 });
  if (!page.ok) throw new Error(JSON.stringify(page.error));
  return page.value;
}

async function roomView(core: Core, room: string): Promise<ConversationEncryptionView> {
  return (await core.invoke('encryption.conversation', {
    accountId: core.accountId,
    conversation: room,
  })) as ConversationEncryptionView;
}

/** Creates `room` as its owner with its form (`values`), then waits for the room to be open. */
async function createRoom(core: Core, room: string, values: Record<string, string[]>): Promise<void> {
  const created = (await core.invoke('muc.join', {
    accountId: core.accountId,
    room,
    nick: 'jw',
    configure: true,
  })) as RoomView;
  expect(created).toMatchObject({ state: 'joined', affiliation: 'owner' });
  await core.invoke('muc.configuration', { accountId: core.accountId, room });
  await core.invoke('muc.configure', { accountId: core.accountId, room, values });
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!(await pythonOmemoAvailable()))('OMEMO in a members-only, non-anonymous room', () => {
  let server: ProsodyServer;
  let jw: Core;
  let py: PythonOmemoPeer;
  let carol: PythonOmemoPeer;

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PY, CAROL] });
    py = await startPythonOmemoPeer(server, PY, 'bot');
    carol = await startPythonOmemoPeer(server, CAROL, 'bot');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-omemo-room-'));
    dirs.push(dir);
    jw = await openTestCore(server, dir, createMemorySecretStore(), log, JW);
    await createRoom(jw, ROOM, {
      'muc#roomconfig_membersonly': ['true'],
      'muc#roomconfig_whois': ['anyone'],
    });
    for (const jid of [PY_JID, CAROL_JID]) {
      await jw.invoke('muc.setAffiliation', { accountId: jw.accountId, room: ROOM, jid, affiliation: 'member' });
    }
    for (const [peer, nick] of [
      [py, 'py'],
      [carol, 'carol'],
    ] as const) {
      const from = peer.events.length;
      peer.join(ROOM, nick);
      await peer.next((e) => e.event === 'joined' || e.event === 'error', `${nick} joins`, from);
    }
  }, 120_000);

  afterAll(async () => {
    for (const peer of [py, carol]) await peer?.stop().catch(() => undefined);
    await jw?.close();
    await server?.stop();
  });

  it('turns the lock on once the room qualifies and every member has devices', async () => {
    await eventually(async () => {
      expect(await roomView(jw, ROOM)).toMatchObject({
        encrypted: true,
        available: true,
        roomBlocked: null,
        withoutDevices: [],
      });
    }, 30_000);
  });

  it('both members read what Jabberwock sends; the reflected copy is its delivery', async () => {
    const marks = [py.events.length, carol.events.length];
    const sent = (await jw.invoke('message.send', {
      accountId: jw.accountId,
      conversation: ROOM,
      kind: 'groupchat',
      body: 'for the members only ✓',
    })) as MessageView;
    expect(sent.encryption).toMatchObject({ protocol: 'omemo', undecryptable: null });
    for (const [peer, from] of [
      [py, marks[0]],
      [carol, marks[1]],
    ] as const) {
      const read = await peer.next(
        (e) => e.event === 'room_message' || e.event === 'room_undecryptable',
        'a member reads',
        from,
      );
      expect(read, `${JSON.stringify(read)}\n${logLines.slice(-8).join('\n')}`).toMatchObject({
        event: 'room_message',
        from: JW_JID,
        body: 'for the members only ✓',
      });
    }
    await eventually(() =>
      expect(history(jw, ROOM).map((m) => [m.body, m.state])).toEqual([['for the members only ✓', 'delivered']]),
    );
  });

  it('stores a member’s message decrypted, with the device that sent it', async () => {
    const from = py.events.length;
    py.roomSend(ROOM, [JW_JID, CAROL_JID], 'hello room, from python-omemo');
    await py.next((e) => e.event === 'room_sent' || e.event === 'error', 'peer sends', from);
    await eventually(
      () =>
        expect(history(jw, ROOM).at(-1)).toMatchObject({
          direction: 'in',
          from: 'py',
          body: 'hello room, from python-omemo',
          encryption: { protocol: 'omemo', device: { id: py.deviceId, trust: 'blind' }, undecryptable: null },
        }),
      30_000,
    );
    // The second member reads the same message.
    await carol.next((e) => e.event === 'room_message' && e.body === 'hello room, from python-omemo', 'carol reads');
  });

  it('reads a member’s message that came while Jabberwock was away once (room history and archive)', async () => {
    const before = history(jw, ROOM).length;
    await jw.invoke('account.setEnabled', { id: jw.accountId, enabled: false });
    const duplicates = jw.messenger.chat.stats(jw.accountId)?.duplicates ?? 0;
    const from = py.events.length;
    py.roomSend(ROOM, [JW_JID, CAROL_JID], 'while you were away');
    await py.next((e) => e.event === 'room_sent' || e.event === 'error', 'peer sends', from);
    await jw.invoke('account.setEnabled', { id: jw.accountId, enabled: true });
    await eventually(
      () =>
        expect(
          history(jw, ROOM)
            .slice(before)
            .map((m) => [m.from, m.body, m.encryption?.undecryptable ?? null]),
        ).toEqual([['py', 'while you were away', null]]),
      30_000,
    );
    // The room's history on joining and its archive both had it: the second copy was found, not read again.
    await eventually(
      () => expect(jw.messenger.chat.stats(jw.accountId)?.duplicates).toBeGreaterThan(duplicates),
      30_000,
    );
    expect(history(jw, ROOM).slice(before)).toHaveLength(1);
  });

  it('a member who loses the affiliation is no longer encrypted to', async () => {
    await jw.invoke('muc.setAffiliation', { accountId: jw.accountId, room: ROOM, jid: CAROL_JID, affiliation: 'none' });
    const from = py.events.length;
    await jw.invoke('message.send', {
      accountId: jw.accountId,
      conversation: ROOM,
      kind: 'groupchat',
      body: 'without carol',
    });
    const read = await py.next((e) => e.event === 'room_message' && e.body === 'without carol', 'py reads', from);
    expect(read.rids).not.toContain(carol.deviceId);
    expect(read.rids).toContain(py.deviceId);
  });

  it('keeps the lock off in a room that is not members-only, and says why', async () => {
    await createRoom(jw, OPEN_ROOM, { 'muc#roomconfig_whois': ['anyone'] });
    await eventually(async () => {
      expect(await roomView(jw, OPEN_ROOM)).toMatchObject({
        encrypted: false,
        available: false,
        roomBlocked: 'not-members-only',
      });
    }, 30_000);
  });
});
