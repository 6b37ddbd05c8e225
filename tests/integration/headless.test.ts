/**
 * The built headless client (`node out/main/headless.js`) against a real Prosody: it logs
 * in from the BENCH_* variables, fetches the roster, goes available, answers a ping (recording its
 * counts then), and when the server shuts down prints exactly one BENCH_RESULT line and exits 0.
 * Needs `electron-vite build` first (npm test builds before it runs the suites).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/core/log';
import type { BenchState } from '../../src/main/headless';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually, waitUntil } from '../support/wait';
import { ROOT } from '../support/web';

const ALICE = { user: 'alice', password: 'alice-headless-Pa55' };
const BOB = { user: 'bob', password: 'bob-headless-Pa55' };
const CAROL = { user: 'carol', password: 'carol-headless-Pa55' };
const HEADLESS = path.join(ROOT, 'out', 'main', 'headless.js');
const log = createLogger(() => {}, 'debug');

describe('the headless bench client', () => {
  let server: ProsodyServer;
  const peers: Peer[] = [];

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE, BOB, CAROL] });
    // Alice's roster: Bob (both ways) and Carol (she asked; no answer), made with stanzas.
    const alice = await startPeer(server, ALICE, 'setup', log);
    const bob = await startPeer(server, BOB, 'desk', log);
    await bob.rosterItem('alice@localhost');
    await alice.rosterItem('bob@localhost');
    await bob.send(xml('presence'));
    await alice.send(xml('presence'));
    await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribed' }));
    await alice.send(xml('presence', { to: 'bob@localhost', type: 'subscribe' }));
    await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribed' }));
    await alice.send(xml('presence', { to: 'carol@localhost', type: 'subscribe' }));
    await eventually(async () => expect((await alice.rosterItem('bob@localhost'))?.subscription).toBe('both'));
    await alice.stop();
    peers.push(bob, await startPeer(server, BOB, 'phone', log));
    await peers[1].send(xml('presence', {}, xml('show', {}, 'away')));
  });

  afterAll(async () => {
    for (const peer of peers) await peer.stop().catch(() => {});
    await server?.stop();
  });

  it('prints one BENCH_RESULT line with its counts when the server closes the stream, and exits 0', async () => {
    expect(fs.existsSync(HEADLESS)).toBe(true);
    const stateFile = path.join(server.dir, 'headless-state.json');
    const child = spawn(process.execPath, [HEADLESS], {
      env: {
        PATH: process.env.PATH,
        BENCH_HOST: server.host,
        BENCH_PORT: String(server.port),
        BENCH_DOMAIN: 'localhost',
        BENCH_JID: 'alice',
        BENCH_RESOURCE: 'bench',
        BENCH_PASSWORD: ALICE.password,
        BENCH_CA: server.caFile,
        BENCH_PEER: 'jabberwock-test',
        BENCH_STATE_FILE: stateFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Online and available: Bob's desk sees alice/bench.
    const bob = peers[0];
    await waitUntil('alice/bench available', () =>
      bob.presences.some((p) => p.attrs.from === 'alice@localhost/bench' && p.attrs.type === undefined),
    );
    // Bob's two devices, as the core sees them (probes answered after our initial presence).
    await new Promise((resolve) => setTimeout(resolve, 500));
    // A ping routed to the client; the answer proves the handler ran.
    const pong = await bob.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'alice@localhost/bench');
    expect(pong).toBeUndefined(); // an empty result
    // Bob's phone goes offline after the ping: the final counts differ from the ones at the ping.
    await peers[1].stop();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The server closes the client's stream: another login with the same resource (conflict).
    // (Shutting Prosody down would first tell the client that Bob went offline.)
    const replacement = await startPeer(server, ALICE, 'bench', log);
    peers.push(replacement);
    const code = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith('BENCH_RESULT ')).toBe(true);
    const result = JSON.parse(lines[0].slice('BENCH_RESULT '.length));
    expect(result).toEqual({
      peer: 'jabberwock-test',
      rosterItems: 2,
      availableResources: 1,
      onlineContacts: 1,
      atPing: { rosterItems: 2, availableResources: 2, onlineContacts: 1 },
    });
    // What it held at the end, written piece by piece: the roster and Bob's desk (not our own resource).
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as BenchState;
    expect([...state.roster].sort((a, b) => a.jid.localeCompare(b.jid))).toEqual([
      { jid: 'bob@localhost', name: null, subscription: 'both', ask: false, groups: [] },
      { jid: 'carol@localhost', name: null, subscription: 'none', ask: true, groups: [] },
    ]);
    expect(state.presence).toEqual([
      { jid: 'bob@localhost', resource: 'desk', show: 'available', priority: 0, status: null },
    ]);
  }, 60_000);
});
