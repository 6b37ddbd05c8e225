/** Why a connection failed, in words (ConnectionError: the core sends the reason and its parameters). */
import type { ConnectionError } from '../../../../shared/contract';
import type { CertificateProblem, ConnectionParams } from '../../../../shared/errors';
import { t } from '../../i18n';
import { formatNumber } from '../../i18n/format';

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

/** Why a certificate was not trusted. */
export function certificateProblemText({ code, domain, notBefore, notAfter }: CertificateProblem): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return t('errors.certificate.selfSigned');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return t('errors.certificate.untrustedIssuer');
    case 'CERT_HAS_EXPIRED':
      return notAfter ? t('errors.certificate.expiredOn', { date: notAfter }) : t('errors.certificate.expired');
    case 'CERT_NOT_YET_VALID':
      return notBefore
        ? t('errors.certificate.notYetValidFrom', { date: notBefore })
        : t('errors.certificate.notYetValid');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return t('errors.certificate.wrongName', { domain });
    case 'CERT_REVOKED':
      return t('errors.certificate.revoked');
    case 'ERR_JABBERWOCK_PIN':
      return t('errors.certificate.notPinned');
    default:
      return t('errors.certificate.unverified', { code: code ?? t('errors.connection.unknownReason') });
  }
}

export function connectionErrorText(error: ConnectionError): string {
  switch (error.reason) {
    case 'connection.authRefused':
      return t(`errors.connection.auth.${error.params.condition}`);
    case 'connection.authTemporary':
      return t('errors.connection.authTemporary');
    case 'connection.noMechanism':
      return t('errors.connection.noMechanism');
    case 'connection.authFailed':
      return t('errors.connection.authFailed', {
        condition: error.params.condition ?? t('errors.connection.unknownReason'),
      });
    case 'connection.accountRefused':
      return t('errors.connection.accountRefused');
    case 'connection.resourceTaken':
      return t('errors.connection.resourceTaken');
    case 'connection.resourceInUse':
      return t('errors.connection.resourceInUse');
    case 'connection.policyViolation':
      return t('errors.connection.policyViolation');
    case 'connection.serverShutdown':
      return t('errors.connection.serverShutdown');
    case 'connection.redirected':
      return t('errors.connection.redirected');
    case 'connection.hostUnknown':
      return t('errors.connection.hostUnknown');
    case 'connection.streamError':
      return t('errors.connection.streamError', {
        condition: error.params.condition ?? t('errors.connection.streamErrorNone'),
      });
    case 'connection.unreachable':
      return t(`errors.connection.unreachable.${error.params.code}`);
    case 'connection.timeout':
      return t('errors.connection.timeout');
    case 'connection.malformedXml':
      return t('errors.connection.malformedXml');
    case 'connection.tlsFailed':
      return t('errors.connection.tlsFailed');
    case 'connection.requestRefused':
      return t('errors.connection.requestRefused', { condition: error.params.condition ?? '' });
    case 'connection.failed':
      return error.params.detail
        ? t('errors.connection.failedDetail', { detail: error.params.detail })
        : t('errors.connection.failed');
    case 'connection.streamViolation':
      return streamViolationText(error.params);
    case 'connection.stoppedAnswering':
      return t('errors.connection.stoppedAnswering');
    case 'connection.badAck':
      return t('errors.connection.badAck');
    case 'connection.tlsUnavailable':
      return t('errors.connection.tlsUnavailable');
    case 'connection.starttlsFailed':
      return t('errors.connection.starttlsFailed');
    case 'connection.certificateUnverified':
      return t('errors.connection.certificateUnverified');
    case 'connection.tlsError':
      return t('errors.connection.tlsError', { detail: error.params.detail });
    case 'connection.pinnedChanged':
      return t('errors.connection.pinnedChanged');
    case 'connection.pinnedUsed':
      return t('errors.connection.pinnedUsed');
    case 'connection.certificateCode':
      return t('errors.connection.certificateCode', { code: error.params.code ?? '' });
    case 'connection.certificateNotTrusted':
      return withProblem(t('errors.connection.certificateNotTrusted'), error);
    case 'connection.certificateChanged':
      return withProblem(t('errors.connection.certificateChanged'), error);
    case 'connection.scramChallenge':
      return t('errors.connection.scramChallenge');
    case 'connection.scramMismatch':
      return t('errors.connection.scramMismatch');
    case 'connection.closed':
      return t('errors.connection.closed');
    case 'connection.signInTimeout':
      return t('errors.connection.signInTimeout');
    case 'connection.signInStalled':
      return t('errors.connection.signInStalled');
    case 'connection.lost':
      return t('errors.connection.lost');
    case 'connection.needsPassword':
      return t('errors.connection.needsPassword', { jid: error.params.jid });
  }
}

/** The sentence, followed by why the certificate was not trusted when the error says. */
function withProblem(sentence: string, error: ConnectionError): string {
  return error.certificate
    ? t('errors.connection.withProblem', { sentence, problem: certificateProblemText(error.certificate.problem) })
    : sentence;
}
