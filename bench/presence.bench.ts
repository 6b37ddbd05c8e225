/**
 * Presence flood benchmark: a scripted server (STARTTLS with the test CA, scripted login,
 * a 10,000-item roster) waits for our initial presence, then streams 100,000 presence stanzas from
 * 10,000 contacts (1–4 resources each, ~10 % unavailable, some with <delay/>, some with caps whose
 * disco#info it answers) into the real core: parse, sender check, per-resource state, caps lookups,
 * coalesced events. Measured from the first byte of the flood on the client's socket to the core
 * having handled the last stanza (presencesPerSecond), and to a subscriber receiving the last
 * (sentinel) contact's event, coalescing delay included (firstByteToEventsMs). The server runs in its
 * own process (presence-flood-server.mjs) and so does the core (presence-flood-core.ts, a fresh child
 * per run): peak RSS is the child's high-water mark (ru_maxrss) when the last contact
 * event arrived, the highest of the runs. Each
 * run checks the final state against the one computed from the workload before reporting numbers.
 * The workload lives in presence-flood.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOD, runFloodInChild, startFloodServer, stopFloodServer, type FloodExpectation } from './presence-flood';
import type { FloodTarget } from './presence-flood-core';
import { CORE_NODE_FLAGS } from '../src/main/core-node-flags';
import { RESULTS_DIR } from './results-dir';

/** BENCH_RUNS: fewer turns on a loaded machine (each turn is one flood with history off and one with it on). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * BENCH_BEFORE_CORE=path/to/presence-flood-core.cjs: an earlier build of presence-flood-core.ts
 * (`npx esbuild bench/presence-flood-core.ts --bundle --platform=node --packages=external
 * --format=cjs --outfile=bench/results/before/presence-flood-core.cjs` on the earlier commit) adds
 * a flood with history on through it to every turn, so before and after meet the same load.
 */
const BEFORE_CORE = process.env.BENCH_BEFORE_CORE;
/** Node/V8 flags of the children: FLOOD_NODE_ARGS for this build, BENCH_BEFORE_NODE_ARGS for the earlier one. */
const nodeArgs = (value: string | undefined, fallback: readonly string[]) =>
  value === undefined ? fallback : value.split(' ').filter(Boolean);
const NODE_ARGS = nodeArgs(process.env.FLOOD_NODE_ARGS, CORE_NODE_FLAGS);
const BEFORE_NODE_ARGS = nodeArgs(process.env.BENCH_BEFORE_NODE_ARGS, []);
const results: Record<string, number | string> = {};
let expected: FloodExpectation;
let floodBytes = 0;
let target: FloodTarget;

beforeAll(async () => {
  ({ expected, floodBytes, target } = await startFloodServer());
});

afterAll(async () => {
  await stopFloodServer();
  const file = path.join(RESULTS_DIR, 'presence.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, ...results };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH presence', JSON.stringify(record));
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round = (value: number) => Math.round(value * 10) / 10;
const MB = 1024 * 1024;

describe('presence', () => {
  it(
    `${FLOOD.stanzas} presences from ${FLOOD.contacts} contacts: first byte → final state emitted`,
    async () => {
      const children = [];
      const withoutHistory = [];
      const before = [];
      // Presence history off and on (and the earlier build), turn by turn, so that all meet the same load.
      for (let i = 0; i < RUNS; i++) {
        if (BEFORE_CORE) {
          const earlier = await runFloodInChild(target, { bundle: BEFORE_CORE, nodeArgs: BEFORE_NODE_ARGS });
          expect(earlier.run.onlineContacts).toBe(expected.onlineContacts);
          expect(earlier.run.availableResources).toBe(expected.availableResources);
          before.push(earlier.run);
        }
        const off = await runFloodInChild({ ...target, history: false }, { nodeArgs: NODE_ARGS });
        expect(off.run.onlineContacts).toBe(expected.onlineContacts);
        expect(off.run.historyRowsStored).toBe(0);
        withoutHistory.push(off);
        const child = await runFloodInChild(target, { nodeArgs: NODE_ARGS });
        const run = child.run;
        // The final state must be the one the workload implies before a number counts.
        expect(run.onlineContacts).toBe(expected.onlineContacts);
        expect(run.availableResources).toBe(expected.availableResources);
        expect(run.snapshotOnline).toBe(expected.onlineContacts);
        expect(run.snapshotWithLastSeen).toBeGreaterThan(0);
        expect(run.contactEvents).toBeGreaterThanOrEqual(expected.onlineContacts);
        // Every resource online at the end has a run; those that went have theirs too.
        expect(run.historyRowsStored).toBeGreaterThanOrEqual(expected.availableResources - 1);
        children.push(child);
        // Each turn as it ends: a run cut short by the harness's limit still leaves its pairs.
        const pair = [...(BEFORE_CORE ? [before.at(-1)!] : []), off.run, run];
        console.log(`turn ${i + 1} (load ${os.loadavg()[0].toFixed(1)}): ${pair.map(turnFigures).join(' | ')}`);
      }
      const offRuns = withoutHistory.map((child) => child.run);
      const runs = children.map((child) => child.run);
      const rates = runs.map((r) => r.presencesPerSecond);
      Object.assign(results, {
        stanzas: FLOOD.stanzas,
        contacts: FLOOD.contacts,
        floodBytes,
        expectedOnlineContacts: expected.onlineContacts,
        expectedAvailableResources: expected.availableResources,
        unavailableStanzas: expected.unavailable,
        delayedStanzas: expected.delayed,
        contactEventsMedian: median(runs.map((r) => r.contactEvents)),
        capsQueries: runs.at(-1)!.capsQueries,
        presencesPerSecondMedian: Math.round(median(rates)),
        presencesPerSecondMin: Math.round(Math.min(...rates)),
        presencesPerSecondMax: Math.round(Math.max(...rates)),
        firstByteToEventsMsMedian: round(median(runs.map((r) => r.firstByteToEventsMs))),
        presencesPerCpuSecondMedian: Math.round(median(runs.map((r) => r.presencesPerCpuSecond))),
        eventLoopDelayP99MsMedian: round(median(runs.map((r) => r.eventLoopDelayP99Ms))),
        // Each run's child process runs the core alone: its kernel high-water mark (ru_maxrss) from
        // start-up to the last contact event, the highest and the median of the runs.
        peakRssMb: round(Math.max(...runs.map((r) => r.maxRssAtEvents)) / MB),
        peakRssMedianMb: round(median(runs.map((r) => r.maxRssAtEvents)) / MB),
        // The same over the child's whole life, the checks after the flood (app.snapshot) included.
        processPeakRssMb: round(Math.max(...children.map((c) => c.maxRss)) / MB),
        // What a child held before its run (Node, the core's modules): the flood's share is the rest.
        rssBeforeRunMb: round(median(children.map((c) => c.rssBeforeRun)) / MB),
        runs: RUNS,
        // The same flood with presence history off, in the turns between.
        historyOffPresencesPerSecondMedian: Math.round(median(offRuns.map((r) => r.presencesPerSecond))),
        historyOffPresencesPerCpuSecondMedian: Math.round(median(offRuns.map((r) => r.presencesPerCpuSecond))),
        historyOffPeakRssMb: round(Math.max(...offRuns.map((r) => r.maxRssAtEvents)) / MB),
        historyOffPeakRssMedianMb: round(median(offRuns.map((r) => r.maxRssAtEvents)) / MB),
        historyOffEventLoopDelayP99MsMedian: round(median(offRuns.map((r) => r.eventLoopDelayP99Ms))),
        historyRunsHeldMedian: median(runs.map((r) => r.historyRunsHeld)),
        historyRowsStoredMedian: median(runs.map((r) => r.historyRowsStored)),
        historyStoreAllMsMedian: round(median(runs.map((r) => r.historyStoreMs))),
        historyStoreChunkMaxMs: round(Math.max(...runs.map((r) => r.historyStoreChunkMaxMs))),
        historyStoreChunkCpuMaxMs: round(Math.max(...runs.map((r) => r.historyStoreChunkCpuMaxMs))),
        nodeArgs: NODE_ARGS.join(' '),
        loadAverage: os.loadavg().map(round).join(' '),
        ...(before.length > 0
          ? {
              beforeNodeArgs: BEFORE_NODE_ARGS.join(' '),
              beforePresencesPerSecondMedian: Math.round(median(before.map((r) => r.presencesPerSecond))),
              beforePresencesPerCpuSecondMedian: Math.round(median(before.map((r) => r.presencesPerCpuSecond))),
              beforePeakRssMb: round(Math.max(...before.map((r) => r.maxRssAtEvents)) / MB),
              beforePeakRssMedianMb: round(median(before.map((r) => r.maxRssAtEvents)) / MB),
              // Each turn's figures in order, for the before/after pairs: [before, off, on].
              turns: before.map((r, k) => [r, offRuns[k], runs[k]].map(turnFigures).join(' | ')),
            }
          : {}),
      });
    },
    /* a flood takes up to 4 minutes at load 40 */ RUNS * (BEFORE_CORE ? 3 : 2) * 4 * 60_000,
  );
});

const turnFigures = (run: { maxRssAtEvents: number; presencesPerCpuSecond: number; history: boolean }) =>
  `${run.history ? 'on' : 'off'} ${round(run.maxRssAtEvents / MB)} MB ${Math.round(run.presencesPerCpuSecond)}/cpu-s`;
