#!/usr/bin/env node
/**
 * `npm run bench`: builds the app (the renderer benches load out/renderer, the headless client is
 * out/main/headless.js), then runs the benchmarks in bench/ (vitest project "bench") and prints
 * their numbers. Pass vitest arguments after `--`, e.g. `npm run bench -- bench/muc.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'bench', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
