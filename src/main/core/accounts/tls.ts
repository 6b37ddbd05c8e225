/**
 * TLS for one account, for every way a connection gets it: STARTTLS over an open socket (required:
 * no plaintext stream goes past the first features), or TLS from the first byte (XEP-0368 Direct
 * TLS, direct-tls.ts, with ALPN `xmpp-client`). The certificate is verified against the account's
 * domain, which is also the SNI name (never the configured host or the SRV target, so an overridden
 * host or a spoofed DNS answer cannot lower the check), and a certificate the user pinned by its
 * SHA-256 fingerprint is trusted by a second handshake that has exactly that certificate as its
 * authority. The session, Direct TLS and registration (registration.ts) all use `TlsVerifier`.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { ConnectionError } from '../../../shared/contract';
import { NS_STREAM, NS_TLS } from '../xmpp/ns';
import { SessionFailure, certificateInfo, isCertificateError, normalizeFingerprint } from './session-errors';

/** Records a failure of this attempt (the session reports the first one) and returns it to throw. */
export type FailAttempt = (error: ConnectionError, retry: SessionFailure['retry']) => SessionFailure;

/** ALPN protocol name of client-to-server XMPP (XEP-0368 §3). */
export const ALPN_XMPP_CLIENT = 'xmpp-client';

/** A TLS handshake that has not finished in this time fails (ms). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

const extraCaContexts = new Map<string, tls.SecureContext>();

/**
 * A TLS context trusting Node's roots plus `extraCa`, built once per process: parsing the whole root
 * store takes ≈20 ms of main-thread time, which ten accounts signing in at once would pay ten times.
 */
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

export interface TlsOptions {
  /** The account's domain: the name the certificate must be valid for, and the SNI name. */
  domain: string;
  /** SHA-256 fingerprints the user trusts for this account. */
  pinnedCertificates: readonly string[];
  /** Extra CA to trust besides Node's store (tests). */
  extraCa?: string | Buffer;
  /** How a TLS failure is recorded; without it, it is only returned. */
  fail?: FailAttempt;
}

/** STARTTLS over an open socket, or a new connection to host and port (Direct TLS). */
export type TlsTarget = { socket: Socket } | { host: string; port: number };

/** One account's TLS trust, with what it learnt from a refused pinned certificate. Keep one per session. */
export class TlsVerifier {
  private readonly pins: Set<string>;
  /** PEM of a pinned certificate the server presented, so the next handshake can trust exactly it. */
  private pinnedPem: { fingerprint: string; pem: string } | null = null;
  private readonly fail: FailAttempt;

  constructor(private readonly options: TlsOptions) {
    this.pins = new Set(options.pinnedCertificates.map(normalizeFingerprint));
    this.fail = options.fail ?? ((error, retry) => new SessionFailure(error, retry));
  }

  /**
   * The verified TLS socket over `target`; rejects with a SessionFailure, or with the socket's own
   * error when a Direct TLS endpoint could not be reached at all (the session classifies that).
   */
  connect(target: TlsTarget): Promise<tls.TLSSocket> {
    const { domain, extraCa } = this.options;
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
      }, HANDSHAKE_TIMEOUT_MS);
      const onError = (error: Error & { code?: string }) => {
        clearTimeout(timer);
        socket.off('secureConnect', onSecure);
        const failure = this.failure(error, presented, pinned !== null, raw !== null); // recorded before the close
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
          reject(this.fail({ kind: 'certificate', reason: 'connection.certificateUnverified' }, 'never'));
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
    overSocket: boolean,
  ): SessionFailure | Error {
    const { domain } = this.options;
    if (!isCertificateError(error.code)) {
      // A Direct TLS endpoint that could not be reached (refused, reset before any certificate).
      if (!overSocket && !presented) return error;
      return this.fail(
        { kind: 'protocol', reason: 'connection.tlsError', params: { detail: error.message } },
        'backoff',
      );
    }
    const fingerprint = presented?.fingerprint256 ? normalizeFingerprint(presented.fingerprint256) : null;
    if (usedPin) {
      // The server no longer presents the pinned certificate: forget it and verify normally.
      this.pinnedPem = null;
      return this.fail({ kind: 'certificate', reason: 'connection.pinnedChanged' }, 'immediate');
    }
    if (fingerprint && this.pins.has(fingerprint) && presented?.raw) {
      this.pinnedPem = { fingerprint, pem: toPem(presented.raw) };
      return this.fail({ kind: 'certificate', reason: 'connection.pinnedUsed' }, 'immediate');
    }
    if (!presented || !fingerprint) {
      return this.fail(
        { kind: 'certificate', reason: 'connection.certificateCode', params: { code: error.code ?? null } },
        'never',
      );
    }
    const certificate = certificateInfo(presented, error.code, domain, [...this.pins]);
    return this.fail(
      {
        kind: 'certificate',
        reason: certificate.changedFromPinned ? 'connection.certificateChanged' : 'connection.certificateNotTrusted',
        certificate,
      },
      'never',
    );
  }
}

/** What STARTTLS needs of an xmpp.js client. */
export interface StartTlsClient {
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
export async function startTls(
  entity: StartTlsClient,
  verifier: TlsVerifier,
  fail: FailAttempt,
  onVerified?: () => void,
): Promise<void> {
  const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
  if (!answer.is('proceed', NS_TLS)) {
    throw fail({ kind: 'tls-unavailable', reason: 'connection.starttlsFailed' }, 'never');
  }
  const raw = entity.socket;
  if (!raw) throw new Error('socket closed during STARTTLS');
  const secure = await verifier.connect({ socket: raw });
  onVerified?.();
  entity._detachSocket();
  entity._attachSocket(Object.assign(secure, { secure: true }));
  await entity.restart();
}

/** The session's TLS: STARTTLS required unless the connection is Direct TLS, and whether it was verified. */
export class TlsStep {
  /** The current attempt's socket is TLS verified for the account's domain (reset per attempt). */
  verified = false;
  readonly verifier: TlsVerifier;

  constructor(
    private readonly entity: StartTlsClient & { isSecure(): boolean },
    private readonly options: TlsOptions & { fail: FailAttempt },
  ) {
    this.verifier = new TlsVerifier(options);
  }

  /** Middleware: TLS is not optional. STARTTLS when offered, otherwise stop before anything else is sent. */
  requireTls() {
    return async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (!ctx.stanza.is('features', NS_STREAM) || this.entity.isSecure()) return next();
      if (!ctx.stanza.getChild('starttls', NS_TLS)) {
        throw this.options.fail({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never');
      }
      await startTls(this.entity, this.verifier, this.options.fail, () => (this.verified = true));
    };
  }
}
