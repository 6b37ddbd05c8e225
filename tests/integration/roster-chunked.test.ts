/**
 * A large roster result through the whole core against the scripted server: the roster is in
 * memory, emitted and the session ready (initial presence) before SQLite has it; the store follows in
 * the background in a few transactions, its version cleared with the first and written with the last,
 * and ends as a one-turn apply would leave it. A push that arrives meanwhile waits for the result, is
 * stored after it and wins. A process killed halfway leaves a store with items and no version, and
 * the next session fetches the full roster and stores it whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, RosterItemView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import { RosterRepository } from '../../src/main/core/store/roster-repo';
import type { SecretStore } from '../../src/main/core/secrets';
import { localhostTlsSuite } from '../support/certs';
import { NS_BIND, fakeLogin, mechanisms, startScriptedServer, type ScriptedServer } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const NS_ROSTER = 'jabber:iq:roster';
const suite = localhostTlsSuite('jw-roster-chunked-');

const item = (jid: string, name: string) =>
  `<item jid='${jid}' name='${name}' subscription='both'><group>G</group></item>`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

interface Setup {
  server: ScriptedServer;
  messenger: Messenger;
  events: AppEvent[];
  id: string;
  dataDir: string;
  secrets: SecretStore;
}

/** The roster get of the n-th session is answered with `answer(n)` (the whole <iq/> payload after it). */
async function setUp(answer: (n: number) => string): Promise<Setup> {
  let requests = 0;
  const server = await startScriptedServer({
    tls: suite.tls,
    features: (_n, conn) => {
      if (!conn.secure) return `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>`;
      if (!conn.authenticated) return mechanisms('PLAIN');
      return `<bind xmlns='${NS_BIND}'/><ver xmlns='urn:xmpp:features:rosterver'/>`;
    },
    onData: (conn, chunk) => {
      if (fakeLogin(conn, chunk, 'me@localhost')) return;
      if (chunk.includes('</stream:stream>')) return conn.close();
      const get = /<iq\b[^>]*\btype=["']get["'][^>]*>/.exec(chunk);
      if (get && chunk.includes(NS_ROSTER)) {
        const id = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
        conn.send(answer(++requests).replace('ID', id ?? ''));
      }
    },
  });
  const dataDir = suite.tempDir();
  const secrets = createMemorySecretStore();
  const { messenger, events } = await startMessenger(dataDir, secrets);
  const added = await messenger.invoke('account.add', {
    jid: 'me@localhost',
    password: 'anything',
    host: server.host,
    port: server.port,
  });
  const id = (added as { value: AccountView }).value.id;
  await waitUntil('the first sync', () => synced(events, id) === 1);
  await waitUntil('the first roster stored', () => !messenger.roster.storing);
  return { server, messenger, events, id, dataDir, secrets };
}

async function startMessenger(
  dataDir: string,
  secrets: SecretStore,
): Promise<{ messenger: Messenger; events: AppEvent[] }> {
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir,
    secrets,
    log: silentLogger,
    extraCa: suite.caPem,
    flushMs: 5,
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, { log: silentLogger, ca: suite.caPem, resolveSrv: false }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  return { messenger, events };
}

function synced(events: AppEvent[], id: string): number {
  return events.filter((e) => e.type === 'roster.sync' && e.sync.accountId === id && e.sync.state === 'synced').length;
}

function storedVersion(messenger: Messenger, id: string): string | null | undefined {
  const row = messenger.db.prepare('SELECT version FROM roster_versions WHERE account_id = ?').get(id) as
    { version: string | null } | undefined;
  return row === undefined ? undefined : row.version;
}

function stored(messenger: Messenger, id: string): { jid: string; name: string | null }[] {
  return messenger.db.prepare('SELECT jid, name FROM roster_items WHERE account_id = ? ORDER BY jid').all(id) as {
    jid: string;
    name: string | null;
  }[];
}

function inMemory(messenger: Messenger, id: string): { jid: string; name: string | null }[] {
  return messenger.roster
    .itemsOf(id)
    .map((i: RosterItemView) => ({ jid: i.jid, name: i.name }))
    .sort((a, b) => (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0));
}

async function newSession(setup: Setup): Promise<void> {
  const { messenger, events, id } = setup;
  await messenger.invoke('account.setEnabled', { id, enabled: false });
  events.length = 0;
  await messenger.invoke('account.setEnabled', { id, enabled: true });
  await waitUntil('the sync of the new session', () => synced(events, id) === 1);
}

/** What SQLite holds after each event-loop turn until the roster is stored: the version and the rows. */
async function watchStore(
  messenger: Messenger,
  id: string,
): Promise<{ version: string | null | undefined; rows: number }[]> {
  const seen: { version: string | null | undefined; rows: number }[] = [];
  while (messenger.roster.storing) {
    seen.push({ version: storedVersion(messenger, id), rows: stored(messenger, id).length });
    await new Promise((resolve) => setImmediate(resolve));
  }
  seen.push({ version: storedVersion(messenger, id), rows: stored(messenger, id).length });
  return seen;
}

const rosterResult = (ver: string, items: string[]) =>
  `<iq type='result' id='ID'><query xmlns='${NS_ROSTER}' ver='${ver}'>${items.join('')}</query></iq>`;

describe('a large roster result, stored in the background', () => {
  it('is usable before it is stored; stored in order, the version last; a push meanwhile waits and wins', async () => {
    const first = range(0, 3000).map((i) => item(`c${i}@localhost`, `C${i}`));
    // Second session: c0..c2999 gone but c2000..c2099 (renamed), n0..n7999 new (more rows than one
    // background transaction takes); a push follows.
    const second = [
      ...range(2000, 2100).map((i) => item(`c${i}@localhost`, `Renamed ${i}`)),
      ...range(0, 8000).map((i) => item(`n${i}@localhost`, `N${i}`)),
    ];
    const push =
      `<iq type='set' id='push-1'><query xmlns='${NS_ROSTER}' ver='3'>` +
      `<item jid='pushed@localhost' name='Pushed' subscription='both'/></query></iq>`;
    const setup = await setUp((n) => (n === 1 ? rosterResult('1', first) : rosterResult('2', second) + push));
    const { server, messenger, events, id } = setup;
    try {
      expect(stored(messenger, id)).toHaveLength(3000);
      expect(storedVersion(messenger, id)).toBe('1');
      // The first fetch, into an empty roster: one event with every item in document order and nothing
      // removed, and the store equal to memory.
      const firstFetch = events.flatMap((e) => (e.type === 'roster.items' ? [e] : []));
      expect(firstFetch).toHaveLength(1);
      expect(firstFetch[0].removed).toEqual([]);
      expect(firstFetch[0].items.map((i) => `${i.jid}=${i.name}`)).toEqual(
        range(0, 3000).map((i) => `c${i}@localhost=C${i}`),
      );
      expect(firstFetch[0].items).toEqual(messenger.roster.itemsOf(id));
      expect(stored(messenger, id)).toEqual(inMemory(messenger, id));
      expect(messenger.roster.stats(id)).toMatchObject({ full: 1, lastItems: 3000, lastChanged: 3000, lastRemoved: 0 });

      // When the session is ready (the initial presence goes out): the new roster is in memory, SQLite
      // still holds the old one with its version.
      let atReady: { memory: number; rows: number; version: string | null | undefined; storing: boolean } | null = null;
      let watching: Promise<{ version: string | null | undefined; rows: number }[]> | null = null;
      const undo = messenger.roster.onSessionReady((accountId) => {
        if (accountId !== id) return;
        atReady = {
          memory: messenger.roster.itemsOf(id).length,
          rows: stored(messenger, id).length,
          version: storedVersion(messenger, id),
          storing: messenger.roster.storing,
        };
        watching = watchStore(messenger, id);
      });
      await newSession(setup);
      undo();
      expect(atReady).toEqual({ memory: 8100, rows: 3000, version: '1', storing: true });
      const seen = await watching!;

      // Several transactions; the old version cleared with the first, the new one only with all its rows.
      const versions = seen.map((s) => s.version).filter((v, k, all) => k === 0 || all[k - 1] !== v);
      expect(versions).toEqual(['1', null, '2', '3']);
      expect(seen.filter((s) => s.version === null).length).toBeGreaterThan(0);
      for (const s of seen) {
        if (s.version === '2') expect(s.rows).toBe(8100);
        if (s.version === '3') expect(s.rows).toBe(8101);
      }

      await waitUntil('the push applied', () => messenger.roster.item(id, 'pushed@localhost')?.name === 'Pushed');
      expect(storedVersion(messenger, id)).toBe('3');
      expect(messenger.roster.syncView(id)).toMatchObject({ state: 'synced', version: '3' });
      expect(messenger.roster.stats(id)).toMatchObject({
        full: 2,
        lastItems: 8100,
        lastChanged: 8100,
        lastRemoved: 2900,
      });
      // The push is answered once stored.
      await waitUntil('the answer to the push', () =>
        /<iq\b(?=[^>]*\bid=["']push-1["'])(?=[^>]*\btype=["']result["'])/.test(server.connections.at(-1)!.received),
      );

      // One event, as for a small result: removals, then changes in document order; then the push's.
      await waitUntil('the last events', () =>
        events.some((e) => e.type === 'roster.item' && e.item.name === 'Pushed'),
      );
      expect(events.filter((e) => e.type === 'roster.items')).toHaveLength(1);
      const changed = events.flatMap((e) => {
        if (e.type === 'roster.removed') return [`-${e.jid}`];
        if (e.type === 'roster.item') return [`+${e.item.jid}=${e.item.name}`];
        if (e.type !== 'roster.items') return [];
        return [...e.removed.map((jid) => `-${jid}`), ...e.items.map((item) => `+${item.jid}=${item.name}`)];
      });
      expect(changed).toEqual([
        ...range(0, 3000)
          .filter((i) => i < 2000 || i >= 2100)
          .map((i) => `-c${i}@localhost`),
        ...range(2000, 2100).map((i) => `+c${i}@localhost=Renamed ${i}`),
        ...range(0, 8000).map((i) => `+n${i}@localhost=N${i}`),
        '+pushed@localhost=Pushed',
      ]);
      // The synced state is announced after the result's event.
      const lastItem = events.findIndex((e) => e.type === 'roster.items');
      const syncedAt = events.findIndex((e) => e.type === 'roster.sync' && e.sync.state === 'synced');
      expect(syncedAt).toBeGreaterThan(lastItem);

      const final = stored(messenger, id);
      expect(final).toEqual(inMemory(messenger, id));
      expect(final.find((i) => i.jid === 'pushed@localhost')?.name).toBe('Pushed');
      expect(final.find((i) => i.jid === 'c2010@localhost')?.name).toBe('Renamed 2010');
      expect(final.some((i) => i.jid === 'c5@localhost')).toBe(false);
    } finally {
      await server.stop();
      await messenger.close();
    }
  });

  it('killed halfway it leaves items without a version; the next start fetches in full and stores it whole', async () => {
    const roster = (n: number) =>
      rosterResult(
        String(n),
        range(0, 8000).map((i) => item(`c${i}@localhost`, `Session ${n} contact ${i}`)),
      );
    const setup = await setUp(roster);
    const { server, messenger, id, dataDir, secrets } = setup;
    const crashDir = suite.tempDir();
    let restarted: Messenger | null = null;
    try {
      // The second session's first transaction committed: what a kill now leaves on disk is copied.
      const file = path.join(dataDir, 'jabberwock.sqlite3');
      const realPart = RosterRepository.prototype.applySyncPart;
      let parts = 0;
      RosterRepository.prototype.applySyncPart = function (this: RosterRepository, ...args) {
        realPart.apply(this, args);
        if (parts++ === 0) {
          for (const suffix of ['', '-wal']) {
            if (fs.existsSync(file + suffix))
              fs.copyFileSync(file + suffix, path.join(crashDir, 'jabberwock.sqlite3' + suffix));
          }
        }
      };
      try {
        await newSession(setup);
        await waitUntil('the second roster stored', () => !messenger.roster.storing);
      } finally {
        RosterRepository.prototype.applySyncPart = realPart;
      }
      expect(parts).toBeGreaterThan(0);
      // The running process stores it whole.
      expect(storedVersion(messenger, id)).toBe('2');
      expect(stored(messenger, id).every((i) => i.name!.startsWith('Session 2'))).toBe(true);
      await messenger.close();

      // The store as the kill left it: some items of session 2, the rest of session 1, no version.
      const crashed = await startMessenger(crashDir, secrets);
      restarted = crashed.messenger;
      const half = stored(restarted, id);
      expect(storedVersion(restarted, id)).toBeNull();
      expect(half).toHaveLength(8000);
      expect(half.filter((i) => i.name!.startsWith('Session 2')).length).toBeGreaterThan(0);
      expect(half.filter((i) => i.name!.startsWith('Session 1')).length).toBeGreaterThan(0);
      // Its cache shows what was stored; the session asks for the full roster (ver='') and stores it whole.
      await waitUntil('the sync after the restart', () => synced(crashed.events, id) === 1);
      await waitUntil('the roster stored', () => !restarted!.roster.storing);
      expect(restarted.roster.stats(id)).toMatchObject({ lastRequestedVersion: '', lastItems: 8000 });
      expect(storedVersion(restarted, id)).toBe('3');
      const final = stored(restarted, id);
      expect(final).toEqual(inMemory(restarted, id));
      expect(final.every((i) => i.name!.startsWith('Session 3'))).toBe(true);
    } finally {
      await server.stop();
      await messenger.close();
      await restarted?.close();
    }
  });
});
