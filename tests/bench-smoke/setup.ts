/**
 * Global setup of the `bench-smoke` project (vitest.config.ts): the benches' results go to a
 * temporary directory of their own (BENCH_RESULTS_DIR), emptied before and removed after the run,
 * so that a smoke run never replaces a measured result in bench/results/.
 */
import fs from 'node:fs';
import { BENCH_SMOKE_RESULTS } from './env';

export default function setup(): () => void {
  fs.rmSync(BENCH_SMOKE_RESULTS, { recursive: true, force: true });
  fs.mkdirSync(BENCH_SMOKE_RESULTS, { recursive: true });
  return () => fs.rmSync(BENCH_SMOKE_RESULTS, { recursive: true, force: true });
}
