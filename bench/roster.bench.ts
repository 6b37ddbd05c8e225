/**
 * Roster benchmark: a scripted server (STARTTLS with the test CA, scripted login) answers the
 * roster request with 10,000 items (names, 1–3 groups each out of 500). Measured from the first
 * byte of the result arriving on the client's socket to the subscriber seeing roster.sync 'synced'
 * (parsed, stored in SQLite in one transaction, every event emitted and flushed). Then a new
 * session with the version we hold: the server answers "unchanged" and no item travels.
 * Each run checks the final state (SQLite and snapshot) before a number is reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, Snapshot } from '../src/shared/contract';
import { createMessenger, type Messenger } from '../src/main/core/messenger';
import { AccountSession } from '../src/main/core/accounts/session';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { silentLogger } from '../src/main/core/log';
import { createTestCa, issueServerCert } from '../tests/support/prosody';
import {
  NS_BIND,
  fakeLogin,
  mechanisms,
  startScriptedServer,
  type ScriptedServer,
} from '../tests/support/scripted-server';
import { RESULTS_DIR } from './results-dir';

const ITEMS = Number(process.env.BENCH_CONTACTS) || 10_000;
const GROUPS = 500;
const RUNS = Number(process.env.BENCH_RUNS) || 9;
const VERSION = '4711';
const NS_ROSTER = 'jabber:iq:roster';

const results: Record<string, number | string> = {};
const dirs: string[] = [];
let server: ScriptedServer;
let caPem: string;
let rosterXml: string;
/** Set by the test before the roster request goes out: marks the first byte arriving. */
let onRosterRequest: (() => void) | null = null;
let unchangedAnswers = 0;
let fullAnswers = 0;

function buildRoster(): string {
  const subscriptions = ['both', 'both', 'both', 'to', 'from', 'none'];
  const parts: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const groupCount = 1 + (i % 3);
    let groups = '';
    for (let g = 0; g < groupCount; g++) groups += `<group>Group ${(i * 7 + g * 131) % GROUPS}</group>`;
    const ask = i % 50 === 0 ? " ask='subscribe'" : '';
    parts.push(
      `<item jid='contact${i}@example.org' name='Contact number ${i}' subscription='${subscriptions[i % 6]}'${ask}>${groups}</item>`,
    );
  }
  return parts.join('');
}

/** The distinct groups of a roster result: all 500 at full size, fewer in a small roster (the smoke run). */
function distinctGroups(items: string): number {
  return new Set(items.match(/<group>[^<]*<\/group>/g)).size;
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-roster-'));
  dirs.push(dir);
  const ca = await createTestCa(dir);
  const cert = await issueServerCert(dir, ca, ['localhost']);
  caPem = ca.caPem;
  rosterXml = buildRoster();
  server = await startScriptedServer({
    tls: { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem },
    features: (_n, conn) => {
      if (!conn.secure) return `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>`;
      if (!conn.authenticated) return mechanisms('PLAIN');
      return `<bind xmlns='${NS_BIND}'/><ver xmlns='urn:xmpp:features:rosterver'/>`;
    },
    onData: (conn, chunk) => {
      if (fakeLogin(conn, chunk, 'me@localhost')) return;
      if (chunk.includes('</stream:stream>')) return conn.close(); // answer the client's goodbye at once
      const get = /<iq\b[^>]*\btype=["']get["'][^>]*>\s*<query\b[^>]*>/.exec(chunk);
      if (!get || !get[0].includes(NS_ROSTER)) return;
      const id = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
      const ver = /\bver=["']([^"']*)["']/.exec(get[0])?.[1];
      onRosterRequest?.();
      if (ver === VERSION) {
        unchangedAnswers++;
        conn.send(`<iq type='result' id='${id}'/>`);
      } else {
        fullAnswers++;
        conn.send(
          `<iq type='result' id='${id}'><query xmlns='${NS_ROSTER}' ver='${VERSION}'>${rosterXml}</query></iq>`,
        );
      }
    },
  });
});

afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  const file = path.join(RESULTS_DIR, 'roster.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, ...results };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH roster', JSON.stringify(record));
});

interface Core {
  messenger: Messenger;
  sessions: AccountSession[];
}

async function openCore(existingDir?: string): Promise<Core & { dir: string }> {
  const dir = existingDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-roster-core-'));
  if (!existingDir) dirs.push(dir);
  const sessions: AccountSession[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: silentLogger,
    extraCa: caPem,
    sessionFactory: (config, hooks) => {
      const session = new AccountSession(config, hooks, { log: silentLogger, ca: caPem, resolveSrv: false });
      sessions.push(session);
      return session;
    },
  });
  return { messenger, sessions, dir };
}

/** Resolves when a subscriber sees roster.sync 'synced'; counts the item events on the way. */
function synced(messenger: Messenger): Promise<{ at: number; itemEvents: number }> {
  return new Promise((resolve) => {
    let itemEvents = 0;
    const unsubscribe = messenger.subscribe((batch) => {
      for (const event of batch.events as AppEvent[]) {
        if (event.type === 'roster.item' || event.type === 'roster.removed') itemEvents++;
        if (event.type === 'roster.items') itemEvents += event.items.length + event.removed.length;
        if (event.type === 'roster.sync' && event.sync.state === 'synced') {
          const at = performance.now();
          unsubscribe();
          resolve({ at, itemEvents });
        }
      }
    });
  });
}

/** Resolves once the roster's background store writes are done. */
async function storeWritten(messenger: Messenger): Promise<void> {
  while (messenger.roster.storing) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Marks when the first byte after the roster request arrives on the client's socket. */
function firstByteAfterRequest(core: Core): Promise<number> {
  return new Promise((resolve) => {
    onRosterRequest = () => {
      onRosterRequest = null;
      const socket = core.sessions.at(-1)?.xmpp.socket;
      socket?.prependOnceListener('data', () => resolve(performance.now()));
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

describe('roster', () => {
  it(`${ITEMS} items in ${GROUPS} groups: first byte → stored and emitted; then an unchanged reconnect`, async () => {
    const full: number[] = [];
    let last: { core: Core & { dir: string }; id: string } | null = null;
    for (let run = 0; run < RUNS; run++) {
      const core = await openCore();
      const firstByte = firstByteAfterRequest(core);
      const done = synced(core.messenger);
      const added = await core.messenger.invoke('account.add', {
        jid: 'me@localhost',
        password: 'x',
        host: server.host,
        port: server.port,
      });
      const id = (added as { ok: true; value: AccountView }).value.id;
      const [start, end] = await Promise.all([firstByte, done]);
      // Check the result before reporting a number. The roster is usable before SQLite has it (a large
      // sync is stored in the background, after the measured interval): wait for the store, then read it.
      expect(end.itemEvents).toBe(ITEMS);
      await storeWritten(core.messenger);
      const stored = core.messenger.db
        .prepare('SELECT count(*) AS n FROM roster_items WHERE account_id = ?')
        .get(id) as { n: number };
      expect(stored.n).toBe(ITEMS);
      const snapshot = (await core.messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
      expect(snapshot.value.roster).toHaveLength(ITEMS);
      expect(snapshot.value.rosterSync[0]).toMatchObject({ state: 'synced', version: VERSION });
      const groups = new Set(snapshot.value.roster.flatMap((item) => item.groups));
      expect(groups.size).toBe(distinctGroups(rosterXml));
      full.push(end.at - start);
      if (last) await last.core.messenger.close();
      last = { core, id };
    }
    results.items = ITEMS;
    results.groups = distinctGroups(rosterXml);
    results.resultBytes = Buffer.byteLength(rosterXml);
    results.fullFirstByteToSyncedMedianMs = round(median(full));
    results.fullFirstByteToSyncedMinMs = round(Math.min(...full));
    results.fullFirstByteToSyncedMaxMs = round(Math.max(...full));
    results.runs = RUNS;

    // A new session with the version we hold: an empty result, no item events, everything kept.
    const { core, id } = last!;
    await core.messenger.invoke('account.setEnabled', { id, enabled: false });
    const unchangedBefore = unchangedAnswers;
    let requestedAt = 0;
    onRosterRequest = () => {
      onRosterRequest = null;
      requestedAt = performance.now();
    };
    const done = synced(core.messenger);
    await core.messenger.invoke('account.setEnabled', { id, enabled: true });
    const end = await done;
    expect(unchangedAnswers).toBe(unchangedBefore + 1);
    expect(end.itemEvents).toBe(0);
    expect(core.messenger.roster.stats(id)!).toMatchObject({ unchanged: 1, lastRequestedVersion: VERSION });
    const snapshot = (await core.messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    expect(snapshot.value.roster).toHaveLength(ITEMS);
    results.unchangedItemsTransferred = 0;
    results.unchangedItemEvents = end.itemEvents;
    results.unchangedRequestToSyncedMs = round(end.at - requestedAt);
    results.fullAnswers = fullAnswers;
    await core.messenger.close();

    // Start of the core with the 10,000 items cached (no password kept, so it stays offline):
    // open SQLite, migrate, load every item, answer the first snapshot.
    const started = performance.now();
    const cold = await openCore(core.dir);
    const coldSnapshot = (await cold.messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    results.coldStartToSnapshotMs = round(performance.now() - started);
    expect(coldSnapshot.value.roster).toHaveLength(ITEMS);
    expect(coldSnapshot.value.rosterSync[0]).toMatchObject({ state: 'cached', version: VERSION });
    await cold.messenger.close();
  });
});
