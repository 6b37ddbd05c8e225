/**
 * OMEMO in rooms: which rooms qualify (members-only and non-anonymous, read again when the room says
 * its configuration changed), who the members are (admin lists, then the room's own presence and
 * notices; never an occupant's word), and through the real ChatService and EncryptionFeature (OMEMO
 * engines on SQLite in memory, PEP in memory): a room message encrypted to every member's devices,
 * a member who leaves no longer encrypted to, a member read by their real JID, and the bad input:
 * a sender whose real JID is unknown, a member's device list answered by someone else, an occupant
 * who is not a member, an archived message whose sender's JID an occupant could have forged.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it } from 'vitest';
import type { AffiliationEntryView, RoomInfoView } from '../../../../../../src/shared/contract';
import { fail, ok } from '../../../../../../src/shared/result';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { createPepClient, type PepClient } from '../../../../../../src/main/core/encryption/pep';
import { NODE_DEVICELIST, NS_OMEMO_03 } from '../../../../../../src/main/core/encryption/omemo/stanzas';
import {
  archivedSenderJid,
  RoomEncryption,
  type RoomEncryptionOptions,
  type RoomsForEncryption,
} from '../../../../../../src/main/core/features/muc/room-encryption';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { RawPresence } from '../../../../../../src/main/core/accounts/stream/raw-presence';
import { silentLogger } from '../../../../../../src/main/core/log';
import { NS_MUC_USER, NS_PUBSUB } from '../../../../../../src/main/core/xmpp/ns';
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  openEncryptedChat,
  type EncryptedChat,
} from '../../../../../support/encrypted-chat';
import { MemoryPep } from '../../../../../support/memory-pep';
import { openDevice, type TestDevice } from '../../../../../support/omemo';
import { parseStanza } from '../../../../../support/xml';

const ROOM = 'secret@conference.example.com';
const MALLORY = 'mallory@example.com';

type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

/** The MUC feature as room encryption sees it: a room's info and admin lists, and its joins. */
function fakeRooms(
  config: { membersOnly: boolean; nonAnonymous: boolean },
  lists: Partial<Record<string, string[]>> | 'forbidden' = { member: [BOB, CAROL], owner: [ALICE] },
) {
  const joined: ((accountId: string, room: string) => void)[] = [];
  const state = { config, lists, infoAsked: 0 };
  const rooms: RoomsForEncryption & { join(): void; state: typeof state } = {
    state,
    isRoom: (_accountId, jid) => jid === ROOM,
    roomInfo: async () => {
      state.infoAsked++;
      return ok({ ...state.config } as unknown as RoomInfoView);
    },
    affiliations: async ({ affiliation }) =>
      state.lists === 'forbidden'
        ? fail('forbidden', 'muc.notInRoom')
        : ok((state.lists[affiliation] ?? []).map((jid): AffiliationEntryView => ({ jid, nick: null, reason: null }))),
    onJoined: (listener) => {
      joined.push(listener);
      return () => undefined;
    },
    join: () => joined.forEach((listener) => listener(ACCOUNT, ROOM)),
  };
  return rooms;
}

function openRoomEncryption(
  rooms: ReturnType<typeof fakeRooms>,
  wiring: Pick<RoomEncryptionOptions, 'refreshDevices' | 'onReady'> = {},
) {
  const handlers: Middleware[] = [];
  const changed: string[] = [];
  const encryption = new RoomEncryption({
    rooms,
    log: silentLogger,
    accountJid: () => ALICE,
    onChanged: (_accountId, room) => changed.push(room),
    ...wiring,
  });
  const hooks = new StreamHookRegistry();
  // The MUC feature takes occupant presence read from the stream text; others only hear of it.
  hooks.onRawRoomPresence(() => true);
  encryption.onClient(ACCOUNT, {
    middleware: { use: (fn: Middleware) => handlers.push(fn) },
    hooks,
  } as unknown as SessionXmpp);
  const deliver = (stanza: Element) => {
    let at = 0;
    const next = (): unknown => (at < handlers.length ? handlers[at++]({ stanza }, next) : undefined);
    next();
  };
  /** Occupant presence as the stream parser reads it (it never reaches the middleware). */
  const deliverRaw = (nick: string, jid: string, affiliation: string, from = `${ROOM}/${nick}`) => {
    const raw = new RawPresence();
    raw.from = from;
    raw.mucUser = true;
    raw.mucItem = true;
    raw.itemJid = jid;
    raw.itemAffiliation = affiliation;
    raw.itemRole = 'participant';
    hooks.consumeRawRoomPresence(raw);
  };
  return { encryption, deliver, deliverRaw, changed };
}

/** Room presence of `nick` with its standing (as the room sends it). */
function occupant(
  nick: string,
  jid: string,
  affiliation: string,
  extra: Record<string, string> = {},
  codes: string[] = [],
) {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}`, to: `${ALICE}/desk`, ...extra },
    xml(
      'x',
      { xmlns: NS_MUC_USER },
      xml('item', { affiliation, role: extra.type === 'unavailable' ? 'none' : 'participant', jid: `${jid}/res` }),
      ...codes.map((code) => xml('status', { code })),
    ),
  );
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('which rooms allow encryption, and their members', () => {
  it('a members-only, non-anonymous room: its owners, admins and members, without us', async () => {
    const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
    const { encryption } = openRoomEncryption(rooms);
    // Not read yet: messages wait for it.
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ blocked: 'unknown', pending: true });
    rooms.join();
    await settled();
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, CAROL] });
    expect(encryption.roomsOf(ACCOUNT, BOB)).toEqual([ROOM]);
  });

  it('says why when a room does not qualify, or its member list cannot be read', async () => {
    for (const [config, lists, blocked] of [
      [{ membersOnly: false, nonAnonymous: true }, undefined, 'not-members-only'],
      [{ membersOnly: true, nonAnonymous: false }, undefined, 'anonymous'],
      [{ membersOnly: true, nonAnonymous: true }, 'forbidden', 'unknown'],
    ] as const) {
      const rooms = fakeRooms(config, lists);
      const { encryption } = openRoomEncryption(rooms);
      rooms.join();
      await settled();
      // An unreadable member list is final (no message waits for it), not pending.
      expect(encryption.recipients(ACCOUNT, ROOM)).toEqual(
        blocked === 'unknown' ? { blocked, pending: false } : { blocked },
      );
    }
  });

  it('keeps the members current from the room’s presence: a new member in, one who lost it out, a non-member never', async () => {
    const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
    const { encryption, deliver, changed } = openRoomEncryption(rooms);
    rooms.join();
    await settled();
    deliver(occupant('dave', 'dave@example.com', 'member'));
    deliver(occupant('visitor', 'eve@example.com', 'none'));
    deliver(occupant('carol', CAROL, 'none', { type: 'unavailable' }, ['321']));
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, 'dave@example.com'] });
    expect(changed.length).toBeGreaterThanOrEqual(3);
    // An absent user's affiliation change comes from the room's bare JID.
    deliver(
      xml('message', { from: ROOM }, xml('x', { xmlns: NS_MUC_USER }, xml('item', { affiliation: 'none', jid: BOB }))),
    );
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: ['dave@example.com'] });
  });

  it('keeps the members current from occupant presence read from the stream text as well', async () => {
    const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
    const { encryption, deliverRaw } = openRoomEncryption(rooms);
    rooms.join();
    await settled();
    deliverRaw('dave', 'dave@example.com/phone', 'member');
    deliverRaw('visitor', 'eve@example.com', 'none');
    // From the room's bare JID, presence is not an occupant's: not believed.
    deliverRaw('', MALLORY, 'member', ROOM);
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, CAROL, 'dave@example.com'] });
    deliverRaw('carol', CAROL, 'none');
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, 'dave@example.com'] });
  });

  it('keeps what presence said while the member list was being read over the list read', async () => {
    const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
    const answered = rooms.affiliations;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The lists are asked before the presence below arrives, and answered after it.
    rooms.affiliations = async (input) => {
      const list = await answered(input);
      await gate;
      return list;
    };
    const { encryption, deliver } = openRoomEncryption(rooms);
    rooms.join();
    await settled();
    deliver(occupant('dave', 'dave@example.com', 'member'));
    deliver(occupant('carol', CAROL, 'none', { type: 'unavailable' }, ['321']));
    release();
    await settled();
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, 'dave@example.com'] });
  });

  it('believes affiliations and configuration changes only from the room itself, never from an occupant', async () => {
    const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
    const { encryption, deliver } = openRoomEncryption(rooms);
    rooms.join();
    await settled();
    const asked = rooms.state.infoAsked;
    // Mallory, an occupant, claims to be a member and that the room became anonymous.
    deliver(
      xml(
        'message',
        { from: `${ROOM}/mallory`, type: 'groupchat' },
        xml('body', {}, 'hi'),
        xml(
          'x',
          { xmlns: NS_MUC_USER },
          xml('item', { affiliation: 'member', jid: MALLORY }),
          xml('item', { affiliation: 'none', jid: BOB }),
          xml('status', { code: '173' }),
        ),
      ),
    );
    // Another room's presence naming a member of this one changes nothing here either.
    deliver(
      xml(
        'presence',
        { from: 'other@conference.example.com/x' },
        xml('x', { xmlns: NS_MUC_USER }, xml('item', { affiliation: 'none', jid: CAROL })),
      ),
    );
    await settled();
    expect(rooms.state.infoAsked).toBe(asked);
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB, CAROL] });

    // The room itself says it became semi-anonymous: read again, and it no longer qualifies.
    rooms.state.config = { membersOnly: true, nonAnonymous: false };
    deliver(
      xml(
        'message',
        { from: ROOM, type: 'groupchat' },
        xml('x', { xmlns: NS_MUC_USER }, xml('status', { code: '173' })),
      ),
    );
    await settled();
    expect(rooms.state.infoAsked).toBe(asked + 1);
    expect(encryption.recipients(ACCOUNT, ROOM)).toEqual({ blocked: 'anonymous' });
  });

  it('takes an archived sender’s real JID only when the archive’s element is the only one', () => {
    const archived = (...xs: Element[]) => xml('message', { from: `${ROOM}/bob`, type: 'groupchat' }, ...xs);
    const x = (jid: string) => xml('x', { xmlns: NS_MUC_USER }, xml('item', { jid, affiliation: 'member' }));
    expect(archivedSenderJid(archived(x(`${BOB}/phone`)))).toBe(BOB);
    // An occupant put one in its message; the archive added its own: which is which is not known.
    expect(archivedSenderJid(archived(x(MALLORY), x(BOB)))).toBeNull();
    expect(archivedSenderJid(archived())).toBeNull();
  });
});

let alice: EncryptedChat | null = null;
afterEach(() => {
  alice?.close();
  alice = null;
});

/** Alice in ROOM (nick alice) with Bob and Carol as members; occupants' real JIDs as the room shows them. */
async function roomChat(
  options: {
    wrapPep?: (pep: PepClient) => PepClient;
    request?: (iq: Element) => Promise<Element>;
    /** The room's configuration is answered once this settles (the join's check is under way until then). */
    infoAfter?: Promise<void>;
  } = {},
) {
  const pep = new MemoryPep();
  const bob = await openDevice(pep, BOB);
  const carol = await openDevice(pep, CAROL);
  const rooms = fakeRooms({ membersOnly: true, nonAnonymous: true });
  const roomInfo = rooms.roomInfo;
  rooms.roomInfo = async (input) => {
    await options.infoAfter;
    return roomInfo(input);
  };
  const occupants: Record<string, string> = { bob: BOB, carol: CAROL, alice: ALICE };
  // As the messenger wires it: members' devices read by the check, waiting messages sent after it.
  const { encryption: roomEncryption, deliver: deliverToRooms } = openRoomEncryption(rooms, {
    refreshDevices: async (accountId, jid) => alice?.encryption.service.refresh(accountId, jid),
    onReady: (accountId) => alice?.chat.encryptionReady(accountId),
  });
  alice = await openEncryptedChat({
    pep,
    wrapPep: options.wrapPep,
    request: options.request,
    encryptedRooms: roomEncryption,
    rooms: {
      joinedNick: (_accountId, room) => (room === ROOM ? 'alice' : null),
      occupantJid: (_accountId, room, nick) => (room === ROOM ? (occupants[nick] ?? null) : null),
      onJoined: () => () => undefined,
    },
  });
  rooms.join();
  await alice.idle();
  return { chat: alice, bob, carol, rooms, occupants, roomEncryption, deliverToRooms };
}

function keyRids(stanza: Element): number[] {
  return stanza
    .getChild('encrypted', NS_OMEMO_03)!
    .getChild('header')!
    .getChildren('key')
    .map((key) => Number(key.attrs.rid))
    .sort();
}

/** A room message from `nick`, encrypted by `device` to `members`, as the room delivers it. */
async function roomMessage(device: TestDevice, nick: string, members: string[], body: string): Promise<Element> {
  const result = await device.engine.encrypt(members, body);
  if (!result.ok) throw new Error(result.reason);
  return xml(
    'message',
    { from: `${ROOM}/${nick}`, to: `${ALICE}/desk`, type: 'groupchat', id: `m-${Math.random()}` },
    ...result.children,
    xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: ROOM, id: `s-${Math.random()}` }),
  );
}

const toRoom = (chat: EncryptedChat) => chat.sent.filter((s) => s.name === 'message' && s.attrs.to === ROOM);

describe('encrypted room messages', { timeout: 60_000 }, () => {
  it('goes to every member’s devices, on by default; a member who leaves is no longer encrypted to', async () => {
    const { chat, bob, carol, roomEncryption, deliverToRooms } = await roomChat();
    await chat.encryption.handlers['encryption.conversation']({ accountId: ACCOUNT, conversation: ROOM });
    await expect
      .poll(() => chat.encryption.conversationView(ACCOUNT, ROOM))
      .toMatchObject({ encrypted: true, available: true, roomBlocked: null, withoutDevices: [] });

    const sent = await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'all of us' });
    expect(sent.ok && sent.value.encryption).toMatchObject({ protocol: 'omemo' });
    await expect.poll(() => toRoom(chat).length).toBe(1);
    const [first] = toRoom(chat);
    expect(first.attrs.type).toBe('groupchat');
    expect(first.toString()).not.toContain('all of us');
    expect(keyRids(first)).toEqual([bob.deviceId, carol.deviceId].sort());
    const arrived = parseStanza(first.toString().replace('<message ', `<message from='${ROOM}/alice' `));
    expect(await carol.engine.decrypt(arrived, { sender: ALICE, via: 'live' })).toMatchObject({ body: 'all of us' });

    // The room removes Carol from its members.
    deliverToRooms(occupant('carol', CAROL, 'none', { type: 'unavailable' }, ['321']));
    expect(roomEncryption.recipients(ACCOUNT, ROOM)).toEqual({ members: [BOB] });
    await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'without carol' });
    await expect.poll(() => toRoom(chat).length).toBe(2);
    expect(keyRids(toRoom(chat)[1])).toEqual([bob.deviceId]);
  });

  it('a message written before the room was read waits, then goes encrypted to a room that qualifies', async () => {
    let release: () => void = () => undefined;
    const { chat, bob, carol } = await roomChat({ infoAfter: new Promise((resolve) => (release = resolve)) });
    // Being read: the lock is neither on nor off yet.
    expect(chat.encryption.conversationView(ACCOUNT, ROOM)).toMatchObject({
      pending: true,
      roomBlocked: 'unknown',
      chosen: false,
    });
    const sent = await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'too early' });
    expect(sent.ok && sent.value).toMatchObject({ state: 'queued', encryption: { protocol: 'omemo' } });
    await chat.idle();
    expect(toRoom(chat)).toEqual([]);

    release();
    await expect.poll(() => toRoom(chat).length).toBe(1);
    expect(toRoom(chat)[0].toString()).not.toContain('too early');
    expect(keyRids(toRoom(chat)[0])).toEqual([bob.deviceId, carol.deviceId].sort());
    expect(chat.encryption.conversationView(ACCOUNT, ROOM)).toMatchObject({ encrypted: true, pending: false });
  });

  it('a message written before the room was read goes in the clear only once the room turns out not to qualify', async () => {
    let release: () => void = () => undefined;
    const { chat, rooms } = await roomChat({ infoAfter: new Promise((resolve) => (release = resolve)) });
    await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'open room' });
    await chat.idle();
    expect(toRoom(chat)).toEqual([]);

    rooms.state.config = { membersOnly: false, nonAnonymous: true };
    release();
    await expect.poll(() => toRoom(chat).length).toBe(1);
    expect(toRoom(chat)[0].getChildText('body')).toBe('open room');
    expect(chat.history(ROOM)[0].encryption ?? null).toBeNull();
    expect(chat.encryption.conversationView(ACCOUNT, ROOM)).toMatchObject({
      encrypted: false,
      roomBlocked: 'not-members-only',
    });
  });

  it('a message written before the room was read stays encrypted when the room’s members cannot be read', async () => {
    let release: () => void = () => undefined;
    const { chat, rooms } = await roomChat({ infoAfter: new Promise((resolve) => (release = resolve)) });
    await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'who reads this' });
    rooms.state.lists = 'forbidden';
    release();
    await expect.poll(() => chat.history(ROOM)[0]?.state).toBe('failed');
    expect(chat.history(ROOM)[0].error?.encryption).toMatchObject({ reason: 'room-members-unknown' });
    expect(toRoom(chat)).toEqual([]);
  });

  it('reads a member’s message with their real JID; the reflected copy of ours is its delivery, not a message', async () => {
    const { chat, bob } = await roomChat();
    chat.deliver(await roomMessage(bob, 'bob', [ALICE, CAROL], 'hello room'));
    await expect.poll(() => chat.history(ROOM).length).toBe(1);
    expect(chat.history(ROOM)[0]).toMatchObject({
      direction: 'in',
      from: 'bob',
      body: 'hello room',
      encryption: { protocol: 'omemo', device: { id: bob.deviceId, trust: 'blind' }, undecryptable: null },
    });

    await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'mine' });
    await expect.poll(() => toRoom(chat).length).toBe(1);
    const reflected = parseStanza(toRoom(chat)[0].toString().replace('<message ', `<message from='${ROOM}/alice' `));
    chat.deliver(reflected);
    await chat.idle();
    expect(chat.history(ROOM).map((m) => [m.body, m.direction, m.state])).toEqual([
      ['hello room', 'in', 'received'],
      ['mine', 'out', 'delivered'],
    ]);
  });

  it('keeps the room’s order: a message in the clear waits for the encrypted one before it', async () => {
    const { chat, bob } = await roomChat();
    chat.deliver(await roomMessage(bob, 'bob', [ALICE, CAROL], 'encrypted first'));
    chat.deliver(
      xml(
        'message',
        { from: `${ROOM}/carol`, to: `${ALICE}/desk`, type: 'groupchat', id: 'p1' },
        xml('body', {}, 'plain second'),
      ),
    );
    await expect.poll(() => chat.history(ROOM).length).toBe(2);
    expect(chat.history(ROOM).map((m) => [m.body, m.encryption?.protocol ?? 'clear'])).toEqual([
      ['encrypted first', 'omemo'],
      ['plain second', 'clear'],
    ]);
  });

  it('stores a message whose sender’s real JID is unknown as unreadable, with why', async () => {
    const { chat, bob, occupants } = await roomChat();
    delete occupants.bob; // the room did not show Bob's real JID
    chat.deliver(await roomMessage(bob, 'bob', [ALICE], 'who am I'));
    await expect.poll(() => chat.history(ROOM).length).toBe(1);
    expect(chat.history(ROOM)[0]).toMatchObject({
      from: 'bob',
      body: '',
      encryption: { undecryptable: 'unknown-sender', device: null },
    });
  });

  it('a member’s device list answered by another JID is ignored: the lock stays off, a message is not sent', async () => {
    const forging = (client: PepClient): PepClient => {
      // The real PEP client, over a session whose answer to Carol's device list comes from Mallory.
      const session = {
        iqCaller: {
          request: async (iq: Element) => {
            const node = iq.getChild('pubsub', NS_PUBSUB)!.getChild('items')!.attrs.node;
            const items = (await client.items(CAROL, node)) ?? [];
            return xml(
              'iq',
              { type: 'result', from: MALLORY, id: iq.attrs.id },
              xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node }, ...items)),
            );
          },
        },
      } as unknown as SessionXmpp;
      const forged = createPepClient(session, ALICE);
      return {
        ...client,
        items: (jid, node) =>
          jid === CAROL && node === NODE_DEVICELIST ? forged.items(jid, node) : client.items(jid, node),
      };
    };
    const { chat } = await roomChat({ wrapPep: forging });
    await chat.encryption.handlers['encryption.conversation']({ accountId: ACCOUNT, conversation: ROOM });
    // The members' device lists are read on their own time (PEP, then the forged answer's check).
    await expect
      .poll(() => chat.encryption.conversationView(ACCOUNT, ROOM))
      .toMatchObject({
        encrypted: false,
        available: false,
        roomBlocked: 'member-without-devices',
        withoutDevices: [CAROL],
      });
    // Chosen anyway: never in the clear, failed with the member it is about.
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: ROOM,
      encrypted: true,
    });
    await chat.chat.send({ accountId: ACCOUNT, conversation: ROOM, kind: 'groupchat', body: 'secret' });
    await expect.poll(() => chat.history(ROOM)[0]?.state).toBe('failed');
    expect(chat.history(ROOM)[0].error?.encryption).toMatchObject({ member: CAROL });
    expect(toRoom(chat)).toEqual([]);
  });

  it('reads the room archive’s copies with the real JID the archive gives, and not one an occupant could forge', async () => {
    let results: Element[] = [];
    let deliver: (stanza: Element) => void = () => undefined;
    const { chat, bob } = await roomChat({
      request: async (iq) => {
        const queryId = iq.getChild('query', 'urn:xmpp:mam:2')?.attrs.queryid ?? '';
        for (const result of results) {
          result.getChild('result', 'urn:xmpp:mam:2')!.attrs.queryid = queryId;
          deliver(result);
        }
        return xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', complete: 'true' }));
      },
    });
    deliver = chat.deliver;
    const realJid = (jid: string) => xml('x', { xmlns: NS_MUC_USER }, xml('item', { jid, affiliation: 'member' }));
    const archived = (inner: Element, id: string) =>
      xml(
        'message',
        { from: ROOM, to: `${ALICE}/desk` },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', id, queryid: '' },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-01T10:00:00Z' }),
            inner,
          ),
        ),
      );
    const genuine = await roomMessage(bob, 'bob', [ALICE], 'from the room archive');
    genuine.append(realJid(BOB));
    // Mallory's message claims Bob's JID; the archive added Mallory's own after it.
    const forged = await roomMessage(bob, 'mallory', [ALICE], 'claims to be bob');
    forged.append(realJid(BOB));
    forged.append(realJid(MALLORY));
    results = [archived(genuine, 'arch-1'), archived(forged, 'arch-2')];
    chat.chat.roomJoined(ACCOUNT, ROOM);
    await expect.poll(() => chat.history(ROOM).length).toBe(2);
    expect(chat.history(ROOM).map((m) => [m.from, m.body, m.encryption?.undecryptable ?? null])).toEqual([
      ['bob', 'from the room archive', null],
      ['mallory', '', 'unknown-sender'],
    ]);
    expect(chat.history(ROOM)[0].encryption?.device?.id).toBe(bob.deviceId);
  });
  it('reads the archive’s copy into a replayed message stored unreadable because its sender had left', async () => {
    let results: Element[] = [];
    let deliver: (stanza: Element) => void = () => undefined;
    const { chat, bob, occupants } = await roomChat({
      request: async (iq) => {
        const queryId = iq.getChild('query', 'urn:xmpp:mam:2')?.attrs.queryid ?? '';
        for (const result of results) {
          result.getChild('result', 'urn:xmpp:mam:2')!.attrs.queryid = queryId;
          deliver(result);
        }
        return xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', complete: 'true' }));
      },
    });
    deliver = chat.deliver;
    // The room's history on join: Bob left, so the room shows no real JID for him.
    delete occupants.bob;
    const replayed = await roomMessage(bob, 'bob', [ALICE], 'said before you came');
    const byRoom = replayed.getChild('stanza-id', 'urn:xmpp:sid:0')!.attrs.id as string;
    const archivedCopy = parseStanza(replayed.toString());
    chat.deliver(replayed);
    await expect.poll(() => chat.history(ROOM).length).toBe(1);
    expect(chat.history(ROOM)[0].encryption?.undecryptable).toBe('unknown-sender');

    // The archive's copy of the same message names Bob.
    archivedCopy.children = archivedCopy.children.filter(
      (child) => typeof child === 'string' || child.name !== 'stanza-id',
    );
    archivedCopy.append(xml('x', { xmlns: NS_MUC_USER }, xml('item', { jid: BOB, affiliation: 'member' })));
    results = [
      xml(
        'message',
        { from: ROOM, to: `${ALICE}/desk` },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', id: byRoom, queryid: '' },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-01T10:00:00Z' }),
            archivedCopy,
          ),
        ),
      ),
    ];
    chat.chat.roomJoined(ACCOUNT, ROOM);
    await expect.poll(() => chat.history(ROOM)[0]?.body).toBe('said before you came');
    expect(chat.history(ROOM)).toHaveLength(1);
    expect(chat.history(ROOM)[0].encryption).toMatchObject({ undecryptable: null, device: { id: bob.deviceId } });
  });
});
