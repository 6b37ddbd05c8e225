/**
 * Presence history at scale: 30 days of 10,000 contacts written through the store's own write path
 * (PresenceHistoryRepository.write, WRITE_CHUNK runs a transaction, as the recorder stores them),
 * then the file's size, the timeline of sample contacts through the real command (`timeline.get`
 * on a messenger opened on that store), and a prune of the oldest day a chunk at a time.
 *
 * The workload (seeded, the same every run): each contact has one to three devices; each device is
 * online once or twice a day with one to four states (show, priority, and half the time a status
 * text from a shared list, a text of the contact's own, or a long one); one device in ten gets a new
 * resource every day (as servers that pick resources do); clients from caps; away and xa states carry
 * an XEP-0319 idle time (unless BENCH_HISTORY_IDLE=0); we listened 07:00–24:00.
 * That is about 7.5 runs per contact and day, 2.2 million runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import type { AccountView, Device, TimelineView } from '../src/shared/contract';
import type { Show } from '../src/shared/presence';
import { openDatabase } from '../src/main/core/store/db';
import { PresenceHistoryRepository, Stored, type HistoryRun } from '../src/main/core/store/presence-history-repo';
import { createMessenger } from '../src/main/core/messenger';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { silentLogger } from '../src/main/core/log';
import { WRITE_CHUNK as CHUNK } from '../src/main/core/features/presence/history';
import { prng } from '../tests/support/prng.mjs';
import { RESULTS_DIR } from './results-dir';

/** BENCH_HISTORY_CONTACTS: fewer contacts for a quick look (the budget is for 10,000). */
const CONTACTS = Number(process.env.BENCH_HISTORY_CONTACTS ?? 10_000);
/** BENCH_HISTORY_IDLE=0: no XEP-0319 idle times in the workload (as before they were recorded). */
const IDLE = process.env.BENCH_HISTORY_IDLE !== '0';
const DAYS = 30;
const SAMPLES = 50;
const DAY = 86_400_000;
const MB = 1024 * 1024;
const ACCOUNT = 'bench-account';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-history-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => Math.round(value * 10) / 10;

const SHOWS: Show[] = ['available', 'available', 'away', 'xa', 'dnd', 'chat'];
const COMMON = [
  'At work',
  'Lunch',
  'Back in 10 minutes',
  'Travelling',
  'In a meeting',
  'On the train',
  'Working from home',
  'Do not disturb: writing',
  'Auf Arbeit',
  'В отпуске',
  '会議中',
  'Sick today 🤒',
];
const CLIENTS: [string, Device][] = [
  ['Gajim', 'pc'],
  ['Dino', 'pc'],
  ['Conversations', 'phone'],
  ['Monocles', 'phone'],
  ['Siskin IM', 'phone'],
  ['Psi+', 'pc'],
  ['Converse', 'web'],
  ['Movim', 'web'],
  ['Profanity', 'console'],
  ['Jabberwock', 'pc'],
];

interface Device_ {
  contact: number;
  resource: string;
  client: [string, Device];
  fresh: boolean;
}

it('keeps 30 days of 10,000 contacts compactly and opens a timeline fast', async () => {
  const random = prng(2203);
  const start = Date.parse('2026-10-01T00:00:00Z');
  const now = start + DAYS * DAY;
  const file = path.join(dir, 'jabberwock.sqlite3');
  const db = openDatabase(file);
  db.prepare(
    `INSERT INTO accounts (id, jid, color, resource, position, created_at, enabled) VALUES (?, 'me@example.org', '#336699', 'jw', 0, 0, 0)`,
  ).run(ACCOUNT);
  const repo = new PresenceHistoryRepository(db);
  const devices: Device_[] = [];
  for (let c = 0; c < CONTACTS; c++) {
    const count = 1 + Math.floor(random() * 3);
    for (let d = 0; d < count; d++) {
      devices.push({
        contact: c,
        resource: `${['gajim', 'dino', 'phone', 'web'][d]}.${Math.floor(random() * 1e8).toString(36)}`,
        client: CLIENTS[Math.floor(random() * CLIENTS.length)],
        fresh: random() < 0.1,
      });
    }
  }
  const status = (contact: number) => {
    const pick = random();
    if (pick < 0.5) return null;
    if (pick < 0.8) return COMMON[Math.floor(random() * COMMON.length)];
    if (pick < 0.98) return `Contact ${contact}: back on Monday`;
    return `A long status ${contact} `.repeat(12).slice(0, 240);
  };
  let runs = 0;
  let writeMs = 0;
  const writeChunks: number[] = [];
  /** CPU time of each chunk (the wall time moves with the machine's load). */
  const writeCpu: number[] = [];
  for (let day = 0; day < DAYS; day++) {
    const dayStart = start + day * DAY;
    const today: HistoryRun[] = [];
    for (const device of devices) {
      const resource = device.fresh ? `${device.resource}-${day}` : device.resource;
      let t = dayStart + 7 * 3_600_000 + Math.floor(random() * 8 * 3_600_000);
      const sessions = 1 + Math.floor(random() * 2);
      for (let s = 0; s < sessions; s++) {
        const states = 1 + Math.floor(random() * 4);
        for (let k = 0; k < states; k++) {
          const length = 10 * 60_000 + Math.floor(random() * 2 * 3_600_000);
          const show = SHOWS[Math.floor(random() * SHOWS.length)];
          today.push({
            bare: `contact${device.contact}@example.org`,
            resource,
            start: t,
            end: Math.min(t + length, dayStart + DAY - 1000),
            show,
            status: status(device.contact),
            priority: Math.floor(random() * 11),
            clientName: device.client[0],
            kind: device.client[1],
            // Away and extended away say since when the user was idle (XEP-0319), as most clients do.
            idleSince: IDLE && (show === 'away' || show === 'xa') ? t - 5 * 60_000 : null,
            device: 0,
            stored: Stored.No,
            firstDay: 0,
          });
          t += length;
        }
        t += 30 * 60_000 + Math.floor(random() * 3 * 3_600_000);
      }
    }
    // Stored as they end, a chunk a transaction.
    today.sort((a, b) => a.end - b.end);
    for (let i = 0; i < today.length; i += CHUNK) {
      const begin = performance.now();
      const cpu = process.cpuUsage();
      const chunk = today.slice(i, i + CHUNK);
      repo.write(ACCOUNT, chunk, chunk.at(-1)!.end);
      const used = process.cpuUsage(cpu);
      writeCpu.push((used.user + used.system) / 1000);
      const ms = performance.now() - begin;
      writeMs += ms;
      writeChunks.push(ms);
    }
    repo.cover(ACCOUNT, dayStart + 7 * 3_600_000, dayStart + DAY);
    runs += today.length;
  }
  expect(runs).toBeGreaterThan(200 * CONTACTS);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = fs.statSync(file).size;
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const pages = (
    db
      .prepare(`SELECT name, sum(pgsize) AS bytes, sum(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC`)
      .all() as { name: string; bytes: number; unused: number }[]
  ).slice(0, 6);
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  const rows = {
    days: count('presence_history_days'),
    devices: count('presence_history_devices'),
    contacts: count('presence_history_contacts'),
  };
  expect(rows.contacts).toBe(CONTACTS);
  db.close();

  // The timeline through the command, on a messenger opened on that store (the account stays offline).
  const clock = { now };
  const realNow = Date.now;
  Date.now = () => clock.now;
  const messenger = await createMessenger({ dataDir: dir, secrets: createMemorySecretStore(), log: silentLogger });
  const account = messenger.accounts.list()[0] as AccountView;
  expect(account.id).toBe(ACCOUNT);
  const week: number[] = [];
  const day: number[] = [];
  let devicesShown = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const jid = `contact${Math.floor((i * CONTACTS) / SAMPLES)}@example.org`;
    let begin = performance.now();
    const result = await messenger.invoke('timeline.get', { accountId: ACCOUNT, jid, days: 7 });
    week.push(performance.now() - begin);
    expect(result.ok).toBe(true);
    const view = (result as { value: TimelineView }).value;
    expect(view.devices.length).toBeGreaterThan(0);
    expect(view.quarters.online.length).toBeGreaterThan((DAYS - 1) * 96);
    devicesShown += view.devices.length;
    begin = performance.now();
    await messenger.invoke('timeline.get', { accountId: ACCOUNT, jid, days: 1 });
    day.push(performance.now() - begin);
  }

  // A day later the oldest day goes, 200 contacts a transaction (as the background prune does it).
  clock.now = now + DAY;
  const history = messenger.presence.history;
  const pruneStart = performance.now();
  const pruned = history.pruneNow();
  const pruneMs = performance.now() - pruneStart;
  await messenger.close();
  Date.now = realNow;

  const result = {
    date: new Date().toISOString(),
    contacts: CONTACTS,
    days: DAYS,
    runsWritten: runs,
    rows,
    fileMb: round(bytes / MB),
    bytesPerRun: round(bytes / runs),
    largest: pages.map(
      (p) => `${p.name} ${round(p.bytes / MB)} MB (${Math.round((100 * p.unused) / p.bytes)} % unused)`,
    ),
    freePages,
    writeMsPerChunk: round(median(writeChunks)),
    writeMsPerChunkMax: round(Math.max(...writeChunks)),
    writeCpuMsPerChunk: round(median(writeCpu)),
    writeCpuMsPerChunkP99: round([...writeCpu].sort((a, b) => a - b)[Math.floor(writeCpu.length * 0.99)]),
    writeTotalS: round(writeMs / 1000),
    timelineMsMedian: round(median(week)),
    timelineMsMax: round(Math.max(...week)),
    timelineDayMsMedian: round(median(day)),
    devicesPerContactShown: round(devicesShown / SAMPLES),
    prunedDays: pruned,
    pruneAllMs: round(pruneMs),
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'presence-history.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`BENCH presence-history ${JSON.stringify(result)}`);
  expect(pruned).toBeGreaterThan(0);
}, 600_000);
