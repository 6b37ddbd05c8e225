import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { BENCH_SMOKE_ENV } from './tests/bench-smoke/env';

// expect.poll waits for something the code does on its own time (a Signal session, a stored row): on a
// loaded two-core machine that can take seconds. This bounds a hang, it does not measure speed.
const expect = { poll: { timeout: 10_000 } };

// Suites, one runner: unit (modules fed directly), integration (the core against a real Prosody
// started per test file), e2e (the built renderer in Chromium through the browser bridge), electron
// (the real shell, where its binary is installed) and the benchmarks.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          expect,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // A few tests are exhaustive (a stream cut at every point); on a shared two-core machine
          // they can take several seconds. This bounds a hang, it does not measure speed.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          expect,
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own Prosody; two cores, so keep it to one file at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          expect,
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Crash consistency: run by `npm run torture` (200 kills); `npm test` runs 20 in the integration suite.
          name: 'torture',
          include: ['bench/**/*.torture.ts'],
          environment: 'node',
          testTimeout: 900_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The real Electron shell: run by `npm run test:electron` (better-sqlite3 built for Electron),
          // skipped with its reason where there is no Electron binary.
          name: 'electron',
          include: ['tests/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Every benchmark once at tiny sizes, in `npm test`: a bench that no longer starts, crashes or
          // fails its own check of the final state fails CI. Same files as `bench`, no time asserted.
          name: 'bench-smoke',
          include: ['bench/**/*.bench.ts'],
          environment: 'node',
          env: BENCH_SMOKE_ENV,
          globalSetup: ['tests/bench-smoke/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Benchmarks: run by `npm run bench` (full sizes); `npm test` runs them once as `bench-smoke`.
          name: 'bench',
          include: ['bench/**/*.bench.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
