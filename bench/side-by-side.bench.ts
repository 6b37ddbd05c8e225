/**
 * Realistic workloads side by side (bench/README.md): the replay server plays realistic data
 * (realistic-data.mjs) to three clients in turn, each a fresh process, over the same bytes and the
 * same TLS path:
 *
 *   ltx         the parse-only ceiling (baseline-ltx.mjs): the bytes decoded and tokenized, nothing kept
 *   xmpp.js     the simplest correct client (baseline-xmppjs.mjs): client-core + STARTTLS + SASL + a Map
 *   jabberwock  the headless client (out/main/headless.js): the real core, store and events
 *
 * Each workload runs pinned (server on core 0, client on core 1) and unpinned, the clients and modes
 * interleaved run by run so that a change in the machine's load hits all of them alike. The time that
 * is compared is the server's (replay-server.mjs `timing`): roster result written → our pong (the
 * initial presence follows the roster, the ping follows the initial presence), first flood byte
 * written → our pong; each client's own view (first byte read → done) and its CPU time are recorded
 * beside it. Every run checks its final state first (counts at the ping, and for the two clients that
 * keep state, a digest of every roster item and every available resource, and for Jabberwock the
 * roster it stored in SQLite); a run that crashes or does not verify is recorded as failed and fails
 * the bench. Nothing is retried. MUC and archive run with Jabberwock alone (their budgets are
 * absolute; with BENCH_BEFORE, the earlier build in the same turns). BENCH_BEFORE=path/to/headless.js adds an earlier build of the headless client to every
 * turn (`jabberwock-before`), so that a change is measured before and after under the same load.
 * BENCH_RUNS=N sets every workload's number of runs (a quick check). `bench/report.mjs` prints the tables and the budgets from bench/results/side-by-side.json.
 *
 * The roster workload also records each client's whole login, from its process (bench/login-clock.mjs,
 * preloaded into every client, the same for every build): first connect → its answer to the final
 * ping, wall and CPU (`loginMs`, `loginCpuMs`), and first connect → the roster request written
 * (`extra.connectToRosterRequestMs` / `…CpuMs`), with the server's view of the first (`extra.serverLoginMs`,
 * connection accepted → pong). REPLAY_RTT_MS=N makes the replay server hold its answers up to the
 * roster result N ms each, as a network's round trip would (replay-server.mjs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchMetrics } from '../src/main/headless';
import {
  FLOOD_STANZAS,
  realisticArchiveMessage,
  realisticContacts,
  realisticFlood,
  rosterDigest,
  presenceDigest,
  type FloodExpectation,
} from './realistic-data.mjs';
import {
  CLIENT_CORE,
  HEADLESS,
  SERVER_CORE,
  runClient,
  spread,
  startReplayServer,
  writeResults,
  type BaselineMetrics,
  type ClientName,
  type ClientRun,
  type ReplayServer,
} from './replay';
import { ARCHIVE_NEW, ARCHIVE_SEED, OCCUPANTS } from './replay-server.mjs';

/** BENCH_RUNS=N runs every workload N times (a quick check); the defaults are for the record. */
const runs = (count: number) => Number(process.env.BENCH_RUNS) || count;
const ROSTER_RUNS = runs(7);
const PRESENCE_RUNS = runs(5);
const MUC_RUNS = runs(5);
const ARCHIVE_RUNS = runs(3);
/**
 * How long a test may take: its runs, every client, both modes, on a busy machine (a flood through
 * xmpp.js took 40 s at load 15). Only a harness limit: a run that fails is recorded, never retried.
 */
const MINUTE = 60_000;
/** With BENCH_BEFORE=path/to/headless.js, an earlier build runs in the same turns (before/after). */
const ALL_CLIENTS: ClientName[] = process.env.BENCH_BEFORE
  ? ['ltx', 'xmpp.js', 'jabberwock-before', 'jabberwock']
  : ['ltx', 'xmpp.js', 'jabberwock'];
/** BENCH_CLIENTS=jabberwock-before,jabberwock runs only those (a before/after pair without the baselines). */
const CLIENTS = process.env.BENCH_CLIENTS
  ? ALL_CLIENTS.filter((client) => process.env.BENCH_CLIENTS!.split(',').includes(client))
  : ALL_CLIENTS;
/** The MUC join runs Jabberwock alone, and with BENCH_BEFORE the earlier build in the same turns. */
const JABBERWOCKS: ClientName[] = process.env.BENCH_BEFORE ? ['jabberwock-before', 'jabberwock'] : ['jabberwock'];
const MODES = [
  { mode: 'pinned', serverCore: SERVER_CORE, clientCore: CLIENT_CORE },
  { mode: 'unpinned', serverCore: undefined, clientCore: undefined },
] as const;
type Mode = (typeof MODES)[number]['mode'];

/** One run as recorded: what was measured, or why it failed. */
interface RunRecord {
  workload: string;
  client: ClientName;
  mode: Mode;
  ok: boolean;
  error?: string;
  /** The server's interval (see the header). */
  serverMs?: number;
  /** The client's own: first byte read → done. */
  clientMs?: number;
  cpuMs?: number;
  peakRssMb?: number;
  eventLoopP99Ms?: number;
  /** The client's first connect → its answer to the final ping (roster workload): wall and process CPU. */
  loginMs?: number;
  loginCpuMs?: number;
  extra?: Record<string, unknown>;
}

const records: RunRecord[] = [];
const uptime: string[] = [];
const contacts = realisticContacts();
const expectedRoster = rosterDigest(contacts);
let flood: FloodExpectation;

beforeAll(() => {
  expect(fs.existsSync(HEADLESS), 'build first: npx electron-vite build').toBe(true);
  flood = realisticFlood(contacts, 'me@localhost/bench').expected;
  uptime.push(loadLine());
});

afterAll(() => {
  uptime.push(loadLine());
  writeResults('side-by-side', { data: 'realistic', loadDuringRun: uptime, summary: summarize(), runs: records });
});

function loadLine(): string {
  return `${new Date().toISOString()} load ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
}

const MB = 1024 * 1024;

/** What bench/login-clock.mjs wrote (ms on the client's clock). */
interface LoginMarks {
  connectAt?: number;
  connectCpuMs?: number;
  rosterRequestAt?: number;
  rosterRequestCpuMs?: number;
  pongAt?: number;
  pongCpuMs?: number;
}
const LOGIN_CLOCK = path.join(__dirname, 'login-clock.mjs');

/** The login's figures of one run from the marks file (which the client wrote as it exited). */
function loginOf(file: string, run: ClientRun): Pick<RunRecord, 'loginMs' | 'loginCpuMs' | 'extra'> {
  const marks = JSON.parse(fs.readFileSync(file, 'utf8')) as LoginMarks;
  const between = (from?: number, to?: number) =>
    from === undefined || to === undefined ? undefined : round(to - from);
  return {
    loginMs: between(marks.connectAt, marks.pongAt),
    loginCpuMs: between(marks.connectCpuMs, marks.pongCpuMs),
    extra: {
      connectToRosterRequestMs: between(marks.connectAt, marks.rosterRequestAt),
      connectToRosterRequestCpuMs: between(marks.connectCpuMs, marks.rosterRequestCpuMs),
      serverLoginMs: run.timing?.connectToPongMs ?? undefined,
    },
  };
}

/** Runs one client once and records it; `check` throws when the final state is wrong. */
async function measure(
  workload: string,
  client: ClientName,
  mode: (typeof MODES)[number],
  server: ReplayServer,
  check: (run: ClientRun) => Omit<RunRecord, 'workload' | 'client' | 'mode' | 'ok'>,
  env: Record<string, string> = {},
): Promise<void> {
  const record: RunRecord = { workload, client, mode: mode.mode, ok: false };
  try {
    const run = await runClient(client, server, { core: mode.clientCore, state: client !== 'ltx', env });
    if (run.timing === null) throw new Error('the server reported no timing for the session');
    Object.assign(record, check(run), { ok: true, peakRssMb: round(run.metrics.maxRssBytes / MB) });
    // The session's own peak, before the client's snapshot and state dump (builds from mem2 on).
    const atClose = (run.metrics as Partial<BenchMetrics>).maxRssAtCloseBytes;
    if (atClose !== undefined) record.extra = { ...record.extra, peakRssAtCloseMb: round(atClose / MB) };
  } catch (error) {
    record.error = error instanceof Error ? error.message.slice(0, 500) : String(error);
  }
  records.push(record);
}

function must(condition: boolean, what: string): void {
  if (!condition) throw new Error(`final state: ${what}`);
}

const round = (value: number) => Math.round(value * 10) / 10;
const isHeadless = (metrics: BenchMetrics | BaselineMetrics): metrics is BenchMetrics => 'rosterSyncedMs' in metrics;

/** The roster Jabberwock stored, as the digest sees it. */
function storedRosterDigest(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'jabberwock.sqlite3'), { readonly: true });
  try {
    const rows = db.prepare('SELECT jid, name, subscription, ask_subscribe, groups FROM roster_items').all() as {
      jid: string;
      name: string | null;
      subscription: 'none' | 'to' | 'from' | 'both';
      ask_subscribe: number;
      groups: string;
    }[];
    return rosterDigest(
      rows.map((row) => ({ ...row, ask: row.ask_subscribe === 1, groups: JSON.parse(row.groups) as string[] })),
    );
  } finally {
    db.close();
  }
}

async function startServers(workload: string): Promise<Map<Mode, ReplayServer>> {
  const servers = new Map<Mode, ReplayServer>();
  for (const mode of MODES) {
    servers.set(mode.mode, await startReplayServer(workload, { data: 'realistic', core: mode.serverCore }));
  }
  return servers;
}

describe('realistic data, side by side', () => {
  it(
    `roster of ${contacts.length} contacts: result written → initial presence and pong`,
    async () => {
      const servers = await startServers('roster');
      try {
        for (let i = 0; i < ROSTER_RUNS; i++) {
          for (const mode of MODES) {
            for (const client of CLIENTS) {
              const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-side-'));
              const loginFile = path.join(dataDir, 'login.json');
              try {
                await measure(
                  'roster',
                  client,
                  mode,
                  servers.get(mode.mode)!,
                  (run) => {
                    must(run.result.atPing.rosterItems === contacts.length, 'roster items at the ping');
                    must(run.metrics.pings === 1, 'one ping');
                    if (run.state) must(rosterDigest(run.state.roster) === expectedRoster, 'roster digest');
                    const m = run.metrics;
                    const login = loginOf(loginFile, run);
                    if (isHeadless(m)) {
                      must(storedRosterDigest(dataDir) === expectedRoster, 'stored roster digest');
                      return {
                        serverMs: run.timing!.rosterResultToPongMs!,
                        clientMs: m.rosterFirstByteToSyncedMs!,
                        cpuMs: m.rosterFirstByteToSyncedCpuMs!,
                        eventLoopP99Ms: m.eventLoopDelayP99Ms,
                        ...login,
                      };
                    }
                    return {
                      serverMs: run.timing!.rosterResultToPongMs!,
                      clientMs: m.rosterFirstByteToDoneMs!,
                      cpuMs: m.rosterFirstByteToDoneCpuMs!,
                      ...login,
                    };
                  },
                  { BENCH_DATA_DIR: dataDir, BENCH_LOGIN_FILE: loginFile, NODE_OPTIONS: `--import ${LOGIN_CLOCK}` },
                );
              } finally {
                fs.rmSync(dataDir, { recursive: true, force: true });
              }
            }
          }
        }
      } finally {
        for (const server of servers.values()) await server.stop();
      }
      expect(failures('roster')).toEqual([]);
    },
    ROSTER_RUNS * 5 * MINUTE,
  );

  it(
    'presence flood of 100,000 stanzas: first flood byte written → pong',
    async () => {
      const servers = await startServers('presence');
      try {
        for (let i = 0; i < PRESENCE_RUNS; i++) {
          for (const mode of MODES) {
            for (const client of CLIENTS) {
              await measure('presence', client, mode, servers.get(mode.mode)!, (run) => {
                must(run.metrics.pings === 1, 'one ping');
                const m = run.metrics;
                if (client === 'ltx') {
                  must(
                    (run.result.atPing as unknown as { presences: number }).presences === FLOOD_STANZAS,
                    'presences read',
                  );
                } else {
                  must(
                    run.result.atPing.rosterItems === contacts.length &&
                      run.result.atPing.availableResources === flood.availableResources &&
                      run.result.atPing.onlineContacts === flood.onlineContacts,
                    `counts at the ping ${JSON.stringify(run.result.atPing)}`,
                  );
                  must(presenceDigest(run.state!.presence) === flood.digest, 'presence digest');
                  must(m.presence.handled === FLOOD_STANZAS, `presences handled: ${m.presence.handled}`);
                }
                const serverMs = run.timing!.floodStartToPongMs!;
                return {
                  serverMs,
                  clientMs: isHeadless(m)
                    ? m.presence.lastHandledAtPingMs! - m.presence.firstByteMs!
                    : m.presence.firstByteToLastAtPingMs!,
                  cpuMs: m.presence.firstByteToLastPingCpuMs!,
                  eventLoopP99Ms: isHeadless(m) ? m.eventLoopDelayP99Ms : undefined,
                  extra: {
                    presencesPerSecond: Math.round(FLOOD_STANZAS / (serverMs / 1000)),
                    ...(isHeadless(m) ? { readFromText: m.presence.readFromText } : {}),
                  },
                };
              });
            }
          }
        }
      } finally {
        for (const server of servers.values()) await server.stop();
      }
      expect(failures('presence')).toEqual([]);
    },
    PRESENCE_RUNS * 15 * MINUTE,
  );

  it(
    'room of 5,000 occupants: join sent → joined and listed (Jabberwock)',
    async () => {
      const servers = await startServers('muc');
      try {
        for (let i = 0; i < MUC_RUNS; i++) {
          for (const mode of MODES) {
            for (const client of JABBERWOCKS) {
              await measure(
                'muc',
                client,
                mode,
                servers.get(mode.mode)!,
                (run) => {
                  const m = run.metrics as BenchMetrics;
                  const room = m.room!;
                  must(room.atPing?.state === 'joined' && room.atPing.occupants === OCCUPANTS + 1, 'room at the ping');
                  must(room.listedAtJoin === OCCUPANTS + 1 && room.selfListed, 'occupants listed at the join');
                  must(room.subject === 'Benchmark room: 5,000 occupants', 'subject');
                  must(room.messagesStored === 500 && m.messages.distinctServerIds === 500, 'history stored once');
                  return {
                    clientMs: room.joinedListedMs!,
                    cpuMs: m.presence.firstByteToLastPingCpuMs ?? undefined,
                    eventLoopP99Ms: m.eventLoopDelayP99Ms,
                  };
                },
                { BENCH_JOIN_ROOM: 'bench-room@conference.localhost/benchbot' },
              );
            }
          }
        }
      } finally {
        for (const server of servers.values()) await server.stop();
      }
      expect(failures('muc')).toEqual([]);
    },
    MUC_RUNS * 3 * MINUTE,
  );

  it(
    'archive catch-up of 20,000 messages from a stored marker (Jabberwock)',
    async () => {
      for (let i = 0; i < ARCHIVE_RUNS; i++) {
        for (const mode of MODES) {
          for (const client of JABBERWOCKS) {
            // A fresh server per run: its first session sees 50 messages, its second 20,000 more.
            const server = await startReplayServer('archive', { data: 'realistic', core: mode.serverCore });
            const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-side-archive-'));
            const env = { BENCH_DATA_DIR: dataDir };
            try {
              await measure(
                'archive-seed',
                client,
                mode,
                server,
                (run) => {
                  const m = run.metrics as BenchMetrics;
                  must(m.archive.state === 'done' && m.messages.stored === 50, 'first session: 50 messages');
                  return { clientMs: m.archive.doneMs! };
                },
                env,
              );
              await measure(
                'archive',
                client,
                mode,
                server,
                (run) => {
                  const m = run.metrics as BenchMetrics;
                  must(m.archive.state === 'done' && m.archive.fetched === ARCHIVE_NEW, 'archive fetched');
                  must(
                    m.messages.stored === ARCHIVE_SEED + ARCHIVE_NEW && m.messages.duplicates === 0,
                    'messages stored once',
                  );
                  checkArchiveStore(dataDir);
                  return {
                    clientMs: m.archive.doneMs!,
                    eventLoopP99Ms: m.eventLoopDelayP99Ms,
                    extra: { messagesPerSecond: Math.round(ARCHIVE_NEW / (m.archive.doneMs! / 1000)) },
                  };
                },
                env,
              );
            } finally {
              await server.stop();
              fs.rmSync(dataDir, { recursive: true, force: true });
            }
          }
        }
      }
      expect(failures('archive-seed')).toEqual([]);
      expect(failures('archive')).toEqual([]);
    },
    ARCHIVE_RUNS * JABBERWOCKS.length * 10 * MINUTE,
  );
});

/** Every archive id exactly once, bodies as the archive has them (a sample), the marker at the last id. */
function checkArchiveStore(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'jabberwock.sqlite3'), { readonly: true });
  try {
    const ids = db.prepare('SELECT server_id AS id FROM messages ORDER BY server_id').all() as { id: string }[];
    must(ids.length === ARCHIVE_SEED + ARCHIVE_NEW, `${ids.length} rows`);
    ids.forEach((row, k) => must(row.id === `arch-${String(k).padStart(6, '0')}`, `row ${k} is ${row.id}`));
    const marker = db.prepare('SELECT last_id FROM archive_markers WHERE archive = ?').get('') as { last_id: string };
    const last = ARCHIVE_SEED + ARCHIVE_NEW - 1;
    must(marker.last_id === `arch-${String(last).padStart(6, '0')}`, 'marker at the last id');
    for (const k of [0, 7, 4_242, last].filter((k) => k <= last)) {
      const body = db
        .prepare('SELECT body FROM messages WHERE server_id = ?')
        .get(`arch-${String(k).padStart(6, '0')}`);
      const xml = realisticArchiveMessage(k, 'me@localhost').xml;
      const expected = /<body>([^<]*)<\/body>/.exec(xml)![1];
      must((body as { body: string }).body === unescape(expected), `body of message ${k}`);
    }
  } finally {
    db.close();
  }
}

function unescape(text: string): string {
  return text.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!,
  );
}

function failures(workload: string): string[] {
  return records.filter((r) => r.workload === workload && !r.ok).map((r) => `${r.client} ${r.mode}: ${r.error}`);
}

/** Medians and spreads per workload, mode and client (bench/report.mjs turns them into tables). */
function summarize(): Record<string, unknown> {
  const summary: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const record of records) {
    const byMode = (summary[record.workload] ??= {});
    const byClient = (byMode[record.mode] ??= {});
    byClient[record.client] ??= { runs: 0, failed: 0 };
  }
  for (const [workload, byMode] of Object.entries(summary)) {
    for (const [mode, byClient] of Object.entries(byMode)) {
      for (const client of Object.keys(byClient)) {
        const runs = records.filter((r) => r.workload === workload && r.mode === mode && r.client === client);
        const ok = runs.filter((r) => r.ok);
        const series = (pick: (r: RunRecord) => number | undefined) => {
          const values = ok.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
          return values.length ? spread(values) : null;
        };
        byClient[client] = {
          runs: runs.length,
          failed: runs.length - ok.length,
          serverMs: series((r) => r.serverMs),
          clientMs: series((r) => r.clientMs),
          cpuMs: series((r) => r.cpuMs),
          peakRssMb: series((r) => r.peakRssMb),
          eventLoopP99Ms: series((r) => r.eventLoopP99Ms),
          loginMs: series((r) => r.loginMs),
          loginCpuMs: series((r) => r.loginCpuMs),
          serverLoginMs: series((r) => r.extra?.serverLoginMs as number | undefined),
          connectToRosterRequestMs: series((r) => r.extra?.connectToRosterRequestMs as number | undefined),
          connectToRosterRequestCpuMs: series((r) => r.extra?.connectToRosterRequestCpuMs as number | undefined),
        };
      }
    }
  }
  return summary;
}
