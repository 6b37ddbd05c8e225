/**
 * Archive catch-up benchmark: the headless client (out/main/headless.js, the real core)
 * against the replay server (replay-server.mjs, workload `archive`), twice on one data directory
 * (BENCH_DATA_DIR): the first session has no marker and takes the latest page of a 50-message
 * archive (the marker is stored); before the second session 20,000 messages arrived, and it pages
 * through them from the marker (XEP-0313 with RSM, 100 per page) until <fin complete='true'/>.
 * Measured on the second session: online → catch-up done (archive.sync 'done'), messages per second,
 * main event-loop delay p99, peak RSS. Each run checks that every message is stored exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HEADLESS, runHeadless, spread, startReplayServer, writeResults } from './replay';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const SEED = 50;
const NEW = Number(process.env.BENCH_MESSAGES) || 20_000;
const results: Record<string, unknown> = {};

afterAll(() => writeResults('archive', results));

describe('archive', () => {
  it(`catch-up of ${NEW} messages from a stored marker`, async () => {
    expect(fs.existsSync(HEADLESS)).toBe(true);
    const done: number[] = [];
    const rate: number[] = [];
    const p99: number[] = [];
    const rss: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A fresh server per run: its first session sees the seed, its second the 20,000 more.
      const server = await startReplayServer('archive');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-archive-data-'));
      try {
        const env = { BENCH_DATA_DIR: dataDir };
        const first = await runHeadless(server, env);
        expect(first.metrics.archive).toMatchObject({ queries: 1, state: 'done', fetched: SEED });
        expect(first.metrics.messages).toMatchObject({ stored: SEED, distinctServerIds: SEED });
        const second = await runHeadless(server, env);
        const m = second.metrics;
        expect(m.archive).toMatchObject({ queries: NEW / 100, state: 'done', fetched: NEW });
        expect(m.messages).toMatchObject({ stored: SEED + NEW, distinctServerIds: SEED + NEW, duplicates: 0 });
        // Exactly once, and exactly the archive's ids, read from the store itself.
        const db = new Database(path.join(dataDir, 'jabberwock.sqlite3'), {
          readonly: true,
        });
        const rows = db.prepare('SELECT server_id AS id FROM messages ORDER BY server_id').all() as { id: string }[];
        const marker = db.prepare('SELECT last_id FROM archive_markers WHERE archive = ?').get('') as {
          last_id: string;
        };
        db.close();
        expect(rows).toHaveLength(SEED + NEW);
        rows.forEach((row, k) => expect(row.id).toBe(`arch-${String(k).padStart(6, '0')}`));
        expect(marker.last_id).toBe(`arch-${String(SEED + NEW - 1).padStart(6, '0')}`);
        done.push(m.archive.doneMs!);
        rate.push(NEW / (m.archive.doneMs! / 1000));
        p99.push(m.eventLoopDelayP99Ms);
        rss.push(m.maxRssBytes / 1024 / 1024);
      } finally {
        await server.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
    Object.assign(results, {
      messages: NEW,
      pages: NEW / 100,
      runs: RUNS,
      onlineToCaughtUpMs: spread(done),
      messagesPerSecond: spread(rate),
      eventLoopDelayP99Ms: spread(p99),
      peakRssMb: spread(rss),
      budgets: { eventLoopDelayP99Ms: 50 },
    });
  });
});
