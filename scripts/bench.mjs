#!/usr/bin/env node
/** `npm run bench`: runs the benchmarks in bench/ (vitest project "bench") and prints their numbers. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const result = spawnSync('npx', ['vitest', 'run', '--project', 'bench', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
