/**
 * Turns whatever went wrong on a connection into a ConnectionError the UI can show in words, plus
 * what to do next: retry with backoff, never retry automatically, or retry once with a new resource.
 */
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateInfo, ConnectionError } from '../../../shared/contract';
import { StreamViolation, type RefusedConstruct } from './stream/stream-limits';

/** backoff: try again later · long-backoff: the server asked us to back off · never: wait for the user ·
 *  new-resource: another client took our resource · immediate: retry at once (pinned certificate) */
export type RetryPolicy = 'backoff' | 'long-backoff' | 'never' | 'new-resource' | 'immediate';

/** A failure already classified by the session's own negotiation steps. */
export class SessionFailure extends Error {
  constructor(
    readonly error: ConnectionError,
    readonly retry: RetryPolicy,
  ) {
    super(error.message);
    this.name = 'SessionFailure';
  }
}

export const TLS_UNAVAILABLE_MESSAGE =
  'The server does not offer encryption (STARTTLS); Jabberwock will not send your password in plaintext.';

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

const AUTH_CONDITIONS: Record<string, string> = {
  'not-authorized': 'The server did not accept the password for this account (wrong password or unknown account).',
  'account-disabled': 'The server says this account is disabled.',
  'credentials-expired': 'The server says the password for this account has expired.',
  'invalid-authzid': 'The server refused the account name.',
  'encryption-required': 'The server requires stronger encryption for signing in.',
  'mechanism-too-weak': 'The server refused the sign-in method as too weak.',
  'invalid-mechanism': 'The server refused the sign-in method.',
};

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'The server refused the connection (nothing is listening on that address and port).',
  ENOTFOUND: 'The server could not be found (no address for that name).',
  EAI_AGAIN: 'The server name could not be looked up (DNS is not answering).',
  ETIMEDOUT: 'The server did not answer in time.',
  EHOSTUNREACH: 'The server is not reachable from this network.',
  ENETUNREACH: 'The network is unreachable.',
  ENETDOWN: 'The network is down.',
  ECONNRESET: 'The connection to the server was reset.',
  EPIPE: 'The connection to the server was broken.',
  ECONNABORTED: 'The connection to the server was aborted.',
};

/** What the stream guard refused, in words ("The server sent malformed XML (…)"). */
const REFUSED: Record<RefusedConstruct, string> = {
  doctype: 'a document type declaration',
  'entity-declaration': 'an entity declaration',
  comment: 'a comment',
  'processing-instruction': 'a processing instruction',
  'entity-reference': 'a custom entity reference',
  'invalid-utf8': 'text that is not valid UTF-8',
  'illegal-character': 'a character XML does not allow',
  'duplicate-attribute': 'an attribute given twice in one element',
  'mismatched-end-tag': 'an end tag that does not match its element',
  malformed: 'markup that is not well-formed',
  'stanza-size': 'a stanza',
  'stanza-depth': 'a stanza',
  'roster-item-size': 'a roster entry',
  'roster-items': 'a roster',
};

function sizeInWords(units: number): string {
  return units % 1024 === 0
    ? units >= 1024 * 1024
      ? `${units / 1024 / 1024} MiB`
      : `${units / 1024} KiB`
    : `${units}`;
}

/** The sentence the user reads after the stream guard ended a stream. */
export function streamViolationMessage(violation: StreamViolation): string {
  const { construct, detail = 0 } = violation;
  switch (construct) {
    case 'stanza-size':
    case 'roster-item-size':
      return `The server sent ${REFUSED[construct]} larger than Jabberwock accepts (over ${sizeInWords(detail)}).`;
    case 'stanza-depth':
      return `The server sent a stanza nested deeper than Jabberwock accepts (over ${detail} levels).`;
    case 'roster-items':
      return `The server sent a roster of more than ${detail.toLocaleString('en-US')} contacts, more than Jabberwock accepts.`;
    case 'illegal-character': {
      const code = detail > 0x10ffff ? 'beyond U+10FFFF' : `U+${detail.toString(16).toUpperCase().padStart(4, '0')}`;
      return `The server sent malformed XML (${REFUSED[construct]}: ${code}).`;
    }
    default:
      return violation.condition === 'restricted-xml'
        ? `The server sent XML that XMPP does not allow (${REFUSED[construct]}).`
        : `The server sent malformed XML (${REFUSED[construct]}).`;
  }
}

/** Classifies any error seen during connecting or while online. */
export function classifyError(err: unknown): Classified {
  if (err instanceof SessionFailure) return { error: err.error, retry: err.retry };
  // Our own stream error: the server may do better on the next connection, so retry with backoff.
  if (err instanceof StreamViolation) {
    return { error: { kind: 'protocol', message: streamViolationMessage(err) }, retry: 'backoff' };
  }
  const e = (err ?? {}) as ErrorLike;
  const condition = e.condition ?? '';

  if (e.name === 'SASLError') {
    if (AUTH_CONDITIONS[condition])
      return { error: { kind: 'auth', message: AUTH_CONDITIONS[condition] }, retry: 'never' };
    if (condition === 'temporary-auth-failure') {
      return {
        error: { kind: 'auth', message: 'The server could not sign in right now (temporary failure).' },
        retry: 'backoff',
      };
    }
    if (condition.startsWith('SASL: No compatible mechanism')) {
      return {
        error: { kind: 'auth', message: 'The server offers no sign-in method Jabberwock supports.' },
        retry: 'never',
      };
    }
    return {
      error: { kind: 'auth', message: `Signing in failed (${condition || 'unknown reason'}).` },
      retry: 'never',
    };
  }

  if (e.name === 'StreamError') {
    switch (condition) {
      case 'conflict':
        return {
          error: {
            kind: 'conflict',
            message: 'Another client signed in with the same resource and took over this connection.',
          },
          retry: 'new-resource',
        };
      case 'not-authorized':
        return { error: { kind: 'auth', message: 'The server refused this account.' }, retry: 'never' };
      case 'policy-violation':
        return {
          error: {
            kind: 'protocol',
            message: 'The server closed the connection for a policy violation (e.g. rate limits).',
          },
          retry: 'long-backoff',
        };
      case 'system-shutdown':
        return { error: { kind: 'protocol', message: 'The server is shutting down.' }, retry: 'backoff' };
      case 'see-other-host':
        return {
          error: {
            kind: 'protocol',
            message: 'The server redirected to another host; Jabberwock does not follow redirects.',
          },
          retry: 'backoff',
        };
      case 'host-unknown':
        return {
          error: { kind: 'protocol', message: "The server does not serve this account's domain." },
          retry: 'backoff',
        };
      default:
        return {
          error: { kind: 'protocol', message: `The server ended the stream (${condition || 'stream error'}).` },
          retry: 'backoff',
        };
    }
  }

  if (e.name === 'StanzaError' && condition === 'conflict') {
    return {
      error: { kind: 'conflict', message: 'The server refused our resource because it is in use.' },
      retry: 'new-resource',
    };
  }

  if (e.code && UNREACHABLE_CODES[e.code])
    return { error: { kind: 'unreachable', message: UNREACHABLE_CODES[e.code] }, retry: 'backoff' };
  if (e.name === 'TimeoutError')
    return { error: { kind: 'unreachable', message: 'The server did not answer in time.' }, retry: 'backoff' };
  if (e.name === 'XMLError' || /xml|not-well-formed/i.test(e.message ?? '')) {
    return { error: { kind: 'protocol', message: 'The server sent malformed XML.' }, retry: 'backoff' };
  }
  if (e.code?.startsWith('ERR_SSL') || e.code === 'EPROTO') {
    return {
      error: { kind: 'protocol', message: 'Could not establish an encrypted connection with the server.' },
      retry: 'backoff',
    };
  }
  if (e.name === 'StanzaError') {
    return {
      error: { kind: 'protocol', message: `The server refused a request while signing in (${condition}).` },
      retry: 'backoff',
    };
  }
  return {
    error: { kind: 'other', message: e.message ? `Connection failed: ${e.message}` : 'Connection failed.' },
    retry: 'backoff',
  };
}

const CERTIFICATE_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE|HOSTNAME_MISMATCH|ERROR_IN_CERT|ERR_TLS_CERT_ALTNAME_INVALID|ERR_JABBERWOCK_PIN)/;

/** True when a TLS error means "certificate not trusted" (as opposed to a broken handshake). */
export function isCertificateError(code: string | undefined): boolean {
  return !!code && CERTIFICATE_CODES.test(code);
}

/** Why a certificate was not trusted, in words. */
export function certificateReason(code: string | undefined, domain: string, cert?: PeerCertificate | null): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'The certificate is self-signed: no authority this computer trusts vouches for it.';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return 'The certificate was issued by an authority this computer does not trust.';
    case 'CERT_HAS_EXPIRED':
      return `The certificate expired${cert?.valid_to ? ` on ${cert.valid_to}` : ''}.`;
    case 'CERT_NOT_YET_VALID':
      return `The certificate is not valid yet${cert?.valid_from ? ` (valid from ${cert.valid_from})` : ''}.`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return `The certificate is for a different server name, not ${domain}.`;
    case 'CERT_REVOKED':
      return 'The certificate has been revoked.';
    case 'ERR_JABBERWOCK_PIN':
      return 'The certificate is not the one trusted for this account.';
    default:
      return `The certificate could not be verified (${code ?? 'unknown reason'}).`;
  }
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
    reason: certificateReason(code, domain, cert),
    changedFromPinned: pinned.length > 0 && !pinned.map(normalizeFingerprint).includes(fingerprint256),
  };
}
