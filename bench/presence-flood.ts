/**
 * The presence flood workload (see presence.bench.ts): a deterministic stream of presence stanzas,
 * a server playing it (presence-flood-server.mjs, in its own process so this process measures only
 * the core), and one measured run against a fresh messenger. Kept apart from the vitest file so a
 * plain script can run it under --cpu-prof.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Element } from '@xmpp/xml';
import type { AccountView, AppEvent, Snapshot } from '../src/shared/contract';
import { createMessenger, type Messenger } from '../src/main/core/messenger';
import { AccountSession } from '../src/main/core/accounts/session';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { consoleSink, createLogger, silentLogger } from '../src/main/core/log';
import {
  capsHash,
  discoInfoElement,
  NS_CAPS,
  NS_DISCO_INFO,
  type DiscoInfo,
} from '../src/main/core/features/caps-hash';
import { createTestCa, issueServerCert } from '../tests/support/prosody';

const CONTACTS = 10_000;
const STANZAS = 100_000;
const CAPS_VERS = 20;
const SENTINEL = 'zz-end@bench.example';
const NODE = 'https://client.example';

export const FLOOD = { contacts: CONTACTS, stanzas: STANZAS };

export interface FloodExpectation {
  onlineContacts: number;
  availableResources: number;
  unavailable: number;
  delayed: number;
  withCaps: number;
}

const dirs: string[] = [];
let serverProcess: ChildProcess | null = null;
let serverPort = 0;
let caPem = '';

/** A small deterministic PRNG (mulberry32), so every run replays the same workload. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The flood, the disco#info answers for its caps, and the state it must leave behind. */
function buildWorkload(): { flood: string; disco: Record<string, string>; expected: FloodExpectation } {
  const random = prng(4711);
  const devices = ['pc', 'phone', 'web', 'handheld'];
  const vers: string[] = [];
  const disco: Record<string, string> = {};
  for (let v = 0; v < CAPS_VERS; v++) {
    const info: DiscoInfo = {
      identities: [{ category: 'client', type: devices[v % 4], lang: null, name: `Client ${v}` }],
      features: [NS_DISCO_INFO, NS_CAPS, `urn:example:feature:${v}`],
      forms: [],
    };
    const ver = capsHash(info, 'sha-1');
    disco[ver] = discoInfoElement(info, `${NODE}#${ver}`).toString();
    vers.push(ver);
  }
  const shows = ['', '', '<show>away</show>', '<show>chat</show>', '<show>dnd</show>', '<show>xa</show>'];
  const resourceCount = Array.from({ length: CONTACTS }, () => 1 + Math.floor(random() * 4));
  const available = new Map<number, Set<number>>();
  const parts: string[] = [];
  let unavailable = 0;
  let delayed = 0;
  let withCaps = 0;
  for (let k = 0; k < STANZAS; k++) {
    // Every contact speaks once first (a login burst), then at random.
    const c = k < CONTACTS ? k : Math.floor(random() * CONTACTS);
    const r = Math.floor(random() * resourceCount[c]);
    const from = `contact${c}@example.org/res${r}`;
    let set = available.get(c);
    if (k >= CONTACTS && random() < 0.1) {
      unavailable++;
      parts.push(`<presence from='${from}' to='me@localhost/bench' type='unavailable'/>`);
      set?.delete(r);
      if (set?.size === 0) available.delete(c);
      continue;
    }
    let children = `${shows[Math.floor(random() * shows.length)]}<priority>${Math.floor(random() * 21) - 5}</priority>`;
    if (random() < 0.5) children += `<status>Status text number ${k % 997}</status>`;
    if (random() < 0.1) {
      delayed++;
      children += `<delay xmlns='urn:xmpp:delay' from='example.org' stamp='2026-11-21T0${k % 10}:00:00Z'/>`;
    }
    if (random() < 0.3) {
      withCaps++;
      children += `<c xmlns='${NS_CAPS}' hash='sha-1' node='${NODE}' ver='${vers[c % CAPS_VERS]}'/>`;
    }
    parts.push(`<presence from='${from}' to='me@localhost/bench'>${children}</presence>`);
    if (!set) {
      set = new Set();
      available.set(c, set);
    }
    set.add(r);
  }
  parts.push(`<presence from='${SENTINEL}/x' to='me@localhost/bench'/>`);
  let availableResources = 1; // the sentinel
  for (const set of available.values()) availableResources += set.size;
  return {
    flood: parts.join(''),
    disco,
    expected: { onlineContacts: available.size + 1, availableResources, unavailable, delayed, withCaps },
  };
}

function buildRoster(): string {
  const parts: string[] = [];
  for (let i = 0; i < CONTACTS; i++) {
    parts.push(
      `<item jid='contact${i}@example.org' name='Contact ${i}' subscription='both'><group>G${i % 50}</group></item>`,
    );
  }
  return parts.join('');
}

/** Builds the workload, writes it for the server process and starts that process. */
export async function startFloodServer(): Promise<{ floodBytes: number; expected: FloodExpectation }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-presence-'));
  dirs.push(dir);
  const ca = await createTestCa(dir);
  const cert = await issueServerCert(dir, ca, ['localhost']);
  caPem = ca.caPem;
  const { flood, disco, expected } = buildWorkload();
  fs.copyFileSync(cert.keyFile, path.join(dir, 'key.pem'));
  fs.writeFileSync(path.join(dir, 'cert.pem'), cert.certPem);
  fs.writeFileSync(path.join(dir, 'roster.xml'), buildRoster());
  fs.writeFileSync(path.join(dir, 'flood.xml'), flood);
  fs.writeFileSync(path.join(dir, 'disco.json'), JSON.stringify(disco));
  const child = spawn(process.execPath, [path.join(__dirname, 'presence-flood-server.mjs'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  serverProcess = child;
  serverPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the flood server exited (${code})`)));
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
  });
  return { floodBytes: Buffer.byteLength(flood), expected };
}

export async function stopFloodServer(): Promise<void> {
  const child = serverProcess;
  serverProcess = null;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface FloodRun {
  /** First byte → the core has handled the last stanza (state final, events not yet flushed). */
  presencesPerSecond: number;
  /** First byte → a subscriber received the last contact's event (includes the coalescing delay). */
  firstByteToEventsMs: number;
  /** Per second of this process's CPU time (all threads, until the events were delivered). */
  presencesPerCpuSecond: number;
  eventLoopDelayP99Ms: number;
  peakRss: number;
  /** RSS when the run started (the test runner, earlier runs' garbage). */
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
}

/** One measured run against a fresh messenger with one account. */
export async function runFlood(): Promise<FloodRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-presence-core-'));
  dirs.push(dir);
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
      // Marks when the core has handled the last stanza (the parser binds _onElement at connect,
      // so this wraps the presence fast path the feature installed).
      const client = session.xmpp as unknown as { _onElement(element: Element): void };
      const inner = client._onElement;
      client._onElement = function (this: unknown, element: Element) {
        inner.call(this, element);
        if (element.name === 'presence' && element.attrs.from === `${SENTINEL}/x`) stateAt = performance.now();
      };
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
  const end = await done;
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
  const snapshot = (await messenger.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
  const run: FloodRun = {
    presencesPerSecond: STANZAS / ((stateAt - firstByte) / 1000),
    firstByteToEventsMs: end - firstByte,
    presencesPerCpuSecond: STANZAS / ((cpu.user + cpu.system) / 1e6),
    eventLoopDelayP99Ms: histogram.percentile(99) / 1e6,
    peakRss,
    rssAtStart,
    contactEvents,
    capsQueries: messenger.presence.caps.stats().queriesSent,
    resourcesWithClient,
    onlineContacts: tracker.availableCount,
    availableResources,
    snapshotOnline: snapshot.value.presence.filter((p) => p.resources.length > 0).length,
    snapshotWithLastSeen: snapshot.value.presence.filter((p) => p.lastSeen !== null).length,
  };
  await messenger.close();
  return run;
}
