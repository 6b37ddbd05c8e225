/**
 * Transfer benchmark: a 100 MB file uploaded through XEP-0363 to Prosody's
 * mod_http_file_share over HTTPS, then downloaded again from the message, by the real core in a
 * child process of its own (media-transfer-core.ts bundled by esbuild, as the presence benchmark
 * does). Budget: RSS ≤ 200 MB and event-loop p99 ≤ 50 ms in both directions. The downloaded bytes
 * must equal the uploaded ones before a number counts.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../tests/support/prosody';
import type { TransferRun, TransferTarget } from './media-transfer-core';
import { BUNDLE_DIR, RESULTS_DIR } from './results-dir';

const SIZE = Number(process.env.BENCH_MEDIA_BYTES) || 100 * 1000 * 1000;
const ALICE = { user: 'alice', password: 'alice-bench-Pa55' };
const BOB = { user: 'bob', password: 'bob-bench-Pa55' };
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** The budgets are asserted here; the smoke run of `npm test` (BENCH_SMOKE=1) checks the bytes only, never a time. */
const ASSERT_BUDGETS = process.env.BENCH_SMOKE !== '1';
const results: Record<string, unknown> = {};
let server: ProsodyServer;
let dir: string;
let file: string;
let fileHash: string;

/** Writes `size` bytes of a deterministic, incompressible-looking pattern, 1 MB at a time. */
function writeFile(target: string, size: number): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(target, 'w');
  const block = Buffer.alloc(1_000_000);
  let seed = 12345;
  for (let written = 0; written < size; written += block.length) {
    for (let i = 0; i < block.length; i += 4) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      block.writeInt32LE(seed, i);
    }
    const part = block.subarray(0, Math.min(block.length, size - written));
    fs.writeSync(fd, part);
    hash.update(part);
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

function sha256(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(target)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function bundle(): string {
  const out = path.join(BUNDLE_DIR, '.media-transfer-core.cjs');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  buildSync({
    entryPoints: [path.join(__dirname, 'media-transfer-core.ts')],
    bundle: true,
    platform: 'node',
    packages: 'external',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

function runInChild(target: TransferTarget): Promise<TransferRun> {
  const child = fork(bundle(), [], {
    env: { ...process.env, TRANSFER_CHILD: JSON.stringify(target) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { run?: TransferRun }) => {
      if (message.run) resolve(message.run);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the transfer child exited (${code}) before reporting`)));
  });
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

beforeAll(async () => {
  server = await startProsody({
    users: [ALICE, BOB],
    httpUpload: { sizeLimit: 2 * SIZE, dailyQuota: 20 * SIZE },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-media-'));
  file = path.join(dir, 'big.bin');
  fileHash = writeFile(file, SIZE);
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const out = path.join(RESULTS_DIR, 'media.json');
  const record = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, ...results };
  fs.writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH media', JSON.stringify(record));
});

describe('file transfer', () => {
  it('100 MB up through XEP-0363 and down again: RSS ≤ 200 MB, event-loop p99 ≤ 50 ms', async () => {
    const runs: TransferRun[] = [];
    for (let round = 0; round < RUNS; round++) {
      const downloads = path.join(dir, `downloads-${round}`);
      const run = await runInChild({
        host: server.host,
        port: server.port,
        caPem: server.caPem,
        user: ALICE.user,
        password: ALICE.password,
        file,
        downloads,
        to: 'bob@localhost',
      });
      // A fast wrong answer fails: the bytes that came back are the bytes that went up.
      expect(run.size).toBe(SIZE);
      expect(await sha256(path.join(downloads, run.savedAs))).toBe(fileHash);
      fs.rmSync(downloads, { recursive: true, force: true });
      runs.push(run);
    }
    const worst = (pick: (run: TransferRun) => number) => Math.max(...runs.map(pick));
    const median = (pick: (run: TransferRun) => number) =>
      runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    Object.assign(results, {
      sizeMb: mb(SIZE),
      runs: runs.length,
      uploadMedianMs: median((r) => r.upload.ms),
      uploadMedianMBps: median((r) => r.upload.megabytesPerSecond),
      uploadEventLoopP99MsWorst: worst((r) => r.upload.eventLoopDelayP99Ms),
      uploadEventLoopMaxMsWorst: worst((r) => r.upload.eventLoopDelayMaxMs),
      uploadPeakRssMbWorst: mb(worst((r) => r.upload.peakRss)),
      uploadProgressEvents: median((r) => r.upload.progressEvents),
      downloadMedianMs: median((r) => r.download.ms),
      downloadMedianMBps: median((r) => r.download.megabytesPerSecond),
      downloadEventLoopP99MsWorst: worst((r) => r.download.eventLoopDelayP99Ms),
      downloadEventLoopMaxMsWorst: worst((r) => r.download.eventLoopDelayMaxMs),
      downloadPeakRssMbWorst: mb(worst((r) => r.download.peakRss)),
      downloadProgressEvents: median((r) => r.download.progressEvents),
      rssBeforeUploadMb: mb(median((r) => r.rssBeforeUpload)),
      maxRssMbWorst: mb(worst((r) => r.maxRss)),
    });
    if (ASSERT_BUDGETS) {
      expect(worst((r) => r.maxRss)).toBeLessThanOrEqual(200 * 1024 * 1024);
      expect(worst((r) => r.upload.eventLoopDelayP99Ms)).toBeLessThanOrEqual(50);
      expect(worst((r) => r.download.eventLoopDelayP99Ms)).toBeLessThanOrEqual(50);
    }
  });

  it('100 MB encrypted (aesgcm:) up and down again: the same budget', async () => {
    const runs: TransferRun[] = [];
    for (let round = 0; round < RUNS; round++) {
      const downloads = path.join(dir, `downloads-encrypted-${round}`);
      const run = await runInChild({
        host: server.host,
        port: server.port,
        caPem: server.caPem,
        user: ALICE.user,
        password: ALICE.password,
        file,
        downloads,
        to: 'bob@localhost',
        encrypted: true,
      });
      // Decrypted and verified on the way down: the same bytes as went up.
      expect(await sha256(path.join(downloads, run.savedAs))).toBe(fileHash);
      fs.rmSync(downloads, { recursive: true, force: true });
      runs.push(run);
    }
    const worst = (pick: (run: TransferRun) => number) => Math.max(...runs.map(pick));
    const median = (pick: (run: TransferRun) => number) =>
      runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    Object.assign(results, {
      encrypted: {
        runs: runs.length,
        uploadMedianMs: median((r) => r.upload.ms),
        uploadEventLoopP99MsWorst: worst((r) => r.upload.eventLoopDelayP99Ms),
        uploadPeakRssMbWorst: mb(worst((r) => r.upload.peakRss)),
        downloadMedianMs: median((r) => r.download.ms),
        downloadEventLoopP99MsWorst: worst((r) => r.download.eventLoopDelayP99Ms),
        downloadPeakRssMbWorst: mb(worst((r) => r.download.peakRss)),
        maxRssMbWorst: mb(worst((r) => r.maxRss)),
      },
    });
    if (ASSERT_BUDGETS) {
      expect(worst((r) => r.maxRss)).toBeLessThanOrEqual(200 * 1024 * 1024);
      expect(worst((r) => r.upload.eventLoopDelayP99Ms)).toBeLessThanOrEqual(50);
      expect(worst((r) => r.download.eventLoopDelayP99Ms)).toBeLessThanOrEqual(50);
    }
  });
});
