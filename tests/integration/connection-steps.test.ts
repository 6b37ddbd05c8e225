/**
 * Tarpits and slow servers: every step of signing in has its own
 * time limit, far below the whole attempt's, so a server that accepts the connection and then
 * stalls (no stream header, a TLS handshake never answered, a SASL or bind answer that never
 * comes, a header dribbled at one byte a second) ends in an error and a backoff in one step's
 * time; and a stalled account never holds up another.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession } from '../../src/main/core/accounts/session';
import { createLogger } from '../../src/main/core/log';
import type { ConnectionView } from '../../src/shared/contract';
import { localhostTls } from '../support/certs';
import {
  fakeLogin,
  mechanisms,
  NS_TLS,
  standardFeatures,
  startScriptedServer,
  type ScriptedServer,
  type ScriptedServerOptions,
} from '../support/scripted-server';
import { waitUntil } from '../support/wait';

/** The step limit the sessions here use, and a whole-attempt limit that never comes into play. */
const STEP_MS = 400;
const ATTEMPT_MS = 120_000;
const HEADER =
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
  `id='s1' from='localhost' version='1.0' xml:lang='en'>`;

const log = createLogger(() => {}, 'debug');
let dir: string;
let caPem: string;
let tlsOptions: { key: string; cert: string };
const sessions: AccountSession[] = [];
const servers: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-steps-'));
  const { ca, tls } = await localhostTls(dir);
  caPem = ca.caPem;
  tlsOptions = tls;
});

afterEach(async () => {
  for (const session of sessions.splice(0)) await session.stop();
  for (const server of servers.splice(0)) await server.stop();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A TCP server that hands each connection to `onSocket` and never says anything by itself. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<{ port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return { port: (server.address() as net.AddressInfo).port };
}

async function scripted(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const server = await startScriptedServer({ tls: tlsOptions, features: standardFeatures, ...options });
  servers.push(server);
  return server;
}

function session(port: number, stepTimeoutMs = STEP_MS) {
  const views: ConnectionView[] = [];
  const s = new AccountSession(
    { jid: 'me@localhost', password: 'x', host: '127.0.0.1', port, pinnedCertificates: [], resource: 'desk' },
    { onStatus: (view) => views.push(view), onOnline: () => {}, onOffline: () => {} },
    {
      log,
      ca: caPem,
      resolveSrv: false,
      keepaliveMs: 0,
      connectTimeoutMs: ATTEMPT_MS,
      stepTimeoutMs,
      backoff: { baseMs: 60_000, capMs: 60_000 },
    },
  );
  sessions.push(s);
  s.start();
  return { session: s, views };
}

/** Waits (well below the whole attempt's limit) for the attempt to end in a backoff, and returns why. */
async function failsWithinAStep(s: AccountSession): Promise<ConnectionView> {
  await waitUntil('the attempt given up', () => s.status.status === 'reconnecting', 20_000);
  return s.status;
}

describe('each step of signing in has its own time limit', () => {
  it('a server that accepts the connection and never sends a stream header', async () => {
    const { port } = await rawServer(() => {});
    const { session: s } = session(port);
    const view = await failsWithinAStep(s);
    expect(view.error).toMatchObject({ kind: 'unreachable' });
  });

  it('a server that dribbles its stream header at one byte a second', async () => {
    const { port } = await rawServer((socket) => {
      let sent = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= HEADER.length) return clearInterval(timer);
        socket.write(HEADER[sent++]);
      }, 1000);
      socket.on('close', () => clearInterval(timer));
    });
    const { session: s } = session(port);
    const view = await failsWithinAStep(s);
    expect(view.error).toMatchObject({ kind: 'unreachable' });
  });

  it('a server that says <proceed/> and never answers the TLS handshake', async () => {
    const { port } = await rawServer((socket) => {
      socket.on('data', (data) => {
        const text = data.toString();
        if (text.includes('<stream:stream')) {
          socket.write(
            `${HEADER}<stream:features><starttls xmlns='${NS_TLS}'><required/></starttls></stream:features>`,
          );
        }
        if (text.includes('<starttls')) socket.write(`<proceed xmlns='${NS_TLS}'/>`); // then silence
      });
    });
    const { session: s } = session(port);
    const view = await failsWithinAStep(s);
    expect(view.error?.kind).toMatch(/unreachable|protocol/);
  });

  it('a server that never answers our authentication', async () => {
    const server = await scripted({
      features: (n, conn) => (conn.secure ? mechanisms('PLAIN') : standardFeatures(n, conn)),
    });
    const { session: s } = session(server.port);
    const view = await failsWithinAStep(s);
    expect(view.error).toMatchObject({ kind: 'unreachable' });
    expect(server.received()).toContain('<auth');
  });

  it('a server that never answers the resource binding', async () => {
    const server = await scripted({
      onData: (conn, chunk) => {
        if (/<auth\b/.test(chunk)) fakeLogin(conn, chunk, 'me@localhost'); // <success/>, then no bind answer
      },
    });
    const { session: s } = session(server.port);
    const view = await failsWithinAStep(s);
    expect(view.error).toMatchObject({ kind: 'unreachable' });
    expect(server.received()).toContain('<bind');
  });
});

describe('a stalled account', () => {
  it('does not hold up another account', async () => {
    const { port } = await rawServer(() => {}); // stalls for as long as its steps allow (10 s by default)
    const stalled = session(port, 10_000);
    const good = await scripted({ onData: (conn, chunk) => void fakeLogin(conn, chunk, 'me@localhost') });
    const other = session(good.port);
    await waitUntil('the other account online', () => other.session.status.status === 'online', 15_000);
    expect(stalled.session.status.status).toBe('connecting');
  });
});
