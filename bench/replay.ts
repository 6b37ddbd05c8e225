/**
 * Runs the built headless client (`out/main/headless.js`) and the baselines (baseline-ltx.mjs, the
 * parse-only ceiling; baseline-xmppjs.mjs, xmpp.js with a Map) against the replay server
 * (replay-server.mjs), each in its own process: what the client's process measures is the client.
 * With `pinned`, the server runs on core 0 and the client on core 1 (`taskset`), as on a laptop where
 * one core is busy with something else. Needs `npx electron-vite build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORE_NODE_FLAGS } from '../src/main/core-node-flags';
import type { BenchMetrics, BenchState } from '../src/main/headless';
import { RESULTS_DIR } from './results-dir';

export const HEADLESS = path.join(__dirname, '..', 'out', 'main', 'headless.js');

/**
 * The clients measured side by side, and the script each one runs. `jabberwock-before` is another
 * build of the headless client (BENCH_BEFORE=path/to/headless.js), for before/after in one run.
 */
export const CLIENTS = {
  ltx: path.join(__dirname, 'baseline-ltx.mjs'),
  'xmpp.js': path.join(__dirname, 'baseline-xmppjs.mjs'),
  'jabberwock-before': process.env.BENCH_BEFORE ?? '',
  jabberwock: HEADLESS,
} as const;
export type ClientName = keyof typeof CLIENTS;

/** The cores of a pinned run: the server on one, the client on the other. */
export const SERVER_CORE = 0;
export const CLIENT_CORE = 1;

/** What the replay server reports at the end of each session (see replay-server.mjs). */
export interface SessionTiming {
  session: number;
  rosterResultToInitialPresenceMs: number | null;
  rosterResultToPongMs: number | null;
  floodStartToPongMs: number | null;
  floodWrittenToPongMs: number | null;
  joinToRoomWrittenMs: number | null;
  joinToPongMs: number | null;
  [time: string]: number | null;
}

/** The metrics file of a baseline (a subset of the headless client's). */
export interface BaselineMetrics {
  peer: string;
  rosterFirstByteToDoneMs: number | null;
  rosterFirstByteToDoneCpuMs: number | null;
  presence: { handled: number; firstByteToLastAtPingMs: number | null; firstByteToLastPingCpuMs: number | null };
  pings: number;
  maxRssBytes: number;
}

/** `taskset -c CORE` in front of a command, or nothing. */
function pinnedTo(core: number | undefined, command: string[]): string[] {
  return core === undefined ? command : ['taskset', '-c', String(core), ...command];
}

export interface ReplayServer {
  port: number;
  caFile: string;
  dir: string;
  /** The core it runs on (taskset), if pinned. */
  core: number | undefined;
  /** The next session's timing line not taken yet (null if none arrives within `waitMs`). */
  takeTiming(waitMs?: number): Promise<SessionTiming | null>;
  stop(): Promise<void>;
}

export interface ReplayOptions {
  /** Where the certificates (and workload files) are; a new temporary directory when absent. */
  dir?: string;
  /** The workload's data: ASCII (the default) or realistic (realistic-data.mjs). */
  data?: 'ascii' | 'realistic';
  /** Run the server on this core only (taskset). */
  core?: number;
}

export interface BenchResult {
  peer: string;
  rosterItems: number;
  availableResources: number;
  onlineContacts: number;
  atPing: { rosterItems: number; availableResources: number; onlineContacts: number };
}

/** Starts `node replay-server.mjs WORKLOAD DIR` (DIR: a new temporary directory unless given). */
export async function startReplayServer(workload: string, options: string | ReplayOptions = {}): Promise<ReplayServer> {
  const { dir, data = 'ascii', core } = typeof options === 'string' ? { dir: options } : options;
  const workDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `jw-bench-${workload}-`));
  const [command, ...args] = pinnedTo(core, [
    process.execPath,
    path.join(__dirname, 'replay-server.mjs'),
    workload,
    workDir,
  ]);
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, REPLAY_DATA: data },
  });
  const timings: SessionTiming[] = [];
  let timingArrived: (() => void) | null = null;
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the replay server exited (${code})`)));
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
      // Whole lines only: `timing {…}` at the end of each session.
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('timing ')) continue;
        timings.push(JSON.parse(line.slice('timing '.length)) as SessionTiming);
        timingArrived?.();
      }
    });
  });
  return {
    port,
    caFile: path.join(workDir, 'ca.pem'),
    dir: workDir,
    core,
    takeTiming: async (waitMs = 5000) => {
      if (timings.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          timingArrived = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        timingArrived = null;
      }
      return timings.shift() ?? null;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!dir) fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** One run of the headless client; resolves with its BENCH_RESULT and its metrics file. */
export async function runHeadless(
  server: ReplayServer,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<{ result: BenchResult; metrics: BenchMetrics; stdout: string }> {
  const run = await runClient('jabberwock', server, { env: extraEnv, nodeArgs });
  return { result: run.result, metrics: run.metrics as BenchMetrics, stdout: run.stdout };
}

export interface ClientRun {
  result: BenchResult;
  metrics: BenchMetrics | BaselineMetrics;
  /** What the client held at the end (roster, available resources). */
  state: BenchState | null;
  /** The server's view of the session. */
  timing: SessionTiming | null;
  stdout: string;
}

/**
 * The Node flags a client runs with: this build of the headless client those the app's core runs
 * with (CORE_NODE_FLAGS), the earlier build BENCH_BEFORE_NODE_ARGS (space-separated; none unless
 * given), the baselines none.
 */
function defaultNodeArgs(client: ClientName): string[] {
  if (client === 'jabberwock') return [...CORE_NODE_FLAGS];
  if (client === 'jabberwock-before') return (process.env.BENCH_BEFORE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [];
}

/**
 * A client that has not exited this long after its start hangs (a stanza never answered, a state
 * never reached): it is killed, and the run counts as failed rather than holding the bench forever.
 * BENCH_RUN_TIMEOUT_MS overrides it.
 */
const RUN_TIMEOUT_MS = Number(process.env.BENCH_RUN_TIMEOUT_MS) || 180_000;

/**
 * One run of a client against `server`: a fresh process (on `core` only, if given) that logs in,
 * plays the workload and exits. Rejects when it exits with an error, prints anything unexpected or
 * does not exit within RUN_TIMEOUT_MS.
 */
export async function runClient(
  client: ClientName,
  server: ReplayServer,
  options: { env?: Record<string, string>; nodeArgs?: string[]; core?: number; state?: boolean } = {},
): Promise<ClientRun> {
  const { env: extraEnv = {}, nodeArgs = defaultNodeArgs(client), core, state = false } = options;
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const metricsFile = path.join(server.dir, `metrics-${stamp}.json`);
  const stateFile = path.join(server.dir, `state-${stamp}.json`);
  const [command, ...args] = pinnedTo(core, [process.execPath, ...nodeArgs, CLIENTS[client]]);
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      BENCH_HOST: '127.0.0.1',
      BENCH_PORT: String(server.port),
      BENCH_DOMAIN: 'localhost',
      BENCH_JID: 'me',
      BENCH_RESOURCE: 'bench',
      BENCH_PASSWORD: 'bench-password',
      BENCH_CA: server.caFile,
      BENCH_PEER: 'jabberwock',
      BENCH_METRICS_FILE: metricsFile,
      ...(state ? { BENCH_STATE_FILE: stateFile } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null | 'hung'>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hung');
    }, RUN_TIMEOUT_MS);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code === 'hung') throw new Error(`${client} had not exited after ${RUN_TIMEOUT_MS} ms: ${stderr.slice(0, 2000)}`);
  if (code !== 0 || stderr !== '') throw new Error(`${client} exited ${code}: ${stderr.slice(0, 2000)}`);
  const lines = stdout.trim().split('\n');
  if (lines.length !== 1 || !lines[0].startsWith('BENCH_RESULT ')) throw new Error(`unexpected output: ${stdout}`);
  const result = JSON.parse(lines[0].slice('BENCH_RESULT '.length)) as BenchResult;
  const metrics = JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as BenchMetrics | BaselineMetrics;
  fs.rmSync(metricsFile, { force: true });
  let held: BenchState | null = null;
  if (state) {
    held = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as BenchState;
    fs.rmSync(stateFile, { force: true });
  }
  return { result, metrics, state: held, timing: await server.takeTiming(), stdout };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const round = (value: number) => Math.round(value * 10) / 10;

/** median, min and max of a series, rounded. */
export function spread(values: number[]): { median: number; min: number; max: number } {
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
}

export function writeResults(name: string, results: Record<string, unknown>): void {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    node: process.version,
    loadavg: os.loadavg().map(round),
    ...results,
  };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nBENCH ${name}`, JSON.stringify(record));
}
