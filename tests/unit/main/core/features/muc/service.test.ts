/**
 * MucService fed stanzas directly through its middleware, with the real event bus: who may speak
 * for a room, technical removal (333) rejoining once, caps on nicks and subjects, a 5,000-occupant
 * join sent as one event, and no rejoin after a resumed stream.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUC_SUBJECT_MAX, type AppEvent, type RoomView } from '../../../../../../src/shared/contract';
import type { Result } from '../../../../../../src/shared/result';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { NS_MUC, NS_MUC_USER } from '../../../../../../src/main/core/xmpp/ns';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc-1';
const ROOM = 'room@conference.example.org';

type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

let bus: EventBus;
let events: AppEvent[];
let sent: Element[];
let middleware: Middleware;
let service: MucService;

function online(resumed = false): void {
  const fake = {
    status: 'online',
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: { set: async () => xml('query') },
    hooks: new StreamHookRegistry(),
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  };
  service.onClient(ACCOUNT, fake as unknown as SessionXmpp);
  service.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: 'me@example.org/jw', resumed });
}

/** Delivers a stanza; returns true when MUC consumed it. */
function deliver(stanza: Element): boolean {
  let passed = false;
  middleware({ stanza }, () => (passed = true));
  return !passed;
}

function occupantPresence(nick: string, item: Record<string, string>, codes: string[] = [], type?: string): Element {
  return xml(
    'presence',
    type ? { from: `${ROOM}/${nick}`, type } : { from: `${ROOM}/${nick}` },
    xml('x', { xmlns: NS_MUC_USER }, xml('item', item), ...codes.map((code) => xml('status', { code }))),
  );
}

async function joined(nick = 'me'): Promise<RoomView> {
  const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick });
  await Promise.resolve();
  deliver(occupantPresence(nick, { role: 'participant', affiliation: 'none' }, ['110']));
  const result: Result<RoomView> = await answer;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

beforeEach(() => {
  bus = new EventBus(1);
  events = [];
  bus.subscribe((batch) => events.push(...batch.events));
  sent = [];
  service = new MucService({ bus, accounts: { list: () => [] }, log: silentLogger });
  online();
});

afterEach(() => {
  service.close();
  bus.close();
});

describe('MUC presence', () => {
  it('ignores a self-presence (110) from a JID that is not a room we joined', () => {
    const stranger = xml(
      'presence',
      { from: 'evil@conference.example.org/me' },
      xml(
        'x',
        { xmlns: NS_MUC_USER },
        xml('item', { role: 'moderator', affiliation: 'owner' }),
        xml('status', { code: '110' }),
      ),
    );
    expect(deliver(stranger)).toBe(false);
    expect(service.rooms()).toEqual([]);
  });

  it('completes a join on 110 and sends the join with the MUC element and password', async () => {
    const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'me', password: 's3cret' });
    await Promise.resolve();
    expect(sent[0].attrs.to).toBe(`${ROOM}/me`);
    expect(sent[0].getChild('x', NS_MUC)?.getChildText('password')).toBe('s3cret');
    // Other occupants first, then our own presence.
    expect(
      deliver(occupantPresence('alice', { role: 'moderator', affiliation: 'owner', jid: 'alice@example.org/x' })),
    ).toBe(true);
    expect(service.room(ACCOUNT, ROOM)?.state).toBe('joining');
    deliver(occupantPresence('me', { role: 'participant', affiliation: 'member' }, ['110', '100']));
    const result = await answer;
    expect(result.ok && result.value).toMatchObject({ state: 'joined', affiliation: 'member', nonAnonymous: true });
    expect(service.occupants().map((o) => [o.nick, o.self, o.jid])).toEqual([
      ['alice', false, 'alice@example.org/x'],
      ['me', true, null],
    ]);
  });

  it('a technical removal (333) rejoins once; a second one leaves', async () => {
    await joined();
    sent.length = 0;
    deliver(occupantPresence('me', { role: 'none', affiliation: 'none' }, ['110', '333'], 'unavailable'));
    expect(service.room(ACCOUNT, ROOM)?.state).toBe('joining');
    await Promise.resolve();
    expect(sent.map((s) => s.attrs.to)).toEqual([`${ROOM}/me`]);
    deliver(occupantPresence('me', { role: 'participant', affiliation: 'none' }, ['110']));
    deliver(occupantPresence('me', { role: 'none', affiliation: 'none' }, ['110', '333'], 'unavailable'));
    expect(service.room(ACCOUNT, ROOM)?.state).toBe('joining'); // a successful rejoin resets the allowance
    deliver(occupantPresence('me', { role: 'none', affiliation: 'none' }, ['110', '333'], 'unavailable'));
    expect(service.room(ACCOUNT, ROOM)).toMatchObject({ state: 'left', error: { kind: 'service-unavailable' } });
  });

  it('ignores an occupant with an oversized nick and caps a huge subject', async () => {
    await joined();
    deliver(occupantPresence('n'.repeat(1024 * 1024), { role: 'participant', affiliation: 'none' }));
    expect(service.occupants()).toHaveLength(1);
    deliver(xml('message', { from: `${ROOM}/me`, type: 'groupchat' }, xml('subject', {}, 's'.repeat(1024 * 1024))));
    expect(service.room(ACCOUNT, ROOM)?.subject).toHaveLength(MUC_SUBJECT_MAX);
    // A subject from another room, or a message with a body, is not this room's subject.
    deliver(
      xml('message', { from: 'other@conference.example.org/x', type: 'groupchat' }, xml('subject', {}, 'forged')),
    );
    deliver(xml('message', { from: `${ROOM}/me`, type: 'groupchat' }, xml('subject', {}, 'x'), xml('body', {}, 'hi')));
    expect(service.room(ACCOUNT, ROOM)?.subject).toHaveLength(MUC_SUBJECT_MAX);
  });

  it('sends a 5,000-occupant join as one occupants event', async () => {
    const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'me' });
    await Promise.resolve();
    for (let i = 0; i < 5000; i++) deliver(occupantPresence(`user${i}`, { role: 'participant', affiliation: 'none' }));
    deliver(occupantPresence('me', { role: 'participant', affiliation: 'none' }, ['110']));
    await answer;
    bus.flush();
    const occupantEvents = events.filter((e) => e.type === 'muc.occupants');
    expect(occupantEvents).toHaveLength(1);
    expect(occupantEvents[0].type === 'muc.occupants' && occupantEvents[0].changed).toHaveLength(5001);
    expect(service.room(ACCOUNT, ROOM)?.occupantCount).toBe(5001);
  });

  it('rejoins after a new session but not after a resumed stream', async () => {
    await joined();
    service.onOffline(ACCOUNT);
    expect(service.room(ACCOUNT, ROOM)?.state).toBe('joining');
    sent.length = 0;
    online(true);
    await Promise.resolve();
    expect(sent).toEqual([]);
    online(false);
    await Promise.resolve();
    expect(sent.map((s) => s.attrs.to)).toEqual([`${ROOM}/me`]);
  });

  it('a direct invitation to an invalid room is dropped; one per room is kept', () => {
    deliver(xml('message', { from: 'carol@example.org/x' }, xml('x', { xmlns: 'jabber:x:conference', jid: 'a@b@c' })));
    deliver(xml('message', { from: 'carol@example.org/x' }, xml('x', { xmlns: 'jabber:x:conference', jid: ROOM })));
    deliver(xml('message', { from: 'dave@example.org/x' }, xml('x', { xmlns: 'jabber:x:conference', jid: ROOM })));
    expect(service.invites().map((i) => [i.room, i.from, i.kind])).toEqual([[ROOM, 'carol@example.org', 'direct']]);
  });

  it('210: the room assigned another nick; 332 and 321 remove us, saying which', async () => {
    const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'Me' });
    await Promise.resolve();
    deliver(occupantPresence('me-normalized', { role: 'participant', affiliation: 'none' }, ['110', '210']));
    const result = await answer;
    expect(result.ok && result.value.nick).toBe('me-normalized');
    expect(service.occupants().map((o) => [o.nick, o.self])).toEqual([['me-normalized', true]]);

    deliver(occupantPresence('me-normalized', { role: 'none', affiliation: 'none' }, ['110', '332'], 'unavailable'));
    expect(service.room(ACCOUNT, ROOM)).toMatchObject({ state: 'left', error: { kind: 'service-unavailable' } });
    expect(service.room(ACCOUNT, ROOM)?.error).toMatchObject({ reason: 'muc.removedShutdown', params: { nick: null } });

    await joined('again');
    deliver(occupantPresence('again', { role: 'none', affiliation: 'none' }, ['110', '321'], 'unavailable'));
    expect(service.room(ACCOUNT, ROOM)).toMatchObject({ state: 'left', error: { kind: 'members-only' } });
    expect(service.room(ACCOUNT, ROOM)?.error).toMatchObject({ reason: 'muc.removedAffiliation' });
  });
});
