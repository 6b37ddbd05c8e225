import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { AccountSession } from '../../../../../src/main/core/accounts/session';
import {
  SessionFailure,
  certificateInfo,
  certificateProblem,
  classifyError,
  isCertificateError,
  normalizeFingerprint,
} from '../../../../../src/main/core/accounts/session-errors';
import { silentLogger } from '../../../../../src/main/core/log';
import type { DetailedPeerCertificate } from 'node:tls';
import { certificateProblemText, connectionErrorText } from '../../../../../src/renderer/src/lib/words/connection';

const xmppError = (name: string, condition: string) => Object.assign(new Error(condition), { name, condition });
const systemError = (code: string) => Object.assign(new Error(code), { code });

describe('classifyError', () => {
  it('wrong password and disabled accounts are auth errors that are never retried', () => {
    for (const condition of ['not-authorized', 'account-disabled', 'credentials-expired']) {
      const { error, retry } = classifyError(xmppError('SASLError', condition));
      expect(error.kind).toBe('auth');
      expect(retry).toBe('never');
    }
    expect(connectionErrorText(classifyError(xmppError('SASLError', 'not-authorized')).error)).toMatch(/password/);
  });

  it('a temporary SASL failure is retried with backoff', () => {
    expect(classifyError(xmppError('SASLError', 'temporary-auth-failure')).retry).toBe('backoff');
  });

  it('network failures are "unreachable" and retried', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']) {
      const { error, retry } = classifyError(systemError(code));
      expect(error.kind).toBe('unreachable');
      expect(retry).toBe('backoff');
    }
    expect(classifyError(Object.assign(new Error('timeout'), { name: 'TimeoutError' })).error.kind).toBe('unreachable');
  });

  it('stream errors: conflict asks for a new resource, policy-violation waits longer, others back off', () => {
    expect(classifyError(xmppError('StreamError', 'conflict'))).toMatchObject({
      error: { kind: 'conflict' },
      retry: 'new-resource',
    });
    expect(classifyError(xmppError('StanzaError', 'conflict')).retry).toBe('new-resource');
    expect(classifyError(xmppError('StreamError', 'policy-violation'))).toMatchObject({
      error: { kind: 'protocol' },
      retry: 'long-backoff',
    });
    expect(classifyError(xmppError('StreamError', 'system-shutdown'))).toMatchObject({
      error: { kind: 'protocol' },
      retry: 'backoff',
    });
    expect(connectionErrorText(classifyError(xmppError('StreamError', 'see-other-host')).error)).toMatch(/redirect/);
  });

  it('keeps a failure the session already classified', () => {
    const failure = new SessionFailure({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never');
    expect(classifyError(failure)).toEqual({
      error: { kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' },
      retry: 'never',
    });
  });

  it('anything else is "other" with backoff, and never throws on odd input', () => {
    expect(classifyError(new Error('boom'))).toMatchObject({ error: { kind: 'other' }, retry: 'backoff' });
    expect(classifyError(undefined).error.kind).toBe('other');
    expect(classifyError('string').error.kind).toBe('other');
  });
});

describe('certificates', () => {
  it('tells certificate errors from handshake errors', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'SELF_SIGNED_CERT_IN_CHAIN',
    ]) {
      expect(isCertificateError(code)).toBe(true);
    }
    for (const code of ['ECONNRESET', 'ERR_SSL_WRONG_VERSION_NUMBER', undefined])
      expect(isCertificateError(code)).toBe(false);
  });

  it('says why as a code the renderer words', () => {
    const why = (code: string) => certificateProblemText(certificateProblem(code, 'example.com'));
    expect(why('DEPTH_ZERO_SELF_SIGNED_CERT')).toMatch(/self-signed/);
    expect(why('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toMatch(/authority/);
    expect(why('ERR_TLS_CERT_ALTNAME_INVALID')).toMatch(/not example\.com/);
    expect(why('CERT_HAS_EXPIRED')).toMatch(/expired/);
  });

  it('normalizes fingerprints to upper-case colon hex', () => {
    expect(normalizeFingerprint('ab:cd:ef')).toBe('AB:CD:EF');
    expect(normalizeFingerprint('abcdef')).toBe('AB:CD:EF');
  });

  it('builds the info the trust prompt shows, flagging a changed pinned certificate', () => {
    const cert = {
      fingerprint256: 'AA:BB',
      subject: { CN: 'example.com' },
      issuer: { CN: 'Some CA', O: 'Org' },
      valid_from: 'Nov 21 15:01:50 2026 GMT',
      valid_to: 'Dec 21 15:01:50 2026 GMT',
    } as unknown as DetailedPeerCertificate;
    const info = certificateInfo(cert, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'example.com', ['CC:DD']);
    expect(info).toEqual({
      fingerprint256: 'AA:BB',
      subject: 'CN=example.com',
      issuer: 'CN=Some CA, O=Org',
      validFrom: '2026-11-21T15:01:50.000Z',
      validTo: '2026-12-21T15:01:50.000Z',
      problem: {
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        domain: 'example.com',
        notBefore: 'Nov 21 15:01:50 2026 GMT',
        notAfter: 'Dec 21 15:01:50 2026 GMT',
      },
      changedFromPinned: true,
    });
    expect(certificateProblemText(info.problem)).toBe(
      'The certificate was issued by an authority this computer does not trust.',
    );
    expect(certificateProblemText(certificateInfo(cert, 'CERT_HAS_EXPIRED', 'example.com', []).problem)).toBe(
      'The certificate expired on Dec 21 15:01:50 2026 GMT.',
    );
    expect(certificateInfo(cert, 'X', 'example.com', []).changedFromPinned).toBe(false);
  });
});

describe('the guarded connection (socket text decoded across chunks, a parser error ends the stream)', () => {
  const session = () =>
    new AccountSession(
      { jid: 'me@example.com', password: 'x', host: null, port: null, pinnedCertificates: [] },
      { onStatus: () => {}, onOnline: () => {}, onOffline: () => {} },
      { log: silentLogger },
    );

  it('decodes a UTF-8 character split across two socket chunks', () => {
    const { xmpp } = session();
    const parser = new xml.Parser();
    xmpp.parser = parser;
    const texts: string[] = [];
    parser.on('element', (el: InstanceType<typeof xml.Element>) => texts.push(el.text()));
    parser.write("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'>");
    const bytes = Buffer.from('<body>é€😀</body>', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside the € sequence
    xmpp._onData(bytes.subarray(0, cut));
    xmpp._onData(bytes.subarray(cut));
    expect(texts).toEqual(['é€😀']);
  });

  it('turns a parser exception into an error event instead of throwing out of the socket handler', () => {
    const { xmpp } = session();
    const parser = new xml.Parser();
    xmpp.parser = parser;
    const errors: Error[] = [];
    xmpp.on('error', (e: Error) => errors.push(e));
    parser.write("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'>");
    expect(() => xmpp._onData(Buffer.from('<message><body>&lol;</body></message>'))).not.toThrow();
    expect(errors.some((e) => e.name === 'XMLError')).toBe(true);
    expect(xmpp.parser).toBeNull();
  });
});
