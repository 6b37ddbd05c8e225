/**
 * `npm run torture`: 200 kills of the real core while it sends and receives (bench/torture.ts), within
 * 10 minutes. Prints one progress line per kill and the summary line `TORTURE {json}`, and writes
 * bench/results/torture.json. TORTURE_ITERATIONS changes the count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runTorture, summaryLine } from './torture';

it('survives SIGKILL at random moments with every message stored once', async () => {
  const iterations = Number(process.env.TORTURE_ITERATIONS) || 200;
  const summary = await runTorture({ iterations, progress: (line) => console.log(line) });
  const line = summaryLine(summary);
  console.log(line);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'torture.json'), `${JSON.stringify(summary, null, 2)}\n`);
  expect(summary.failures).toEqual([]);
  expect(summary.iterations).toBe(iterations);
}, 900_000);
