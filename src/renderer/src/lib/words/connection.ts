/** Why a connection failed, in words (ConnectionError: the core sends the reason and its parameters). */
import type { ConnectionError } from '../../../../shared/contract';
import type { AuthCondition, CertificateProblem, ConnectionParams, UnreachableCode } from '../../../../shared/errors';

const AUTH_CONDITIONS: Readonly<Record<AuthCondition, string>> = {
  'not-authorized': 'The server did not accept the password for this account (wrong password or unknown account).',
  'account-disabled': 'The server says this account is disabled.',
  'credentials-expired': 'The server says the password for this account has expired.',
  'invalid-authzid': 'The server refused the account name.',
  'encryption-required': 'The server requires stronger encryption for signing in.',
  'mechanism-too-weak': 'The server refused the sign-in method as too weak.',
  'invalid-mechanism': 'The server refused the sign-in method.',
};

const UNREACHABLE: Readonly<Record<UnreachableCode, string>> = {
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

type Construct = ConnectionParams['connection.streamViolation']['construct'];

/** What the stream guard refused ("The server sent malformed XML (…)"). */
const REFUSED: Readonly<Record<Construct, string>> = {
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
function streamViolationText({ construct, condition, detail }: ConnectionParams['connection.streamViolation']): string {
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
      return condition === 'restricted-xml'
        ? `The server sent XML that XMPP does not allow (${REFUSED[construct]}).`
        : `The server sent malformed XML (${REFUSED[construct]}).`;
  }
}

/** Why a certificate was not trusted. */
export function certificateProblemText({ code, domain, notBefore, notAfter }: CertificateProblem): string {
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
      return `The certificate expired${notAfter ? ` on ${notAfter}` : ''}.`;
    case 'CERT_NOT_YET_VALID':
      return `The certificate is not valid yet${notBefore ? ` (valid from ${notBefore})` : ''}.`;
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

export function connectionErrorText(error: ConnectionError): string {
  switch (error.reason) {
    case 'connection.authRefused':
      return AUTH_CONDITIONS[error.params.condition];
    case 'connection.authTemporary':
      return 'The server could not sign in right now (temporary failure).';
    case 'connection.noMechanism':
      return 'The server offers no sign-in method Jabberwock supports.';
    case 'connection.authFailed':
      return `Signing in failed (${error.params.condition ?? 'unknown reason'}).`;
    case 'connection.accountRefused':
      return 'The server refused this account.';
    case 'connection.resourceTaken':
      return 'Another client signed in with the same resource and took over this connection.';
    case 'connection.resourceInUse':
      return 'The server refused our resource because it is in use.';
    case 'connection.policyViolation':
      return 'The server closed the connection for a policy violation (e.g. rate limits).';
    case 'connection.serverShutdown':
      return 'The server is shutting down.';
    case 'connection.redirected':
      return 'The server redirected to another host; Jabberwock does not follow redirects.';
    case 'connection.hostUnknown':
      return "The server does not serve this account's domain.";
    case 'connection.streamError':
      return `The server ended the stream (${error.params.condition ?? 'stream error'}).`;
    case 'connection.unreachable':
      return UNREACHABLE[error.params.code];
    case 'connection.timeout':
      return 'The server did not answer in time.';
    case 'connection.malformedXml':
      return 'The server sent malformed XML.';
    case 'connection.tlsFailed':
      return 'Could not establish an encrypted connection with the server.';
    case 'connection.requestRefused':
      return `The server refused a request while signing in (${error.params.condition ?? ''}).`;
    case 'connection.failed':
      return error.params.detail ? `Connection failed: ${error.params.detail}` : 'Connection failed.';
    case 'connection.streamViolation':
      return streamViolationText(error.params);
    case 'connection.stoppedAnswering':
      return 'The server stopped answering.';
    case 'connection.badAck':
      return 'The server acknowledged messages that were never sent.';
    case 'connection.tlsUnavailable':
      return 'The server does not offer encryption (STARTTLS); Jabberwock will not send your password in plaintext.';
    case 'connection.starttlsFailed':
      return 'The server could not start encryption (STARTTLS failed); Jabberwock will not continue without it.';
    case 'connection.certificateUnverified':
      return 'The server certificate could not be verified.';
    case 'connection.tlsError':
      return `Could not establish an encrypted connection: ${error.params.detail}`;
    case 'connection.pinnedChanged':
      return 'The pinned certificate changed.';
    case 'connection.pinnedUsed':
      return 'Using the pinned certificate.';
    case 'connection.certificateCode':
      return `The server's certificate is not trusted (${error.params.code ?? ''}).`;
    case 'connection.certificateNotTrusted':
      return `The server's certificate is not trusted.${problem(error)}`;
    case 'connection.certificateChanged':
      return `The server's certificate changed and is not the one you trusted.${problem(error)}`;
    case 'connection.scramChallenge':
      return 'The server sent an unusable SCRAM challenge.';
    case 'connection.scramMismatch':
      return 'The server could not prove it knows the password (SCRAM server signature mismatch).';
    case 'connection.closed':
      return 'The server closed the connection.';
    case 'connection.signInTimeout':
      return 'The server did not complete the sign-in in time.';
    case 'connection.signInStalled':
      return 'The server stopped answering while signing in.';
    case 'connection.lost':
      return 'The connection to the server was lost.';
    case 'connection.needsPassword':
      return `Enter the password for ${error.params.jid} to connect. It was not saved on this computer.`;
  }
}

function problem(error: ConnectionError): string {
  return error.certificate ? ` ${certificateProblemText(error.certificate.problem)}` : '';
}
