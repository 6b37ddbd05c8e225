/** Why a connection failed, in words (ConnectionError: the core sends the reason and its parameters). */
import type { ConnectionError } from '../../../../shared/contract';
import type { CertificateProblem, ConnectionParams } from '../../../../shared/errors';
import { t, type MessageKey } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import { reasonText, type OwnWords } from './reason';

type Construct = ConnectionParams['connection.streamViolation']['construct'];

function sizeInWords(units: number): string {
  return units % 1024 === 0
    ? units >= 1024 * 1024
      ? `${formatNumber(units / 1024 / 1024)} MiB`
      : `${formatNumber(units / 1024)} KiB`
    : formatNumber(units);
}

/** What the stream guard refused, as a noun ("a comment"). */
function refusedText(
  construct: Exclude<Construct, 'stanza-size' | 'stanza-depth' | 'roster-item-size' | 'roster-items'>,
) {
  return t(`errors.connection.refused.${construct}`);
}

/** The sentence the user reads after the stream guard ended a stream. */
function streamViolationText({ construct, condition, detail }: ConnectionParams['connection.streamViolation']): string {
  switch (construct) {
    case 'stanza-size':
      return t('errors.connection.stanzaSize', { size: sizeInWords(detail) });
    case 'roster-item-size':
      return t('errors.connection.rosterItemSize', { size: sizeInWords(detail) });
    case 'stanza-depth':
      return t('errors.connection.stanzaDepth', { levels: formatNumber(detail) });
    case 'roster-items':
      return t('errors.connection.rosterItems', { count: formatNumber(detail) });
    case 'illegal-character': {
      const code =
        detail > 0x10ffff
          ? t('errors.connection.beyondUnicode')
          : `U+${detail.toString(16).toUpperCase().padStart(4, '0')}`;
      return t('errors.connection.illegalCharacter', { code });
    }
    default:
      return condition === 'restricted-xml'
        ? t('errors.connection.restrictedXml', { what: refusedText(construct) })
        : t('errors.connection.malformedXmlWhat', { what: refusedText(construct) });
  }
}

/** The TLS codes worded without the certificate's details. */
const CERTIFICATE_PROBLEMS = new Map<string, MessageKey>([
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'errors.certificate.selfSigned'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'errors.certificate.selfSigned'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'errors.certificate.untrustedIssuer'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'errors.certificate.untrustedIssuer'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'errors.certificate.untrustedIssuer'],
  ['CERT_UNTRUSTED', 'errors.certificate.untrustedIssuer'],
  ['CERT_REVOKED', 'errors.certificate.revoked'],
  ['ERR_JABBERWOCK_PIN', 'errors.certificate.notPinned'],
]);

/** Why a certificate was not trusted. */
export function certificateProblemText({ code, domain, notBefore, notAfter }: CertificateProblem): string {
  const plain = code === null ? undefined : CERTIFICATE_PROBLEMS.get(code);
  if (plain) return t(plain);
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return notAfter ? t('errors.certificate.expiredOn', { date: notAfter }) : t('errors.certificate.expired');
    case 'CERT_NOT_YET_VALID':
      return notBefore
        ? t('errors.certificate.notYetValidFrom', { date: notBefore })
        : t('errors.certificate.notYetValid');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return t('errors.certificate.wrongName', { domain });
    default:
      return t('errors.certificate.unverified', { code: code ?? t('errors.connection.unknownReason') });
  }
}

/** Connection failures whose catalog sentence needs more: a condition the server may leave out, a certificate. */
const CONNECTION_WORDS = {
  'connection.authRefused': (error) => t(`errors.connection.auth.${error.params.condition}`),
  'connection.authFailed': (error) =>
    t('errors.connection.authFailed', { condition: error.params.condition ?? t('errors.connection.unknownReason') }),
  'connection.streamError': (error) =>
    t('errors.connection.streamError', {
      condition: error.params.condition ?? t('errors.connection.streamErrorNone'),
    }),
  'connection.unreachable': (error) => t(`errors.connection.unreachable.${error.params.code}`),
  'connection.requestRefused': (error) =>
    t('errors.connection.requestRefused', { condition: error.params.condition ?? '' }),
  'connection.failed': (error) =>
    error.params.detail
      ? t('errors.connection.failedDetail', { detail: error.params.detail })
      : t('errors.connection.failed'),
  'connection.streamViolation': (error) => streamViolationText(error.params),
  'connection.certificateCode': (error) => t('errors.connection.certificateCode', { code: error.params.code ?? '' }),
  'connection.certificateNotTrusted': (error) => withProblem(t('errors.connection.certificateNotTrusted'), error),
  'connection.certificateChanged': (error) => withProblem(t('errors.connection.certificateChanged'), error),
} satisfies OwnWords<ConnectionError>;

export function connectionErrorText(error: ConnectionError): string {
  return reasonText(error, CONNECTION_WORDS);
}

/** The sentence, followed by why the certificate was not trusted when the error says. */
function withProblem(sentence: string, error: ConnectionError): string {
  return error.certificate
    ? t('errors.connection.withProblem', { sentence, problem: certificateProblemText(error.certificate.problem) })
    : sentence;
}
