/**
 * The core's side of the presence flood benchmark (see presence.bench.ts): one measured run of a
 * fresh messenger against the flood server. presence.bench.ts runs it in a child process of its own
 * (a fresh `node` per run on this file bundled by esbuild, see runFloodInChild in presence-flood.ts),
 * so the RSS and the event loop measured are those of a process running the core and nothing else:
 * no test runner, no workload generator. A plain script can also import runFlood directly (e.g.
 * under --cpu-prof).
 *
 * As a child: FLOOD_CHILD='{"port":N,"caPem":"…"}' in the environment; one run, sent to the parent
 * over IPC as { run }, then { done: { maxRss, rssBeforeRun } }.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { AccountView, AppEvent, Snapshot } from '../src/shared/contract';
import { createMessenger, type Messenger } from '../src/main/core/messenger';
import { AccountSession } from '../src/main/core/accounts/session';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { consoleSink, createLogger, silentLogger } from '../src/main/core/log';
import { decodeDay } from '../src/main/core/store/presence-history-codec';

export const STANZAS = Number(process.env.BENCH_FLOOD) || 100_000;
export const SENTINEL = 'zz-end@bench.example';

/** Where the flood server listens and the CA its certificate chains to. */
export interface FloodTarget {
  port: number;
  caPem: string;
  /** Presence history recording (the account's retention: 30 days, or 0 = off). Default on. */
  history?: boolean;
}

export interface FloodRun {
  /** First byte → the core has handled the last stanza (state final, events not yet flushed). */
  presencesPerSecond: number;
  /** First byte → a subscriber received the last contact's event (includes the coalescing delay). */
  firstByteToEventsMs: number;
  /** Per second of this process's CPU time (all threads, until the events were delivered). */
  presencesPerCpuSecond: number;
  eventLoopDelayP99Ms: number;
  /** Sampled every 10 ms from the messenger's start to the last contact event. */
  peakRss: number;
  /**
   * The kernel's high-water mark of this process's RSS (ru_maxrss) when the last contact event
   * arrived: start-up, sign-in, roster and the whole flood, no sampling gaps; the checks after it
   * (the snapshot) are not part of the flood.
   */
  maxRssAtEvents: number;
  /** RSS when the run started (Node and the core's modules, in a fresh child). */
  rssAtStart: number;
  contactEvents: number;
  capsQueries: number;
  /** Resources whose client is known from caps at the end. */
  resourcesWithClient: number;
  /** The state reached, to compare with the expectation. */
  onlineContacts: number;
  availableResources: number;
  snapshotOnline: number;
  snapshotWithLastSeen: number;
  /** Presence history: whether it recorded, the runs it held at the last contact event. */
  history: boolean;
  historyRunsHeld: number;
  /** Storing every held run after the flood (what the background writes do in chunks), ms and runs. */
  historyStoreMs: number;
  /** The longest of those chunks (one event-loop turn each), wall clock and CPU. */
  historyStoreChunkMaxMs: number;
  historyStoreChunkCpuMaxMs: number;
  historyRowsStored: number;
}

/** One measured run against a fresh messenger with one account. */
export async function runFlood(target: FloodTarget): Promise<FloodRun> {
  const { port: serverPort, caPem } = target;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-presence-core-'));
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let firstByte = 0;
  let stateAt = 0;
  let cpuAtFirstByte = process.cpuUsage();
  const messenger: Messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: process.env.FLOOD_LOG ? createLogger(consoleSink, 'debug') : silentLogger,
    extraCa: caPem,
    sessionFactory: (config, hooks) => {
      const session = new AccountSession(config, hooks, { log: silentLogger, ca: caPem, resolveSrv: false });
      // Our initial presence: the next bytes on the socket are the flood.
      session.xmpp.on('send', (element) => {
        if (element.name !== 'presence' || element.attrs.type || element.attrs.to || firstByte) return;
        histogram.enable();
        session.xmpp.socket?.prependOnceListener('data', () => {
          firstByte = performance.now();
          cpuAtFirstByte = process.cpuUsage();
        });
      });
      return session;
    },
  });
  // Marks when the core has handled the last stanza: every presence the feature handles, from an
  // Element or read from the stream text, goes through PresenceService.receive.
  const service = messenger.presence.service;
  const receive = service.receive;
  service.receive = function (this: typeof service, accountId, stanza) {
    const handled = receive.call(this, accountId, stanza);
    const from = 'attrs' in stanza ? stanza.attrs.from : stanza.from;
    if (from === `${SENTINEL}/x`) stateAt = performance.now();
    return handled;
  };
  const rssAtStart = process.memoryUsage().rss;
  let peakRss = rssAtStart;
  let contactEvents = 0;
  const done = new Promise<number>((resolve) => {
    messenger.subscribe((batch) => {
      for (const event of batch.events as AppEvent[]) {
        if (event.type !== 'presence.contact') continue;
        contactEvents++;
        if (event.presence.jid === SENTINEL) resolve(performance.now());
      }
    });
  });
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const added = await messenger.invoke('account.add', {
    jid: 'me@localhost',
    password: 'x',
    host: '127.0.0.1',
    port: serverPort,
  });
  const id = (added as { ok: true; value: AccountView }).value.id;
  const history = target.history !== false;
  // Before the connection is up (the flood follows our initial presence, after the roster).
  if (!history) await messenger.invoke('timeline.setRetention', { accountId: id, retentionDays: 0 });
  const end = await done;
  // ru_maxrss is in KiB on Linux.
  const maxRssAtEvents = process.resourceUsage().maxRSS * 1024;
  const cpu = process.cpuUsage(cpuAtFirstByte);
  if (stateAt === 0) throw new Error('the sentinel never reached the core');
  histogram.disable();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const tracker = messenger.presence.service.tracker(id)!;
  let availableResources = 0;
  let resourcesWithClient = 0;
  for (const jid of tracker.knownJids()) {
    for (const entry of tracker.resources(jid)?.values() ?? []) {
      availableResources++;
      if (entry.client) resourcesWithClient++;
    }
  }
  const historyRunsHeld = messenger.presence.history.held();
  const snapshot = (await messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
  // What the background writes do over the next minutes: every run stored, a chunk a transaction.
  const memoryBeforeStore = process.memoryUsage();
  const storeStart = performance.now();
  messenger.presence.history.settleAll();
  let historyStoreChunkMaxMs = 0;
  let historyStoreChunkCpuMaxMs = 0;
  for (let more = true; more;) {
    const chunkStart = performance.now();
    const chunkCpu = process.cpuUsage();
    more = messenger.presence.history.writeNow();
    const used = process.cpuUsage(chunkCpu);
    historyStoreChunkCpuMaxMs = Math.max(historyStoreChunkCpuMaxMs, (used.user + used.system) / 1000);
    historyStoreChunkMaxMs = Math.max(historyStoreChunkMaxMs, performance.now() - chunkStart);
  }
  const historyStoreMs = performance.now() - storeStart;
  const memoryAfterStore = process.memoryUsage();
  if (process.env.FLOOD_MEMORY) {
    console.error('store memory (MB)', {
      rss: [memoryBeforeStore.rss / 1048576, memoryAfterStore.rss / 1048576],
      heapUsed: [memoryBeforeStore.heapUsed / 1048576, memoryAfterStore.heapUsed / 1048576],
      external: [memoryBeforeStore.external / 1048576, memoryAfterStore.external / 1048576],
      maxRss: process.resourceUsage().maxRSS / 1024,
    });
  }
  let historyRowsStored = 0;
  for (const row of messenger.db.prepare('SELECT runs FROM presence_history_days').all() as { runs: Buffer }[]) {
    historyRowsStored += decodeDay(row.runs).length;
  }
  const run: FloodRun = {
    presencesPerSecond: STANZAS / ((stateAt - firstByte) / 1000),
    firstByteToEventsMs: end - firstByte,
    presencesPerCpuSecond: STANZAS / ((cpu.user + cpu.system) / 1e6),
    eventLoopDelayP99Ms: histogram.percentile(99) / 1e6,
    peakRss,
    maxRssAtEvents,
    rssAtStart,
    contactEvents,
    capsQueries: messenger.presence.caps.stats().queriesSent,
    resourcesWithClient,
    onlineContacts: tracker.availableCount,
    availableResources,
    snapshotOnline: snapshot.value.presence.filter((p) => p.resources.length > 0).length,
    snapshotWithLastSeen: snapshot.value.presence.filter((p) => p.lastSeen !== null).length,
    history,
    historyRunsHeld,
    historyStoreMs,
    historyStoreChunkMaxMs,
    historyStoreChunkCpuMaxMs,
    historyRowsStored,
  };
  await messenger.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return run;
}

/** The child process's main: one run, then this process's peak RSS over its whole life. */
async function child(target: FloodTarget): Promise<void> {
  const send = (message: unknown) =>
    new Promise<void>((resolve, reject) =>
      process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())),
    );
  const rssBeforeRun = process.memoryUsage().rss;
  await send({ run: await runFlood(target) });
  // ru_maxrss: the kernel's high-water mark of this process's RSS (KiB on Linux), not a sample.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await send({ done: { maxRss, rssBeforeRun } });
  process.disconnect();
}

if (process.env.FLOOD_CHILD && process.send) {
  child(JSON.parse(process.env.FLOOD_CHILD) as FloodTarget).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
