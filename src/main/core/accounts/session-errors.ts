/**
 * Turns whatever went wrong on a connection into a ConnectionError (a reason the renderer words),
 * plus what to do next: retry with backoff, never retry automatically, or retry once with a new resource.
 */
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateInfo, ConnectionError } from '../../../shared/contract';
import type { AuthCondition, CertificateProblem, UnreachableCode } from '../../../shared/errors';
import { StreamViolation } from './stream/stream-limits';

/** backoff: try again later · long-backoff: the server asked us to back off · never: wait for the user ·
 *  new-resource: another client took our resource · immediate: retry at once (pinned certificate) */
export type RetryPolicy = 'backoff' | 'long-backoff' | 'never' | 'new-resource' | 'immediate';

/** A failure already classified by the session's own negotiation steps. */
export class SessionFailure extends Error {
  constructor(
    readonly error: ConnectionError,
    readonly retry: RetryPolicy,
  ) {
    super(error.reason);
    this.name = 'SessionFailure';
  }
}

export interface Classified {
  error: ConnectionError;
  retry: RetryPolicy;
}

interface ErrorLike {
  name?: string;
  code?: string;
  condition?: string;
  message?: string;
}

/** SASL conditions that mean the account or its password was refused: never retried automatically. */
const AUTH_CONDITIONS: ReadonlySet<string> = new Set<AuthCondition>([
  'not-authorized',
  'account-disabled',
  'credentials-expired',
  'invalid-authzid',
  'encryption-required',
  'mechanism-too-weak',
  'invalid-mechanism',
]);

const UNREACHABLE_CODES: ReadonlySet<string> = new Set<UnreachableCode>([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
]);

/** The error the user reads after the stream guard ended a stream. */
export function streamViolationError(violation: StreamViolation): ConnectionError {
  return {
    kind: 'protocol',
    reason: 'connection.streamViolation',
    params: { construct: violation.construct, condition: violation.condition, detail: violation.detail ?? 0 },
  };
}

/** Stream error conditions with a reason of their own, and what to do after each. */
const STREAM_ERRORS = new Map<string, Classified>([
  ['conflict', { error: { kind: 'conflict', reason: 'connection.resourceTaken' }, retry: 'new-resource' }],
  ['not-authorized', { error: { kind: 'auth', reason: 'connection.accountRefused' }, retry: 'never' }],
  ['policy-violation', { error: { kind: 'protocol', reason: 'connection.policyViolation' }, retry: 'long-backoff' }],
  ['system-shutdown', { error: { kind: 'protocol', reason: 'connection.serverShutdown' }, retry: 'backoff' }],
  ['see-other-host', { error: { kind: 'protocol', reason: 'connection.redirected' }, retry: 'backoff' }],
  ['host-unknown', { error: { kind: 'protocol', reason: 'connection.hostUnknown' }, retry: 'backoff' }],
]);

/** Classifies any error seen during connecting or while online. */
export function classifyError(err: unknown): Classified {
  if (err instanceof SessionFailure) return { error: err.error, retry: err.retry };
  // Our own stream error: the server may do better on the next connection, so retry with backoff.
  if (err instanceof StreamViolation) return { error: streamViolationError(err), retry: 'backoff' };
  const e = (err ?? {}) as ErrorLike;
  const condition = e.condition ?? '';

  if (e.name === 'SASLError') {
    if (AUTH_CONDITIONS.has(condition)) {
      return {
        error: { kind: 'auth', reason: 'connection.authRefused', params: { condition: condition as AuthCondition } },
        retry: 'never',
      };
    }
    if (condition === 'temporary-auth-failure') {
      return { error: { kind: 'auth', reason: 'connection.authTemporary' }, retry: 'backoff' };
    }
    if (condition.startsWith('SASL: No compatible mechanism')) {
      return { error: { kind: 'auth', reason: 'connection.noMechanism' }, retry: 'never' };
    }
    return {
      error: { kind: 'auth', reason: 'connection.authFailed', params: { condition: condition || null } },
      retry: 'never',
    };
  }

  if (e.name === 'StreamError') {
    const known = STREAM_ERRORS.get(condition);
    if (known) return { error: { ...known.error }, retry: known.retry };
    return {
      error: { kind: 'protocol', reason: 'connection.streamError', params: { condition: condition || null } },
      retry: 'backoff',
    };
  }

  if (e.name === 'StanzaError' && condition === 'conflict') {
    return { error: { kind: 'conflict', reason: 'connection.resourceInUse' }, retry: 'new-resource' };
  }

  if (e.code && UNREACHABLE_CODES.has(e.code)) {
    return {
      error: { kind: 'unreachable', reason: 'connection.unreachable', params: { code: e.code as UnreachableCode } },
      retry: 'backoff',
    };
  }
  if (e.name === 'TimeoutError')
    return { error: { kind: 'unreachable', reason: 'connection.timeout' }, retry: 'backoff' };
  if (e.name === 'XMLError' || /xml|not-well-formed/i.test(e.message ?? '')) {
    return { error: { kind: 'protocol', reason: 'connection.malformedXml' }, retry: 'backoff' };
  }
  if (e.code?.startsWith('ERR_SSL') || e.code === 'EPROTO') {
    return { error: { kind: 'protocol', reason: 'connection.tlsFailed' }, retry: 'backoff' };
  }
  if (e.name === 'StanzaError') {
    return {
      error: { kind: 'protocol', reason: 'connection.requestRefused', params: { condition: condition || null } },
      retry: 'backoff',
    };
  }
  return {
    error: { kind: 'other', reason: 'connection.failed', params: { detail: e.message || null } },
    retry: 'backoff',
  };
}

const CERTIFICATE_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE|HOSTNAME_MISMATCH|ERROR_IN_CERT|ERR_TLS_CERT_ALTNAME_INVALID|ERR_JABBERWOCK_PIN)/;

/** True when a TLS error means "certificate not trusted" (as opposed to a broken handshake). */
export function isCertificateError(code: string | undefined): boolean {
  return !!code && CERTIFICATE_CODES.test(code);
}

/** Why a certificate was not trusted: the TLS code, the domain it had to be for, its validity as presented. */
export function certificateProblem(
  code: string | undefined,
  domain: string,
  cert?: PeerCertificate | null,
): CertificateProblem {
  return { code: code ?? null, domain, notBefore: cert?.valid_from || null, notAfter: cert?.valid_to || null };
}

/** Normalizes a fingerprint to upper-case colon-separated hex. */
export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

function distinguishedName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function isoDate(value: string | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The certificate as the trust prompt shows it. */
export function certificateInfo(
  cert: DetailedPeerCertificate | PeerCertificate,
  code: string | undefined,
  domain: string,
  pinned: string[],
): CertificateInfo {
  const fingerprint256 = normalizeFingerprint(cert.fingerprint256 ?? '');
  return {
    fingerprint256,
    subject: distinguishedName(cert.subject as unknown as Record<string, string>),
    issuer: distinguishedName(cert.issuer as unknown as Record<string, string>),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    problem: certificateProblem(code, domain, cert),
    changedFromPinned: pinned.length > 0 && !pinned.map(normalizeFingerprint).includes(fingerprint256),
  };
}
