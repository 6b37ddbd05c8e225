/**
 * Roster benchmark through the headless client: out/main/headless.js (the real core)
 * against the replay server (replay-server.mjs, workload `roster`), which answers the roster request
 * with 10,000 items in 500 groups (ver 'replay-1') and pings once our initial presence arrived. Each
 * run has a fresh data directory (BENCH_DATA_DIR), so every run is a first, full fetch; it checks the
 * final state before any number counts: 10,000 items in BENCH_RESULT (at the ping and at the end)
 * and in SQLite, 500 distinct groups, the version stored. Measured: online → roster synced seen by
 * the event bus's subscriber ("done"), the first byte read after the roster request → synced (the
 * core's share, as roster.bench.ts measures in-process), main event-loop delay p99 from online to the
 * stream's end (budget ≤ 50 ms), peak RSS. Needs `npx electron-vite build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLESS, runHeadless, spread, startReplayServer, writeResults, type ReplayServer } from './replay';
import { ROSTER_ITEMS, rosterItems } from './replay-server.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 7;
const ITEMS = ROSTER_ITEMS;
/** The distinct groups of the server's roster: all 500 at full size, fewer in a small roster (the smoke run). */
const GROUPS = new Set(rosterItems().match(/<group>[^<]*<\/group>/g)).size;
const results: Record<string, unknown> = {};
let server: ReplayServer;

beforeAll(async () => {
  expect(fs.existsSync(HEADLESS)).toBe(true);
  server = await startReplayServer('roster');
});

afterAll(async () => {
  await server?.stop();
  writeResults('roster-headless', results);
});

/** What the run left in its store. */
function stored(dataDir: string): { items: number; groups: number; version: string | null } {
  const db = new Database(path.join(dataDir, 'jabberwock.sqlite3'), { readonly: true });
  try {
    const items = (db.prepare('SELECT count(*) AS n FROM roster_items').get() as { n: number }).n;
    const groups = (
      db
        .prepare('SELECT count(DISTINCT g.value) AS n FROM roster_items, json_each(roster_items.groups) AS g')
        .get() as {
        n: number;
      }
    ).n;
    const row = db.prepare('SELECT version FROM roster_versions').get() as { version: string | null } | undefined;
    return { items, groups, version: row?.version ?? null };
  } finally {
    db.close();
  }
}

describe('roster through the headless client', () => {
  it(`${ITEMS} items in ${GROUPS} groups: online → stored and emitted`, async () => {
    const done: number[] = [];
    const firstByte: number[] = [];
    const p99: number[] = [];
    const rss: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-roster-data-'));
      try {
        const { result, metrics } = await runHeadless(server, { BENCH_DATA_DIR: dataDir });
        // The final state first: a fast wrong answer fails.
        expect(result.rosterItems).toBe(ITEMS);
        expect(result.atPing.rosterItems).toBe(ITEMS);
        expect(metrics.pings).toBe(1);
        expect(stored(dataDir)).toEqual({ items: ITEMS, groups: GROUPS, version: 'replay-1' });
        expect(metrics.rosterSyncedMs).not.toBeNull();
        expect(metrics.rosterFirstByteToSyncedMs).not.toBeNull();
        done.push(metrics.rosterSyncedMs!);
        firstByte.push(metrics.rosterFirstByteToSyncedMs!);
        p99.push(metrics.eventLoopDelayP99Ms);
        rss.push(metrics.maxRssBytes / 1024 / 1024);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
    Object.assign(results, {
      items: ITEMS,
      groups: GROUPS,
      runs: RUNS,
      onlineToSyncedMs: spread(done),
      firstByteToSyncedMs: spread(firstByte),
      eventLoopDelayP99Ms: spread(p99),
      peakRssMb: spread(rss),
      budgets: { eventLoopDelayP99Ms: 50, firstByteToSyncedMs: 180 },
    });
  });
});
