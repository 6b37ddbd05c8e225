#!/usr/bin/env node
/**
 * `npm run torture`: builds the app (the core under test is out/main/headless.js), then SIGKILLs it
 * 200 times against a real Prosody (bench/crash.torture.ts, vitest project "torture"). See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'torture', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
