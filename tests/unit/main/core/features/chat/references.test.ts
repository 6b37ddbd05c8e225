/**
 * Replies, reactions, retractions and moderation fed as stanzas to the chat feature over the real
 * store: who may apply them (the original's sender, the room itself for moderation), forged
 * senders, oversized payloads and ids nobody has, and what our own commands send.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../../../src/shared/contract';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { Db } from '../../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../../src/main/core/store/messages-repo';
import { ChatService } from '../../../../../../src/main/core/features/chat/service';
import { memoryDbWithAccount } from '../../../../../support/db';
import { bringOnline, fakeSession, type FakeSession } from '../../../../../support/fake-session';
import { waitUntil } from '../../../../../support/wait';
import {
  NS_FALLBACK,
  NS_FASTEN,
  NS_MODERATE,
  NS_MODERATE_LEGACY,
  NS_OCCUPANT_ID,
  NS_REACTIONS,
  NS_REPLY,
  NS_RETRACT,
  NS_RETRACT_LEGACY,
  NS_SID,
  NS_MAM,
  NS_FORWARD,
  NS_DELAY,
  NS_RSM,
} from '../../../../../../src/main/core/xmpp/ns';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';
const BOB = 'bob@example.org';
const ROOM = 'room@conference.example.org';

let db: Db;
let bus: EventBus;
let service: ChatService;
let deliver: FakeSession['deliver'];
let sent: Element[];
let requests: Element[];
let role: string;
let archive: Element[];

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1);
  requests = [];
  role = 'participant';
  archive = [];
  service = new ChatService({
    repo: new MessagesRepository(db),
    bus,
    log: silentLogger,
    rooms: {
      joinedNick: (_a, room) => (room === ROOM ? 'Alice' : null),
      providesOccupantIds: (_a, room) => room === ROOM,
      ownRole: () => role,
      onJoined: () => () => undefined,
    },
    accountJid: () => OWN,
    subscriptionOf: () => 'both',
    now: () => Date.parse('2026-11-21T12:00:00Z'),
  });
  const request = async (iq: Element) => {
    requests.push(iq);
    const query = iq.getChild('query', NS_MAM);
    if (!query) return xml('iq', { type: 'result' });
    // The room's archive: each entry as a result of this query, then the end of the page.
    archive.forEach((inner, i) =>
      deliver(
        xml(
          'message',
          { from: iq.attrs.to },
          xml(
            'result',
            { xmlns: NS_MAM, queryid: query.attrs.queryid, id: `arch-${i}` },
            xml(
              'forwarded',
              { xmlns: NS_FORWARD },
              xml('delay', { xmlns: NS_DELAY, stamp: '2026-11-21T11:00:00Z' }),
              inner,
            ),
          ),
        ),
      ),
    );
    return xml(
      'iq',
      { type: 'result' },
      xml(
        'fin',
        { xmlns: NS_MAM, complete: 'true' },
        xml('set', { xmlns: NS_RSM }, xml('last', {}, `arch-${archive.length - 1}`)),
      ),
    );
  };
  const session = fakeSession(OWN, { request });
  sent = session.sent;
  deliver = session.deliver;
  bringOnline(service, ACCOUNT, session, `${OWN}/jw`);
});

afterEach(() => {
  bus.close();
  db.close();
});

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));
const history = (conversation: string): MessageView[] => {
  const page = service.history({ accountId: ACCOUNT, conversation, limit: 100 });
  return page.ok ? page.value : [];
};
const byBody = (conversation: string, body: string) => history(conversation).find((m) => m.body === body);

const chat = (from: string, id: string, ...children: Element[]) =>
  xml('message', { from, type: 'chat', id }, ...children);
const roomMessage = (nick: string, stanzaId: string, occupantId: string | null, ...children: Element[]) =>
  xml(
    'message',
    { from: `${ROOM}/${nick}`, type: 'groupchat', id: `c-${stanzaId}` },
    ...children,
    xml('stanza-id', { xmlns: NS_SID, by: ROOM, id: stanzaId }),
    occupantId === null ? null : xml('occupant-id', { xmlns: NS_OCCUPANT_ID, id: occupantId }),
  );
const reactions = (id: string, ...emojis: string[]) =>
  xml('reactions', { xmlns: NS_REACTIONS, id }, ...emojis.map((e) => xml('reaction', {}, e)));
const retract = (id: string) => xml('retract', { xmlns: NS_RETRACT, id });

describe('replies', () => {
  it('strips the fallback quote and links the original only when the reply names its author', async () => {
    deliver(chat(`${BOB}/phone`, 'orig-1', xml('body', {}, 'lunch at noon?')));
    await endOfTurn();
    const quote = '> lunch at noon?\n';
    const reply = (id: string, to: string, text: string) =>
      chat(
        `${BOB}/phone`,
        id,
        xml('body', {}, quote + text),
        xml('reply', { xmlns: NS_REPLY, to, id: 'orig-1' }),
        xml('fallback', { xmlns: NS_FALLBACK, for: NS_REPLY }, xml('body', { start: '0', end: String(quote.length) })),
      );
    deliver(reply('r1', `${BOB}/phone`, 'yes'));
    // The same reference claiming someone else wrote it: the quote stays the fallback's own.
    deliver(reply('r2', 'mallory@example.org', 'forged'));
    await endOfTurn();
    const original = byBody(BOB, 'lunch at noon?')!;
    expect(byBody(BOB, 'yes')?.reply).toEqual({ to: BOB, quote: 'lunch at noon?', target: original.id });
    expect(byBody(BOB, 'forged')?.reply).toEqual({ to: 'mallory@example.org', quote: 'lunch at noon?', target: null });
  });

  it('keeps the fallback as the quote for an original we do not have, and ignores a range outside the body', async () => {
    deliver(
      chat(
        `${BOB}/phone`,
        'r1',
        xml('body', {}, '> old news\nindeed'),
        xml('reply', { xmlns: NS_REPLY, to: BOB, id: 'never-seen' }),
        xml('fallback', { xmlns: NS_FALLBACK, for: NS_REPLY }, xml('body', { start: '0', end: '11' })),
      ),
    );
    deliver(
      chat(
        `${BOB}/phone`,
        'r2',
        xml('body', {}, 'short'),
        xml('reply', { xmlns: NS_REPLY, to: BOB, id: 'never-seen' }),
        xml('fallback', { xmlns: NS_FALLBACK, for: NS_REPLY }, xml('body', { start: '0', end: '99999' })),
      ),
    );
    await endOfTurn();
    expect(byBody(BOB, 'indeed')?.reply).toEqual({ to: BOB, quote: 'old news', target: null });
    expect(byBody(BOB, 'short')?.reply).toEqual({ to: BOB, quote: '', target: null });
  });

  it('sends a reply with its reference, the quote as fallback, and counts the quote in code points', async () => {
    deliver(chat(`${BOB}/phone`, 'orig-😀', xml('body', {}, 'café 😀')));
    await endOfTurn();
    const original = byBody(BOB, 'café 😀')!;
    const result = await service.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'ok',
      replyTo: original.id,
    });
    expect(result.ok && result.value.reply).toEqual({ to: BOB, quote: 'café 😀', target: original.id });
    await endOfTurn();
    const stanza = sent.at(-1)!;
    expect(stanza.getChildText('body')).toBe('> café 😀\nok');
    expect(stanza.getChild('reply', NS_REPLY)?.attrs).toMatchObject({ to: BOB, id: 'orig-😀' });
    expect(stanza.getChild('fallback', NS_FALLBACK)?.getChild('body')?.attrs).toMatchObject({ start: '0', end: '9' });
  });
});

describe('reactions', () => {
  it('keeps each reactor’s set, replaced by the next one, aggregated per emoji; ours are marked', async () => {
    deliver(roomMessage('Bob', 'sid-1', 'occ-bob', xml('body', {}, 'ship it')));
    await endOfTurn();
    deliver(roomMessage('Bob', 'x1', 'occ-bob', reactions('sid-1', '👍', '🎉')));
    deliver(roomMessage('Carol', 'x2', 'occ-carol', reactions('sid-1', '👍')));
    // A new nick with the same occupant-id is the same person: their set is replaced, not added.
    deliver(roomMessage('Bobby', 'x3', 'occ-bob', reactions('sid-1', '👍')));
    const message = byBody(ROOM, 'ship it')!;
    const mine = await service.react({ accountId: ACCOUNT, id: message.id, emojis: ['🎉'] });
    expect(mine.ok).toBe(true);
    expect(sent.at(-1)?.getChild('reactions', NS_REACTIONS)?.attrs.id).toBe('sid-1');
    // The room reflects ours back: still ours, not a second reactor.
    deliver(roomMessage('Alice', 'x4', 'occ-alice', reactions('sid-1', '🎉')));
    // Same time (the test's clock): in no particular order.
    const shown = byBody(ROOM, 'ship it')!.reactions!.map((r) => ({ ...r, by: [...r.by].sort() }));
    expect(shown).toHaveLength(2);
    expect(shown).toContainEqual({ emoji: '👍', count: 2, mine: false, by: ['Bobby', 'Carol'] });
    expect(shown).toContainEqual({ emoji: '🎉', count: 1, mine: true, by: [] });
    deliver(roomMessage('Carol', 'x5', 'occ-carol', reactions('sid-1')));
    expect(byBody(ROOM, 'ship it')?.reactions).toContainEqual({ emoji: '👍', count: 1, mine: false, by: ['Bobby'] });
  });

  it('drops reactions to unknown ids, from rooms we are not in, oversized sets and overlong emojis', async () => {
    deliver(chat(`${BOB}/phone`, 'm1', xml('body', {}, 'hello')));
    await endOfTurn();
    deliver(chat(`${BOB}/phone`, 'x1', reactions('nobody-has-this', '👍')));
    deliver(xml('message', { from: 'other@conference.example.org/Bob', type: 'groupchat' }, reactions('m1', '👍')));
    deliver(chat(`${BOB}/phone`, 'x2', reactions('m1', ...Array.from({ length: 100 }, (_, i) => `e${i}`))));
    expect(byBody(BOB, 'hello')?.reactions).toBeUndefined();
    deliver(
      chat(
        `${BOB}/phone`,
        'x3',
        reactions('m1', 'x'.repeat(33), '👍', '👍', ...Array.from({ length: 20 }, (_, i) => `e${i}`)),
      ),
    );
    const kept = byBody(BOB, 'hello')!.reactions!;
    expect(kept.map((r) => r.emoji)).not.toContain('x'.repeat(33));
    expect(kept).toHaveLength(16);
    expect(kept[0]).toEqual({ emoji: '👍', count: 1, mine: false, by: [BOB] });
    expect(history(BOB)).toHaveLength(1); // none of them became a message
  });

  it('a reaction names its sender from the stanza: a third party in a chat cannot react to Bob’s message there', async () => {
    deliver(chat(`${BOB}/phone`, 'm1', xml('body', {}, 'hello')));
    await endOfTurn();
    deliver(chat('mallory@example.org/x', 'x1', reactions('m1', '💩')));
    expect(byBody(BOB, 'hello')?.reactions).toBeUndefined();
  });
});

describe('retractions', () => {
  it('a chat message is retracted only by its sender, and leaves the search index', async () => {
    deliver(chat(`${BOB}/phone`, 'm1', xml('body', {}, 'secret plans'), xml('origin-id', { xmlns: NS_SID, id: 'o1' })));
    await endOfTurn();
    deliver(chat('mallory@example.org/x', 'x1', retract('o1')));
    expect(byBody(BOB, 'secret plans')).toBeDefined();
    deliver(chat(`${BOB}/laptop`, 'x2', retract('o1'), xml('body', {}, 'fallback text')));
    const [removed] = history(BOB);
    expect(removed).toMatchObject({ body: '', retracted: 'sender' });
    const found = service.search({ query: 'secret', limit: 10 });
    expect(found.ok && found.value).toEqual([]);
    expect(history(BOB)).toHaveLength(1); // the retraction's fallback body is no message
  });

  it('reads the older fastening form too', async () => {
    deliver(chat(`${BOB}/phone`, 'm1', xml('body', {}, 'oops')));
    await endOfTurn();
    deliver(
      chat(
        `${BOB}/phone`,
        'x1',
        xml('apply-to', { xmlns: NS_FASTEN, id: 'm1' }, xml('retract', { xmlns: NS_RETRACT_LEGACY })),
      ),
    );
    expect(history(BOB)[0].retracted).toBe('sender');
  });

  it('in a room, the same occupant-id may retract, another nick or a forged one may not', async () => {
    deliver(roomMessage('Bob', 'sid-1', 'occ-bob', xml('body', {}, 'first')));
    deliver(roomMessage('Bob', 'sid-2', 'occ-bob', xml('body', {}, 'second')));
    await endOfTurn();
    deliver(roomMessage('Mallory', 'x1', 'occ-mallory', retract('sid-1')));
    // Mallory took the nick Bob left: the occupant-id still tells them apart.
    deliver(roomMessage('Bob', 'x2', 'occ-mallory', retract('sid-1')));
    expect(byBody(ROOM, 'first')).toBeDefined();
    deliver(roomMessage('Bobby', 'x3', 'occ-bob', retract('sid-2')));
    expect(history(ROOM).find((m) => m.retracted)?.id).toBe(history(ROOM)[1].id);
  });

  it('retracts our own message with its reference in both forms; someone else’s is refused', async () => {
    const ours = await service.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'typo' });
    await endOfTurn();
    const id = ours.ok ? ours.value.id : 0;
    const result = await service.retract({ accountId: ACCOUNT, id });
    expect(result.ok && result.value).toMatchObject({ body: '', retracted: 'sender' });
    const stanza = sent.at(-1)!;
    const origin = sent[0].getChild('origin-id', NS_SID)?.attrs.id;
    expect(stanza.getChild('retract', NS_RETRACT)?.attrs.id).toBe(origin);
    expect(stanza.getChild('apply-to', NS_FASTEN)?.attrs.id).toBe(origin);
    deliver(chat(`${BOB}/phone`, 'm1', xml('body', {}, 'theirs')));
    await endOfTurn();
    const theirs = await service.retract({ accountId: ACCOUNT, id: byBody(BOB, 'theirs')!.id });
    expect(!theirs.ok && theirs.error.reason).toBe('replies.notOwn');
  });
});

describe('moderation', () => {
  const moderated = (from: string, id: string) =>
    xml(
      'message',
      { from, type: 'groupchat', id: 'mod' },
      xml('retract', { xmlns: NS_RETRACT, id }, xml('moderated', { xmlns: NS_MODERATE, by: `${ROOM}/Mod` })),
    );

  it('counts only from the room itself, never from an occupant', async () => {
    deliver(roomMessage('Bob', 'sid-1', 'occ-bob', xml('body', {}, 'spam')));
    await endOfTurn();
    deliver(moderated(`${ROOM}/Mallory`, 'sid-1'));
    deliver(moderated('other@conference.example.org', 'sid-1'));
    expect(byBody(ROOM, 'spam')).toBeDefined();
    deliver(moderated(ROOM, 'sid-1'));
    expect(history(ROOM)[0]).toMatchObject({ body: '', retracted: 'moderator' });
  });

  it('reads version 0 from the room', async () => {
    deliver(roomMessage('Bob', 'sid-1', 'occ-bob', xml('body', {}, 'spam')));
    await endOfTurn();
    deliver(
      xml(
        'message',
        { from: ROOM, type: 'groupchat' },
        xml(
          'apply-to',
          { xmlns: NS_FASTEN, id: 'sid-1' },
          xml(
            'moderated',
            { xmlns: NS_MODERATE_LEGACY, by: `${ROOM}/Mod` },
            xml('retract', { xmlns: NS_RETRACT_LEGACY }),
          ),
        ),
      ),
    );
    expect(history(ROOM)[0].retracted).toBe('moderator');
  });

  it('asks the room as a moderator only, by the room’s stanza-id', async () => {
    deliver(roomMessage('Bob', 'sid-1', 'occ-bob', xml('body', {}, 'spam')));
    await endOfTurn();
    const id = byBody(ROOM, 'spam')!.id;
    const refused = await service.moderate({ accountId: ACCOUNT, id });
    expect(!refused.ok && refused.error.reason).toBe('replies.notModerator');
    role = 'moderator';
    expect((await service.moderate({ accountId: ACCOUNT, id, reason: 'spam' })).ok).toBe(true);
    expect(requests[0].attrs).toMatchObject({ to: ROOM, type: 'set' });
    expect(requests[0].getChild('moderate', NS_MODERATE)?.attrs.id).toBe('sid-1');
  });
});

describe('from the archive', () => {
  it('applies a room archive’s retractions and reactions after its page is stored, with the live checks', async () => {
    const from = (nick: string, occupantId: string, ...children: Element[]) =>
      xml(
        'message',
        { from: `${ROOM}/${nick}`, type: 'groupchat' },
        ...children,
        xml('occupant-id', { xmlns: NS_OCCUPANT_ID, id: occupantId }),
      );
    archive = [
      from('Bob', 'occ-bob', xml('body', {}, 'archived and taken back')),
      from('Bob', 'occ-bob', xml('body', {}, 'archived and liked')),
      from('Mallory', 'occ-mallory', retract('arch-1'), xml('body', {}, 'fallback')),
      from('Bob', 'occ-bob', retract('arch-0'), xml('body', {}, 'fallback')),
      from('Carol', 'occ-carol', reactions('arch-1', '👍')),
    ];
    service.roomJoined(ACCOUNT, ROOM);
    await waitUntil('the page applied', () => history(ROOM).some((m) => m.reactions !== undefined));
    expect(history(ROOM).map((m) => [m.body, m.retracted ?? null])).toEqual([
      ['', 'sender'],
      ['archived and liked', null],
    ]);
    expect(history(ROOM)[1].reactions).toEqual([{ emoji: '👍', count: 1, mine: false, by: ['Carol'] }]);
  });
});
