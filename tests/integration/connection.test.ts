/**
 * AccountSession against a real Prosody (tests/support/prosody.ts) and, for what a real server
 * will not do (no STARTTLS, malformed XML), against the scripted server.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession, type AccountSessionOptions } from '../../src/main/core/accounts/session';
import type { SessionConfig, SessionOnline } from '../../src/main/core/accounts/session-api';
import { TLS_UNAVAILABLE_MESSAGE } from '../../src/main/core/accounts/session-errors';
import { createLogger } from '../../src/main/core/log';
import type { ConnectionStatus, ConnectionView } from '../../src/shared/contract';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { NS_TLS, mechanisms, startScriptedServer } from '../support/scripted-server';

const ALICE = { user: 'alice', password: 'alice-canary-Pa55' };
const BOB = { user: 'bob', password: 'bob-canary-Pa55' };

let prosody: ProsodyServer;
const logLines: string[] = [];
const log = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

const sessions: AccountSession[] = [];

interface Tracked {
  session: AccountSession;
  views: ConnectionView[];
  onlines: SessionOnline[];
  offlines: number;
  waitFor(status: ConnectionStatus, timeoutMs?: number): Promise<ConnectionView>;
}

function track(config: Partial<SessionConfig> & { jid: string; password: string }, options: Partial<AccountSessionOptions> = {}): Tracked {
  const views: ConnectionView[] = [];
  const onlines: SessionOnline[] = [];
  const tracked = { views, onlines, offlines: 0 } as Tracked;
  const session = new AccountSession(
    { host: prosody.host, port: prosody.port, pinnedCertificates: [], ...config },
    {
      onStatus: (view) => views.push(view),
      onOnline: (info) => onlines.push(info),
      onOffline: () => (tracked.offlines += 1),
    },
    { log, ca: prosody.caPem, backoff: { baseMs: 200, capMs: 1000 }, resolveSrv: false, ...options },
  );
  sessions.push(session);
  tracked.session = session;
  tracked.waitFor = async (status, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (session.status.status !== status) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${status}; views: ${JSON.stringify(views.map((v) => [v.status, v.error?.kind, v.error?.message]))}`);
      }
      await sleep(25);
    }
    return session.status;
  };
  return tracked;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  prosody = await startProsody({ users: [ALICE, BOB] });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await prosody?.stop();
  // The password never reaches a log line, whatever happened above.
  const all = logLines.join('\n');
  expect(all).not.toContain(ALICE.password);
  expect(all).not.toContain(BOB.password);
});

describe('AccountSession against Prosody', () => {
  it('connects over verified STARTTLS to the overridden host/port, binds and enables stream management', async () => {
    const t = track({ jid: 'alice@localhost', password: ALICE.password });
    t.session.start();
    const view = await t.waitFor('online');
    expect(view.boundJid).toMatch(/^alice@localhost\/jabberwock-[0-9a-f]{8}$/);
    expect(t.views.map((v) => v.status)).toEqual(['connecting', 'online']);
    expect(t.onlines).toHaveLength(1);
    expect(t.onlines[0].resumed).toBe(false);
    expect(t.onlines[0].boundJid).toBe(view.boundJid);
    expect(t.session.xmpp.isSecure()).toBe(true);
    expect(t.session.xmpp.streamManagement.enabled).toBe(true);
    expect(t.session.xmpp.streamManagement.id).not.toBe('');

    await t.session.stop();
    expect(t.session.status.status).toBe('offline');
    expect(t.offlines).toBe(1);
  });

  it('uses the configured resource', async () => {
    const t = track({ jid: 'bob@localhost', password: BOB.password, resource: 'desk' });
    t.session.start();
    expect((await t.waitFor('online')).boundJid).toBe('bob@localhost/desk');
  });

  it('a wrong password ends in the auth error with no further attempts', async () => {
    const t = track({ jid: 'alice@localhost', password: 'wrong' });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('auth');
    expect(view.error?.message).toMatch(/password/);
    await sleep(3000);
    expect(t.session.attempts).toBe(1);
    expect(t.session.status.status).toBe('error');

    // "Reconnect now" tries again, once.
    t.session.reconnectNow();
    await sleep(100);
    await t.waitFor('error');
    expect(t.session.attempts).toBe(2);
  });

  it('an untrusted certificate is refused with its fingerprint and is not retried', async () => {
    // No `ca`: the test CA is unknown, so Prosody's certificate is untrusted.
    const t = track({ jid: 'alice@localhost', password: ALICE.password }, { ca: undefined });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('certificate');
    const expected = new X509Certificate(prosody.serverCertPem).fingerprint256;
    expect(view.error?.certificate?.fingerprint256).toBe(expected);
    expect(view.error?.certificate?.subject).toContain('CN=localhost');
    expect(view.error?.certificate?.issuer).toContain('Jabberwock Test CA');
    expect(view.error?.certificate?.reason).toMatch(/authority/);
    expect(view.error?.certificate?.changedFromPinned).toBe(false);
    await sleep(1500);
    expect(t.session.attempts).toBe(1);
  });

  it('reconnects by itself after Prosody is stopped and started again', async () => {
    const t = track({ jid: 'alice@localhost', password: ALICE.password });
    t.session.start();
    await t.waitFor('online');

    await prosody.halt();
    const waiting = await t.waitFor('reconnecting');
    expect(waiting.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);
    expect(waiting.attempt).toBeGreaterThanOrEqual(1);
    expect(t.offlines).toBe(1);
    await sleep(800); // a few refused attempts with the short test backoff
    const refused = t.views.filter((v) => v.status === 'reconnecting' && v.error?.kind === 'unreachable');
    expect(refused.length).toBeGreaterThan(0);

    await prosody.start();
    await t.waitFor('online', 20_000);
    expect(t.onlines).toHaveLength(2);
    expect(t.onlines[1].resumed).toBe(false); // the server forgot the old stream: a new session
  });

  it('resumes the stream (XEP-0198) when only the TCP connection was lost', async () => {
    const t = track({ jid: 'alice@localhost', password: ALICE.password });
    t.session.start();
    const first = await t.waitFor('online');
    t.session.xmpp.socket?.destroy();
    await t.waitFor('reconnecting');
    const again = await t.waitFor('online');
    expect(t.onlines).toHaveLength(2);
    expect(t.onlines[1].resumed).toBe(true);
    expect(again.boundJid).toBe(first.boundJid);
  });

  it('a resource conflict picks a new random resource once', async () => {
    const a = track({ jid: 'bob@localhost', password: BOB.password, resource: 'same' });
    a.session.start();
    await a.waitFor('online');
    const b = track({ jid: 'bob@localhost', password: BOB.password, resource: 'same' });
    b.session.start();
    await b.waitFor('online');
    // Prosody kicks the older session with <conflict/>; it comes back under a new resource.
    const deadline = Date.now() + 10_000;
    while (!/jabberwock-/.test(a.session.status.boundJid ?? '') && Date.now() < deadline) await sleep(25);
    expect(a.views.some((v) => v.status === 'reconnecting' && v.error?.kind === 'conflict')).toBe(true);
    expect(a.session.status.boundJid).toMatch(/^bob@localhost\/jabberwock-[0-9a-f]{8}$/);
    expect(a.onlines[1].resumed).toBe(false);
    await sleep(500);
    expect(a.session.status.status).toBe('online');
    expect(b.session.status.status).toBe('online');
    expect(b.session.status.boundJid).toBe('bob@localhost/same');
  });

  it('without a host override it connects to the domain itself (nothing listens on localhost:5222 here)', async () => {
    const t = track({ jid: 'alice@localhost', password: ALICE.password, host: null, port: null });
    t.session.start();
    const view = await t.waitFor('reconnecting');
    expect(view.error?.kind).toBe('unreachable');
  });
});

describe('certificate pinning (self-signed Prosody)', () => {
  let selfSigned: ProsodyServer;
  let fingerprint: string;

  beforeAll(async () => {
    selfSigned = await startProsody({ users: [ALICE], selfSigned: true });
    fingerprint = new X509Certificate(selfSigned.serverCertPem).fingerprint256;
  });
  afterAll(async () => {
    await selfSigned?.stop();
  });

  const config = () => ({ jid: 'alice@localhost', password: ALICE.password, host: selfSigned.host, port: selfSigned.port });

  it('refuses the self-signed certificate and shows its fingerprint', async () => {
    const t = track(config(), { ca: selfSigned.caPem });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('certificate');
    expect(view.error?.certificate?.fingerprint256).toBe(fingerprint);
    expect(view.error?.certificate?.reason).toMatch(/self-signed/);
  });

  it('connects once the user pinned that fingerprint', async () => {
    const t = track({ ...config(), pinnedCertificates: [fingerprint.toLowerCase()] });
    t.session.start();
    const view = await t.waitFor('online');
    expect(view.boundJid).toMatch(/^alice@localhost\//);
    expect(t.session.xmpp.streamManagement.enabled).toBe(true);
  });

  it('refuses it when a different fingerprint is pinned, saying it changed', async () => {
    const other = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const t = track({ ...config(), pinnedCertificates: [other] });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('certificate');
    expect(view.error?.certificate?.fingerprint256).toBe(fingerprint);
    expect(view.error?.certificate?.changedFromPinned).toBe(true);
  });
});

describe('AccountSession against a scripted server', () => {
  it('refuses a server without STARTTLS before sending any auth bytes', async () => {
    const server = await startScriptedServer({ features: mechanisms('PLAIN', 'SCRAM-SHA-1') });
    try {
      const t = track({ jid: 'alice@localhost', password: ALICE.password, host: server.host, port: server.port });
      t.session.start();
      const view = await t.waitFor('error');
      expect(view.error).toEqual({ kind: 'tls-unavailable', message: TLS_UNAVAILABLE_MESSAGE });
      await sleep(500);
      expect(server.received()).toContain('<stream:stream');
      expect(server.received()).not.toContain('<auth');
      expect(server.received()).not.toContain(Buffer.from(ALICE.password).toString('base64').slice(0, 8));
      expect(t.session.attempts).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('survives malformed XML from the server and retries with backoff', async () => {
    const server = await startScriptedServer({
      features: `<starttls xmlns='${NS_TLS}'/>`,
      onData: (conn, chunk) => {
        if (chunk.includes('<starttls')) conn.send('<message><body>&lol;</body></message>');
      },
    });
    try {
      const t = track({ jid: 'alice@localhost', password: ALICE.password, host: server.host, port: server.port });
      t.session.start();
      const view = await t.waitFor('reconnecting');
      expect(view.error?.kind).toBe('protocol');
      expect(view.error?.message).toMatch(/malformed XML/);
      await t.waitFor('connecting', 5000); // and it tries again by itself
    } finally {
      await server.stop();
    }
  });
});
