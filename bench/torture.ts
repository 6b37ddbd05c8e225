/**
 * Crash consistency, measured (`npm run torture`; 20 iterations run in `npm test`): the real core (the
 * built headless client, `out/main/headless.js`) talks to a real Prosody with a peer, sending the peer
 * a message every 100 ms through its outbox while the peer sends one every 150 ms. It is SIGKILLed at a
 * random moment (while starting, logging in, catching up or sending), started again on the same data
 * directory, and after each kill the store is checked:
 *
 * - `PRAGMA integrity_check` is ok;
 * - outbox states only move forward (queued → sent → delivered), and no stored message disappears;
 * - every message the UI showed as sent (sent or delivered in the store before the kill) is stored
 *   exactly once and reached the peer (the peer keeps each origin-id once, as XEP-0359 asks; copies
 *   sent again after a kill are counted as resends);
 * - after a run whose archive catch-up completed, every message the server accepted from the peer
 *   before that run started is stored exactly once;
 * - after the last run (which is not killed before it has caught up and sent for 1.5 s), every message
 *   an earlier run stored — queued, perhaps killed before it was written to the socket — was sent,
 *   acknowledged and received.
 *
 * Needs `npx electron-vite build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import xml, { type Element } from '@xmpp/xml';
import { createLogger } from '../src/main/core/log';
import { DATABASE_FILE } from '../src/main/core/messenger';
import { startPeer, type Peer } from '../tests/support/peer';
import { startProsody, type ProsodyServer } from '../tests/support/prosody';

export const HEADLESS = path.join(__dirname, '..', 'out', 'main', 'headless.js');
const CORE = { user: 'core', password: 'core-torture-Pa55' };
const PEER = { user: 'peer', password: 'peer-torture-Pa55' };
const CORE_JID = 'core@localhost';
const PEER_JID = 'peer@localhost';
const NS_SID = 'urn:xmpp:sid:0';
const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2 };

export interface TortureOptions {
  iterations: number;
  /** How long to wait for the core to get online or catch up before killing it anyway (ms). */
  stallMs?: number;
  /** Progress lines (one per iteration). */
  progress?: (line: string) => void;
  seed?: number;
}

export interface TortureSummary {
  iterations: number;
  /**
   * Kills by phase, counted by what the core had printed when it died: while starting (before online),
   * while logging in and catching up (online, catch-up not done), while sending (caught up).
   */
  killed: { starting: number; catchingUp: number; sending: number };
  /** Runs that did not get online or catch up within stallMs (killed anyway). */
  stalled: number;
  outgoingStored: number;
  outgoingShownSent: number;
  /** Messages the peer got more than once on the wire (a resend after a kill; dropped by origin-id). */
  resends: number;
  incomingChecked: number;
  incomingStored: number;
  failures: string[];
  seconds: number;
}

interface OutRow {
  origin_id: string;
  state: string;
  n: number;
}

/** A tiny deterministic generator, so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

export async function runTorture(options: TortureOptions): Promise<TortureSummary> {
  const started = Date.now();
  const seed = options.seed ?? Date.now() % 1_000_000;
  const next = random(seed);
  const stallMs = options.stallMs ?? 20_000;
  const say = options.progress ?? (() => {});
  const log = createLogger(() => {}, 'error');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-torture-'));
  const file = path.join(dataDir, DATABASE_FILE);
  const summary: TortureSummary = {
    iterations: 0,
    killed: { starting: 0, catchingUp: 0, sending: 0 },
    stalled: 0,
    outgoingStored: 0,
    outgoingShownSent: 0,
    resends: 0,
    incomingChecked: 0,
    incomingStored: 0,
    failures: [],
    seconds: 0,
  };
  const fail = (what: string) => {
    if (summary.failures.length < 50) summary.failures.push(`iteration ${summary.iterations}: ${what}`);
  };

  let server: ProsodyServer | null = null;
  let peer: Peer | null = null;
  let peerSender: ReturnType<typeof setInterval> | null = null;
  try {
    server = await startProsody({ users: [CORE, PEER] });
    // What the peer received from the core, per origin-id (a copy sent again counts twice here).
    const received = new Map<string, number>();
    // What the peer sent, by origin-id, and when the server acknowledged it (XEP-0198).
    const acked = new Map<string, number>();
    peer = await startPeer(server, PEER, 'peer', log, (xmpp) => {
      xmpp.middleware.use((ctx, nextHandler) => {
        const stanza = ctx.stanza;
        if (stanza.name === 'message' && stanza.getChildText('body')?.startsWith('torture ')) {
          const origin = stanza.getChild('origin-id', NS_SID)?.attrs.id;
          if (typeof origin === 'string') received.set(origin, (received.get(origin) ?? 0) + 1);
        }
        return nextHandler();
      });
      xmpp.streamManagement.on('ack', (stanza: Element) => {
        const origin = stanza.getChild('origin-id', NS_SID)?.attrs.id;
        if (stanza.name === 'message' && typeof origin === 'string') acked.set(origin, Date.now());
      });
    });
    await peer.send(xml('presence'));
    let peerCount = 0;
    peerSender = setInterval(() => {
      const id = `peer-${++peerCount}`;
      void peer
        ?.send(
          xml(
            'message',
            { to: CORE_JID, type: 'chat', id },
            xml('body', {}, `from the peer ${peerCount}`),
            xml('origin-id', { xmlns: NS_SID, id }),
          ),
        )
        .catch(() => {});
    }, 150);

    // The first session of an account reads only the latest archive page (a new account does not
    // fetch years of history): let it finish once, so every later session reads from its marker.
    const setup = startCore(server, dataDir);
    const setupDone = new Promise<boolean>((resolve) => {
      setup.stdout!.on('data', (data: Buffer) => data.toString().includes('BENCH_CAUGHT_UP') && resolve(true));
      setTimeout(() => resolve(false), 30_000);
    });
    if (!(await setupDone)) fail('the first session never caught up');
    setup.kill('SIGKILL');
    await new Promise((resolve) => (setup.exitCode === null ? setup.once('exit', resolve) : resolve(null)));

    let previous = new Map<string, OutRow>();
    for (let iteration = 1; iteration <= options.iterations; iteration++) {
      summary.iterations = iteration;
      const spawnedAt = Date.now();
      const child = startCore(server, dataDir);
      let online = false;
      let caughtUp = false;
      child.stdout!.on('data', (data: Buffer) => {
        const text = data.toString();
        if (text.includes('BENCH_ONLINE')) online = true;
        if (text.includes('BENCH_CAUGHT_UP')) caughtUp = true;
      });
      let exitedNow = false;
      const exited = new Promise<void>((resolve) =>
        child.once('exit', () => {
          exitedNow = true;
          resolve();
        }),
      );
      // Kill points relative to what the core reports, so a slower machine moves them with it: 20 %
      // while the process starts, 30 % in the first 300 ms online (roster, presence, catch-up), 50 %
      // in the second after the catch-up (sending, acks asked for every 500 ms). The last run settles.
      const last = iteration === options.iterations;
      const phase = next();
      let plan: string;
      if (last) {
        plan = 'after settling';
        if (!(await waitFor(() => caughtUp || exitedNow, stallMs))) summary.stalled++;
        await sleep(1_500);
      } else if (phase < 0.2) {
        const ms = Math.floor(next() * 1_500);
        plan = `${ms} ms after start`;
        await Promise.race([sleep(ms), exited]);
      } else if (phase < 0.5) {
        const ms = Math.floor(next() * 300);
        plan = `${ms} ms after online`;
        if (!(await waitFor(() => online || exitedNow, stallMs))) summary.stalled++;
        await Promise.race([sleep(ms), exited]);
      } else {
        const ms = Math.floor(next() * 1_000);
        plan = `${ms} ms after catch-up`;
        if (!(await waitFor(() => caughtUp || exitedNow, stallMs))) summary.stalled++;
        await Promise.race([sleep(ms), exited]);
      }
      const hadExited = exitedNow;
      if (caughtUp) summary.killed.sending++;
      else if (online) summary.killed.catchingUp++;
      else summary.killed.starting++;
      child.kill('SIGKILL');
      await exited;

      if (!fs.existsSync(file)) continue;
      const store = readStore(file);
      if (store.integrity !== 'ok') fail(`integrity_check: ${store.integrity}`);
      for (const row of store.out.values()) {
        if (row.n !== 1) fail(`outgoing ${row.origin_id} stored ${row.n} times`);
        const before = previous.get(row.origin_id);
        if (before && RANK[row.state] < RANK[before.state])
          fail(`outgoing ${row.origin_id} went back from ${before.state} to ${row.state}`);
      }
      for (const [origin, before] of previous) {
        if (!store.out.has(origin)) fail(`outgoing ${origin} (${before.state}) disappeared`);
      }
      // Shown as sent: the server has it, so the peer (always online) gets it.
      const shownSent = [...store.out.values()].filter((row) => row.state === 'sent' || row.state === 'delivered');
      await waitFor(() => shownSent.every((row) => received.has(row.origin_id)), 5_000);
      for (const row of shownSent)
        if (!received.has(row.origin_id)) fail(`sent ${row.origin_id} never reached the peer`);
      // Caught up: what the server accepted from the peer before this run started is stored, each once.
      if (caughtUp) {
        const due = [...acked].filter(([, at]) => at < spawnedAt).map(([origin]) => origin);
        for (const origin of due) {
          const n = store.in.get(origin) ?? 0;
          if (n !== 1) fail(`incoming ${origin} stored ${n} times after catch-up`);
        }
        summary.incomingChecked = Math.max(summary.incomingChecked, due.length);
      }
      for (const [origin, n] of store.in) if (n !== 1) fail(`incoming ${origin} stored ${n} times`);
      // After the settled run, what any earlier run had stored (queued when it was killed, perhaps
      // before it was ever written to the socket) has been sent, acknowledged and received.
      if (last) {
        for (const origin of previous.keys()) {
          const state = store.out.get(origin)?.state;
          if (state !== 'sent' && state !== 'delivered') fail(`outgoing ${origin} still ${state} after settling`);
          else if (!received.has(origin)) fail(`outgoing ${origin} never reached the peer`);
        }
      }
      previous = store.out;
      summary.outgoingStored = store.out.size;
      summary.outgoingShownSent = shownSent.length;
      summary.incomingStored = store.in.size;
      say(
        `iteration ${iteration}: killed ${plan}${hadExited ? ' (it had exited by itself)' : ''} (${Date.now() - spawnedAt} ms); ` +
          `${store.out.size} sent stored (${shownSent.length} shown sent), ${store.in.size} received stored`,
      );
    }
    summary.resends = [...received.values()].filter((n) => n > 1).length;
  } finally {
    if (peerSender) clearInterval(peerSender);
    await peer?.stop().catch(() => {});
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  if (summary.failures.length > 0) say(`seed ${seed}`);
  return summary;
}

function startCore(server: ProsodyServer, dataDir: string): ChildProcess {
  return spawn(process.execPath, [HEADLESS], {
    env: {
      PATH: process.env.PATH,
      BENCH_HOST: server.host,
      BENCH_PORT: String(server.port),
      BENCH_DOMAIN: 'localhost',
      BENCH_JID: CORE.user,
      BENCH_RESOURCE: 'torture',
      BENCH_PASSWORD: CORE.password,
      BENCH_CA: server.caPem,
      BENCH_DATA_DIR: dataDir,
      BENCH_SEND_TO: PEER_JID,
      BENCH_SEND_EVERY_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

/** The store as the killed core left it, read on a read-only connection (which never checkpoints). */
function readStore(file: string): { integrity: string; out: Map<string, OutRow>; in: Map<string, number> } {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join('; ');
    const out = new Map<string, OutRow>();
    const incoming = new Map<string, number>();
    // Killed before the first start had created the schema (migrations are atomic: all or none).
    if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages'`).get())
      return { integrity, out, in: incoming };
    for (const row of db
      .prepare(
        `SELECT origin_id, min(state) AS state, count(*) AS n FROM messages
         WHERE direction = 'out' AND origin_id IS NOT NULL GROUP BY origin_id`,
      )
      .all() as OutRow[])
      out.set(row.origin_id, row);
    for (const row of db
      .prepare(
        `SELECT origin_id, count(*) AS n FROM messages WHERE direction = 'in' AND origin_id IS NOT NULL GROUP BY origin_id`,
      )
      .all() as { origin_id: string; n: number }[])
      incoming.set(row.origin_id, row.n);
    return { integrity, out, in: incoming };
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) return false;
    await sleep(20);
  }
  return true;
}

/** The one line `npm run torture` ends with. */
export function summaryLine(summary: TortureSummary): string {
  return `TORTURE ${JSON.stringify(summary)}`;
}
