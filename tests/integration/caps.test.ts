/**
 * Entity capabilities over a real Prosody: Alice's two honest clients advertise our own caps and
 * answer disco#info with the responder; Carol's client advertises one ver and answers with other
 * features. Bob's session sees their presence and resolves caps through CapsCache with a disco#info
 * query sent through the real iqCaller (and its reply guard): one query for Alice's two resources,
 * the answer verified and stored, Carol's mismatch not trusted; a new cache on the same file asks nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession } from '../../src/main/core/accounts/session';
import { CapsCache, type CapsQuery, type CapsResolved } from '../../src/main/core/features/caps/cache';
import { discoInfoResponder, ownCapsElement, ownDiscoInfo } from '../../src/main/core/features/caps/own';
import { CapsRepository } from '../../src/main/core/features/caps/repo';
import { parsePresence } from '../../src/main/core/features/presence/stanza';
import { createLogger, type Logger } from '../../src/main/core/log';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';
import { NS_DISCO_INFO } from '../../src/main/core/xmpp/ns';
import { type SessionXmpp } from '../../src/main/core/accounts/client';

const USERS = [
  { user: 'alice', password: 'alice-caps-Pa55' },
  { user: 'bob', password: 'bob-caps-Pa55' },
  { user: 'carol', password: 'carol-caps-Pa55' },
];
const NODE = 'https://jabberwock.im';

const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

let server: ProsodyServer;
let dir: string;
const sessions: AccountSession[] = [];

async function online(
  user: string,
  resource: string,
  onClient?: (xmpp: SessionXmpp) => void,
): Promise<{ session: AccountSession; jid: string }> {
  const password = USERS.find((u) => u.user === user)?.password ?? '';
  let boundJid: string | null = null;
  const session = new AccountSession(
    { jid: `${user}@localhost`, password, host: server.host, port: server.port, pinnedCertificates: [], resource },
    { onClient, onStatus: () => {}, onOnline: (info) => (boundJid = info.boundJid), onOffline: () => {} },
    { log: log.child(`${user}/${resource}`), ca: server.caPem, resolveSrv: false, keepaliveMs: 0 },
  );
  sessions.push(session);
  session.start();
  await waitUntil(`${user}/${resource} online`, () => boundJid !== null);
  return { session, jid: boundJid as unknown as string };
}

/** A store with every migration (the caps table is migration 3). */
function capsDb(file: string): Db {
  return openDatabase(file);
}

describe('entity capabilities against Prosody', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-caps-it-'));
    server = await startProsody({ users: USERS });
  });

  afterAll(async () => {
    for (const session of sessions) await session.stop();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks once per ver through the guarded iqCaller, verifies, stores, and distrusts a lying client', async () => {
    const honest = ownDiscoInfo(undefined, 'Jabberwock');
    const advertised = ownCapsElement(honest, NODE);
    const honestResponder = discoInfoResponder(honest, NODE);
    const discoAsked: string[] = [];
    const honestClient = (xmpp: SessionXmpp) =>
      xmpp.iqCallee.get(NS_DISCO_INFO, 'query', (ctx) => {
        discoAsked.push(ctx.stanza.attrs.to);
        return honestResponder(ctx);
      });
    // Carol advertises Alice's ver but answers with one more feature.
    const lying = ownDiscoInfo([...honest.features, 'urn:xmpp:jingle:1'], 'Jabberwock');
    const carolAsked: string[] = [];
    const lyingClient = (xmpp: SessionXmpp) =>
      xmpp.iqCallee.get(NS_DISCO_INFO, 'query', (ctx) => {
        carolAsked.push(ctx.element.attrs.node);
        return lieAbout(ctx.element);
      });
    function lieAbout(query: Element): Element {
      return xml(
        'query',
        { xmlns: NS_DISCO_INFO, node: query.attrs.node },
        ...lying.identities.map((i) => xml('identity', { category: i.category, type: i.type, name: i.name })),
        ...lying.features.map((f) => xml('feature', { var: f })),
      );
    }

    const file = path.join(dir, 'caps.sqlite3');
    const db = capsDb(file);
    const cache = new CapsCache({ repo: new CapsRepository(db), log: log.child('caps'), timeoutMs: 5000 });
    const resolved: CapsResolved[] = [];
    cache.onResolved((r) => resolved.push(r));
    const presences: string[] = [];
    let query: CapsQuery = () => Promise.reject(new Error('not online'));
    const bob = await online('bob', 'desk', (xmpp) => {
      query = (to, node) => xmpp.iqCaller.get(xml('query', { xmlns: NS_DISCO_INFO, node }), to, 5000);
      xmpp.middleware.use((ctx, next) => {
        if (ctx.stanza.name !== 'presence') return next();
        const parsed = parsePresence(ctx.stanza, Date.now());
        if (parsed.kind === 'available' && parsed.caps) {
          const from = ctx.stanza.attrs.from;
          presences.push(from);
          cache.resolve('bob-account', from, parsed.caps, query);
        }
        return undefined;
      });
    });
    await bob.session.xmpp.send(xml('presence'));

    const alice1 = await online('alice', 'desk', honestClient);
    const alice2 = await online('alice', 'laptop', honestClient);
    const carol = await online('carol', 'phone', lyingClient);
    // Directed presence to Bob (no subscription needed) from Alice's two resources, same ver.
    for (const { session } of [alice1, alice2]) {
      await session.xmpp.send(xml('presence', { to: bob.jid }, advertised));
    }
    await waitUntil('two presences with caps', () => presences.length >= 2);
    await waitUntil('lookups done', () => cache.stats().inFlight + cache.stats().queued === 0 && resolved.length > 0);

    // One disco#info for the shared ver, with node#ver, answered by one of Alice's resources and verified.
    expect(discoAsked).toHaveLength(1);
    expect([alice1.jid, alice2.jid]).toContain(discoAsked[0]);
    expect(resolved).toHaveLength(1);
    expect(resolved[0].info).toMatchObject({
      ver: advertised.attrs.ver,
      verified: true,
      device: 'pc',
      clientName: 'Jabberwock',
    });
    // Whoever waited is told (both resources, unless the second presence came after the answer).
    expect(resolved[0].jids.length).toBeGreaterThan(0);
    for (const { jid } of resolved[0].jids) expect([alice1.jid, alice2.jid]).toContain(jid);
    for (const jid of [alice1.jid, alice2.jid]) {
      expect(
        cache.resolve('bob-account', jid, { node: NODE, ver: advertised.attrs.ver, hash: 'sha-1' }, query),
      ).toMatchObject({
        verified: true,
      });
    }
    expect(db.prepare('SELECT ver, verified FROM caps').all()).toEqual([{ ver: advertised.attrs.ver, verified: 1 }]);

    // Carol claiming the now verified ver is answered from the cache: she is never asked.
    await carol.session.xmpp.send(xml('presence', { to: bob.jid }, advertised));
    await waitUntil("Carol's presence", () => presences.length >= 3);
    expect(
      cache.resolve('bob-account', carol.jid, { node: NODE, ver: advertised.attrs.ver, hash: 'sha-1' }, query),
    ).toMatchObject({ verified: true });
    expect(carolAsked).toEqual([]);
    expect(cache.stats().queriesSent).toBe(1);

    // A ver of Carol's own, which her answer does not match: not trusted, not stored.
    const carolVer = ownCapsElement(ownDiscoInfo(undefined, 'Carol'), NODE);
    await carol.session.xmpp.send(xml('presence', { to: bob.jid }, carolVer));
    await waitUntil('the lie detected', () => logLines.some((l) => l.includes('caps verification failed')));
    expect(carolAsked).toEqual([`${NODE}#${carolVer.attrs.ver}`]);
    expect(cache.peek('sha-1', carolVer.attrs.ver)).toBeNull();
    expect(
      cache.resolve('bob-account', carol.jid, { node: NODE, ver: carolVer.attrs.ver, hash: 'sha-1' }, query),
    ).toMatchObject({ verified: false });
    expect(db.prepare('SELECT ver, verified FROM caps').all()).toEqual([{ ver: advertised.attrs.ver, verified: 1 }]);
    db.close();

    // A restart: a new cache on the same file answers from SQLite and asks nobody.
    const db2 = capsDb(file);
    const again = new CapsCache({ repo: new CapsRepository(db2), log });
    const never: CapsQuery = () => Promise.reject(new Error('should not be asked'));
    expect(
      again.resolve('bob-account', alice1.jid, { node: NODE, ver: advertised.attrs.ver, hash: 'sha-1' }, never),
    ).toMatchObject({ verified: true, device: 'pc' });
    expect(again.stats().queriesSent).toBe(0);
    db2.close();
  });
});
