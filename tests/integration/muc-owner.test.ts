/**
 * A room's owner and moderators against Prosody's MUC, with two Jabberwock cores: Alice creates a
 * room with its configuration form (moderated, named), Bob reads the room's info before joining and
 * enters as a visitor, asks for voice, and Alice grants it from the request the room sent her; the
 * roles then turn (Bob moderator, Alice's second room a visitor's) and a request is denied. Finally
 * Alice destroys the room with a reason and a venue, which Bob sees as he is removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RoomInfoView, RoomConfigurationView, RoomView, VoiceRequestView } from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const user = (name: string) => ({ user: name, password: `${name}-owner-Pa55` });
const ALICE = user('alice');
const BOB = user('bob');
const HALL = 'hall@conference.localhost';
const ANNEX = 'annex@conference.localhost';
const log = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let alice: Core;
let bob: Core;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startProsody({ users: [ALICE, BOB] });
  const open = async (account: typeof ALICE) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `jw-owner-${account.user}-`));
    dirs.push(dir);
    return openTestCore(server, dir, createMemorySecretStore(), log, account);
  };
  alice = await open(ALICE);
  bob = await open(BOB);
});

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const room = (core: Core, jid: string) => core.messenger.muc.room(core.accountId, jid);
const voiceRequests = (core: Core, jid: string): VoiceRequestView[] =>
  core.messenger.muc.voiceRequests().filter((request) => request.room === jid);

/** Creates `jid` as `owner` with its form: moderated, with a name. */
async function createModerated(owner: Core, jid: string, name: string): Promise<void> {
  const created = (await owner.invoke('muc.join', {
    accountId: owner.accountId,
    room: jid,
    nick: 'Owner',
    configure: true,
  })) as RoomView;
  expect(created).toMatchObject({ state: 'joined', affiliation: 'owner', awaitingConfiguration: true });
  const { form } = (await owner.invoke('muc.configuration', {
    accountId: owner.accountId,
    room: jid,
  })) as RoomConfigurationView;
  const vars = form.fields.map((field) => field.var);
  expect(vars).toContain('muc#roomconfig_moderatedroom');
  await owner.invoke('muc.configure', {
    accountId: owner.accountId,
    room: jid,
    values: { 'muc#roomconfig_roomname': [name], 'muc#roomconfig_moderatedroom': ['true'] },
  });
  expect(room(owner, jid)?.awaitingConfiguration).toBeUndefined();
}

it('creates a room with its form, shows its info before joining, and grants a voice request', async () => {
  const before = (await bob.invoke('muc.roomInfo', { accountId: bob.accountId, room: HALL })) as RoomInfoView;
  expect(before.exists).toBe(false);

  await createModerated(alice, HALL, 'The Hall');

  const info = (await bob.invoke('muc.roomInfo', { accountId: bob.accountId, room: HALL })) as RoomInfoView;
  expect(info).toMatchObject({ exists: true, name: 'The Hall', moderated: true });

  const joined = (await bob.invoke('muc.join', { accountId: bob.accountId, room: HALL, nick: 'Bob' })) as RoomView;
  expect(joined.role).toBe('visitor');
  await bob.invoke('muc.requestVoice', { accountId: bob.accountId, room: HALL });
  await waitUntil('the request at the owner', () => voiceRequests(alice, HALL).length === 1);
  const [request] = voiceRequests(alice, HALL);
  expect(request).toMatchObject({ nick: 'Bob', jid: expect.stringMatching(/^bob@localhost\//) });
  await alice.invoke('muc.answerVoice', { accountId: alice.accountId, id: request.id, allow: true });
  await waitUntil('Bob has voice', () => room(bob, HALL)?.role === 'participant');
  expect(voiceRequests(alice, HALL)).toEqual([]);
});

it('the other way round: Bob owns a moderated room, denies Alice, and she stays a visitor', async () => {
  await createModerated(bob, ANNEX, 'The Annex');
  const joined = (await alice.invoke('muc.join', {
    accountId: alice.accountId,
    room: ANNEX,
    nick: 'Alice',
  })) as RoomView;
  expect(joined.role).toBe('visitor');
  await alice.invoke('muc.requestVoice', { accountId: alice.accountId, room: ANNEX });
  await waitUntil('the request at Bob', () => voiceRequests(bob, ANNEX).length === 1);
  const [request] = voiceRequests(bob, ANNEX);
  await bob.invoke('muc.answerVoice', { accountId: bob.accountId, id: request.id, allow: false });
  // Then a grant of a second request proves the room had answered the denial already.
  await alice.invoke('muc.requestVoice', { accountId: alice.accountId, room: ANNEX });
  await waitUntil('the second request at Bob', () => voiceRequests(bob, ANNEX).length === 1);
  expect(room(alice, ANNEX)?.role).toBe('visitor');
  await bob.invoke('muc.answerVoice', { accountId: bob.accountId, id: voiceRequests(bob, ANNEX)[0].id, allow: true });
  await waitUntil('Alice has voice', () => room(alice, ANNEX)?.role === 'participant');
});

it('changes the configuration of a room it owns, and destroys it with a reason and a venue', async () => {
  const { form } = (await alice.invoke('muc.configuration', {
    accountId: alice.accountId,
    room: HALL,
  })) as RoomConfigurationView;
  expect(form.fields.find((field) => field.var === 'muc#roomconfig_roomname')?.values).toEqual(['The Hall']);
  await alice.invoke('muc.configure', {
    accountId: alice.accountId,
    room: HALL,
    values: { 'muc#roomconfig_roomname': ['The Great Hall'] },
  });
  const info = (await bob.invoke('muc.roomInfo', { accountId: bob.accountId, room: HALL })) as RoomInfoView;
  expect(info.name).toBe('The Great Hall');

  await alice.invoke('muc.destroy', { accountId: alice.accountId, room: HALL, reason: 'moving on', venue: ANNEX });
  await waitUntil('Bob is out', () => room(bob, HALL)?.state === 'left');
  expect(room(bob, HALL)?.error).toMatchObject({
    reason: 'muc.destroyed',
    params: { reason: 'moving on', venue: ANNEX },
  });
  const gone = (await bob.invoke('muc.roomInfo', { accountId: bob.accountId, room: HALL })) as RoomInfoView;
  expect(gone.exists).toBe(false);
});
