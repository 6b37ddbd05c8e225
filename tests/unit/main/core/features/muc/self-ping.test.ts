/**
 * MUC self-ping (XEP-0410) through the real MucService, the real xmpp.js IQ caller and the real IQ
 * guard: stanzas are fed through the same middleware order as a session's, and the clock is
 * vitest's. When a room is pinged (silence, a resumed stream), one ping at a time, what each answer
 * means, a reply from anyone but our occupant JID, and a reply that never comes.
 */
import iqCaller from '@xmpp/iq/caller.js';
import jid from '@xmpp/jid';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomView } from '../../../../../../src/shared/contract';
import type { Result } from '../../../../../../src/shared/result';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { createIqGuard } from '../../../../../../src/main/core/accounts/iq-guard';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { selfPingOutcome } from '../../../../../../src/main/core/features/muc/self-ping';
import { NS_MUC, NS_MUC_USER, NS_PING, NS_STANZAS } from '../../../../../../src/main/core/xmpp/ns';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc-1';
const ROOM = 'room@conference.example.org';
const ME = `${ROOM}/me`;
const TIMES = { idleMs: 60_000, retryMs: 300_000, timeoutMs: 30_000, checkEveryMs: 10_000 };

type Ctx = { stanza: Element; name: string; type?: string; id?: string };
type Middleware = (ctx: Ctx, next: () => unknown) => unknown;

let bus: EventBus;
let sent: Element[];
let chain: Middleware[];
let service: MucService;

function online(resumed = false): void {
  chain = [];
  const entity = { send: async (stanza: Element) => void sent.push(stanza) };
  const guard = createIqGuard({ jid: () => jid('me@example.org/jw'), domain: 'example.org', log: silentLogger });
  // As in a session: the guard, then the IQ caller's routing, then the features in their order.
  chain.push(guard.middleware as unknown as Middleware);
  const caller = iqCaller({ entity, middleware: { use: (fn: Middleware) => chain.push(fn) } } as never);
  guard.wrap(caller);
  const fake = {
    status: 'online',
    send: entity.send,
    iqCaller: caller,
    hooks: new StreamHookRegistry(),
    middleware: { use: (fn: Middleware) => chain.push(fn) },
  } as unknown as SessionXmpp;
  service.onClient(ACCOUNT, fake);
  service.onOnline(ACCOUNT, { xmpp: fake, boundJid: 'me@example.org/jw', resumed });
}

/** Delivers a stanza through the whole chain. */
function deliver(stanza: Element): void {
  let index = 0;
  const ctx: Ctx = { stanza, name: stanza.name, type: stanza.attrs.type, id: stanza.attrs.id };
  const next = (): unknown => chain[index++]?.(ctx, next);
  next();
}

const pings = () => sent.filter((s) => s.name === 'iq' && s.getChild('ping', NS_PING));
const joinPresences = () => sent.filter((s) => s.name === 'presence' && s.getChild('x', NS_MUC));
const roomState = () => service.room(ACCOUNT, ROOM)?.state;
const notices = () => service.notices().map((n) => n.code);

function selfPresence(nick = 'me'): Element {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}` },
    xml(
      'x',
      { xmlns: NS_MUC_USER },
      xml('item', { role: 'participant', affiliation: 'none' }),
      xml('status', { code: '110' }),
    ),
  );
}

function errorReply(to: Element, from: string, condition: string, ns = NS_STANZAS): Element {
  return xml(
    'iq',
    { type: 'error', id: to.attrs.id, from },
    xml('error', { type: 'cancel' }, xml(condition, { xmlns: ns })),
  );
}

async function joined(password?: string): Promise<RoomView> {
  const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'me', password });
  await Promise.resolve();
  deliver(selfPresence());
  const result: Result<RoomView> = await answer;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** Moves the clock on, running the checks and timers due meanwhile. */
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  bus = new EventBus(1);
  sent = [];
  service = new MucService({
    bus,
    accounts: { list: () => [] },
    log: silentLogger,
    now: () => Date.now(),
    selfPing: TIMES,
  });
  online();
});

afterEach(() => {
  service.close();
  bus.close();
  vi.useRealTimers();
});

describe('when a room is pinged', () => {
  it('after the idle time without a word from the room, at our own occupant JID; traffic puts it off', async () => {
    await joined();
    await wait(50_000);
    expect(pings()).toEqual([]);
    deliver(xml('message', { from: `${ROOM}/alice`, type: 'groupchat' }, xml('body', {}, 'hi')));
    await wait(40_000); // 90 s after the join, 40 s after the message
    expect(pings()).toEqual([]);
    await wait(30_000);
    expect(pings().map((p) => [p.attrs.to, p.attrs.type])).toEqual([[ME, 'get']]);
    deliver(xml('iq', { type: 'result', id: pings()[0].attrs.id, from: ME }));
    await wait(50_000);
    expect(pings()).toHaveLength(1); // the answer counts as a sign of life
    expect(roomState()).toBe('joined');
  });

  it('at once for every joined room when the stream resumed or the computer woke; not after a new session', async () => {
    await joined();
    online(true);
    await wait(0);
    expect(pings().map((p) => p.attrs.to)).toEqual([ME]);
    deliver(xml('iq', { type: 'result', id: pings()[0].attrs.id, from: ME }));
    await wait(0);
    service.checkRooms();
    await wait(0);
    expect(pings()).toHaveLength(2);
    deliver(xml('iq', { type: 'result', id: pings()[1].attrs.id, from: ME }));
    await wait(0);

    service.onOffline(ACCOUNT);
    online(false); // a new session joins again instead
    await wait(0);
    expect(pings()).toHaveLength(2);
    expect(joinPresences().map((p) => p.attrs.to)).toEqual([ME, ME]);
  });

  it('an error from the room makes it due at the next look', async () => {
    await joined();
    deliver(
      xml(
        'message',
        { from: ROOM, type: 'error' },
        xml('error', { type: 'cancel' }, xml('not-acceptable', { xmlns: NS_STANZAS })),
      ),
    );
    await wait(TIMES.checkEveryMs);
    expect(pings()).toHaveLength(1);
  });
});

describe('one ping at a time, and what its answer means', () => {
  it('never two in flight; a reply that never comes decides nothing and is asked again only after a while', async () => {
    await joined();
    service.checkRooms();
    service.checkRooms();
    await wait(TIMES.timeoutMs - 1);
    expect(pings()).toHaveLength(1); // several looks while it waits: still one
    await wait(1); // timed out
    service.checkRooms(); // waking up again asks at once
    await wait(0);
    expect(pings()).toHaveLength(2);
    await wait(TIMES.timeoutMs);
    await wait(TIMES.retryMs - TIMES.checkEveryMs);
    expect(pings()).toHaveLength(2);
    await wait(TIMES.checkEveryMs);
    expect(pings()).toHaveLength(3);
    expect(roomState()).toBe('joined');
    expect(joinPresences()).toHaveLength(1);
  });

  it('ignores a reply from anyone but our occupant JID; the real not-acceptable joins again with nick and password', async () => {
    await joined('s3cret');
    service.checkRooms();
    await wait(0);
    const [ping] = pings();
    deliver(errorReply(ping, ROOM, 'not-acceptable'));
    deliver(errorReply(ping, `${ROOM}/alice`, 'not-acceptable'));
    deliver(errorReply(ping, 'mallory@evil.example/x', 'not-acceptable'));
    await wait(0);
    expect(roomState()).toBe('joined');
    expect(joinPresences()).toHaveLength(1);

    deliver(errorReply(ping, ME, 'not-acceptable'));
    await wait(0);
    expect(roomState()).toBe('joining');
    expect(notices()).toContain('muc.selfPingRejoining');
    const rejoin = joinPresences()[1];
    expect(rejoin.attrs.to).toBe(ME);
    expect(rejoin.getChild('x', NS_MUC)?.getChildText('password')).toBe('s3cret');
    deliver(selfPresence());
    expect(roomState()).toBe('joined');
    await wait(TIMES.idleMs - TIMES.checkEveryMs);
    expect(pings()).toHaveLength(1); // the new join counts as a sign of life
  });

  it('service-unavailable, feature-not-implemented and item-not-found: still in; remote server errors wait', async () => {
    await joined();
    for (const condition of ['service-unavailable', 'feature-not-implemented', 'item-not-found']) {
      service.checkRooms();
      await wait(0);
      deliver(errorReply(pings().at(-1)!, ME, condition));
      await wait(0);
    }
    expect(pings()).toHaveLength(3);
    expect(joinPresences()).toHaveLength(1);
    service.checkRooms();
    await wait(0);
    deliver(errorReply(pings().at(-1)!, ME, 'remote-server-not-found'));
    await wait(TIMES.checkEveryMs);
    expect(pings()).toHaveLength(4);
    expect(roomState()).toBe('joined');
  });

  it('reads each answer as XEP-0410 says', () => {
    const stanzaError = (condition: string, ns = NS_STANZAS) => ({
      name: 'StanzaError',
      condition,
      element: xml('error', { type: 'cancel' }, xml(condition, { xmlns: ns })),
    });
    expect(selfPingOutcome(stanzaError('service-unavailable'))).toBe('joined');
    expect(selfPingOutcome(stanzaError('feature-not-implemented'))).toBe('joined');
    expect(selfPingOutcome(stanzaError('item-not-found'))).toBe('joined');
    expect(selfPingOutcome(stanzaError('not-acceptable'))).toBe('dropped');
    expect(selfPingOutcome(stanzaError('forbidden'))).toBe('dropped');
    expect(selfPingOutcome(stanzaError('remote-server-not-found'))).toBe('undecided');
    expect(selfPingOutcome(stanzaError('remote-server-timeout'))).toBe('undecided');
    expect(selfPingOutcome(stanzaError('not-acceptable', 'urn:example:garbage'))).toBe('undecided');
    expect(selfPingOutcome({ name: 'TimeoutError' })).toBe('undecided');
    expect(selfPingOutcome(new Error('socket closed'))).toBe('undecided');
  });

  it('an answer about a room we left meanwhile changes nothing', async () => {
    await joined();
    service.checkRooms();
    await wait(0);
    const [ping] = pings();
    service.leave({ accountId: ACCOUNT, room: ROOM });
    deliver(errorReply(ping, ME, 'not-acceptable'));
    await wait(0);
    expect(service.room(ACCOUNT, ROOM)).toBeNull();
    expect(joinPresences()).toHaveLength(1);
  });
});
