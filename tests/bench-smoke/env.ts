/**
 * The smoke run of every bench in `npm test` (project `bench-smoke`, vitest.config.ts): each
 * bench/*.bench.ts once, through its own harness, servers and checks of the final state, at tiny
 * sizes set by the size knobs the benches read. It asserts what the benches assert (that they ran
 * and verified), never a time: times belong to `npm run bench`.
 */
import os from 'node:os';
import path from 'node:path';

/** Where the smoke run's results go instead of bench/results/ (one directory per vitest run). */
export const BENCH_SMOKE_RESULTS = path.join(os.tmpdir(), `jw-bench-smoke-${process.pid}`);

export const BENCH_SMOKE_ENV: Record<string, string> = {
  BENCH_RESULTS_DIR: BENCH_SMOKE_RESULTS,
  // Budgets a bench asserts itself (media.bench.ts) are left to `npm run bench`.
  BENCH_SMOKE: '1',
  BENCH_RUNS: '1',
  BENCH_SCROLLS: '1',
  BENCH_CONTACTS: '50',
  BENCH_HISTORY_CONTACTS: '50',
  BENCH_FLOOD: '500',
  BENCH_OCCUPANTS: '20',
  BENCH_MESSAGES: '200',
  BENCH_HISTORY_ARCHIVE: '300',
  BENCH_MEDIA_BYTES: String(1_000_000),
};
