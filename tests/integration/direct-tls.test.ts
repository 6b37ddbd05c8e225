/**
 * Direct TLS (XEP-0368) end to end: a session finds `_xmpps-client._tcp` in the SRV records and
 * signs in to Prosody's Direct TLS port (c2s_direct_tls_ports) with TLS from the first byte, prefers
 * it over STARTTLS at equal priority, falls back to STARTTLS when the Direct TLS endpoint cannot be
 * reached; against a scripted server: ALPN xmpp-client is offered, STARTTLS is never sent, and the
 * certificate rules are those of STARTTLS (the account's domain, then a pin).
 */
import type { SrvRecord } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../src/shared/contract';
import { AccountSession } from '../../src/main/core/accounts/session';
import { createLogger } from '../../src/main/core/log';
import { createTestCa, issueServerCert } from '../support/certs';
import { freePort, startProsody, type ProsodyServer } from '../support/prosody';
import { fakeLogin, startScriptedServer, standardFeatures } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-dtls-Pa55' };
const log = createLogger(() => {}, 'debug');

const srv = (port: number, priority = 10): SrvRecord => ({ name: '127.0.0.1', port, priority, weight: 0 });

function session(records: Record<string, SrvRecord[]>, ca: string, pinned: string[] = []) {
  const views: ConnectionView[] = [];
  const s = new AccountSession(
    { jid: 'alice@localhost', password: ALICE.password, host: null, port: null, pinnedCertificates: pinned },
    { onStatus: (view) => views.push(view), onOnline: () => {}, onOffline: () => {} },
    {
      log,
      ca,
      backoff: { baseMs: 50, capMs: 100 },
      srvLookup: async (name) => {
        const found = records[name];
        if (!found) throw Object.assign(new Error('no record'), { code: 'ENOTFOUND' });
        return found;
      },
    },
  );
  const waitFor = async (status: ConnectionView['status']) => {
    await waitUntil(status, () => views.some((v) => v.status === status));
    return views.find((v) => v.status === status)!;
  };
  return { session: s, views, waitFor };
}

const isDirectTls = (s: AccountSession) =>
  (s.xmpp.socket as unknown as { directTls?: boolean } | null)?.directTls === true;

describe('Direct TLS against Prosody', () => {
  let server: ProsodyServer;
  let closedPort: number;

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE], directTls: true });
    closedPort = await freePort();
  });
  afterAll(() => server?.stop());

  it('signs in over TLS from the first byte when the SRV records offer only Direct TLS', async () => {
    const t = session(
      {
        '_xmpps-client._tcp.localhost': [srv(server.directTlsPort!)],
        '_xmpp-client._tcp.localhost': [srv(closedPort)],
      },
      server.caPem,
    );
    t.session.start();
    try {
      const online = await t.waitFor('online');
      expect(online.boundJid).toMatch(/^alice@localhost\//);
      expect(isDirectTls(t.session)).toBe(true);
      expect(t.session.xmpp.isSecure()).toBe(true);
    } finally {
      await t.session.stop();
    }
  });

  it('prefers Direct TLS at equal priority, and falls back to STARTTLS when it cannot be reached', async () => {
    const both = session(
      {
        '_xmpps-client._tcp.localhost': [srv(server.directTlsPort!)],
        '_xmpp-client._tcp.localhost': [srv(server.port)],
      },
      server.caPem,
    );
    both.session.start();
    try {
      await both.waitFor('online');
      expect(isDirectTls(both.session)).toBe(true);
    } finally {
      await both.session.stop();
    }
    const fallback = session(
      {
        '_xmpps-client._tcp.localhost': [srv(closedPort, 0)],
        '_xmpp-client._tcp.localhost': [srv(server.port, 10)],
      },
      server.caPem,
    );
    fallback.session.start();
    try {
      await fallback.waitFor('online');
      expect(isDirectTls(fallback.session)).toBe(false);
      expect(fallback.session.attempts).toBeGreaterThanOrEqual(2);
      expect(fallback.views.find((v) => v.status === 'reconnecting')?.error?.kind).toBe('unreachable');
    } finally {
      await fallback.session.stop();
    }
  });
});

describe('Direct TLS against a scripted server', () => {
  let dir: string;
  let caPem: string;
  let localhostTls: { key: string; cert: string };
  let otherTls: { key: string; cert: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'jabberwock-dtls-'));
    const ca = await createTestCa(dir);
    caPem = ca.caPem;
    const good = await issueServerCert(dir, ca, ['localhost'], 'good');
    const other = await issueServerCert(dir, ca, ['other.example'], 'other');
    localhostTls = { key: readFileSync(good.keyFile, 'utf8'), cert: good.certPem };
    otherTls = { key: readFileSync(other.keyFile, 'utf8'), cert: other.certPem };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('offers ALPN xmpp-client, names the domain (SNI) and never sends STARTTLS', async () => {
    const server = await startScriptedServer({
      directTls: localhostTls,
      features: standardFeatures,
      onData: (conn, chunk) => void fakeLogin(conn, chunk, 'alice@localhost'),
    });
    const t = session({ '_xmpps-client._tcp.localhost': [srv(server.port)] }, caPem);
    t.session.start();
    try {
      await t.waitFor('online');
      expect(server.connections[0].alpn).toBe('xmpp-client');
      expect(server.connections[0].servername).toBe('localhost');
      expect(server.received()).not.toContain('starttls');
      expect(server.received()).toContain('<auth');
    } finally {
      await t.session.stop();
      await server.stop();
    }
  });

  it('verifies the certificate against the account domain, and connects once the user pinned it', async () => {
    const server = await startScriptedServer({
      directTls: otherTls,
      features: standardFeatures,
      onData: (conn, chunk) => void fakeLogin(conn, chunk, 'alice@localhost'),
    });
    try {
      const refused = session({ '_xmpps-client._tcp.localhost': [srv(server.port)] }, caPem);
      refused.session.start();
      const error = await refused.waitFor('error');
      await refused.session.stop();
      expect(error.error?.kind).toBe('certificate');
      expect(error.error?.certificate?.problem).toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        domain: 'localhost',
      });
      expect(server.received()).not.toContain('<auth');
      const pinned = session({ '_xmpps-client._tcp.localhost': [srv(server.port)] }, caPem, [
        error.error!.certificate!.fingerprint256,
      ]);
      pinned.session.start();
      try {
        await pinned.waitFor('online');
        expect(isDirectTls(pinned.session)).toBe(true);
      } finally {
        await pinned.session.stop();
      }
    } finally {
      await server.stop();
    }
  });
});
