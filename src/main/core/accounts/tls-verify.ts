/**
 * The TLS handshake with the certificate rules of an account, for every way a connection gets TLS:
 * STARTTLS over an open socket, or TLS from the first byte (XEP-0368 Direct TLS, with ALPN
 * `xmpp-client`). The certificate is verified against the account's domain (the SNI name too),
 * never the host connected to; a certificate the user pinned by its SHA-256 fingerprint is trusted
 * by a second handshake that has exactly that certificate as its only authority (its bytes are
 * learnt from the first, refused one, which is retried at once). Failures come as SessionFailure,
 * classified as the session reports them.
 *
 * The same rules as AccountSession's own STARTTLS step (session.ts `upgrade`, which is to call this
 * once the session's split lands); registration (registration.ts) and Direct TLS (direct-tls.ts)
 * use this one.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import xml, { type Element } from '@xmpp/xml';
import { SessionFailure, certificateInfo, isCertificateError, normalizeFingerprint } from './session-errors';

/** ALPN protocol name of client-to-server XMPP (XEP-0368 §3). */
export const ALPN_XMPP_CLIENT = 'xmpp-client';

export interface TlsTrust {
  /** The account's domain: the name the certificate must be valid for, and the SNI name. */
  domain: string;
  /** SHA-256 fingerprints the user trusts for this account. */
  pinnedCertificates: readonly string[];
  /** Extra CA to trust besides Node's store (tests). */
  extraCa?: string | Buffer;
}

export type TlsTarget = { socket: Socket } | { host: string; port: number };

const extraCaContexts = new Map<string, tls.SecureContext>();

/** A context trusting Node's roots plus `extraCa`, built once per process (parsing the roots takes ≈20 ms). */
function secureContextTrusting(extraCa: string): tls.SecureContext {
  let context = extraCaContexts.get(extraCa);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, extraCa] });
    extraCaContexts.set(extraCa, context);
  }
  return context;
}

function toPem(der: Buffer): string {
  const body =
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** One account's TLS trust, with what it learnt from a refused pinned certificate. Keep one per session. */
export class TlsVerifier {
  private readonly pins: Set<string>;
  private pinnedPem: { fingerprint: string; pem: string } | null = null;

  constructor(private readonly trust: TlsTrust) {
    this.pins = new Set(trust.pinnedCertificates.map(normalizeFingerprint));
  }

  /**
   * The verified TLS socket over `target` (an open socket for STARTTLS, or host and port for Direct
   * TLS, which also offers ALPN `xmpp-client`); rejects with a SessionFailure.
   */
  connect(target: TlsTarget, timeoutMs = 10_000): Promise<tls.TLSSocket> {
    const { domain, extraCa } = this.trust;
    const pinned = this.pinnedPem && this.pins.has(this.pinnedPem.fingerprint) ? this.pinnedPem : null;
    const options: tls.ConnectionOptions = { servername: domain };
    if ('socket' in target) options.socket = target.socket;
    else Object.assign(options, { host: target.host, port: target.port, ALPNProtocols: [ALPN_XMPP_CLIENT] });
    if (pinned) {
      options.ca = [pinned.pem];
      options.checkServerIdentity = (_host, cert) =>
        this.pins.has(normalizeFingerprint(cert.fingerprint256))
          ? undefined
          : Object.assign(new Error('certificate is not the pinned one'), { code: 'ERR_JABBERWOCK_PIN' });
      // Node ≥ 22.9 (Electron): lets a pinned leaf that is not self-signed act as the anchor.
      Object.assign(options, { allowPartialTrustChain: true });
    } else if (extraCa) {
      options.secureContext = secureContextTrusting(extraCa.toString());
    }

    return new Promise((resolve, reject) => {
      const socket = tls.connect(options);
      const raw = 'socket' in target ? target.socket : null;
      let presented: tls.DetailedPeerCertificate | null = null;
      // Runs before Node's own verification, which destroys the socket on failure: the only way to
      // learn which certificate was refused, so the user can see its fingerprint and pin it.
      socket.prependListener('secure', () => {
        try {
          presented = socket.getPeerCertificate(true);
        } catch {
          presented = null;
        }
      });
      const timer = setTimeout(() => {
        socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      const onError = (error: Error & { code?: string }) => {
        clearTimeout(timer);
        socket.off('secureConnect', onSecure);
        const failure = this.failure(error, presented, pinned !== null);
        socket.destroy();
        raw?.destroy();
        reject(failure);
      };
      const onSecure = () => {
        clearTimeout(timer);
        socket.off('error', onError);
        if (!socket.authorized) {
          // Unreachable: Node's default verification already refused it. Kept as a second lock.
          socket.destroy();
          raw?.destroy();
          reject(
            new SessionFailure(
              { kind: 'certificate', message: 'The server certificate could not be verified.' },
              'never',
            ),
          );
          return;
        }
        resolve(socket);
      };
      socket.once('error', onError);
      socket.once('secureConnect', onSecure);
    });
  }

  private failure(
    error: Error & { code?: string },
    presented: tls.DetailedPeerCertificate | null,
    usedPin: boolean,
  ): SessionFailure | Error {
    const { domain } = this.trust;
    // Not a TLS problem (refused, unreachable, reset): the session classifies it by its code.
    if (!isCertificateError(error.code) && !presented) return error;
    if (!isCertificateError(error.code)) {
      return new SessionFailure(
        { kind: 'protocol', message: `Could not establish an encrypted connection: ${error.message}` },
        'backoff',
      );
    }
    const fingerprint = presented?.fingerprint256 ? normalizeFingerprint(presented.fingerprint256) : null;
    if (usedPin) {
      // The server no longer presents the pinned certificate: forget it and verify normally.
      this.pinnedPem = null;
      return new SessionFailure({ kind: 'certificate', message: 'The pinned certificate changed.' }, 'immediate');
    }
    if (fingerprint && this.pins.has(fingerprint) && presented?.raw) {
      this.pinnedPem = { fingerprint, pem: toPem(presented.raw) };
      return new SessionFailure({ kind: 'certificate', message: 'Using the pinned certificate.' }, 'immediate');
    }
    if (!presented || !fingerprint) {
      return new SessionFailure(
        { kind: 'certificate', message: `The server's certificate is not trusted (${error.code}).` },
        'never',
      );
    }
    const certificate = certificateInfo(presented, error.code, domain, [...this.pins]);
    return new SessionFailure(
      {
        kind: 'certificate',
        message: certificate.changedFromPinned
          ? `The server's certificate changed and is not the one you trusted. ${certificate.reason}`
          : `The server's certificate is not trusted. ${certificate.reason}`,
        certificate,
      },
      'never',
    );
  }
}

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** What STARTTLS needs of an xmpp.js client. */
interface StartTlsClient {
  socket: Socket | null;
  sendReceive(element: Element): Promise<Element>;
  _detachSocket(): void;
  _attachSocket(socket: Socket): void;
  restart(): Promise<unknown>;
}

/**
 * STARTTLS (RFC 6120 §5) on `entity`'s stream: asks, upgrades the socket through `verifier`, and
 * restarts the stream over TLS (`onVerified` runs before the restart, whose features may be read
 * before this returns). Throws a SessionFailure when the server will not or cannot.
 */
export async function startTls(entity: StartTlsClient, verifier: TlsVerifier, onVerified?: () => void): Promise<void> {
  const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
  if (!answer.is('proceed', NS_TLS)) {
    throw new SessionFailure(
      {
        kind: 'tls-unavailable',
        message: 'The server could not start encryption (STARTTLS failed); Jabberwock will not continue without it.',
      },
      'never',
    );
  }
  const raw = entity.socket;
  if (!raw) throw new Error('socket closed during STARTTLS');
  const secure = await verifier.connect({ socket: raw });
  onVerified?.();
  entity._detachSocket();
  entity._attachSocket(Object.assign(secure, { secure: true }));
  await entity.restart();
}
