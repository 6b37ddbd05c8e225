import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Element } from '@xmpp/xml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CapsCache,
  clientNameOf,
  deviceOf,
  type CapsResolved,
} from '../../../../../../src/main/core/features/caps/cache';
import { capsHash, discoInfoElement, type DiscoInfo } from '../../../../../../src/main/core/features/caps/hash';
import { CapsRepository } from '../../../../../../src/main/core/features/caps/repo';
import type { CapsReference } from '../../../../../../src/main/core/features/caps/cache';
import { createLogger, type Logger } from '../../../../../../src/main/core/log';
import { openDatabase, type Db } from '../../../../../../src/main/core/store/db';
import { parseStanza } from '../../../../../support/xml';

const DISCO = 'http://jabber.org/protocol/disco#info';

function client(type: string, name: string, extra: string[] = []): DiscoInfo {
  return {
    identities: [{ category: 'client', type, lang: null, name }],
    features: [DISCO, 'http://jabber.org/protocol/caps', ...extra],
    forms: [],
  };
}

const GAJIM = client('pc', 'Gajim', ['urn:xmpp:jingle:1']);
const CONVERSATIONS = client('phone', 'Conversations', ['urn:xmpp:receipts']);
const CONVERSE = client('web', 'Converse', ['urn:xmpp:mam:2']);

function ref(info: DiscoInfo, node = 'https://example.org/client'): CapsReference {
  return { node, ver: capsHash(info, 'sha-1'), hash: 'sha-1' };
}

/** A disco#info result as it arrives: the <iq/> text through xmpp.js's parser. */
function reply(from: string, info: DiscoInfo, node: string): Element {
  return parseStanza(`<iq type='result' id='q' from='${from}'>${discoInfoElement(info, node).toString()}</iq>`);
}

interface FakeNetwork {
  query: (to: string, node: string) => Promise<Element>;
  calls: { to: string; node: string }[];
}

/** Answers every query with what `answers` says that JID runs (by bare JID), asynchronously. */
function network(answers: (to: string) => DiscoInfo | 'silent' | 'error'): FakeNetwork {
  const calls: FakeNetwork['calls'] = [];
  return {
    calls,
    query: (to, node) => {
      calls.push({ to, node });
      const answer = answers(to);
      if (answer === 'silent') return new Promise<Element>(() => {});
      if (answer === 'error') return Promise.reject(new Error('service-unavailable'));
      return new Promise((resolve) => setTimeout(() => resolve(reply(to, answer, node)), 1));
    },
  };
}

function recordingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger((level, _scope, message) => lines.push(`${level} ${message}`), 'debug'), lines };
}

const dirs: string[] = [];
const dbs: Db[] = [];
/** A store with every migration (the caps table is migration 3). */
function capsDb(file = path.join(tempDir(), 'caps.sqlite3')): Db {
  const db = openDatabase(file);
  dbs.push(db);
  return db;
}
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-caps-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  vi.useRealTimers();
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function settle(cache: CapsCache): Promise<void> {
  await vi.waitFor(() => expect(cache.stats().inFlight + cache.stats().queued).toBe(0), { timeout: 5000, interval: 2 });
}

const byBare = (to: string) => to.split('/')[0];

/** After the retry period a ver whose lookup failed is looked up again (the second call), and its answer is found. */
async function expectAskedAgainAfterRetry(cache: CapsCache, net: ReturnType<typeof network>): Promise<void> {
  await vi.advanceTimersByTimeAsync(60_001);
  expect(cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query)).toBeNull();
  await vi.advanceTimersByTimeAsync(5);
  expect(net.calls).toHaveLength(2);
  expect(cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query)?.device).toBe('web');
}

describe('CapsCache', () => {
  it('queries once per ver: 1,000 resources on two accounts sharing 3 vers → 3 queries', async () => {
    const runs = (to: string) => {
      const n = Number(byBare(to).replace(/\D/g, ''));
      return [GAJIM, CONVERSATIONS, CONVERSE][n % 3];
    };
    const net = network(runs);
    const cache = new CapsCache({ repo: new CapsRepository(capsDb()), log: createLogger(() => {}) });
    const resolved: CapsResolved[] = [];
    cache.onResolved((r) => resolved.push(r));

    const resources: { account: string; jid: string }[] = [];
    for (let i = 0; i < 200; i++) {
      for (let r = 0; r < 5; r++)
        resources.push({ account: i % 2 ? 'acc-a' : 'acc-b', jid: `c${i}@example.org/r${r}` });
    }
    for (const { account, jid } of resources) {
      expect(cache.resolve(account, jid, ref(runs(jid)), net.query)).toBeNull();
    }
    await settle(cache);

    expect(net.calls).toHaveLength(3);
    expect(new Set(net.calls.map((c) => c.node.split('#')[1]))).toEqual(
      new Set([GAJIM, CONVERSATIONS, CONVERSE].map((i) => capsHash(i, 'sha-1'))),
    );
    expect(net.calls[0].node).toBe(`https://example.org/client#${capsHash(GAJIM, 'sha-1')}`);
    // Everyone who waited is told, and now gets the answer synchronously.
    expect(resolved).toHaveLength(3);
    expect(resolved.reduce((n, r) => n + r.jids.length, 0)).toBe(1000);
    for (const { account, jid } of resources) {
      const info = cache.resolve(account, jid, ref(runs(jid)), net.query);
      expect(info?.verified).toBe(true);
      expect(info?.device).toBe(runs(jid) === GAJIM ? 'pc' : runs(jid) === CONVERSATIONS ? 'phone' : 'web');
    }
    expect(net.calls).toHaveLength(3);
  });

  it('remembers verified caps across a restart on the same SQLite file: zero queries', async () => {
    const file = path.join(tempDir(), 'caps.sqlite3');
    const first = network(() => CONVERSATIONS);
    const db1 = capsDb(file);
    const cache1 = new CapsCache({ repo: new CapsRepository(db1), log: createLogger(() => {}) });
    cache1.resolve('acc', 'alice@example.org/phone', ref(CONVERSATIONS), first.query);
    await settle(cache1);
    expect(first.calls).toHaveLength(1);
    db1.close();

    const second = network(() => CONVERSATIONS);
    const cache2 = new CapsCache({ repo: new CapsRepository(capsDb(file)), log: createLogger(() => {}) });
    const info = cache2.resolve('acc', 'bob@example.org/other', ref(CONVERSATIONS), second.query);
    expect(info).toMatchObject({ verified: true, device: 'phone', clientName: 'Conversations' });
    expect(info?.features).toEqual(expect.arrayContaining(['urn:xmpp:receipts']));
    expect(second.calls).toHaveLength(0);
  });

  it('does not trust a disco#info that hashes to another ver: not cached, kept for its sender only, asks another contact', async () => {
    const { log, lines } = recordingLogger();
    const liar = { ...GAJIM, features: [...GAJIM.features, 'urn:xmpp:jingle:apps:rtp:1'] };
    const net = network((to) => (to.startsWith('mallory@') ? liar : GAJIM));
    const db = capsDb();
    const repo = new CapsRepository(db);
    const cache = new CapsCache({ repo, log });
    const resolved: CapsResolved[] = [];
    cache.onResolved((r) => resolved.push(r));

    // Mallory's presence arrives first, so she is asked first.
    cache.resolve('acc', 'mallory@evil.example/x', ref(GAJIM), net.query);
    cache.resolve('acc', 'alice@example.org/desk', ref(GAJIM), net.query);
    await settle(cache);

    expect(net.calls.map((c) => c.to)).toEqual(['mallory@evil.example/x', 'alice@example.org/desk']);
    expect(lines.some((l) => l.startsWith('warn caps verification failed'))).toBe(true);
    expect(resolved[0]).toMatchObject({ info: { verified: false }, jids: [{ jid: 'mallory@evil.example/x' }] });
    expect(resolved[1].info.verified).toBe(true);
    expect(resolved[1].info.features).not.toContain('urn:xmpp:jingle:apps:rtp:1');
    expect(db.prepare('SELECT verified, features FROM caps').all()).toEqual([
      { verified: 1, features: JSON.stringify(GAJIM.features) },
    ]);
  });

  it('keeps a mismatching answer for its sender only and never asks another resource of the same user@host', async () => {
    const liar = client('pc', 'Liar');
    const net = network(() => liar);
    const cache = new CapsCache({ repo: new CapsRepository(capsDb()), log: createLogger(() => {}) });
    cache.resolve('acc', 'mallory@evil.example/a', ref(GAJIM), net.query);
    cache.resolve('acc', 'mallory@evil.example/b', ref(GAJIM), net.query);
    await settle(cache);

    expect(net.calls).toHaveLength(1);
    expect(cache.peek('sha-1', ref(GAJIM).ver)).toBeNull();
    expect(cache.resolve('acc', 'mallory@evil.example/a', ref(GAJIM), net.query)).toMatchObject({
      verified: false,
      clientName: 'Liar',
    });
    // Another JID advertising the same ver gets nothing from Mallory's answer; it starts its own lookup.
    expect(cache.resolve('acc', 'bob@example.org/r', ref(GAJIM), net.query)).toBeNull();
    await settle(cache);
    expect(net.calls.map((c) => c.to)).toEqual(['mallory@evil.example/a', 'bob@example.org/r']);
  });

  it('treats ill-formed answers (duplicate features) as failures and does not cache them', async () => {
    const { log, lines } = recordingLogger();
    const info = ref(GAJIM);
    const query = vi.fn((to: string, node: string) =>
      Promise.resolve(
        parseStanza(
          `<iq type='result' from='${to}'><query xmlns='${DISCO}' node='${node}'><identity category='client' type='pc' name='Gajim'/>` +
            `<feature var='${DISCO}'/><feature var='${DISCO}'/></query></iq>`,
        ),
      ),
    );
    const cache = new CapsCache({ repo: null, log });
    cache.resolve('acc', 'alice@example.org/r', info, query);
    await settle(cache);
    expect(query).toHaveBeenCalledTimes(1);
    expect(lines.some((l) => l.includes('ill-formed'))).toBe(true);
    expect(cache.resolve('acc', 'alice@example.org/r', info, query)).toBeNull();
    expect(query).toHaveBeenCalledTimes(1); // not asked again within the retry period
  });

  it('treats a result without <query/> (iqCaller.get gives undefined) as a failure', async () => {
    const { log, lines } = recordingLogger();
    const query = vi.fn(() => Promise.resolve(undefined as unknown as Element));
    const cache = new CapsCache({ repo: null, log });
    cache.resolve('acc', 'alice@example.org/r', ref(GAJIM), query);
    await settle(cache);
    expect(lines.some((l) => l.includes('ill-formed'))).toBe(true);
    expect(cache.peek('sha-1', ref(GAJIM).ver)).toBeNull();
  });

  it('ignores legacy caps, unknown hash algorithms and vers that cannot be digests', () => {
    const query = vi.fn(() => new Promise<Element>(() => {}));
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}) });
    const ver = capsHash(GAJIM, 'sha-1');
    expect(cache.resolve('acc', 'a@example.org/r', { node: 'n', ver, hash: '' }, query)).toBeNull();
    expect(cache.resolve('acc', 'a@example.org/r', { node: 'n', ver, hash: 'md5' }, query)).toBeNull();
    expect(cache.resolve('acc', 'a@example.org/r', { node: 'n', ver: '1.0', hash: 'sha-1' }, query)).toBeNull();
    expect(cache.resolve('acc', 'a@example.org/r', { node: 'n', ver, hash: 'sha-256' }, query)).toBeNull();
    expect(query).not.toHaveBeenCalled();
  });

  it('answers a verified ver from memory for any JID and node, never for another hash algorithm', async () => {
    const net = network(() => GAJIM);
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}) });
    const gajim = ref(GAJIM);
    expect(cache.resolve('acc', 'a@example.org/r', gajim, net.query)).toBeNull();
    await settle(cache);
    const info = cache.resolve('acc', 'a@example.org/r', gajim, net.query);
    expect(info).toMatchObject({ verified: true, clientName: 'Gajim', device: 'pc' });
    // The same ver from someone else, under another node or with the algorithm's name in upper case.
    expect(cache.resolve('acc-2', 'b@example.net/x', gajim, net.query)).toBe(info);
    expect(cache.resolve('acc', 'c@example.org/r', { ...gajim, node: 'https://other.example/' }, net.query)).toBe(info);
    expect(cache.resolve('acc', 'c@example.org/r', { ...gajim, hash: 'SHA-1' }, net.query)).toBe(info);
    // The same text under another algorithm, or legacy caps, is not that client.
    expect(cache.resolve('acc', 'c@example.org/r', { ...gajim, hash: 'sha-256' }, net.query)).toBeNull();
    expect(cache.resolve('acc', 'c@example.org/r', { ...gajim, hash: '' }, net.query)).toBeNull();
    expect(net.calls).toHaveLength(1);
  });

  it('verifies sha-256 caps too', async () => {
    const ver = capsHash(CONVERSE, 'sha-256');
    const net = network(() => CONVERSE);
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}) });
    cache.resolve('acc', 'a@example.org/web', { node: 'https://conversejs.org', ver, hash: 'sha-256' }, net.query);
    await settle(cache);
    expect(cache.peek('sha-256', ver)).toMatchObject({ verified: true, device: 'web' });
  });

  it('keeps at most 4 queries in flight and queues the rest', async () => {
    const pending: { to: string; node: string; answer: () => void }[] = [];
    let inFlight = 0;
    let peak = 0;
    const infos = Array.from({ length: 20 }, (_, i) => client('pc', `Client ${i}`));
    const query = (to: string, node: string) =>
      new Promise<Element>((resolve) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        const n = Number(to.replace(/\D/g, ''));
        pending.push({
          to,
          node,
          answer: () => {
            inFlight--;
            resolve(reply(to, infos[n], node));
          },
        });
      });
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}) });
    infos.forEach((info, i) => cache.resolve('acc', `u${i}@example.org/r`, ref(info), query));

    expect(pending).toHaveLength(4);
    expect(cache.stats()).toMatchObject({ inFlight: 4, queued: 16 });
    while (pending.length > 0) {
      pending.shift()?.answer();
      await vi.waitFor(() => expect(cache.stats().inFlight).toBe(Math.min(4, pending.length)), { interval: 1 });
    }
    await settle(cache);
    expect(peak).toBe(4);
    expect(cache.stats().queriesSent).toBe(20);
    infos.forEach((info) => expect(cache.peek('sha-1', ref(info).ver)?.verified).toBe(true));
  });

  it('bounds what one bare JID can queue and the queue as a whole (a flood of new hashes)', () => {
    const query = vi.fn(() => new Promise<Element>(() => {}));
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}), maxQueued: 50 });
    for (let r = 0; r < 20; r++) {
      cache.resolve('acc', `flood@evil.example/r${r}`, ref(client('pc', `fake ${r}`)), query);
    }
    expect(query).toHaveBeenCalledTimes(4);
    expect(cache.stats()).toMatchObject({ queued: 0, dropped: 16 });
    for (let j = 0; j < 100; j++) {
      cache.resolve('acc', `c${j}@evil.example/r`, ref(client('pc', `other ${j}`)), query);
    }
    expect(cache.stats().queued).toBe(50);
    expect(query).toHaveBeenCalledTimes(4);
  });

  it('times out a silent contact, frees the slot and asks the next contact with that ver', async () => {
    vi.useFakeTimers();
    const net = network((to) => (to.startsWith('silent@') ? 'silent' : GAJIM));
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}), timeoutMs: 10_000, retryAfterMs: 60_000 });
    cache.resolve('acc', 'silent@example.org/r', ref(GAJIM), net.query);
    cache.resolve('acc', 'alice@example.org/r', ref(GAJIM), net.query);
    expect(net.calls.map((c) => c.to)).toEqual(['silent@example.org/r']);

    await vi.advanceTimersByTimeAsync(9_999);
    expect(net.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(net.calls.map((c) => c.to)).toEqual(['silent@example.org/r', 'alice@example.org/r']);
    await vi.advanceTimersByTimeAsync(5);
    expect(cache.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(cache.resolve('acc', 'silent@example.org/r', ref(GAJIM), net.query)?.verified).toBe(true);
  });

  it('asks a JID again after the retry period when its query failed', async () => {
    vi.useFakeTimers();
    let fail = true;
    const net = network(() => (fail ? 'error' : CONVERSE));
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}), retryAfterMs: 60_000 });
    cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query);
    await vi.advanceTimersByTimeAsync(1);
    expect(cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query)).toBeNull();
    expect(net.calls).toHaveLength(1);

    fail = false;
    await expectAskedAgainAfterRetry(cache, net);
  });

  it('reads SQLite once for a ver whose lookup failed, not per presence, until a lookup for it ends; then looks it up again', async () => {
    vi.useFakeTimers();
    let fail = true;
    const net = network(() => (fail ? 'error' : CONVERSE));
    const repo = new CapsRepository(capsDb());
    const reads = vi.spyOn(repo, 'getVerified');
    const cache = new CapsCache({ repo, log: createLogger(() => {}), retryAfterMs: 60_000 });
    expect(cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query)).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(net.calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    const readsAfterFailure = reads.mock.calls.length;

    // A flood of presences with that ver from the JID that failed: neither asked again nor read from SQLite.
    for (let i = 0; i < 100; i++) expect(cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query)).toBeNull();
    expect(reads.mock.calls.length).toBeLessThanOrEqual(readsAfterFailure + 1);
    const readsDuringFlood = reads.mock.calls.length;
    for (let i = 0; i < 100; i++) cache.resolve('acc', 'a@example.org/r', ref(CONVERSE), net.query);
    expect(reads.mock.calls.length).toBe(readsDuringFlood);
    expect(net.calls).toHaveLength(1);

    fail = false;
    await expectAskedAgainAfterRetry(cache, net);
  });

  it('reads SQLite again for a ver once a lookup for it ended (another cache may have stored it meanwhile)', async () => {
    vi.useFakeTimers();
    const file = path.join(tempDir(), 'caps.sqlite3');
    const silent = network(() => 'silent');
    const repo = new CapsRepository(capsDb(file));
    const reads = vi.spyOn(repo, 'getVerified');
    const cache = new CapsCache({ repo, log: createLogger(() => {}), timeoutMs: 1_000, maxAttempts: 1 });
    cache.resolve('acc', 'a@example.org/r', ref(GAJIM), silent.query);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(cache.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    // b's presence starts a new lookup, which its next presences join (nothing read meanwhile)…
    cache.resolve('acc', 'b@example.org/r', ref(GAJIM), silent.query);
    const readsMeanwhile = reads.mock.calls.length;
    for (let i = 0; i < 50; i++) cache.resolve('acc', 'b@example.org/r', ref(GAJIM), silent.query);
    expect(reads.mock.calls.length).toBe(readsMeanwhile);
    // …until that lookup ends: then SQLite is read again, and a row written meanwhile is found.
    const other = new CapsCache({ repo: new CapsRepository(capsDb(file)), log: createLogger(() => {}) });
    other.resolve('acc2', 'c@example.org/r', ref(GAJIM), network(() => GAJIM).query);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(cache.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(cache.resolve('acc', 'b@example.org/r', ref(GAJIM), silent.query)?.clientName).toBe('Gajim');
    expect(reads.mock.calls.length).toBe(readsMeanwhile + 1);
  });

  it('stops waiting for an account that went away', () => {
    const query = vi.fn(() => new Promise<Element>(() => {}));
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}), maxInFlight: 1 });
    cache.resolve('acc-a', 'a@example.org/r', ref(GAJIM), query);
    cache.resolve('acc-b', 'b@example.org/r', ref(CONVERSE), query);
    expect(cache.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    cache.forgetAccount('acc-b');
    expect(cache.stats()).toMatchObject({ inFlight: 1, queued: 0 });
  });

  it('bounds the SQLite table: the most recently fetched vers are kept', async () => {
    const db = capsDb();
    const repo = new CapsRepository(db);
    const many = Array.from({ length: 100 }, (_, i) => client('pc', `Client ${i}`));
    let clock = 1_000;
    const net = network((to) => many[Number(to.replace(/\D/g, ''))]);
    const cache = new CapsCache({ repo, log: createLogger(() => {}), maxStored: 10, now: () => clock++ });
    const order: string[] = [];
    cache.onResolved((r) => order.push(r.info.ver));
    many.forEach((info, i) => cache.resolve('acc', `u${i}@example.org/r`, ref(info), net.query));
    await settle(cache);
    expect(net.calls).toHaveLength(100);
    expect(repo.count()).toBe(10);
    const kept = (db.prepare('SELECT ver FROM caps').all() as { ver: string }[]).map((r) => r.ver);
    expect(new Set(kept)).toEqual(new Set(order.slice(-10)));
  });

  it('isolates a throwing listener', async () => {
    const net = network(() => GAJIM);
    const cache = new CapsCache({ repo: null, log: createLogger(() => {}) });
    const seen: string[] = [];
    cache.onResolved(() => {
      throw new Error('boom');
    });
    const off = cache.onResolved((r) => seen.push(r.info.ver));
    cache.resolve('acc', 'a@example.org/r', ref(GAJIM), net.query);
    await settle(cache);
    expect(seen).toEqual([ref(GAJIM).ver]);
    off();
  });
});

describe('device and client name', () => {
  it('maps client identity types to devices', () => {
    const id = (category: string, type: string) => [{ category, type, lang: null, name: null }];
    for (const type of ['pc', 'phone', 'handheld', 'web', 'bot', 'console'] as const) {
      expect(deviceOf(id('client', type))).toBe(type);
    }
    expect(deviceOf(id('client', 'sms'))).toBe('unknown');
    expect(deviceOf(id('account', 'registered'))).toBe('unknown');
    expect(deviceOf(id('gateway', 'phone'))).toBe('unknown');
    expect(deviceOf([...id('component', 'generic'), ...id('client', 'phone')])).toBe('phone');
  });

  it('names the client from its identity, else from XEP-0232 software info, bounded', () => {
    expect(clientNameOf(client('pc', 'Gajim'))).toBe('Gajim');
    expect(
      clientNameOf({
        identities: [
          { category: 'client', type: 'pc', lang: 'el', name: 'Ψ 0.11' },
          { category: 'client', type: 'pc', lang: 'en', name: 'Psi 0.11' },
        ],
        features: [],
        forms: [],
      }),
    ).toBe('Psi 0.11');
    expect(
      clientNameOf({
        identities: [{ category: 'client', type: 'phone', lang: null, name: null }],
        features: [],
        forms: [
          {
            formType: 'urn:xmpp:dataforms:softwareinfo',
            fields: [
              { var: 'software', values: ['Monal'] },
              { var: 'software_version', values: ['6.4'] },
            ],
          },
        ],
      }),
    ).toBe('Monal 6.4');
    expect(clientNameOf(client('pc', `x\n${'y'.repeat(500)}`))).toHaveLength(128);
    expect(
      clientNameOf({
        identities: [{ category: 'client', type: 'pc', lang: null, name: null }],
        features: [],
        forms: [],
      }),
    ).toBeNull();
  });
});
