/**
 * Presence flood benchmark through the headless client: out/main/headless.js (the real
 * core) against the replay server (replay-server.mjs, workload `presence`), which plays the
 * workload of presence-flood.ts (writeFloodFiles: a 10,000-item roster, then after our initial
 * presence 100,000 presence stanzas from 10,000 contacts with 1–4 resources, ~10 % unavailable,
 * some with <delay/> and caps, and a sentinel), then pings. Each run checks the counts at that ping
 * against the state the workload implies (online contacts and available resources, the sentinel
 * included) and that the core handled every stanza, before any number counts. Measured in the
 * client: presences/s from the first byte read after our initial presence to the last presence
 * handled before the ping, online → the ping handled ("done"), main event-loop delay p99 from online
 * to the stream's end (budget ≤ 50 ms), peak RSS (ru_maxrss; budget ≤ 150 MB).
 * Needs `npx electron-vite build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOD, writeFloodFiles, type FloodExpectation } from './presence-flood';
import { HEADLESS, runHeadless, spread, startReplayServer, writeResults, type ReplayServer } from './replay';

const RUNS = Number(process.env.BENCH_RUNS) || 5;
const results: Record<string, unknown> = {};
let server: ReplayServer;
let dir: string;
let expected: FloodExpectation;
let floodBytes = 0;

beforeAll(async () => {
  expect(fs.existsSync(HEADLESS)).toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-presence-replay-'));
  ({ expected, floodBytes } = writeFloodFiles(dir));
  server = await startReplayServer('presence', dir);
});

afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  writeResults('presence-headless', results);
});

describe('presence through the headless client', () => {
  it(`${FLOOD.stanzas} presences from ${FLOOD.contacts} contacts: first byte → last stanza handled`, async () => {
    const rate: number[] = [];
    const flood: number[] = [];
    const done: number[] = [];
    const p99: number[] = [];
    const rss: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { result, metrics } = await runHeadless(server);
      // The final state first: a fast wrong answer fails.
      expect(result.atPing).toEqual({
        rosterItems: FLOOD.contacts,
        availableResources: expected.availableResources,
        onlineContacts: expected.onlineContacts,
      });
      expect(metrics.pings).toBe(1);
      // Every stanza of the flood and the sentinel, handled before the ping.
      expect(metrics.presence.handled).toBe(FLOOD.stanzas + 1);
      const { firstByteMs, lastHandledAtPingMs } = metrics.presence;
      expect(firstByteMs).not.toBeNull();
      expect(lastHandledAtPingMs).not.toBeNull();
      const floodMs = lastHandledAtPingMs! - firstByteMs!;
      flood.push(floodMs);
      rate.push((FLOOD.stanzas + 1) / (floodMs / 1000));
      done.push(metrics.lastPingMs!);
      p99.push(metrics.eventLoopDelayP99Ms);
      rss.push(metrics.maxRssBytes / 1024 / 1024);
    }
    Object.assign(results, {
      stanzas: FLOOD.stanzas,
      contacts: FLOOD.contacts,
      floodBytes,
      expectedOnlineContacts: expected.onlineContacts,
      expectedAvailableResources: expected.availableResources,
      runs: RUNS,
      presencesPerSecond: spread(rate.map(Math.round)),
      firstByteToLastHandledMs: spread(flood),
      onlineToLastPingMs: spread(done),
      eventLoopDelayP99Ms: spread(p99),
      peakRssMb: spread(rss),
      budgets: { presencesPerSecond: 120_000, eventLoopDelayP99Ms: 50, peakRssMb: 150 },
    });
  });
});
