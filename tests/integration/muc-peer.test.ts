/**
 * Room control against Prosody's MUC with an independent client as the other occupant: slixmpp
 * (tests/support/muc_peer.py) joins Alice's moderated room as a visitor and asks for voice, which
 * Alice sees and grants; a second request follows Carol's new nick and goes when she leaves.
 * Alice changes the configuration and Carol sees the status codes; Alice destroys the room and
 * Carol sees the reason and the venue. Alice invites Carol through the room while Carol's client is
 * unknown to her, and directly once its caps (slixmpp's XEP-0249 plugin) say it reads direct ones.
 *
 * Self-ping (XEP-0410): Prosody forgets Alice's occupant (through its admin shell) while her
 * stream stays up, as after a MUC restart; nothing tells her, until the ping on waking finds that
 * the room no longer counts her in and she joins again.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomConfigurationView, RoomView, VoiceRequestView } from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startMucPeer, type MucPeer, type MucPeerMessage, type MucPeerPresence } from '../support/muc-peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const run = promisify(execFile);
const user = (name: string) => ({ user: name, password: `${name}-peer-Pa55` });
const ALICE = user('alice');
const CAROL = user('carol');
const HALL = 'hall@conference.localhost';
const ANNEX = 'annex@conference.localhost';
const STUDY = 'study@conference.localhost';
const log = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let alice: Core;
let carol: MucPeer;
let dir: string;

beforeAll(async () => {
  server = await startProsody({ users: [ALICE, CAROL], modules: ['admin_shell'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-muc-peer-'));
  alice = await openTestCore(server, dir, createMemorySecretStore(), log, ALICE);
  carol = await startMucPeer(server, CAROL, 'py');
});

afterAll(async () => {
  await carol?.stop();
  await alice?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const room = (jid: string) => alice.messenger.muc.room(alice.accountId, jid);
const voiceRequests = (jid: string): VoiceRequestView[] =>
  alice.messenger.muc.voiceRequests().filter((request) => request.room === jid);
const presenceOf = (occupant: string, check: (p: MucPeerPresence) => boolean) => (event: { event: string }) =>
  event.event === 'presence' && (event as MucPeerPresence).from === occupant && check(event as MucPeerPresence);

/** Creates `jid` as Alice with its form: moderated, with a name. */
async function createModerated(jid: string, name: string): Promise<void> {
  await alice.invoke('muc.join', { accountId: alice.accountId, room: jid, nick: 'Alice', configure: true });
  await alice.invoke('muc.configuration', { accountId: alice.accountId, room: jid });
  await alice.invoke('muc.configure', {
    accountId: alice.accountId,
    room: jid,
    values: { 'muc#roomconfig_roomname': [name], 'muc#roomconfig_moderatedroom': ['true'] },
  });
}

/** Carol joins `jid`; resolves with her self-presence. */
async function carolJoins(jid: string): Promise<MucPeerPresence> {
  const from = carol.events.length;
  await carol.run({ cmd: 'join', room: jid, nick: 'Carol' });
  return (await carol.next(
    presenceOf(`${jid}/Carol`, (p) => p.codes.includes('110')),
    `Carol in ${jid}`,
    from,
  )) as MucPeerPresence;
}

describe('slixmpp as the other occupant', () => {
  it('asks for voice in a moderated room; Alice sees the request and grants it', async () => {
    await createModerated(HALL, 'The Hall');
    expect((await carolJoins(HALL)).role).toBe('visitor');
    await waitUntil('Carol in Alice’s list', () =>
      alice.messenger.muc.occupants().some((o) => o.room === HALL && o.nick === 'Carol'),
    );

    await carol.run({ cmd: 'request_voice', room: HALL });
    await waitUntil('the request at Alice', () => voiceRequests(HALL).length === 1);
    const [request] = voiceRequests(HALL);
    expect(request).toMatchObject({ nick: 'Carol', jid: expect.stringMatching(/^carol@localhost\/py/) });

    const from = carol.events.length;
    await alice.invoke('muc.answerVoice', { accountId: alice.accountId, id: request.id, allow: true });
    await carol.next(
      presenceOf(`${HALL}/Carol`, (p) => p.role === 'participant'),
      'Carol has voice',
      from,
    );
    expect(voiceRequests(HALL)).toEqual([]);
  });

  it('a pending request follows Carol’s new nick, and goes when she leaves', async () => {
    await alice.invoke('muc.setRole', { accountId: alice.accountId, room: HALL, nick: 'Carol', role: 'visitor' });
    await carol.next(
      presenceOf(`${HALL}/Carol`, (p) => p.role === 'visitor'),
      'Carol a visitor again',
    );
    await carol.run({ cmd: 'request_voice', room: HALL });
    await waitUntil('the second request at Alice', () => voiceRequests(HALL).length === 1);

    await carol.run({ cmd: 'nick', room: HALL, nick: 'Caro' });
    await waitUntil('the request under the new nick', () => voiceRequests(HALL)[0]?.nick === 'Caro');
    await carol.run({ cmd: 'leave', room: HALL, nick: 'Caro' });
    await waitUntil('the request gone with Carol', () => voiceRequests(HALL).length === 0);
  });

  it('sees the status codes of Alice’s configuration change, and the reason and venue when she destroys the room', async () => {
    await createModerated(ANNEX, 'The Annex');
    await carolJoins(ANNEX);
    const { form } = (await alice.invoke('muc.configuration', {
      accountId: alice.accountId,
      room: ANNEX,
    })) as RoomConfigurationView;
    expect(form.fields.some((field) => field.var === 'muc#roomconfig_whois')).toBe(true);

    let from = carol.events.length;
    await alice.invoke('muc.configure', {
      accountId: alice.accountId,
      room: ANNEX,
      values: { 'muc#roomconfig_roomname': ['The Great Annex'], 'muc#roomconfig_whois': ['anyone'] },
    });
    const notice = (await carol.next(
      (event) => event.event === 'message' && (event as MucPeerMessage).from === ANNEX,
      'the configuration notice',
      from,
    )) as MucPeerMessage;
    // 104: a change that does not touch privacy; 172: the room now shows real JIDs to everyone.
    // (Prosody may add 170 as the submitted form writes down its default of archiving.)
    expect(notice.codes).toEqual(expect.arrayContaining(['104', '172']));

    from = carol.events.length;
    await alice.invoke('muc.destroy', { accountId: alice.accountId, room: ANNEX, reason: 'moving on', venue: HALL });
    const gone = (await carol.next(
      presenceOf(`${ANNEX}/Carol`, (p) => p.type === 'unavailable'),
      'Carol out of the annex',
      from,
    )) as MucPeerPresence;
    expect(gone.destroy).toEqual({ jid: HALL, reason: 'moving on' });
    await waitUntil('the annex gone at Alice', () => room(ANNEX)?.state !== 'joined');
  });
});

describe('invitations (XEP-0249 or XEP-0045 §7.8.2) decided from the invitee’s caps', () => {
  const LOBBY = 'lobby@conference.localhost';
  const readsDirect = () =>
    [...(alice.messenger.presence.service.tracker(alice.accountId)?.resources('carol@localhost')?.values() ?? [])].some(
      (device) => device.client?.features.includes('jabber:x:conference'),
    );

  it('invites through the room while Carol’s client is unknown, directly once its caps say it reads them', async () => {
    await alice.invoke('muc.join', { accountId: alice.accountId, room: LOBBY, nick: 'Alice' });
    let from = carol.events.length;
    await alice.invoke('muc.invite', {
      accountId: alice.accountId,
      room: LOBBY,
      jid: 'carol@localhost',
      reason: 'tea',
    });
    expect(await carol.next((e) => e.event === 'invite', 'the invitation through the room', from)).toMatchObject({
      kind: 'mediated',
      from: LOBBY,
      reason: 'tea',
    });

    await alice.invoke('subscription.add', { accountId: alice.accountId, jid: 'carol@localhost' });
    await waitUntil('Carol’s caps at Alice', readsDirect);
    from = carol.events.length;
    await alice.invoke('muc.invite', {
      accountId: alice.accountId,
      room: LOBBY,
      jid: 'carol@localhost',
      reason: 'tea',
    });
    expect(await carol.next((e) => e.event === 'invite', 'the direct invitation', from)).toMatchObject({
      kind: 'direct',
      from: expect.stringMatching(/^alice@localhost\//),
      room: LOBBY,
      reason: 'tea',
    });
  });
});

describe('self-ping (XEP-0410)', () => {
  /** Makes Prosody's MUC forget Alice's occupant in `jid` without a word to anyone (her stream stays up). */
  async function forgetAlice(jid: string): Promise<void> {
    const lua = [
      `local room = prosody.hosts["conference.localhost"].modules.muc.get_room_from_jid("${jid}")`,
      `local occupant = room:get_occupant_by_nick("${jid}/Alice")`,
      'for real_jid in occupant:each_session() do room._jid_nick[real_jid] = nil end',
      'room._occupants[occupant.nick] = nil',
      'return "forgotten"',
    ].join('; ');
    const { stdout } = await run('prosodyctl', [
      '--config',
      path.join(server.dir, 'prosody.cfg.lua'),
      'shell',
      `>${lua}`,
    ]);
    expect(stdout).toContain('forgotten');
  }

  it('finds that the room forgot us and joins again with the same nick, saying so in the room', async () => {
    await alice.invoke('muc.join', { accountId: alice.accountId, room: STUDY, nick: 'Alice' });
    await carolJoins(STUDY);
    await forgetAlice(STUDY);
    // Nothing told Alice: she still thinks she is in.
    expect(room(STUDY)?.state).toBe('joined');

    const from = carol.events.length;
    alice.messenger.checkConnections(); // the computer woke up: every room is asked
    await carol.next(
      presenceOf(`${STUDY}/Alice`, (p) => p.type !== 'unavailable'),
      'Alice joining the study again',
      from,
    );
    await waitUntil('Alice in the study again', () => room(STUDY)?.state === 'joined');
    expect(room(STUDY)).toMatchObject({ nick: 'Alice' } satisfies Partial<RoomView>);
    const notices = alice.messenger.muc.notices().filter((n) => n.room === STUDY);
    expect(notices.map((n) => n.code)).toContain('muc.selfPingRejoining');
  });

  it('a room that still counts us in is left alone', async () => {
    const before = alice.messenger.muc.notices().length;
    const from = carol.events.length;
    alice.messenger.checkConnections();
    // Asked of the same room after the ping: its answer comes after the ping's (one server, in order).
    await alice.invoke('muc.roomInfo', { accountId: alice.accountId, room: STUDY });
    expect(room(STUDY)?.state).toBe('joined');
    expect(alice.messenger.muc.notices().length).toBe(before);
    expect(carol.events.slice(from).some((e) => e.event === 'presence' && e.from === `${STUDY}/Alice`)).toBe(false);
  });
});
