/**
 * ChatService fed stanzas directly over the real store (SQLite in memory) and event bus: what is
 * dropped (invalid sender, rooms we are not in, forged receipts), caps on bodies, delay stamps,
 * private messages marked as such, and the outbox's states without a network.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_BODY_MAX } from '../../../../../../src/shared/contract';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { Db } from '../../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../../src/main/core/store/messages-repo';
import { ChatService } from '../../../../../../src/main/core/features/chat/service';
import { delayTime } from '../../../../../../src/main/core/util/delay-stamp';
import { memoryDbWithAccount } from '../../../../../support/db';
import { bringOnline, fakeSession, type FakeSession } from '../../../../../support/fake-session';
import { NS_DELAY, NS_MAM, NS_RECEIPTS } from '../../../../../../src/main/core/xmpp/ns';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';
const ROOM = 'room@conference.example.org';

let db: Db;
let bus: EventBus;
let service: ChatService;
let deliver: FakeSession['deliver'];
let sent: Element[];
let sm: EventEmitter & { enabled: boolean };
let joinedListener: ((accountId: string, room: string) => void) | null;
let requests: Element[];

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1);
  requests = [];
  joinedListener = null;
  service = new ChatService({
    repo: new MessagesRepository(db),
    bus,
    log: silentLogger,
    rooms: {
      joinedNick: (_a, room) => (room === ROOM ? 'Alice' : null),
      onJoined: (listener) => {
        joinedListener = listener;
        return () => (joinedListener = null);
      },
    },
    accountJid: () => OWN,
    subscriptionOf: () => 'both',
    now: () => Date.parse('2026-11-21T12:00:00Z'),
  });
  sm = Object.assign(new EventEmitter(), { enabled: true });
  const request = async (iq: Element) => {
    requests.push(iq);
    return xml('iq');
  };
  const session = fakeSession(OWN, { request, sm });
  sent = session.sent;
  deliver = session.deliver;
  bringOnline(service, ACCOUNT, session, `${OWN}/jw`);
});

afterEach(() => {
  bus.close();
  db.close();
});

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

const history = (conversation: string) => {
  const page = service.history({ accountId: ACCOUNT, conversation, limit: 100 });
  return page.ok ? page.value : [];
};

describe('incoming messages', () => {
  it('drops a sender that is not a JID, and room messages from rooms we are not in', () => {
    deliver(xml('message', { from: 'a@b@c', type: 'chat' }, xml('body', {}, 'x')));
    deliver(xml('message', { from: 'other@conference.example.org/Bob', type: 'groupchat' }, xml('body', {}, 'x')));
    deliver(xml('message', { from: ROOM, type: 'groupchat' }, xml('body', {}, 'from the room itself')));
    expect(service.conversations()).toEqual([]);
    expect(service.stats(ACCOUNT)?.dropped).toBe(3);
  });

  it('caps a 2 MB body and falls back to the receive time for a bad or future delay', async () => {
    deliver(xml('message', { from: 'bob@example.org/x', type: 'chat' }, xml('body', {}, 'b'.repeat(2 * 1024 * 1024))));
    await endOfTurn(); // received messages of one turn are written together
    expect(history('bob@example.org')[0].body).toHaveLength(MESSAGE_BODY_MAX);
    const now = Date.parse('2026-11-21T12:00:00Z');
    const at = (stamp: string) => delayTime(xml('message', {}, xml('delay', { xmlns: NS_DELAY, stamp })), now);
    expect(at('2026-11-20T10:00:00Z')).toBe(Date.parse('2026-11-20T10:00:00Z'));
    expect(at('2026-11-20T10:00:00.123+02:00')).toBe(Date.parse('2026-11-20T08:00:00.123Z'));
    expect(at('not a date')).toBe(now);
    expect(at('2027-01-01T00:00:00Z')).toBe(now);
  });

  it('stores a live message and a room message stamped in year 1 or far ahead at the receive time', async () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    const delay = (stamp: string) => xml('delay', { xmlns: NS_DELAY, stamp });
    const chat = (id: string, body: string, stamp: string) =>
      xml('message', { from: 'bob@example.org/x', type: 'chat', id }, xml('body', {}, body), delay(stamp));
    deliver(chat('ok', 'an hour ago', '2026-11-21T11:00:00Z'));
    deliver(chat('y9', 'year 9999', '9999-12-31T23:59:59Z'));
    deliver(chat('y1', 'year 1', '0001-01-01T00:00:00Z'));
    deliver(
      xml(
        'message',
        { from: `${ROOM}/Bob`, type: 'groupchat', id: 'g1' },
        xml('body', {}, 'room, year 1'),
        delay('0001-01-01T00:00:00Z'),
      ),
    );
    await endOfTurn();
    const at = (conversation: string) => Object.fromEntries(history(conversation).map((m) => [m.body, m.at]));
    expect(at('bob@example.org')).toEqual({ 'year 1': now, 'year 9999': now, 'an hour ago': now - 3_600_000 });
    expect(at(ROOM)).toEqual({ 'room, year 1': now });
    // The conversation list sorts by the last message: Bob's conversation is not sent back to year 1.
    expect(service.conversations().find((c) => c.conversation === 'bob@example.org')?.lastAt).toBe(now);
  });

  it('a receipt changes our message only when it comes from its recipient', async () => {
    const queued = await service.send({
      accountId: ACCOUNT,
      conversation: 'bob@example.org',
      kind: 'chat',
      body: 'hi',
    });
    if (!queued.ok) throw new Error(JSON.stringify(queued.error));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const id = sent[0].attrs.id;
    sm.emit('ack', sent[0]);
    expect(history('bob@example.org')[0].state).toBe('sent');
    deliver(xml('message', { from: 'mallory@example.org/x' }, xml('received', { xmlns: NS_RECEIPTS, id })));
    expect(history('bob@example.org')[0].state).toBe('sent');
    deliver(xml('message', { from: 'bob@example.org/phone' }, xml('received', { xmlns: NS_RECEIPTS, id })));
    expect(history('bob@example.org')[0].state).toBe('delivered');
  });

  it('an error reply marks our message failed with the reason; retry queues it again', async () => {
    await service.send({ accountId: ACCOUNT, conversation: 'bob@example.org', kind: 'chat', body: 'hi' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    deliver(
      xml(
        'message',
        { from: 'bob@example.org', type: 'error', id: sent[0].attrs.id },
        xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
      ),
    );
    const [failed] = history('bob@example.org');
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed.error).toEqual({ condition: 'service-unavailable', text: null });
    const retried = await service.retry({ accountId: ACCOUNT, id: failed.id });
    expect(retried.ok && retried.value.state).toBe('queued');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(2);
    expect(sent[1].attrs.id).toBe(sent[0].attrs.id); // same message, same id
  });

  it('sends private messages to an occupant marked as such', async () => {
    await service.send({ accountId: ACCOUNT, conversation: `${ROOM}/Bob`, kind: 'pm', body: 'psst' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent[0].attrs).toMatchObject({ to: `${ROOM}/Bob`, type: 'chat' });
    expect(sent[0].getChild('x', 'http://jabber.org/protocol/muc#user')).toBeDefined();
  });

  it('writes the messages received in one turn together, and a correction finds an original of the same turn', async () => {
    for (let i = 0; i < 500; i++) {
      deliver(xml('message', { from: 'bob@example.org/x', type: 'chat', id: `m${i}` }, xml('body', {}, `burst ${i}`)));
    }
    deliver(
      xml(
        'message',
        { from: 'bob@example.org/x', type: 'chat', id: 'fix' },
        xml('body', {}, 'burst 0, fixed'),
        xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'm0' }),
      ),
    );
    await endOfTurn();
    const stored = history('bob@example.org');
    expect(stored).toHaveLength(100); // one page of the history command
    const all = service.history({ accountId: ACCOUNT, conversation: 'bob@example.org', limit: 500 });
    expect(all.ok && all.value).toHaveLength(500);
    expect(all.ok && all.value[0]).toMatchObject({ body: 'burst 0, fixed', corrected: true });
  });

  it('reads the archive of a room once its join completes', async () => {
    expect(joinedListener).not.toBeNull();
    joinedListener!(ACCOUNT, ROOM);
    await endOfTurn();
    expect(requests.map((iq) => [iq.attrs.to, iq.getChild('query', NS_MAM) !== undefined])).toEqual([[ROOM, true]]);
  });
});
