import path from 'node:path';

/**
 * Where the benches write their results: bench/results/, or BENCH_RESULTS_DIR (the smoke run of
 * `npm test` sends them to a temporary directory, so that it never replaces a measured result).
 */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR || path.join(__dirname, 'results');

/**
 * Where the benches bundle the code their child processes run (presence-flood-core.ts,
 * media-transfer-core.ts): inside the repository, so that the bundle's packages resolve from its
 * node_modules; beside the results when those are in bench/results/, else in a directory of this
 * process (two smoke runs at once must not remove each other's bundle).
 */
export const BUNDLE_DIR = process.env.BENCH_RESULTS_DIR
  ? path.join(__dirname, '..', '.tmp', `bench-${process.pid}`)
  : RESULTS_DIR;
