/**
 * Runs the built headless client (`out/main/headless.js`) against the replay server
 * (replay-server.mjs), each in its own process: what the client's process measures is the client.
 * Needs `npx electron-vite build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchMetrics } from '../src/main/headless';

export const HEADLESS = path.join(__dirname, '..', 'out', 'main', 'headless.js');

export interface ReplayServer {
  port: number;
  caFile: string;
  dir: string;
  stop(): Promise<void>;
}

export interface BenchResult {
  peer: string;
  rosterItems: number;
  availableResources: number;
  onlineContacts: number;
  atPing: { rosterItems: number; availableResources: number; onlineContacts: number };
}

/** Starts `node replay-server.mjs WORKLOAD DIR` (DIR: a new temporary directory unless given). */
export async function startReplayServer(workload: string, dir?: string): Promise<ReplayServer> {
  const workDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `jw-bench-${workload}-`));
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'replay-server.mjs'), workload, workDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the replay server exited (${code})`)));
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    port,
    caFile: path.join(workDir, 'ca.pem'),
    dir: workDir,
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
  const metricsFile = path.join(server.dir, `metrics-${process.pid}-${Date.now()}.json`);
  const child = spawn(process.execPath, [...nodeArgs, HEADLESS], {
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
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0 || stderr !== '') throw new Error(`headless exited ${code}: ${stderr.slice(0, 2000)}`);
  const lines = stdout.trim().split('\n');
  if (lines.length !== 1 || !lines[0].startsWith('BENCH_RESULT ')) throw new Error(`unexpected output: ${stdout}`);
  const result = JSON.parse(lines[0].slice('BENCH_RESULT '.length)) as BenchResult;
  const metrics = JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as BenchMetrics;
  fs.rmSync(metricsFile, { force: true });
  return { result, metrics, stdout };
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
  const file = path.join(__dirname, 'results', `${name}.json`);
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
