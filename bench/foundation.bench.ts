/**
 * Foundation benchmarks: how long accounts take to come online against a real Prosody over
 * STARTTLS + SCRAM, and how fast the command layer validates and answers. Each workload checks its
 * result before a number is reported: a fast wrong answer fails. Run with `npm run bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, Snapshot } from '../src/shared/contract';
import { createMessenger, type Messenger } from '../src/main/core/messenger';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { silentLogger } from '../src/main/core/log';
import { startProsody, type ProsodyServer } from '../tests/support/prosody';
import { RESULTS_DIR } from './results-dir';

const ACCOUNTS = 10;
const results: Record<string, number | string> = {};
let server: ProsodyServer;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startProsody({
    users: Array.from({ length: ACCOUNTS }, (_, i) => ({ user: `user${i}`, password: `pw-${i}` })),
  });
});

afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  const file = path.join(RESULTS_DIR, 'foundation.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, ...results };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH foundation', JSON.stringify(record));
});

async function core(): Promise<Messenger> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-'));
  dirs.push(dir);
  return createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: silentLogger,
    extraCa: server.caPem,
  });
}

function allOnline(messenger: Messenger, count: number): Promise<void> {
  return new Promise((resolve) => {
    const online = new Set<string>();
    const unsubscribe = messenger.subscribe((batch) => {
      for (const event of batch.events) {
        if (event.type === 'account.connection' && event.connection.status === 'online') online.add(event.id);
      }
      if (online.size === count) {
        unsubscribe();
        resolve();
      }
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('foundation', () => {
  it(`login: one account, then ${ACCOUNTS} accounts at once (STARTTLS + SCRAM-SHA-1 + bind + SM)`, async () => {
    const single: number[] = [];
    for (let run = 0; run < 5; run++) {
      const messenger = await core();
      const started = performance.now();
      const online = allOnline(messenger, 1);
      await messenger.invoke('account.add', {
        jid: 'user0@localhost',
        password: 'pw-0',
        host: server.host,
        port: server.port,
      });
      await online;
      single.push(performance.now() - started);
      await messenger.close();
    }
    single.sort((a, b) => a - b);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    const messenger = await core();
    const started = performance.now();
    const online = allOnline(messenger, ACCOUNTS);
    for (let i = 0; i < ACCOUNTS; i++) {
      await messenger.invoke('account.add', {
        jid: `user${i}@localhost`,
        password: `pw-${i}`,
        host: server.host,
        port: server.port,
      });
    }
    // Measured from the last add (each add is a durable, fsynced write) until all are online.
    results.addTenAccountsMs = Math.round(performance.now() - started);
    delay.enable();
    await online;
    const all = performance.now() - started;
    delay.disable();
    const snapshot = (await messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    expect(snapshot.value.accounts.filter((a: AccountView) => a.connection.status === 'online')).toHaveLength(ACCOUNTS);
    await messenger.close();

    results.loginOneMedianMs = Math.round(percentile(single, 50));
    results.loginOneMaxMs = Math.round(single[single.length - 1]);
    results[`login${ACCOUNTS}AtOnceMs`] = Math.round(all);
    results.loginEventLoopDelayP99Ms = Math.round(delay.percentile(99) / 1e6);
  });

  it('commands: validation of malformed input and snapshots', async () => {
    const messenger = await core();
    const N = 20_000;
    let rejected = 0;
    let started = performance.now();
    for (let i = 0; i < N; i++) {
      const result = await messenger.invoke('account.add', { jid: `bad jid ${i}`, password: 'x', port: 70_000 });
      if (!result.ok && result.error.code === 'invalid_input') rejected++;
    }
    results.invalidCommandsPerSecond = Math.round(N / ((performance.now() - started) / 1000));
    expect(rejected).toBe(N);

    for (let i = 0; i < ACCOUNTS; i++) {
      await messenger.invoke('account.add', { jid: `user${i}@localhost`, password: 'x', enabled: false });
    }
    started = performance.now();
    let listed = 0;
    for (let i = 0; i < 5_000; i++) {
      const result = await messenger.invoke('app.snapshot', {});
      if (result.ok) listed += (result.value as Snapshot).accounts.length;
    }
    results.snapshotsPerSecond = Math.round(5_000 / ((performance.now() - started) / 1000));
    expect(listed).toBe(5_000 * ACCOUNTS);
    await messenger.close();
  });
});
