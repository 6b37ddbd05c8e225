/**
 * The presence flood workload (see presence.bench.ts): a deterministic stream of presence stanzas,
 * a server playing it (presence-flood-server.mjs, in its own process), and a fresh child process per
 * run that holds the core and nothing else (presence-flood-core.ts, which a plain script can also
 * import to run under --cpu-prof).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { capsHash, discoInfoElement, type DiscoInfo } from '../src/main/core/features/caps/hash';
import { SENTINEL, STANZAS, type FloodRun, type FloodTarget } from './presence-flood-core';
import { createTestCa, issueServerCert } from '../tests/support/prosody';
import { prng } from '../tests/support/prng.mjs';
import { NS_CAPS, NS_DISCO_INFO } from '../src/main/core/xmpp/ns';
import { BUNDLE_DIR } from './results-dir';

const CONTACTS = Number(process.env.BENCH_CONTACTS) || 10_000;
const CAPS_VERS = 20;
const NODE = 'https://client.example';

export type { FloodRun } from './presence-flood-core';

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

/**
 * Writes the workload where a server process reads it: DIR/roster.xml (the 10,000 roster items),
 * DIR/flood.xml (the 100,000 stanzas and the sentinel, addressed to me@localhost/bench) and
 * DIR/disco.json (caps ver → disco#info <query/>). Both presence-flood-server.mjs and the replay
 * server (replay-server.mjs, workload `presence`) play these files. Same workload every time.
 */
export function writeFloodFiles(dir: string): { floodBytes: number; expected: FloodExpectation } {
  const { flood, disco, expected } = buildWorkload();
  fs.writeFileSync(path.join(dir, 'roster.xml'), buildRoster());
  fs.writeFileSync(path.join(dir, 'flood.xml'), flood);
  fs.writeFileSync(path.join(dir, 'disco.json'), JSON.stringify(disco));
  return { floodBytes: Buffer.byteLength(flood), expected };
}

/** Builds the workload, writes it for the server process and starts that process. */
export async function startFloodServer(): Promise<{
  floodBytes: number;
  expected: FloodExpectation;
  target: FloodTarget;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-presence-'));
  dirs.push(dir);
  const ca = await createTestCa(dir);
  const cert = await issueServerCert(dir, ca, ['localhost']);
  caPem = ca.caPem;
  fs.copyFileSync(cert.keyFile, path.join(dir, 'key.pem'));
  fs.writeFileSync(path.join(dir, 'cert.pem'), cert.certPem);
  const { floodBytes, expected } = writeFloodFiles(dir);
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
  return { floodBytes, expected, target: { port: serverPort, caPem } };
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
  if (bundled) fs.rmSync(bundled, { force: true });
  bundled = null;
}

export interface ChildFlood {
  run: FloodRun;
  /** The child's peak RSS over its whole life (ru_maxrss): start-up, the login, the flood, the GC. */
  maxRss: number;
  /** The child's RSS after loading the core's modules, before the run. */
  rssBeforeRun: number;
}

let bundled: string | null = null;

/** presence-flood-core.ts bundled next to this file (node_modules left external), once per process. */
function coreBundle(): string {
  if (bundled) return bundled;
  const bundle = path.join(BUNDLE_DIR, '.presence-flood-core.cjs');
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  buildSync({
    entryPoints: [path.join(__dirname, 'presence-flood-core.ts')],
    bundle: true,
    platform: 'node',
    packages: 'external',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'warning',
  });
  bundled = bundle;
  return bundle;
}

/**
 * One flood in a fresh child process that holds the core and nothing else (presence-flood-core.ts):
 * Node, the core's modules, one messenger that logs in and takes the flood, as the app's core does at
 * sign-in. Its RSS is the honest figure for "the process running the core": a vitest worker carries
 * the runner, its transforms and this file's workload on top, and a process that ran earlier floods
 * carries their messengers' garbage until V8 shrinks its heap.
 */
export async function runFloodInChild(
  target: FloodTarget,
  options: { bundle?: string; nodeArgs?: readonly string[] } = {},
): Promise<ChildFlood> {
  const child = fork(options.bundle ?? coreBundle(), [], {
    env: { ...process.env, FLOOD_CHILD: JSON.stringify(target) },
    // FLOOD_CPU_PROF=DIR: a CPU profile of each run's core (read with profile-summary.mjs).
    execArgv: [
      ...(options.nodeArgs ?? []),
      ...(process.env.FLOOD_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FLOOD_CPU_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ChildFlood>((resolve, reject) => {
    let run: FloodRun | null = null;
    child.on('message', (message: { run?: FloodRun; done?: { maxRss: number; rssBeforeRun: number } }) => {
      if (message.run) run = message.run;
      if (message.done && run) resolve({ run, ...message.done });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the flood child exited (${code}) before reporting`)));
  });
}
