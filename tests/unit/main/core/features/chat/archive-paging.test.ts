/**
 * Paging back through the server's archive (XEP-0313 with RSM <before/>), fed stanzas directly over
 * the real store (SQLite in memory): older pages take ids below the stored ones, how far back a
 * conversation reached is remembered, corrections found in the archive are applied (also during
 * catch-up), reaction sets wait for their message and never replace a set sent later, and results
 * are taken only from the archive we asked, for our query and conversation, no more than the page
 * we asked for.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { Db } from '../../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../../src/main/core/store/messages-repo';
import { OlderMessagesRepository } from '../../../../../../src/main/core/store/older-messages-repo';
import { ChatService } from '../../../../../../src/main/core/features/chat/service';
import { OLDER_PAGE } from '../../../../../../src/main/core/features/chat/archive-paging';
import { ARCHIVE_CHUNK, ARCHIVE_PAGE } from '../../../../../../src/main/core/features/chat/archive';
import { INCOMING_CHUNK } from '../../../../../../src/main/core/features/chat/inbox';
import { memoryDbWithAccount } from '../../../../../support/db';
import { bringOnline, fakeSession, type FakeSession } from '../../../../../support/fake-session';
import {
  NS_CORRECT,
  NS_DATA,
  NS_DELAY,
  NS_FORWARD,
  NS_MAM,
  NS_REACTIONS,
  NS_RSM,
  NS_SID,
} from '../../../../../../src/main/core/xmpp/ns';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';
const BOB = 'bob@example.org';
const ROOM = 'room@conference.example.org';

/** What the fake server answers a query with: the results it sends first, then its <fin/>. */
interface Answer {
  results?: (queryId: string) => Element[];
  fin?: { first: string | null; complete: boolean; last?: string };
  error?: unknown;
}

let db: Db;
let bus: EventBus;
let service: ChatService;
let deliver: FakeSession['deliver'];
let requests: Element[];
let answers: Answer[];

/** The fake server: each archive query answered with the next of `answers`. */
async function answerQuery(iq: Element): Promise<Element> {
  requests.push(iq);
  const answer = answers.shift() ?? { fin: { first: null, complete: true } };
  const queryId = iq.getChild('query', NS_MAM)!.attrs.queryid as string;
  for (const stanza of answer.results?.(queryId) ?? []) deliver(stanza);
  if (answer.error) throw answer.error;
  const fin = answer.fin;
  const set = fin?.first
    ? xml('set', { xmlns: NS_RSM }, xml('first', {}, fin.first), fin.last ? xml('last', {}, fin.last) : null)
    : null;
  return xml(
    'iq',
    { type: 'result' },
    xml('fin', { xmlns: NS_MAM, ...(answer.fin?.complete ? { complete: 'true' } : {}) }, set),
  );
}

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1);
  requests = [];
  answers = [];
  const repo = new MessagesRepository(db);
  service = new ChatService({
    repo,
    older: new OlderMessagesRepository(db, repo),
    bus,
    log: silentLogger,
    rooms: { joinedNick: (_a, room) => (room === ROOM ? 'Alice' : null), onJoined: () => () => {} },
    accountJid: () => OWN,
    subscriptionOf: () => 'both',
    now: () => Date.parse('2026-11-21T12:00:00Z'),
  });
  const session = fakeSession(OWN, { request: answerQuery, sm: Object.assign(new EventEmitter(), { enabled: true }) });
  deliver = session.deliver;
  bringOnline(service, ACCOUNT, session, `${OWN}/jw`, false);
});

afterEach(() => {
  bus.close();
  db.close();
});

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** One archived message as the archive at `from` sends it (undefined: our own server). */
function result(
  queryId: string,
  archiveId: string,
  inner: { from: string; to?: string; type?: string; id?: string; body: string; replace?: string },
  from?: string,
): Element {
  return xml(
    'message',
    from === undefined ? {} : { from },
    xml(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id: archiveId },
      xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml('delay', { xmlns: NS_DELAY, stamp: '2026-11-01T10:00:00Z' }),
        xml(
          'message',
          { from: inner.from, to: inner.to ?? OWN, type: inner.type ?? 'chat', id: inner.id ?? archiveId },
          xml('body', {}, inner.body),
          inner.replace ? xml('replace', { xmlns: NS_CORRECT, id: inner.replace }) : null,
        ),
      ),
    ),
  );
}

/** Bob's reaction set on message `to`, as our archive keeps it, sent at `stamp`. */
function reactionResult(queryId: string, archiveId: string, to: string, emojis: string[], stamp: string): Element {
  return xml(
    'message',
    {},
    xml(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id: archiveId },
      xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml('delay', { xmlns: NS_DELAY, stamp }),
        xml(
          'message',
          { from: `${BOB}/phone`, to: OWN, type: 'chat', id: `r-${archiveId}` },
          xml('reactions', { xmlns: NS_REACTIONS, id: to }, ...emojis.map((e) => xml('reaction', {}, e))),
        ),
      ),
    ),
  );
}

/** The emojis on the message with `body`. */
function reactionsOn(body: string): string[] {
  const page = service.history({ accountId: ACCOUNT, conversation: BOB, limit: 500 });
  const message = page.ok ? page.value.find((m) => m.body === body) : undefined;
  return (message?.reactions ?? []).map((r) => r.emoji);
}

const fromBob = (n: number) => ({ from: `${BOB}/phone`, id: `m${n}`, body: `old ${n}` });

function older(conversation = BOB, kind: 'chat' | 'groupchat' = 'chat') {
  return service.older({ accountId: ACCOUNT, conversation, kind });
}

function bodies(conversation = BOB): string[] {
  const page = service.history({ accountId: ACCOUNT, conversation, limit: 500 });
  return page.ok ? page.value.map((m) => m.body) : [];
}

/** A live message from Bob with our archive's id, stored as the conversation's only one. */
async function liveFromBob(archiveId: string, body: string): Promise<void> {
  deliver(
    xml(
      'message',
      { from: `${BOB}/phone`, type: 'chat', id: 'live' },
      xml('body', {}, body),
      xml('stanza-id', { xmlns: NS_SID, by: OWN, id: archiveId }),
    ),
  );
  await endOfTurn();
}

describe('paging back through the archive', () => {
  it('asks before the oldest stored archive id, with the contact, and stores the page before it', async () => {
    await liveFromBob('a100', 'newest');
    answers.push({
      results: (q) => [result(q, 'a1', fromBob(1)), result(q, 'a2', fromBob(2))],
      fin: { first: 'a1', complete: false },
    });
    const page = await older();
    expect(page.ok && page.value.messages.map((m) => m.body)).toEqual(['old 1', 'old 2']);
    expect(page.ok && page.value.complete).toBe(false);
    const query = requests[0].getChild('query', NS_MAM)!;
    expect(requests[0].attrs.to).toBeUndefined();
    expect(query.getChild('set', NS_RSM)!.getChildText('before')).toBe('a100');
    expect(query.getChild('set', NS_RSM)!.getChildText('max')).toBe(String(OLDER_PAGE));
    const fields = query.getChild('x', NS_DATA)!.getChildren('field');
    expect(fields.find((f) => f.attrs.var === 'with')?.getChildText('value')).toBe(BOB);
    // In the conversation's order: the older page before what was stored, read, below every id.
    expect(bodies()).toEqual(['old 1', 'old 2', 'newest']);
    expect(page.ok && page.value.messages.every((m) => m.id < 1)).toBe(true);
    expect(service.conversations().find((c) => c.conversation === BOB)).toMatchObject({
      lastBody: 'newest',
      unread: 1,
    });

    // The next page starts where this one ended; the end of the archive is remembered.
    answers.push({ results: (q) => [result(q, 'a0', fromBob(0))], fin: { first: 'a0', complete: true } });
    const last = await older();
    expect(last.ok && last.value).toMatchObject({ complete: true });
    expect(requests[1].getChild('query', NS_MAM)!.getChild('set', NS_RSM)!.getChildText('before')).toBe('a1');
    expect(bodies()).toEqual(['old 0', 'old 1', 'old 2', 'newest']);
    service.onOffline(ACCOUNT);
    expect(await older()).toEqual({ ok: true, value: { messages: [], complete: true } });
    expect(requests).toHaveLength(2);
  });

  it('pages a room from the room archive, taking results from the room only', async () => {
    const inRoom = (n: number) => ({ from: `${ROOM}/Bob`, to: OWN, type: 'groupchat', body: `room ${n}` });
    answers.push({
      results: (q) => [
        result(q, 'r1', inRoom(1), ROOM),
        result(q, 'r2', { ...inRoom(2), body: 'forged by bob' }, BOB),
        result(q, 'r3', { ...inRoom(3), from: `other@conference.example.org/Eve` }, ROOM),
      ],
      fin: { first: 'r1', complete: true },
    });
    const page = await older(ROOM, 'groupchat');
    expect(requests[0].attrs.to).toBe(ROOM);
    expect(page.ok && page.value.messages.map((m) => [m.from, m.body])).toEqual([['Bob', 'room 1']]);
    expect(bodies(ROOM)).toEqual(['room 1']);
  });

  it('drops results for another query, from another archive, for another contact, and beyond the page', async () => {
    answers.push({
      results: (q) => [
        result('not-ours', 'x1', { ...fromBob(1), body: 'another query' }),
        result(q, 'x2', { ...fromBob(2), body: 'forged by bob' }, BOB),
        result(q, 'x3', { from: 'carol@example.org/x', body: 'carol, not bob' }),
        ...Array.from({ length: OLDER_PAGE + 5 }, (_, i) => result(q, `p${i}`, fromBob(100 + i))),
      ],
      fin: { first: 'p0', complete: false },
    });
    const page = await older();
    const got = page.ok ? page.value.messages.map((m) => m.body) : [];
    expect(got).toHaveLength(OLDER_PAGE - 1); // the forged and Carol's counted against the page asked for
    expect(got.some((b) => /another|forged|carol/.test(b))).toBe(false);
    expect(bodies('carol@example.org')).toEqual([]);
  });

  it('stores each archived message once, however often it comes back', async () => {
    await liveFromBob('a5', 'live copy');
    answers.push({
      results: (q) => [result(q, 'a4', fromBob(4)), result(q, 'a5', { ...fromBob(5), body: 'live copy' })],
      fin: { first: 'a4', complete: true },
    });
    await older();
    expect(bodies()).toEqual(['old 4', 'live copy']);
  });

  it('applies a correction paged back before its original once the original comes', async () => {
    answers.push({
      results: (q) => [result(q, 'c2', { from: `${BOB}/phone`, id: 'fix', body: 'old 1, fixed', replace: 'm1' })],
      fin: { first: 'c2', complete: false },
    });
    answers.push({ results: (q) => [result(q, 'c1', fromBob(1))], fin: { first: 'c1', complete: true } });
    // A page that adds nothing (only the correction) is followed by the next one in the same ask.
    const page = await older();
    expect(requests).toHaveLength(2);
    expect(page.ok && page.value.messages).toMatchObject([{ body: 'old 1, fixed', corrected: true }]);
    expect(bodies()).toEqual(['old 1, fixed']);
  });

  it('keeps the reaction set sent last when a page brings an older one for a message shown', async () => {
    await liveFromBob('a5', 'live copy');
    // Bob's set now (live, no delay), then a page that overlaps what is stored brings his earlier one.
    deliver(
      xml(
        'message',
        { from: `${BOB}/phone`, type: 'chat', id: 'react-live' },
        xml('reactions', { xmlns: NS_REACTIONS, id: 'live' }, xml('reaction', {}, '❤️')),
      ),
    );
    await endOfTurn();
    expect(reactionsOn('live copy')).toEqual(['❤️']);
    answers.push({
      results: (q) => [result(q, 'a4', fromBob(4)), reactionResult(q, 'a4r', 'live', ['👍'], '2026-11-01T10:01:00Z')],
      fin: { first: 'a4', complete: false },
    });
    await older();
    expect(bodies()).toEqual(['old 4', 'live copy']);
    expect(reactionsOn('live copy')).toEqual(['❤️']);
    // An emptied set is news too: a set sent before it does not bring reactions back.
    deliver(
      xml(
        'message',
        { from: `${BOB}/phone`, type: 'chat', id: 'react-none' },
        xml('reactions', { xmlns: NS_REACTIONS, id: 'live' }),
      ),
    );
    await endOfTurn();
    expect(reactionsOn('live copy')).toEqual([]);
    answers.push({
      results: (q) => [result(q, 'a3', fromBob(3)), reactionResult(q, 'a3r', 'live', ['🎉'], '2026-11-01T10:00:30Z')],
      fin: { first: 'a3', complete: true },
    });
    await older();
    expect(bodies()).toEqual(['old 3', 'old 4', 'live copy']);
    expect(reactionsOn('live copy')).toEqual([]);
  });

  it('applies a reaction set paged back before its message once the message comes, the later set winning', async () => {
    // Newest first: Bob's second set on m1, then (a page older) m1 with his first set.
    answers.push({
      results: (q) => [reactionResult(q, 'r2', 'm1', ['❤️'], '2026-11-01T10:02:00Z'), result(q, 'a3', fromBob(3))],
      fin: { first: 'r2', complete: false },
    });
    answers.push({
      results: (q) => [result(q, 'a1', fromBob(1)), reactionResult(q, 'r1', 'm1', ['👍'], '2026-11-01T10:01:00Z')],
      fin: { first: 'a1', complete: true },
    });
    await older();
    expect(bodies()).toEqual(['old 3']);
    await older();
    expect(bodies()).toEqual(['old 1', 'old 3']);
    expect(reactionsOn('old 1')).toEqual(['❤️']);
  });

  it('says why a page did not come: no answer in time, a refusal, offline', async () => {
    answers.push({ error: Object.assign(new Error('timeout'), { name: 'TimeoutError' }) });
    expect(await older()).toMatchObject({ ok: false, error: { code: 'timeout', reason: 'history.timeout' } });
    answers.push({ error: Object.assign(new Error('refused'), { name: 'StanzaError', condition: 'item-not-found' }) });
    expect(await older()).toMatchObject({
      ok: false,
      error: { reason: 'history.refused', params: { condition: 'item-not-found' } },
    });
    // Nothing was remembered: the retry asks again.
    answers.push({ results: (q) => [result(q, 'a1', fromBob(1))], fin: { first: 'a1', complete: true } });
    expect(await older()).toMatchObject({ ok: true, value: { complete: true } });
    expect(bodies()).toEqual(['old 1']);
    service.onOffline(ACCOUNT);
    expect(await older(ROOM, 'groupchat')).toMatchObject({ ok: false, error: { reason: 'history.offline' } });
  });
});

describe('archive catch-up', () => {
  it('applies a correction found in the archive to its original instead of storing it as a message', async () => {
    answers.push({
      results: (q) => [
        result(q, 'k1', fromBob(1)),
        result(q, 'k2', { from: `${BOB}/phone`, id: 'fix', body: 'old 1, fixed', replace: 'm1' }),
      ],
      fin: { first: 'k1', complete: true },
    });
    service.sessionReady(ACCOUNT);
    await endOfTurn();
    await endOfTurn();
    expect(bodies()).toEqual(['old 1, fixed']);
    expect(service.history({ accountId: ACCOUNT, conversation: BOB, limit: 5 })).toMatchObject({
      ok: true,
      value: [{ corrected: true }],
    });
  });

  it('ends the catch-up on an empty last page of the archive', async () => {
    answers.push({ results: () => [], fin: { first: null, complete: true } });
    const states: string[] = [];
    bus.subscribe((batch) => {
      for (const event of batch.events) if (event.type === 'archive.sync') states.push(event.state);
    });
    service.sessionReady(ACCOUNT);
    await expect.poll(() => states.at(-1)).toBe('done');
    expect(bodies()).toEqual([]);
  });

  it('stores a page a chunk a loop turn, the marker with its last chunk (the last page of the archive at once)', async () => {
    answers.push({
      results: (q) => Array.from({ length: ARCHIVE_PAGE }, (_, k) => result(q, `k${k}`, fromBob(k))),
      fin: { first: 'k0', last: `k${ARCHIVE_PAGE - 1}`, complete: false },
    });
    // Loop turns counted by a chain of immediates: each chunk must see a turn the one before it did not.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const calls: { size: number; marker: boolean; turn: number }[] = [];
    const original = MessagesRepository.prototype.storePage;
    const storePage = vi.spyOn(MessagesRepository.prototype, 'storePage').mockImplementation(function (
      this: MessagesRepository,
      messages,
      marker,
    ) {
      calls.push({ size: messages.length, marker: marker !== null, turn: turns });
      return original.call(this, messages, marker);
    });
    // The parts before the marker's are committed without their own fsync (storePagePart).
    const originalPart = MessagesRepository.prototype.storePagePart;
    const storePagePart = vi.spyOn(MessagesRepository.prototype, 'storePagePart').mockImplementation(function (
      this: MessagesRepository,
      messages,
    ) {
      calls.push({ size: messages.length, marker: false, turn: turns });
      return originalPart.call(this, messages);
    });
    try {
      service.sessionReady(ACCOUNT);
      await expect.poll(() => calls.length).toBe(ARCHIVE_PAGE / ARCHIVE_CHUNK);
    } finally {
      counting = false;
      storePage.mockRestore();
      storePagePart.mockRestore();
    }
    expect(calls.map((c) => c.size)).toEqual(Array(ARCHIVE_PAGE / ARCHIVE_CHUNK).fill(ARCHIVE_CHUNK));
    expect(calls.map((c) => c.marker)).toEqual([false, false, false, true]);
    for (let k = 1; k < calls.length; k++) expect(calls[k].turn).toBeGreaterThan(calls[k - 1].turn);
    expect(bodies()).toHaveLength(ARCHIVE_PAGE);
    // The archive's last page (complete) in one transaction: nothing read after its <fin/> comes first.
    calls.length = 0;
    answers.push({
      results: (q) => Array.from({ length: ARCHIVE_PAGE }, (_, k) => result(q, `n${k}`, fromBob(ARCHIVE_PAGE + k))),
      fin: { first: 'n0', last: `n${ARCHIVE_PAGE - 1}`, complete: true },
    });
    const again = vi.spyOn(MessagesRepository.prototype, 'storePage').mockImplementation(function (
      this: MessagesRepository,
      messages,
      marker,
    ) {
      calls.push({ size: messages.length, marker: marker !== null, turn: 0 });
      return original.call(this, messages, marker);
    });
    try {
      service.onOffline(ACCOUNT);
      const session = fakeSession(OWN, {
        request: answerQuery,
        sm: Object.assign(new EventEmitter(), { enabled: true }),
      });
      deliver = session.deliver;
      bringOnline(service, ACCOUNT, session, `${OWN}/jw`, false);
      service.sessionReady(ACCOUNT);
      await expect.poll(() => bodies().length).toBe(2 * ARCHIVE_PAGE);
    } finally {
      again.mockRestore();
    }
    expect(calls).toEqual([{ size: ARCHIVE_PAGE, marker: true, turn: 0 }]);
  });
});

describe('received messages', () => {
  it('writes a burst that came in one turn a chunk a loop turn, every message once and in order', async () => {
    const count = INCOMING_CHUNK * 2 + 7;
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const calls: { size: number; turn: number }[] = [];
    const original = MessagesRepository.prototype.addMany;
    const addMany = vi.spyOn(MessagesRepository.prototype, 'addMany').mockImplementation(function (
      this: MessagesRepository,
      messages,
    ) {
      calls.push({ size: messages.length, turn: turns });
      return original.call(this, messages);
    });
    try {
      for (let k = 0; k < count; k++) {
        const stanza = xml(
          'message',
          { from: `${BOB}/phone`, to: OWN, type: 'chat', id: `b${k}` },
          xml('body', {}, `burst ${k}`),
        );
        deliver(stanza);
      }
      await expect.poll(() => calls.length).toBe(3);
    } finally {
      counting = false;
      addMany.mockRestore();
    }
    expect(calls.map((c) => c.size)).toEqual([INCOMING_CHUNK, INCOMING_CHUNK, 7]);
    for (let k = 1; k < calls.length; k++) expect(calls[k].turn).toBeGreaterThan(calls[k - 1].turn);
    expect(bodies()).toEqual(Array.from({ length: count }, (_, k) => `burst ${k}`));
  });
});
