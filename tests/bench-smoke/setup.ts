/**
 * Global setup of the `bench-smoke` project (vitest.config.ts): the benches' results go to a
 * temporary directory of their own (BENCH_RESULTS_DIR), emptied before and removed after the run,
 * so that a smoke run never replaces a measured result in bench/results/. Afterwards it also removes
 * the bundles of bench processes that have ended (.tmp/bench-PID, bench/results-dir.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_SMOKE_RESULTS } from './env';

const BUNDLES = path.join(__dirname, '..', '..', '.tmp');

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeEndedBundles(): void {
  if (!fs.existsSync(BUNDLES)) return;
  for (const name of fs.readdirSync(BUNDLES)) {
    const pid = /^bench-(\d+)$/.exec(name)?.[1];
    if (pid && !running(Number(pid))) fs.rmSync(path.join(BUNDLES, name), { recursive: true, force: true });
  }
}

export default function setup(): () => void {
  fs.rmSync(BENCH_SMOKE_RESULTS, { recursive: true, force: true });
  fs.mkdirSync(BENCH_SMOKE_RESULTS, { recursive: true });
  return () => {
    fs.rmSync(BENCH_SMOKE_RESULTS, { recursive: true, force: true });
    removeEndedBundles();
  };
}
