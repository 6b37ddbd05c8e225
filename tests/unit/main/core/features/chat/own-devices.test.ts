/**
 * What our other clients do, fed as stanzas to the chat feature over the real store: a reaction
 * another of our clients sent (its sent carbon live, our archive after a new session) is ours on
 * the message, only when both the carbon and the message it wraps come from our own account; a
 * read position (XEP-0490) naming a message we do not hold yet waits for that message, live or
 * from the archive, the latest per conversation.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../../../src/shared/contract';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { Db } from '../../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../../src/main/core/store/messages-repo';
import { ReadStateRepository } from '../../../../../../src/main/core/store/read-state-repo';
import { ChatService } from '../../../../../../src/main/core/features/chat/service';
import { memoryDbWithAccount } from '../../../../../support/db';
import { bringOnline, fakeSession, type FakeSession } from '../../../../../support/fake-session';
import { waitUntil } from '../../../../../support/wait';
import {
  NS_CARBONS,
  NS_DELAY,
  NS_FORWARD,
  NS_MAM,
  NS_MDS,
  NS_PUBSUB_EVENT,
  NS_REACTIONS,
  NS_RSM,
  NS_SID,
} from '../../../../../../src/main/core/xmpp/ns';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';
const BOB = 'bob@example.org';

let db: Db;
let bus: EventBus;
let service: ChatService;
let deliver: FakeSession['deliver'];
let fake: SessionXmpp;
/** Our account's archive: [archive id, the archived message]. */
let archive: [string, Element][];
let queries: number;

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1);
  archive = [];
  queries = 0;
  service = new ChatService({
    repo: new MessagesRepository(db),
    readState: new ReadStateRepository(db),
    bus,
    log: silentLogger,
    rooms: { joinedNick: () => null, onJoined: () => () => undefined },
    accountJid: () => OWN,
    subscriptionOf: () => 'both',
    now: () => Date.parse('2026-12-06T12:00:00Z'),
  });
  const request = async (iq: Element) => {
    const query = iq.getChild('query', NS_MAM);
    if (!query) return xml('iq', { type: 'result' });
    queries++;
    for (const [id, inner] of archive) {
      const forwarded = xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml('delay', { xmlns: NS_DELAY, stamp: '2026-12-06T11:00:00Z' }),
        inner,
      );
      deliver(xml('message', {}, xml('result', { xmlns: NS_MAM, queryid: query.attrs.queryid, id }, forwarded)));
    }
    const last = archive.at(-1)?.[0];
    const set = xml('set', { xmlns: NS_RSM }, last === undefined ? null : xml('last', {}, last));
    return xml('iq', { type: 'result' }, xml('fin', { xmlns: NS_MAM, complete: 'true' }, set));
  };
  const session = fakeSession(OWN, { request });
  fake = session.xmpp;
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
const unread = (conversation: string) => service.conversations().find((c) => c.conversation === conversation)?.unread;

/** A new session: the archive is read from its marker (all of it here), as after a restart. */
async function newSession(): Promise<void> {
  const before = queries;
  service.onOnline(ACCOUNT, { xmpp: fake, boundJid: `${OWN}/jw`, resumed: false });
  service.sessionReady(ACCOUNT);
  await waitUntil('archive read', () => queries > before);
  await endOfTurn();
  await endOfTurn();
}

const fromBob = (id: string, body: string, serverId?: string) =>
  xml(
    'message',
    { from: `${BOB}/phone`, to: `${OWN}/jw`, type: 'chat', id },
    xml('body', {}, body),
    serverId === undefined ? null : xml('stanza-id', { xmlns: NS_SID, by: OWN, id: serverId }),
  );
const reactions = (id: string, ...emojis: string[]) =>
  xml('reactions', { xmlns: NS_REACTIONS, id }, ...emojis.map((e) => xml('reaction', {}, e)));
/** What another of our clients (or `innerFrom`) sent to Bob, as the carbon `outerFrom` sends us. */
const sentCarbon = (outerFrom: string, innerFrom: string, ...children: Element[]) =>
  xml(
    'message',
    { from: outerFrom, to: `${OWN}/jw`, type: 'chat' },
    xml(
      'sent',
      { xmlns: NS_CARBONS },
      xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml('message', { from: innerFrom, to: `${BOB}/phone`, type: 'chat', id: 'r-1' }, ...children),
      ),
    ),
  );
/** A read position event of our MDS node, from `from`. */
const position = (from: string, conversation: string, stanzaId: string) =>
  xml(
    'message',
    { from, to: `${OWN}/jw`, type: 'headline' },
    xml(
      'event',
      { xmlns: NS_PUBSUB_EVENT },
      xml(
        'items',
        { node: NS_MDS },
        xml(
          'item',
          { id: conversation },
          xml('displayed', { xmlns: NS_MDS }, xml('stanza-id', { xmlns: NS_SID, id: stanzaId, by: OWN })),
        ),
      ),
    ),
  );

describe('reactions from our other clients', () => {
  it('a sent carbon of our reaction marks it ours on the message, replaced by our next set', async () => {
    deliver(fromBob('b-1', 'lunch?'));
    await endOfTurn();
    deliver(sentCarbon(OWN, `${OWN}/phone`, reactions('b-1', '👍', '🎉')));
    expect(byBody(BOB, 'lunch?')?.reactions).toEqual([
      { emoji: '👍', count: 1, mine: true, by: [] },
      { emoji: '🎉', count: 1, mine: true, by: [] },
    ]);
    deliver(sentCarbon(OWN, `${OWN}/phone`, reactions('b-1')));
    expect(byBody(BOB, 'lunch?')?.reactions).toBeUndefined();
    expect(history(BOB)).toHaveLength(1); // none of them became a message
  });

  it('only when the carbon comes from our bare JID and wraps a message from our own account', async () => {
    deliver(fromBob('b-1', 'lunch?'));
    await endOfTurn();
    // A carbon from someone else, or from one of our resources rather than the account.
    deliver(sentCarbon('mallory@example.org', `${OWN}/phone`, reactions('b-1', '💩')));
    deliver(sentCarbon(`${OWN}/phone`, `${OWN}/phone`, reactions('b-1', '💩')));
    // Our account's carbon wrapping a message someone else sent: not ours to claim.
    deliver(sentCarbon(OWN, 'mallory@example.org/x', reactions('b-1', '💩')));
    deliver(sentCarbon(OWN, `${BOB}/phone`, reactions('b-1', '💩')));
    expect(byBody(BOB, 'lunch?')?.reactions).toBeUndefined();
    expect(service.stats(ACCOUNT)?.dropped).toBe(4);
  });

  it('our reaction found in our archive after a new session is ours on the message', async () => {
    deliver(fromBob('b-1', 'lunch?'));
    await endOfTurn();
    archive.push([
      'arch-1',
      xml(
        'message',
        { from: `${OWN}/phone`, to: BOB, type: 'chat', id: 'r-1' },
        reactions('b-1', '❤️'),
        xml('store', { xmlns: 'urn:xmpp:hints' }),
      ),
    ]);
    // One to ourselves is not a conversation.
    archive.push(['arch-2', xml('message', { from: `${OWN}/phone`, to: OWN, type: 'chat' }, reactions('b-1', '💩'))]);
    await newSession();
    expect(byBody(BOB, 'lunch?')?.reactions).toEqual([{ emoji: '❤️', count: 1, mine: true, by: [] }]);
  });
});

describe('read positions for messages we do not hold yet', () => {
  it('waits for the message and marks the conversation read up to it when it arrives live', async () => {
    deliver(fromBob('b-1', 'first', 'sid-1'));
    await endOfTurn();
    deliver(position(OWN, BOB, 'sid-2'));
    expect(unread(BOB)).toBe(1);
    deliver(fromBob('b-2', 'second', 'sid-2'));
    deliver(fromBob('b-3', 'third', 'sid-3'));
    await endOfTurn();
    // Read up to the second; the third came after the position.
    expect(unread(BOB)).toBe(1);
  });

  it('applies a waiting position when the archive brings its message after a new session', async () => {
    deliver(position(OWN, BOB, 'arch-7'));
    archive.push(['arch-6', fromBob('b-6', 'sixth')]);
    archive.push(['arch-7', fromBob('b-7', 'seventh')]);
    archive.push(['arch-8', fromBob('b-8', 'eighth')]);
    await newSession();
    expect(history(BOB).map((m) => m.body)).toEqual(['sixth', 'seventh', 'eighth']);
    expect(unread(BOB)).toBe(1);
  });

  it('keeps only the latest position of a conversation, and none from another JID', async () => {
    deliver(position(OWN, BOB, 'sid-1'));
    deliver(position(OWN, BOB, 'sid-2'));
    deliver(fromBob('b-1', 'first', 'sid-1'));
    await endOfTurn();
    expect(unread(BOB)).toBe(1); // the position moved on to sid-2 since
    deliver(position('mallory@example.org', BOB, 'sid-3'));
    deliver(fromBob('b-3', 'third', 'sid-3'));
    await endOfTurn();
    expect(unread(BOB)).toBe(2);
    deliver(fromBob('b-2', 'second', 'sid-2'));
    await endOfTurn();
    // sid-2 arrived last: it has the highest local id, so everything up to it is read.
    expect(unread(BOB)).toBe(0);
  });
});
