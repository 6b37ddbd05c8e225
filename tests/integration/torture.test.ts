/**
 * Crash consistency in `npm test`: 20 SIGKILLs of the built core (out/main/headless.js) while it sends
 * and receives against a real Prosody; after each, the store is checked (bench/torture.ts says what).
 * Among them are kills between storing a message and writing it to the socket: such a message is
 * still queued after the restart and goes out then, once (checked after the last, settled run).
 * `npm run torture` runs 200. Needs `electron-vite build` first (npm test builds before the suites).
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { HEADLESS, runTorture } from '../../bench/torture';

it('20 kills at random moments: every message shown as sent, and every one received, stored once', async () => {
  expect(fs.existsSync(HEADLESS)).toBe(true);
  const summary = await runTorture({ iterations: 20 });
  expect(summary.failures).toEqual([]);
  expect(summary.iterations).toBe(20);
  expect(summary.outgoingShownSent).toBeGreaterThan(0);
  expect(summary.incomingStored).toBeGreaterThan(0);
}, 180_000);
