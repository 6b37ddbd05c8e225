/**
 * The check of the store at start: how long `PRAGMA quick_check` takes on a large store (10,000
 * contacts, 20,000 messages with their search index), on the main thread and on a worker thread (with
 * the main event loop's delay meanwhile), and the first snapshot's conversation list query. Decides
 * whether the check may run before the first snapshot (it may not: see store-check.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../src/main/core/store/db';
import { MessagesRepository } from '../src/main/core/store/messages-repo';
import { quickCheck, quickCheckInWorker } from '../src/main/core/store/store-check';
import { seedStore } from '../tests/support/store-files';
import { RESULTS_DIR } from './results-dir';

const RUNS = Number(process.env.BENCH_RUNS) || 7;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-store-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => Math.round(value * 10) / 10;

it('measures quick_check on a large store', async () => {
  const file = path.join(dir, 'jabberwock.sqlite3');
  seedStore(file, 10_000, 20_000);
  const main: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    expect(quickCheck(file)).toEqual({ ok: true });
    main.push(performance.now() - start);
  }
  const worker: number[] = [];
  const delayP99: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const start = performance.now();
    expect(await quickCheckInWorker(file)).toEqual({ ok: true });
    worker.push(performance.now() - start);
    delay.disable();
    delayP99.push(delay.percentile(99) / 1e6);
  }
  const db = openDatabase(file);
  const repo = new MessagesRepository(db);
  const conversations: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    expect(repo.conversations().length).toBe(50);
    conversations.push(performance.now() - start);
  }
  db.close();
  const result = {
    storeMb: round(fs.statSync(file).size / 1e6),
    quickCheckMainMs: { median: round(median(main)), max: round(Math.max(...main)) },
    quickCheckWorkerMs: { median: round(median(worker)), max: round(Math.max(...worker)) },
    mainLoopDelayP99DuringWorkerCheckMs: round(Math.max(...delayP99)),
    conversationsQueryMs: { median: round(median(conversations)), max: round(Math.max(...conversations)) },
  };
  console.log(`BENCH store-check ${JSON.stringify(result)}`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'store-check.json'), `${JSON.stringify(result, null, 2)}\n`);
}, 300_000);
