/**
 * TLS for one account: STARTTLS is required (no plaintext stream goes past the first features),
 * the certificate is verified against the account's domain (never the configured host, so an
 * overridden host or port cannot lower the check), and a certificate the user pinned by its SHA-256
 * fingerprint is trusted by a second handshake that has exactly that certificate as its authority.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { ConnectionError } from '../../../shared/contract';
import { NS_STREAM, NS_TLS } from '../xmpp/ns';
import { SessionFailure, certificateInfo, isCertificateError, normalizeFingerprint } from './session-errors';
import type { GuardedClient } from './stream/guarded-client';

/** Records a failure of this attempt (the session reports the first one) and returns it to throw. */
export type FailAttempt = (error: ConnectionError, retry: SessionFailure['retry']) => SessionFailure;

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
  /** The account's domain: the name the certificate must be valid for. */
  domain: string;
  /** SHA-256 fingerprints the user trusts for this account. */
  pinnedCertificates: readonly string[];
  /** Extra CA to trust besides Node's store (tests). */
  extraCa?: string | Buffer;
  fail: FailAttempt;
}

export class TlsStep {
  /** The current attempt's socket is TLS verified for the account's domain (reset per attempt). */
  verified = false;
  private readonly pins: Set<string>;
  /** PEM of a pinned certificate the server presented, so the next handshake can trust exactly it. */
  private pinnedPem: { fingerprint: string; pem: string } | null = null;

  constructor(
    private readonly entity: GuardedClient,
    private readonly options: TlsOptions,
  ) {
    this.pins = new Set(options.pinnedCertificates.map(normalizeFingerprint));
  }

  /** Middleware: TLS is not optional. STARTTLS when offered, otherwise stop before anything else is sent. */
  requireTls() {
    return async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (!ctx.stanza.is('features', NS_STREAM) || this.entity.isSecure()) return next();
      if (!ctx.stanza.getChild('starttls', NS_TLS)) {
        throw this.options.fail({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never');
      }
      await this.startTls();
    };
  }

  private async startTls(): Promise<void> {
    const entity = this.entity;
    const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) {
      throw this.options.fail(
        {
          kind: 'tls-unavailable',
          reason: 'connection.starttlsFailed',
        },
        'never',
      );
    }
    const raw = entity.socket;
    if (!raw) throw new Error('socket closed during STARTTLS');
    const secure = await this.upgrade(raw);
    entity._detachSocket();
    entity._attachSocket(Object.assign(secure, { secure: true }));
    await entity.restart();
  }

  /**
   * The TLS handshake, verified against the account's domain (never the configured host). Node
   * verifies the chain and the name; a certificate the user pinned is trusted by a second handshake
   * that has exactly that certificate as its only authority (we learn its bytes from the first one).
   */
  private upgrade(raw: Socket): Promise<tls.TLSSocket> {
    const { domain, extraCa, fail } = this.options;
    const pinned = this.pinnedPem && this.pins.has(this.pinnedPem.fingerprint) ? this.pinnedPem : null;
    const options: tls.ConnectionOptions = { socket: raw, servername: domain };
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
      const onError = (error: Error & { code?: string }) => {
        socket.off('secureConnect', onSecure);
        const failure = this.failure(error, presented, pinned !== null); // recorded before the close event
        raw.destroy();
        reject(failure);
      };
      const onSecure = () => {
        socket.off('error', onError);
        if (!socket.authorized) {
          // Unreachable: Node's default verification already refused it. Kept as a second lock.
          socket.destroy();
          raw.destroy();
          reject(fail({ kind: 'certificate', reason: 'connection.certificateUnverified' }, 'never'));
          return;
        }
        this.verified = true;
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
  ): SessionFailure {
    const { domain, fail } = this.options;
    if (!isCertificateError(error.code)) {
      return fail({ kind: 'protocol', reason: 'connection.tlsError', params: { detail: error.message } }, 'backoff');
    }
    const fingerprint = presented?.fingerprint256 ? normalizeFingerprint(presented.fingerprint256) : null;
    if (usedPin) {
      // The server no longer presents the pinned certificate: forget it and verify normally.
      this.pinnedPem = null;
      return fail({ kind: 'certificate', reason: 'connection.pinnedChanged' }, 'immediate');
    }
    if (fingerprint && this.pins.has(fingerprint) && presented?.raw) {
      this.pinnedPem = { fingerprint, pem: toPem(presented.raw) };
      return fail({ kind: 'certificate', reason: 'connection.pinnedUsed' }, 'immediate');
    }
    if (!presented || !fingerprint) {
      return fail(
        { kind: 'certificate', reason: 'connection.certificateCode', params: { code: error.code ?? null } },
        'never',
      );
    }
    const certificate = certificateInfo(presented, error.code, domain, [...this.pins]);
    return fail(
      {
        kind: 'certificate',
        reason: certificate.changedFromPinned ? 'connection.certificateChanged' : 'connection.certificateNotTrusted',
        certificate,
      },
      'never',
    );
  }
}
