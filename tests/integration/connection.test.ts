/**
 * AccountSession against each real server (Prosody and ejabberd, tests/support/servers.ts) and, for
 * what a real server will not do (no STARTTLS, malformed XML), against the scripted server.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession, type AccountSessionOptions } from '../../src/main/core/accounts/session';
import type { SessionConfig, SessionOnline } from '../../src/main/core/accounts/session-api';
import { certificateProblemText, connectionErrorText } from '../../src/renderer/src/lib/words/connection';
import { createLogger } from '../../src/main/core/log';
import type { ConnectionStatus, ConnectionView } from '../../src/shared/contract';
import { createTestCa, issueServerCert } from '../support/certs';
import { freePort } from '../support/server-process';
import { startProsody } from '../support/prosody';
import { startEjabberd } from '../support/ejabberd';
import { SERVERS, forEachServer, type TestServer } from '../support/servers';
import {
  NS_TLS,
  NS_SM,
  fakeLogin,
  featuresWithSm,
  mechanisms,
  standardFeatures,
  startScriptedServer,
  type ScriptedServerOptions,
} from '../support/scripted-server';

/** The connection error as the user reads it (the renderer's words for the core's reason). */
function words(view: ConnectionView): string {
  return view.error ? connectionErrorText(view.error) : '';
}

const ALICE = { user: 'alice', password: 'alice-canary-Pa55' };
const BOB = { user: 'bob', password: 'bob-canary-Pa55' };

/** The real server of the block running now. */
let server: TestServer;
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

function track(
  config: Partial<SessionConfig> & { jid: string; password: string },
  options: Partial<AccountSessionOptions> = {},
): Tracked {
  const views: ConnectionView[] = [];
  const onlines: SessionOnline[] = [];
  const tracked = { views, onlines, offlines: 0 } as Tracked;
  const session = new AccountSession(
    { host: server.host, port: server.port, pinnedCertificates: [], ...config },
    {
      onStatus: (view) => views.push(view),
      onOnline: (info) => onlines.push(info),
      onOffline: () => (tracked.offlines += 1),
    },
    { log, ca: server.caPem, backoff: { baseMs: 200, capMs: 1000 }, resolveSrv: false, ...options },
  );
  sessions.push(session);
  tracked.session = session;
  tracked.waitFor = async (status, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (session.status.status !== status) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${status}; views: ${JSON.stringify(views.map((v) => [v.status, v.error?.kind, v.error?.reason]))}`,
        );
      }
      await sleep(25);
    }
    return session.status;
  };
  return tracked;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  // The password never reaches a log line, whatever happened above.
  const all = logLines.join('\n');
  expect(all).not.toContain(ALICE.password);
  expect(all).not.toContain(BOB.password);
  expect(all).not.toContain('carol-canary');
});

forEachServer('AccountSession against %s', { users: [ALICE, BOB] }, ({ started }) => {
  beforeAll(async () => {
    server = await started();
  });
  afterAll(async () => {
    await server?.stop();
  });

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

  it('uses the configured resource (user registered while the server runs)', async () => {
    await server.register('carol', 'carol-canary-Pa55');
    const t = track({ jid: 'carol@localhost', password: 'carol-canary-Pa55', resource: 'desk' });
    t.session.start();
    expect((await t.waitFor('online')).boundJid).toBe('carol@localhost/desk');
  });

  it('a wrong password ends in the auth error with no further attempts', async () => {
    const t = track({ jid: 'alice@localhost', password: 'wrong' });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('auth');
    expect(words(view)).toMatch(/password/);
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
    // No `ca`: the test CA is unknown, so the server's certificate is untrusted.
    const t = track({ jid: 'alice@localhost', password: ALICE.password }, { ca: undefined });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('certificate');
    const expected = new X509Certificate(server.serverCertPem).fingerprint256;
    expect(view.error?.certificate?.fingerprint256).toBe(expected);
    expect(view.error?.certificate?.subject).toContain('CN=localhost');
    expect(view.error?.certificate?.issuer).toContain('Jabberwock Test CA');
    expect(certificateProblemText(view.error!.certificate!.problem)).toMatch(/authority/);
    expect(view.error?.certificate?.changedFromPinned).toBe(false);
    await sleep(1500);
    expect(t.session.attempts).toBe(1);
  });

  it('a pinned certificate is accepted even though its CA is unknown', async () => {
    const fingerprint = new X509Certificate(server.serverCertPem).fingerprint256;
    const t = track(
      { jid: 'alice@localhost', password: ALICE.password, pinnedCertificates: [fingerprint] },
      { ca: undefined },
    );
    t.session.start();
    expect((await t.waitFor('online')).boundJid).toMatch(/^alice@localhost\//);
  });

  it('reconnects by itself after the server is stopped and started again', async () => {
    const t = track({ jid: 'alice@localhost', password: ALICE.password });
    t.session.start();
    await t.waitFor('online');

    await server.halt();
    const waiting = await t.waitFor('reconnecting');
    expect(waiting.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);
    expect(waiting.attempt).toBeGreaterThanOrEqual(1);
    expect(t.offlines).toBe(1);
    await sleep(800); // a few refused attempts with the short test backoff
    const refused = t.views.filter((v) => v.status === 'reconnecting' && v.error?.kind === 'unreachable');
    expect(refused.length).toBeGreaterThan(0);

    await server.start();
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
    // The server kicks the older session with <conflict/>; it comes back under a new resource.
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

// ejabberd only: it can store SHA-256 credentials (and then offers SCRAM-SHA-256 alone); Prosody 0.12 cannot.
describe.skipIf(!SERVERS.some((s) => s.kind === 'ejabberd'))(
  'SCRAM-SHA-256 (ejabberd with SHA-256 credentials)',
  () => {
    beforeAll(async () => {
      server = await startEjabberd({ users: [ALICE], scramHash: 'sha256' });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('signs in with SCRAM-SHA-256, checking the server signature', async () => {
      const sent: string[] = [];
      const t = track({ jid: 'alice@localhost', password: ALICE.password });
      t.session.xmpp.on('send', (element) => sent.push(element.toString()));
      t.session.start();
      await t.waitFor('online');
      expect(sent.join('')).toMatch(/<auth [^>]*mechanism=["']SCRAM-SHA-256/);
    });

    it('a wrong password ends in the auth error', async () => {
      const t = track({ jid: 'alice@localhost', password: 'not-the-password' });
      t.session.start();
      expect((await t.waitFor('error')).error?.kind).toBe('auth');
    });
  },
);

// Prosody only: pinning checks our TLS handling, not the server, and each server start costs time.
describe('certificate pinning (self-signed Prosody)', () => {
  let selfSigned: TestServer;
  let fingerprint: string;

  beforeAll(async () => {
    selfSigned = await startProsody({ users: [ALICE], selfSigned: true });
    fingerprint = new X509Certificate(selfSigned.serverCertPem).fingerprint256;
  });
  afterAll(async () => {
    await selfSigned?.stop();
  });

  const config = () => ({
    jid: 'alice@localhost',
    password: ALICE.password,
    host: selfSigned.host,
    port: selfSigned.port,
  });

  it('refuses the self-signed certificate and shows its fingerprint', async () => {
    const t = track(config(), { ca: selfSigned.caPem });
    t.session.start();
    const view = await t.waitFor('error');
    expect(view.error?.kind).toBe('certificate');
    expect(view.error?.certificate?.fingerprint256).toBe(fingerprint);
    expect(certificateProblemText(view.error!.certificate!.problem)).toMatch(/self-signed/);
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

describe('lifecycle against a closed port', () => {
  it('"reconnect now" skips a long wait, and stop() ends the retries', async () => {
    const port = await freePort(); // nothing listens there
    const t = track(
      { jid: 'alice@localhost', password: ALICE.password, host: '127.0.0.1', port },
      { backoff: { baseMs: 60_000, capMs: 120_000 } },
    );
    t.session.start();
    const waiting = await t.waitFor('reconnecting');
    expect(waiting.error?.kind).toBe('unreachable');
    expect(waiting.nextAttemptAt! - Date.now()).toBeGreaterThan(50_000);
    expect(t.session.attempts).toBe(1);

    t.session.reconnectNow();
    const deadline = Date.now() + 5000;
    while (t.session.attempts < 2 && Date.now() < deadline) await sleep(10);
    expect(t.session.attempts).toBe(2);
    await t.waitFor('reconnecting');

    await t.session.stop();
    expect(t.session.status.status).toBe('offline');
    t.session.reconnectNow(); // from offline this is a fresh start…
    await t.waitFor('reconnecting');
    await t.session.stop(); // …and stop() again ends it for good
    const attempts = t.session.attempts;
    await sleep(500);
    expect(t.session.attempts).toBe(attempts);
    expect(t.session.status.status).toBe('offline');
  });
});

// Prosody only: refusing a server without TLS is our check, not the server's.
describe('a real Prosody without TLS', () => {
  it('is refused before any auth bytes are sent', async () => {
    const plain = await startProsody({ users: [ALICE], starttls: false });
    try {
      const t = track({ jid: 'alice@localhost', password: ALICE.password, host: plain.host, port: plain.port });
      t.session.start();
      const view = await t.waitFor('error');
      expect(view.error?.kind).toBe('tls-unavailable');
      expect(t.session.attempts).toBe(1);
    } finally {
      await plain.stop();
    }
  });
});

describe('AccountSession against a scripted server', () => {
  it('refuses a server without STARTTLS before sending any auth bytes', async () => {
    const server = await startScriptedServer({ features: mechanisms('PLAIN', 'SCRAM-SHA-1') });
    try {
      const t = track({ jid: 'alice@localhost', password: ALICE.password, host: server.host, port: server.port });
      t.session.start();
      const view = await t.waitFor('error');
      expect(view.error).toEqual({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' });
      expect(words(view)).toBe(
        'The server does not offer encryption (STARTTLS); Jabberwock will not send your password in plaintext.',
      );
      await sleep(500);
      expect(server.received()).toContain('<stream:stream');
      expect(server.received()).not.toContain('<auth');
      expect(server.received()).not.toContain(Buffer.from(ALICE.password).toString('base64').slice(0, 8));
      expect(t.session.attempts).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('survives restricted XML from the server (a custom entity) and retries with backoff', async () => {
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
      expect(words(view)).toBe('The server sent XML that XMPP does not allow (a custom entity reference).');
      const deadline = Date.now() + 5000; // and it tries again by itself
      while (t.session.attempts < 2 && Date.now() < deadline) await sleep(25);
      expect(t.session.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await server.stop();
    }
  });
});

describe('AccountSession against a scripted server over STARTTLS', () => {
  let dir: string;
  let caPem: string;
  let localhostTls: { key: string; cert: string };
  let otherTls: { key: string; cert: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'jabberwock-scripted-'));
    const ca = await createTestCa(dir);
    caPem = ca.caPem;
    const good = await issueServerCert(dir, ca, ['localhost'], 'good');
    const other = await issueServerCert(dir, ca, ['other.example'], 'other');
    localhostTls = { key: readFileSync(good.keyFile, 'utf8'), cert: good.certPem };
    otherTls = { key: readFileSync(other.keyFile, 'utf8'), cert: other.certPem };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withServer(options: ScriptedServerOptions, body: (t: Tracked) => Promise<void>) {
    const server = await startScriptedServer(options);
    try {
      const t = track(
        { jid: 'alice@localhost', password: ALICE.password, host: server.host, port: server.port },
        { ca: caPem },
      );
      t.session.start();
      await body(t);
    } finally {
      await server.stop();
    }
    return server;
  }

  it('verifies the certificate against the account domain, not the host it connected to', async () => {
    await withServer({ tls: otherTls, features: standardFeatures }, async (t) => {
      const view = await t.waitFor('error');
      expect(view.error?.kind).toBe('certificate');
      expect(certificateProblemText(view.error!.certificate!.problem)).toMatch(/different server name, not localhost/);
      expect(view.error?.certificate?.subject).toContain('CN=other.example');
    });
  });

  it('signs in with PLAIN only over verified TLS and goes online (the scripted login works)', async () => {
    const server = await withServer(
      {
        tls: localhostTls,
        features: standardFeatures,
        onData: (conn, chunk) => void fakeLogin(conn, chunk, 'alice@localhost'),
      },
      async (t) => {
        const view = await t.waitFor('online');
        expect(view.boundJid).toMatch(/^alice@localhost\/jabberwock-/);
        expect(t.session.xmpp.streamManagement.enabled).toBe(false); // not offered
      },
    );
    expect(server.connections[0].secure).toBe(true);
    expect(server.connections[0].received).toMatch(/mechanism=["']PLAIN/);
  });

  it('checkAlive() drops a connection whose server stopped answering and reconnects', async () => {
    await withServer(
      {
        tls: localhostTls,
        features: standardFeatures,
        onData: (conn, chunk) => void fakeLogin(conn, chunk, 'alice@localhost'),
      },
      async (t) => {
        await t.waitFor('online');
        t.session.checkAlive(300); // the scripted server never answers the ping
        const view = await t.waitFor('reconnecting', 5000);
        expect(view.error).toEqual({ kind: 'unreachable', reason: 'connection.stoppedAnswering' });
        expect(t.offlines).toBe(1);
      },
    );
  });

  it('malformed XML while online ends the stream with <not-well-formed/> and reconnects', async () => {
    const server = await withServer(
      {
        tls: localhostTls,
        features: standardFeatures,
        onData: (conn, chunk) => {
          if (fakeLogin(conn, chunk, 'alice@localhost') && chunk.includes('<bind')) {
            setTimeout(() => conn.send('<message><body>&#0;</body></message>'), 50);
          }
        },
      },
      async (t) => {
        await t.waitFor('online');
        const view = await t.waitFor('reconnecting', 5000);
        expect(view.error).toMatchObject({ kind: 'protocol', reason: 'connection.streamViolation' });
        expect(words(view)).toBe('The server sent malformed XML (a character XML does not allow: U+0000).');
      },
    );
    expect(server.connections[0].received).toContain('not-well-formed');
  });

  it('answers an ack for stanzas never sent with <handled-count-too-high/> and reconnects (no crash)', async () => {
    const server = await withServer(
      {
        tls: localhostTls,
        features: featuresWithSm,
        onData: (conn, chunk) => {
          if (fakeLogin(conn, chunk, 'alice@localhost') && chunk.includes('<enable')) {
            setTimeout(() => conn.send(`<a xmlns='${NS_SM}' h='1000'/>`), 50);
          }
        },
      },
      async (t) => {
        await t.waitFor('online');
        expect(t.session.xmpp.streamManagement.enabled).toBe(true);
        const view = await t.waitFor('reconnecting', 5000);
        expect(view.error?.kind).toBe('protocol');
        expect(words(view)).toMatch(/acknowledged/);
      },
    );
    expect(server.connections[0].received).toContain('handled-count-too-high');
  });

  it('prefers SCRAM-SHA-1 and refuses a <success/> that lacks the server signature', async () => {
    const server = await withServer(
      {
        tls: localhostTls,
        features: (n, conn) =>
          conn.secure && !conn.authenticated ? mechanisms('PLAIN', 'SCRAM-SHA-1') : standardFeatures(n, conn),
        onData: (conn, chunk) => void fakeLogin(conn, chunk, 'alice@localhost'),
      },
      async (t) => {
        const view = await t.waitFor('error');
        expect(view.error?.kind).toBe('auth');
        expect(words(view)).toMatch(/server signature/);
        await sleep(500);
        expect(t.session.attempts).toBe(1);
      },
    );
    expect(server.received()).toMatch(/mechanism=["']SCRAM-SHA-1/);
    expect(server.received()).not.toMatch(/mechanism=["']PLAIN/);
  });
});
