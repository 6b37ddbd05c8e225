/**
 * SubscriptionService fed stanzas directly, over the real store (SQLite in memory) and event bus:
 * sender checks, spoofed `subscribed`, look-alike nicks, caps on text, the per-JID limit on
 * automatic answers, what roster changes note, and a 10,000-request wave.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NICK_MAX, type AppEvent, type RosterItemView } from '../../../../../../src/shared/contract';
import { ok } from '../../../../../../src/shared/result';
import { EventBus } from '../../../../../../src/main/core/events';
import { createLogger } from '../../../../../../src/main/core/log';
import type { Db } from '../../../../../../src/main/core/store/db';
import { SubscriptionsRepository } from '../../../../../../src/main/core/store/subscriptions-repo';
import {
  AUTO_ANSWERS_PER_JID,
  SubscriptionService,
  type SubscriptionRoster,
} from '../../../../../../src/main/core/features/subscriptions/service';
import type { RosterFetchListener, RosterItemListener } from '../../../../../../src/main/core/features/roster/service';
import { memoryDbWithAccount } from '../../../../../support/db';
import { NS_NICK } from '../../../../../../src/main/core/xmpp/ns';
import { type SessionXmpp } from '../../../../../../src/main/core/accounts/client';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';

let db: Db;
let bus: EventBus;
let events: AppEvent[];
let sent: Element[];
let logs: string[];
let roster: Map<string, RosterItemView>;
let rosterListeners: Set<RosterItemListener>;
let fetchListeners: Set<RosterFetchListener>;
let repo: SubscriptionsRepository;
let service: SubscriptionService;

/** A roster held in a Map: the data subscriptions read, with changes announced like RosterService does. */
const rosterSource: SubscriptionRoster = {
  item: (_accountId, jid) => roster.get(jid),
  itemsOf: () => [...roster.values()],
  onItemChanged: (listener, onFetch) => {
    rosterListeners.add(listener);
    if (onFetch) fetchListeners.add(onFetch);
    return () => {
      rosterListeners.delete(listener);
      if (onFetch) fetchListeners.delete(onFetch);
    };
  },
  update: async () => ok(null),
};

function setItem(jid: string, fields: Partial<RosterItemView> | null): void {
  const before = roster.get(jid);
  const after =
    fields === null
      ? undefined
      : {
          accountId: ACCOUNT,
          jid,
          name: null,
          subscription: 'none' as const,
          pendingOut: false,
          groups: [],
          ...fields,
        };
  if (after) roster.set(jid, after);
  else roster.delete(jid);
  for (const listener of rosterListeners) listener(ACCOUNT, before, after);
}

function makeService(): SubscriptionService {
  return new SubscriptionService({
    repo,
    roster: rosterSource,
    accounts: { list: () => [{ id: ACCOUNT, jid: OWN }] as never },
    blocking: { supported: () => false, blockMany: async () => ({ blocked: [], failed: null }) },
    bus,
    log: createLogger((level, scope, message) => logs.push(`${level} ${message}`), 'debug'),
    now: () => 1_000_000,
  });
}

function goOnline(target: SubscriptionService): void {
  const fake = {
    status: 'online',
    jid: { domain: 'example.org', bare: () => ({ toString: () => OWN }) },
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: {},
    middleware: { use: () => {} },
  };
  target.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: `${OWN}/jw`, resumed: true });
}

const presence = (from: string | undefined, type: string, ...children: Element[]) =>
  xml('presence', from === undefined ? { type } : { from, type }, ...children);

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1);
  events = [];
  bus.subscribe((batch) => events.push(...batch.events));
  sent = [];
  logs = [];
  roster = new Map();
  rosterListeners = new Set();
  fetchListeners = new Set();
  repo = new SubscriptionsRepository(db);
  service = makeService();
  goOnline(service);
});

afterEach(() => {
  service.close();
  bus.close();
  db.close();
});

const requestEvents = () => events.filter((e) => e.type === 'subscription.request');

describe('incoming subscription presence', () => {
  it('drops a request from an invalid JID or without a sender, and ignores our own JID', () => {
    service.receive(ACCOUNT, presence('a@b@c', 'subscribe'));
    service.receive(ACCOUNT, presence(undefined, 'subscribe'));
    service.receive(ACCOUNT, presence(`${OWN}/phone`, 'subscribe'));
    bus.flush();
    expect(service.requests()).toEqual([]);
    expect(service.stats(ACCOUNT)).toMatchObject({ received: 3, dropped: 3 });
    expect(logs.some((line) => line.includes('invalid JID dropped'))).toBe(true);
  });

  it('ignores subscribed from a JID we never asked, accepts it from one we did', () => {
    service.receive(ACCOUNT, presence('mallory@evil.example', 'subscribed'));
    expect(service.stats(ACCOUNT)?.dropped).toBe(1);
    expect(service.notes()).toEqual([]);

    // We asked Romeo and he declined; a later subscribed from him clears the refusal.
    setItem('romeo@example.org', { pendingOut: true });
    setItem('romeo@example.org', { pendingOut: false });
    expect(service.notes()[0]).toMatchObject({ jid: 'romeo@example.org', ended: 'declined', endedAt: 1_000_000 });
    setItem('romeo@example.org', { pendingOut: true });
    service.receive(ACCOUNT, presence('romeo@example.org/phone', 'subscribed'));
    expect(service.notes()[0]?.ended ?? null).toBeNull();
    expect(service.stats(ACCOUNT)?.dropped).toBe(1);
  });

  it('keeps a request with its nick and message, capped; a redelivery is not new', async () => {
    const longNick = 'N'.repeat(1024 * 1024);
    service.receive(
      ACCOUNT,
      presence('bob@example.org/desk', 'subscribe', xml('nick', { xmlns: NS_NICK }, longNick), xml('status', {}, 'hi')),
    );
    const [request] = service.requests();
    expect(request).toMatchObject({ jid: 'bob@example.org', message: 'hi', receivedAt: 1_000_000 });
    expect(request.nick).toHaveLength(NICK_MAX);
    service.receive(
      ACCOUNT,
      presence('bob@example.org/desk', 'subscribe', xml('nick', { xmlns: NS_NICK }, longNick), xml('status', {}, 'hi')),
    );
    bus.flush();
    expect(requestEvents()).toHaveLength(1);
    expect(sent).toEqual([]);
    // Persisted: a new service over the same store (a restart) still has it.
    service.close();
    service = makeService();
    expect(service.requests().map((r) => r.jid)).toEqual(['bob@example.org']);
  });

  it('a redelivery without the nick (as ejabberd sends it) keeps the nick and is not new', () => {
    const nick = xml('nick', { xmlns: NS_NICK }, 'Bobby');
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe', nick, xml('status', {}, 'Hi Alice')));
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe', xml('status', {}, 'Hi Alice')));
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe'));
    bus.flush();
    expect(requestEvents()).toHaveLength(1);
    expect(service.requests()).toEqual([expect.objectContaining({ nick: 'Bobby', message: 'Hi Alice' })]);
    // A changed message is news.
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe', xml('status', {}, 'It is Bob')));
    bus.flush();
    expect(requestEvents()).toHaveLength(2);
    expect(service.requests()).toEqual([expect.objectContaining({ nick: 'Bobby', message: 'It is Bob' })]);
  });

  it('marks a nick that imitates a contact, but not a contact using its own name', () => {
    setItem('romeo@example.org', { name: 'Romeo', subscription: 'both' });
    service.receive(ACCOUNT, presence('evil@example.net', 'subscribe', xml('nick', { xmlns: NS_NICK }, 'Rоmeo\u200B')));
    service.receive(ACCOUNT, presence('other@example.net', 'subscribe', xml('nick', { xmlns: NS_NICK }, 'ROMEO')));
    service.receive(
      ACCOUNT,
      presence('third@example.net', 'subscribe', xml('nick', { xmlns: NS_NICK }, 'juliet@example.org')),
    );
    service.receive(ACCOUNT, presence('fourth@example.net', 'subscribe', xml('nick', { xmlns: NS_NICK }, 'Tybalt')));
    // Romeo himself asking with his own name (after his subscription ended both ways).
    setItem('romeo@example.org', { name: 'Romeo', subscription: 'none' });
    service.receive(ACCOUNT, presence('romeo@example.org', 'subscribe', xml('nick', { xmlns: NS_NICK }, 'Romeo')));
    const by = new Map(service.requests().map((r) => [r.jid, r.lookalikeOf]));
    expect(by.get('evil@example.net')).toBe('Romeo');
    expect(by.get('other@example.net')).toBe('Romeo');
    expect(by.get('third@example.net')).toBe('juliet@example.org');
    expect(by.get('fourth@example.net')).toBeNull();
    expect(by.get('romeo@example.org')).toBeNull();
  });

  it('answers one JID automatically at most a few times per session, then leaves it to the user', () => {
    service.setPolicy({ accountId: ACCOUNT, incoming: 'accept' });
    for (let i = 0; i < AUTO_ANSWERS_PER_JID + 2; i++)
      service.receive(ACCOUNT, presence('bot@example.org', 'subscribe'));
    expect(sent.filter((s) => s.attrs.type === 'subscribed')).toHaveLength(AUTO_ANSWERS_PER_JID);
    expect(service.requests().map((r) => r.jid)).toEqual(['bot@example.org']);
  });

  it('subscribes back only when we neither see them nor asked', () => {
    service.setPolicy({ accountId: ACCOUNT, incoming: 'accept-subscribe', acceptAsked: false });
    setItem('seen@example.org', { subscription: 'to' });
    setItem('asked@example.org', { pendingOut: true });
    for (const jid of ['new@example.org', 'seen@example.org', 'asked@example.org']) {
      service.receive(ACCOUNT, presence(jid, 'subscribe'));
    }
    const to = (type: string) => sent.filter((s) => s.attrs.type === type).map((s) => s.attrs.to);
    expect(to('subscribed').sort()).toEqual(['asked@example.org', 'new@example.org', 'seen@example.org']);
    expect(to('subscribe')).toEqual(['new@example.org']);
  });

  it('an unsubscribe withdraws the pending request; unsubscribed alone changes nothing', () => {
    setItem('romeo@example.org', { subscription: 'both' });
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe'));
    service.receive(ACCOUNT, presence('bob@example.org', 'unsubscribe'));
    expect(service.requests()).toEqual([]);
    service.receive(ACCOUNT, presence('romeo@example.org', 'unsubscribed'));
    expect(service.notes()).toEqual([]);
    // The roster push that follows is what says Romeo stopped sharing.
    setItem('romeo@example.org', { subscription: 'from' });
    expect(service.notes()[0]).toMatchObject({ jid: 'romeo@example.org', ended: 'revoked' });
  });

  it('a request approved by another of our clients leaves the inbox', () => {
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe'));
    setItem('bob@example.org', { subscription: 'from' });
    expect(service.requests()).toEqual([]);
  });

  it('reads a full fetch in one call: approved requests leave the inbox, a lost subscription is noted', () => {
    const item = (jid: string, subscription: RosterItemView['subscription']): RosterItemView => ({
      accountId: ACCOUNT,
      jid,
      name: null,
      subscription,
      pendingOut: false,
      groups: [],
    });
    const fetch = (change: Parameters<RosterFetchListener>[1]) => {
      for (const listener of fetchListeners) listener(ACCOUNT, change);
    };
    // A first fetch: every item new, one of them approved by another of our clients.
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe'));
    service.receive(ACCOUNT, presence('eve@example.org', 'subscribe'));
    const first = [item('bob@example.org', 'from'), item('romeo@example.org', 'both'), item('eve@example.org', 'none')];
    fetch({ removed: [], changed: first, allNew: true, before: () => undefined });
    expect(service.requests().map((request) => request.jid)).toEqual(['eve@example.org']);
    expect(service.notes()).toEqual([]);
    // A later fetch: Romeo stopped sharing, Bob was removed.
    const before = new Map(first.map((one) => [one.jid, one]));
    fetch({
      removed: [first[0]],
      changed: [item('romeo@example.org', 'from')],
      allNew: false,
      before: (jid) => before.get(jid),
    });
    expect(service.notes()).toMatchObject([{ jid: 'romeo@example.org', ended: 'revoked' }]);
  });

  it('takes 10,000 requests from distinct JIDs without answering any, stored in one transaction', () => {
    for (let i = 0; i < 10_000; i++) service.receive(ACCOUNT, presence(`spam${i}@spam.example/x`, 'subscribe'));
    expect(service.pendingCount()).toBe(10_000);
    expect(repo.pendingWrites).toBe(10_000);
    repo.flush();
    const stored = db.prepare('SELECT count(*) AS n FROM subscription_requests').get() as { n: number };
    expect(stored.n).toBe(10_000);
    bus.flush();
    expect(requestEvents()).toHaveLength(10_000);
    expect(sent).toEqual([]);
  });

  it('a removed account takes its queued request writes with it; the others are still written', () => {
    db.prepare(
      `INSERT INTO accounts (id, jid, color, resource, position, created_at) VALUES ('acc-2', 'b@example.org', '#336699', 'jw', 1, 0)`,
    ).run();
    service.receive(ACCOUNT, presence('bob@example.org', 'subscribe'));
    service.receive('acc-2', presence('carol@example.org', 'subscribe'));
    db.prepare('DELETE FROM accounts WHERE id = ?').run(ACCOUNT);
    service.onRemoved(ACCOUNT);
    expect(() => repo.flush()).not.toThrow();
    const rows = db.prepare('SELECT account_id, jid FROM subscription_requests').all();
    expect(rows).toEqual([{ account_id: 'acc-2', jid: 'carol@example.org' }]);
  });
});
