/**
 * A large roster result (more than ROSTER_CHUNK items of difference) through the whole core against
 * the scripted server: it is read, written and emitted over several event-loop turns, yet the store
 * and the events end as a one-turn apply would leave them. The stored version is absent while the
 * items are being written and set only with the last chunk; a push that arrives meanwhile waits for
 * the result and wins; a fetch stopped halfway leaves memory and SQLite equal, with no version, so
 * the next session asks for the full roster.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, RosterItemView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import { ROSTER_CHUNK } from '../../src/main/core/features/roster/service';
import { createTestCa, issueServerCert } from '../support/prosody';
import { NS_BIND, fakeLogin, mechanisms, startScriptedServer, type ScriptedServer } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const NS_ROSTER = 'jabber:iq:roster';
const dirs: string[] = [];
let tlsOptions: { key: string; cert: string };
let caPem: string;

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-roster-chunked-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  const dir = tempDir();
  const ca = await createTestCa(dir);
  const cert = await issueServerCert(dir, ca, ['localhost']);
  tlsOptions = { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem };
  caPem = ca.caPem;
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const item = (jid: string, name: string) =>
  `<item jid='${jid}' name='${name}' subscription='both'><group>G</group></item>`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

interface Setup {
  server: ScriptedServer;
  messenger: Messenger;
  events: AppEvent[];
  id: string;
}

/** The roster get of the n-th session is answered with `answer(n)` (the whole <iq/> payload after it). */
async function setUp(answer: (n: number) => string): Promise<Setup> {
  let requests = 0;
  const server = await startScriptedServer({
    tls: tlsOptions,
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
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir: tempDir(),
    secrets: createMemorySecretStore(),
    log: silentLogger,
    extraCa: caPem,
    flushMs: 5,
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, { log: silentLogger, ca: caPem, resolveSrv: false }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  const added = await messenger.invoke('account.add', {
    jid: 'me@localhost',
    password: 'anything',
    host: server.host,
    port: server.port,
  });
  const id = (added as { value: AccountView }).value.id;
  await waitUntil('the first sync', () => synced(events, id) === 1);
  return { server, messenger, events, id };
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

describe('a large roster result, applied over several turns', () => {
  it('ends as one apply would; no version until the last chunk; a push meanwhile waits and wins', async () => {
    const first = range(0, 2500).map((i) => item(`c${i}@localhost`, `C${i}`));
    // Second session: c0..c1199 gone, c1200..c1499 renamed, the rest kept, n0..n999 new; a push follows.
    const second = [
      ...range(1200, 1500).map((i) => item(`c${i}@localhost`, `Renamed ${i}`)),
      ...range(1500, 2500).map((i) => item(`c${i}@localhost`, `C${i}`)),
      ...range(0, 1000).map((i) => item(`n${i}@localhost`, `N${i}`)),
    ];
    const push =
      `<iq type='set' id='push-1'><query xmlns='${NS_ROSTER}' ver='3'>` +
      `<item jid='c2000@localhost' name='Pushed' subscription='both'/></query></iq>`;
    const setup = await setUp((n) =>
      n === 1
        ? `<iq type='result' id='ID'><query xmlns='${NS_ROSTER}' ver='1'>${first.join('')}</query></iq>`
        : `<iq type='result' id='ID'><query xmlns='${NS_ROSTER}' ver='2'>${second.join('')}</query></iq>${push}`,
    );
    const { server, messenger, events, id } = setup;
    try {
      expect(messenger.roster.itemsOf(id)).toHaveLength(2500);
      expect(storedVersion(messenger, id)).toBe('1');

      // While the second result is applied: the version stored at each change, and whether another
      // macrotask ran before the apply was done (it did, when the count seen then is not the total).
      const versionsSeen = new Set<string | null | undefined>();
      let changes = 0;
      let changesAtNextTurn = -1;
      const undo = messenger.roster.onItemChanged((accountId) => {
        if (accountId !== id) return;
        if (changes++ === 0) setImmediate(() => (changesAtNextTurn = changes));
        versionsSeen.add(storedVersion(messenger, id));
      });
      await newSession(setup);
      await waitUntil('the push applied', () => messenger.roster.item(id, 'c2000@localhost')?.name === 'Pushed');
      undo();

      const diff = 1200 + 300 + 1000;
      expect(diff).toBeGreaterThan(ROSTER_CHUNK);
      expect(changes).toBe(diff + 1); // and the push
      expect(changesAtNextTurn).toBeGreaterThan(0);
      expect(changesAtNextTurn).toBeLessThan(diff);
      // The items were written under no version; the version came with the last chunk, then the push's.
      expect([...versionsSeen]).toEqual([null, '2', '3']);
      expect(storedVersion(messenger, id)).toBe('3');
      expect(messenger.roster.syncView(id)).toMatchObject({ state: 'synced', version: '3' });
      expect(messenger.roster.stats(id)).toMatchObject({
        full: 2,
        lastItems: 2300,
        lastChanged: 1300,
        lastRemoved: 1200,
      });
      // The push is answered (once applied).
      await waitUntil('the answer to the push', () =>
        /<iq\b(?=[^>]*\bid=["']push-1["'])(?=[^>]*\btype=["']result["'])/.test(server.connections.at(-1)!.received),
      );

      // Same events in the same order as a one-turn apply: removals, then changes in document order.
      await waitUntil('the last events', () =>
        events.some((e) => e.type === 'roster.item' && e.item.name === 'Pushed'),
      );
      const changed = events
        .filter((e) => e.type === 'roster.item' || e.type === 'roster.removed')
        .map((e) => (e.type === 'roster.removed' ? `-${e.jid}` : `+${e.item.jid}=${e.item.name}`));
      expect(changed).toEqual([
        ...range(0, 1200).map((i) => `-c${i}@localhost`),
        ...range(1200, 1500).map((i) => `+c${i}@localhost=Renamed ${i}`),
        ...range(0, 1000).map((i) => `+n${i}@localhost=N${i}`),
        '+c2000@localhost=Pushed',
      ]);
      // The synced state is announced after every item event of the result.
      const lastItem = events.findLastIndex((e) => e.type === 'roster.item' && e.item.jid === 'n999@localhost');
      const syncedAt = events.findIndex((e) => e.type === 'roster.sync' && e.sync.state === 'synced');
      expect(syncedAt).toBeGreaterThan(lastItem);

      const final = stored(messenger, id);
      expect(final).toHaveLength(2300);
      expect(final).toEqual(inMemory(messenger, id));
      expect(final.find((i) => i.jid === 'c2000@localhost')?.name).toBe('Pushed');
      expect(final.find((i) => i.jid === 'c1300@localhost')?.name).toBe('Renamed 1300');
      expect(final.some((i) => i.jid === 'c5@localhost')).toBe(false);
    } finally {
      await server.stop();
      await messenger.close();
    }
  });

  it('stopped halfway it leaves memory and SQLite equal with no version; the next session fetches in full', async () => {
    const roster = (ver: string, name: (i: number) => string) =>
      `<iq type='result' id='ID'><query xmlns='${NS_ROSTER}' ver='${ver}'>` +
      `${range(0, 2500)
        .map((i) => item(`c${i}@localhost`, name(i)))
        .join('')}</query></iq>`;
    const setup = await setUp((n) => roster(String(n), (i) => `Session ${n} contact ${i}`));
    const { server, messenger, events, id } = setup;
    try {
      // The second session's apply loses its session after its first chunk.
      let changes = 0;
      const undo = messenger.roster.onItemChanged((accountId) => {
        if (accountId === id && changes++ === 0) messenger.roster.onOffline(id);
      });
      await messenger.invoke('account.setEnabled', { id, enabled: false });
      events.length = 0;
      await messenger.invoke('account.setEnabled', { id, enabled: true });
      await waitUntil('the first chunk', () => changes > 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      undo();
      expect(changes).toBe(ROSTER_CHUNK);
      expect(synced(events, id)).toBe(0);
      expect(storedVersion(messenger, id)).toBeNull();
      const half = stored(messenger, id);
      expect(half).toEqual(inMemory(messenger, id));
      expect(half.filter((i) => i.name!.startsWith('Session 2'))).toHaveLength(ROSTER_CHUNK);
      expect(half.filter((i) => i.name!.startsWith('Session 1'))).toHaveLength(2500 - ROSTER_CHUNK);

      // No version stored: the next session asks for the full roster (ver='') and completes it.
      await newSession(setup);
      expect(messenger.roster.stats(id)).toMatchObject({ lastRequestedVersion: '', lastItems: 2500 });
      expect(storedVersion(messenger, id)).toBe('3');
      const final = stored(messenger, id);
      expect(final).toEqual(inMemory(messenger, id));
      expect(final.every((i) => i.name!.startsWith('Session 3'))).toBe(true);
    } finally {
      await server.stop();
      await messenger.close();
    }
  });
});
