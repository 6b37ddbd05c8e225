#!/usr/bin/env node
/**
 * `npm run bench`: builds the app (the renderer benches load out/renderer, the headless client is
 * out/main/headless.js), then runs the benchmarks in bench/ (vitest project "bench"), then prints
 * what this invocation measured: the side-by-side tables and every budget, met or not
 * (bench/report.mjs). Pass vitest arguments after `--`, e.g. `npm run bench -- bench/muc.bench.ts`.
 * Exits non-zero when a run failed (crashed or did not verify: never retried) or a budget was missed.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const started = new Date().toISOString();
const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'bench', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
const report = spawnSync(process.execPath, ['bench/report.mjs', '--since', started], { stdio: 'inherit' });
process.exit(result.status || report.status || 0);
