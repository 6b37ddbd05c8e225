/**
 * Avatars at login (`avatars-login`): 2,000 contacts announce an XEP-0153 hash in their presence
 * while the roster has just loaded, and the real IdentityService fetches each photo from the
 * contact's vCard through the real MediaFetcher (its default parallelism) into a real MediaStore
 * on disk. The server is a stand-in that answers each vCard request after LATENCY_MS with the
 * contact's own picture. Reported: the most requests under way at once (budget: no more than the
 * fetcher's configured number), the main event loop's delay p99 from the first announcement until
 * every picture is kept (budget ≤ 50 ms), and the time that takes. Each run is checked first: every
 * contact has their avatar, each picture was asked for exactly once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, expect, it } from 'vitest';
import type { SessionXmpp } from '../src/main/core/accounts/client';
import { StreamHookRegistry } from '../src/main/core/accounts/stream/hooks';
import { EventBus } from '../src/main/core/events';
import { IdentitiesRepository } from '../src/main/core/features/avatars/repo';
import { IdentityService } from '../src/main/core/features/avatars/service';
import { createLogger } from '../src/main/core/log';
import { MediaFetcher } from '../src/main/core/media/fetcher';
import { HttpsClient } from '../src/main/core/media/https-client';
import { MediaStore } from '../src/main/core/media/store';
import { memoryDbWithAccount } from '../tests/support/db';
import { png } from '../tests/support/media-samples';
import { RESULTS_DIR } from './results-dir';

const CONTACTS = Number(process.env.BENCH_CONTACTS) || 2_000;
const RUNS = Number(process.env.BENCH_RUNS) || 3;
const LATENCY_MS = 20;
/** The fetcher's default (media-service.ts builds it without a number). */
const CONFIGURED_PARALLEL = 4;
const P99_BUDGET_MS = 50;
/** Presences per stream read in the login burst. */
const BURST_CHUNK = 100;
const IDLE_MS = 3_000;

const ACCOUNT = 'bench';
const OWN = 'bench@example.org';
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A distinct small PNG per contact (sizes × colours). */
function picture(i: number): Buffer {
  return png(24 + (i % 24), 24 + (i % 24), { seed: Math.floor(i / 24) % 256 });
}

function vcardReply(bytes: Uint8Array): Element {
  return xml(
    'iq',
    { type: 'result' },
    xml(
      'vCard',
      { xmlns: 'vcard-temp' },
      xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, Buffer.from(bytes).toString('base64'))),
    ),
  );
}

interface Run {
  /** The event loop's delay p99 over IDLE_MS doing nothing, just before: what the machine's load alone costs. */
  idleP99Ms: number;
  ms: number;
  maxConcurrent: number;
  requests: number;
  p99Ms: number;
  maxDelayMs: number;
}

/** The event loop's delay p99 while it does nothing for IDLE_MS (ms). */
async function idleP99(): Promise<number> {
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  idle.disable();
  return Math.round((idle.percentile(99) / 1e6) * 10) / 10;
}

async function runOnce(pictures: Buffer[], hashes: string[]): Promise<Run> {
  const idleP99Ms = await idleP99();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-avatars-bench-'));
  dirs.push(dir);
  const log = createLogger(() => {}, 'warn');
  const store = await MediaStore.open({ dir, log });
  const fetcher = new MediaFetcher({ store, log });
  const bus = new EventBus(1000);
  const withAvatar = new Set<string>();
  bus.subscribe((batch) => {
    for (const event of batch.events)
      if (event.type === 'identity' && event.identity.avatar) withAvatar.add(event.identity.jid);
  });
  const byJid = new Map(pictures.map((bytes, i) => [`contact${i}@example.org`, bytes]));
  const asked = new Map<string, number>();
  let underWay = 0;
  let maxConcurrent = 0;
  const xmpp = {
    middleware: { use: () => {} },
    hooks: new StreamHookRegistry(),
    iqCaller: {
      request: async (iq: Element) => {
        const to = iq.attrs.to as string | undefined;
        const bytes = to ? byJid.get(to) : undefined;
        if (!to || !bytes) throw Object.assign(new Error('item-not-found'), { name: 'StanzaError' });
        asked.set(to, (asked.get(to) ?? 0) + 1);
        underWay += 1;
        maxConcurrent = Math.max(maxConcurrent, underWay);
        await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
        underWay -= 1;
        return vcardReply(bytes);
      },
    },
  } as unknown as SessionXmpp;
  const service = new IdentityService({
    bus,
    log,
    repo: new IdentitiesRepository(memoryDbWithAccount(ACCOUNT, OWN)),
    media: () => ({ store, fetcher, http: new HttpsClient() }),
    accountJid: () => OWN,
    resendPresence: () => {},
  });
  service.start();
  service.onClient(ACCOUNT, xmpp);
  service.onOnline(ACCOUNT, { xmpp, boundJid: `${OWN}/bench`, resumed: false });
  service.rosterReady(ACCOUNT);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  // The login burst: a stream read's worth of presences per turn of the event loop.
  for (let i = 0; i < CONTACTS; i += BURST_CHUNK) {
    for (let j = i; j < Math.min(CONTACTS, i + BURST_CHUNK); j++)
      service.presenceHash(ACCOUNT, `contact${j}@example.org`, hashes[j]);
    bus.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (withAvatar.size < CONTACTS) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    bus.flush();
  }
  const ms = performance.now() - started;
  delay.disable();
  service.close();
  fetcher.close();

  expect(withAvatar.size).toBe(CONTACTS);
  expect(asked.size).toBe(CONTACTS);
  expect([...asked.values()].every((count) => count === 1)).toBe(true);
  return {
    idleP99Ms,
    ms: Math.round(ms),
    maxConcurrent,
    requests: [...asked.values()].reduce((a, b) => a + b, 0),
    p99Ms: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
    maxDelayMs: Math.round((delay.max / 1e6) * 10) / 10,
  };
}

it(`fetches the avatars ${CONTACTS} contacts announce at login, a few at a time`, async () => {
  const pictures = Array.from({ length: CONTACTS }, (_, i) => picture(i));
  const hashes = pictures.map((bytes) => createHash('sha1').update(bytes).digest('hex'));
  expect(new Set(hashes).size).toBe(CONTACTS);
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await runOnce(pictures, hashes));
  const p99s = runs.map((r) => r.p99Ms).sort((a, b) => a - b);
  const record = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    load: os.loadavg().map((l) => Math.round(l * 10) / 10),
    node: process.version,
    contacts: CONTACTS,
    latencyMs: LATENCY_MS,
    configuredParallel: CONFIGURED_PARALLEL,
    runs,
    maxConcurrent: Math.max(...runs.map((r) => r.maxConcurrent)),
    eventLoopP99MedianMs: p99s[Math.floor(p99s.length / 2)],
    withinBudget:
      Math.max(...runs.map((r) => r.maxConcurrent)) <= CONFIGURED_PARALLEL &&
      p99s[Math.floor(p99s.length / 2)] <= P99_BUDGET_MS,
  };
  const file = path.join(RESULTS_DIR, 'avatars-login.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH avatars-login', JSON.stringify(record));
}, 600_000);
