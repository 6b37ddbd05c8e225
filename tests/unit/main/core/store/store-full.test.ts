/**
 * Store writes that fail (disk full, simulated with `PRAGMA max_page_count`; a file that cannot be
 * written, with `PRAGMA query_only`): the user gets a clear error where they acted, received data a
 * notice, nothing is half-written, nothing crashes, and once writing works again what was refused is
 * written (outbox states) or fetched again from the archive (received messages).
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, MessageView } from '../../../../../src/shared/contract';
import { createMessenger, type Messenger } from '../../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../../src/main/core/secrets';
import { EventBus } from '../../../../../src/main/core/events';
import { silentLogger } from '../../../../../src/main/core/log';
import type { Db } from '../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../src/main/core/store/messages-repo';
import { storeFailureOf } from '../../../../../src/main/core/store/store-check';
import { ChatService } from '../../../../../src/main/core/features/chat/service';
import { memoryDbWithAccount } from '../../../../support/db';
import { bringOnline, fakeSession, type FakeSession } from '../../../../support/fake-session';
import { waitUntil } from '../../../../support/wait';
import { NS_MAM } from '../../../../../src/main/core/xmpp/ns';
import { errorText } from '../../../../../src/renderer/src/lib/words/errors';

/** Lets the database grow by no page from now on: the next insert that needs one fails with SQLITE_FULL. */
function fillDisk(db: Db): void {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
}

function freeSpace(db: Db): void {
  db.pragma('max_page_count = 1073741823');
}

/** The search index agrees with the messages table (an insert half-applied would break it). */
function expectConsistent(db: Db): void {
  expect(db.inTransaction).toBe(false);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(() => db.prepare(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`).run()).not.toThrow();
}

describe('a full disk where the user acted', () => {
  let messenger: Messenger;
  let accountId: string;

  beforeEach(async () => {
    messenger = await createMessenger({
      dataDir: ':memory:',
      secrets: createMemorySecretStore(),
      log: silentLogger,
      sessionFactory: () => ({ start() {}, stop: async () => {}, reconnectNow() {}, checkAlive() {} }),
    });
    const added = await messenger.invoke('account.add', { jid: 'alice@example.org', password: 'pw' });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    accountId = (added.value as { id: string }).id;
  });

  afterEach(() => messenger.close());

  it('a message send returns a clear storage error, stores nothing, and works again once space is back', async () => {
    const send = (body: string) =>
      messenger.invoke('message.send', { accountId, conversation: 'bob@example.org', kind: 'chat', body });
    fillDisk(messenger.db);
    const refused = await send('a long message '.repeat(2_000));
    expect(refused).toEqual({
      ok: false,
      error: { code: 'storage', reason: 'store.writeFailed', params: { failure: 'full' } },
    });
    if (!refused.ok) {
      expect(errorText(refused.error)).toBe(
        'The disk is full, so Jabberwock could not save this. Free some space and try again.',
      );
    }
    expect(messenger.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expectConsistent(messenger.db);
    const snapshot = await messenger.invoke('app.snapshot', {});
    expect(snapshot.ok).toBe(true);

    freeSpace(messenger.db);
    expect(await send('a long message '.repeat(2_000))).toMatchObject({ ok: true, value: { state: 'queued' } });
    expectConsistent(messenger.db);
  });
});

describe('store failures under the chat service', () => {
  const ACCOUNT = 'acc-1';
  const OWN = 'alice@example.org';
  let db: Db;
  let bus: EventBus;
  let events: AppEvent[];
  let service: ChatService;
  let deliver: FakeSession['deliver'];
  let sent: Element[];
  let sm: EventEmitter & { enabled: boolean };
  let failures: (string | null)[];
  let recovered: number;
  /** What the fake server's archive holds (each with its archive id). */
  let archive: { id: string; from: string; body: string; originId: string }[];

  beforeEach(() => {
    db = memoryDbWithAccount(ACCOUNT, OWN);
    bus = new EventBus(1);
    events = [];
    bus.subscribe((batch) => events.push(...batch.events));
    failures = [];
    recovered = 0;
    archive = [];
    service = new ChatService({
      repo: new MessagesRepository(db),
      bus,
      log: silentLogger,
      rooms: { joinedNick: () => null, onJoined: () => () => {} },
      accountJid: () => OWN,
      subscriptionOf: () => 'none',
      storeFailed: (error) => failures.push(storeFailureOf(error)),
      storeRecovered: () => recovered++,
      storeRetryMs: 5,
    });
    sm = Object.assign(new EventEmitter(), { enabled: true });
    // Our archive (XEP-0313): every message, then <fin complete='true'/>.
    const request = async (iq: Element) => {
      const queryid = iq.getChild('query', NS_MAM)?.attrs.queryid;
      for (const message of archive) {
        const result = xml(
          'result',
          { xmlns: NS_MAM, queryid, id: message.id },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml(
              'message',
              { from: message.from, to: OWN, type: 'chat', id: message.originId },
              xml('body', {}, message.body),
              xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: message.originId }),
            ),
          ),
        );
        deliver(xml('message', { to: OWN }, result));
      }
      const last = archive.at(-1)?.id;
      return xml(
        'iq',
        { type: 'result' },
        xml(
          'fin',
          { xmlns: NS_MAM, complete: 'true' },
          xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, last ? xml('last', {}, last) : null),
        ),
      );
    };
    const session = fakeSession(OWN, { request, sm });
    sent = session.sent;
    deliver = session.deliver;
    bringOnline(service, ACCOUNT, session, `${OWN}/jw`);
  });

  afterEach(() => {
    service.close();
    bus.close();
    db.close();
  });

  const stored = () =>
    db.prepare(`SELECT origin_id, state FROM messages ORDER BY id`).all() as { origin_id: string; state: string }[];

  it('an acknowledged message whose state cannot be written stays queued, is not sent again, and is recorded later', async () => {
    const queued = await service.send({
      accountId: ACCOUNT,
      conversation: 'bob@example.org',
      kind: 'chat',
      body: 'hi',
    });
    if (!queued.ok) throw new Error(JSON.stringify(queued.error));
    await waitUntil('sent', () => sent.length === 1);
    db.pragma('query_only = 1'); // every write now fails (SQLITE_READONLY)

    expect(() => sm.emit('ack', sent[0])).not.toThrow();
    expect(failures).toEqual(['readonly']);
    expect(stored()).toEqual([{ origin_id: sent[0].attrs.id, state: 'queued' }]);
    bus.flush();
    const shownSent = () =>
      events.some((event) => event.type === 'message' && (event.message as MessageView).state === 'sent');
    expect(shownSent()).toBe(false); // the UI shows a state only once it is stored
    // The outbox runs again (a resumed stream): the server has it, so it is not sent twice.
    service.onOnline(ACCOUNT, { xmpp: service['accounts'].get(ACCOUNT)!.xmpp!, boundJid: `${OWN}/jw`, resumed: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toHaveLength(1);

    db.pragma('query_only = 0');
    await waitUntil('recorded', () => recovered === 1);
    expect(stored()).toEqual([{ origin_id: sent[0].attrs.id, state: 'sent' }]);
    bus.flush();
    expect(shownSent()).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('received messages a full disk refused are fetched again from the archive once space is back, each once', async () => {
    const from = 'bob@example.org';
    archive = Array.from({ length: 40 }, (_, i) => ({
      id: `arch-${i}`,
      from: `${from}/phone`,
      body: `message ${i} `.repeat(300),
      originId: `origin-${i}`,
    }));
    fillDisk(db);
    for (const message of archive) {
      deliver(
        xml(
          'message',
          { from: message.from, to: OWN, type: 'chat', id: message.originId },
          xml('body', {}, message.body),
          xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: message.originId }),
          xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: OWN, id: message.id }),
        ),
      );
    }
    await expect.poll(() => failures).toContain('full');
    expect(stored()).toEqual([]);
    expectConsistent(db);

    freeSpace(db);
    await waitUntil('archive read again', () => recovered === 1);
    const rows = stored();
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((row) => row.origin_id)).size).toBe(40);
    expectConsistent(db);
  });
});
