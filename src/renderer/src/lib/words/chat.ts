/** Messaging in words: the commands' errors (chat.*) and why the server refused a message. */
import type { AppErrorOf, DeliveryError, DomainReason } from '../../../../shared/errors';
import { encryptFailureText } from './encryption';
import { t } from '../../i18n';

/** `inField`: the words for the form field the error is about, where they differ. */
export function chatErrorText(error: AppErrorOf<DomainReason<'chat'>>, inField = false): string {
  switch (error.reason) {
    case 'chat.invalidAddress':
      return inField ? t('errors.chat.invalidAddressField') : t('errors.chat.invalidAddress');
    case 'chat.notAnAddress':
      return t('errors.chat.notAnAddress');
    case 'chat.notStored':
      return t('errors.chat.notStored');
    case 'chat.notYours':
      return t('errors.chat.notYours');
    case 'chat.correctOffline':
      return t('errors.chat.correctOffline');
    case 'chat.correctionNotSent':
      return t('errors.chat.correctionNotSent');
    case 'chat.messageGone':
      return t('errors.chat.messageGone');
    case 'chat.noSuchMessage':
      return t('errors.chat.noSuchMessage');
  }
}

/** A message the server refused: its condition and the server's text (quoted as it came). */
export function deliveryErrorText({ condition, text, encryption }: DeliveryError): string {
  if (encryption) return encryptFailureText(encryption);
  const shown = condition ?? t('errors.delivery.unknownCondition');
  return text
    ? t('errors.delivery.failedSaid', { condition: shown, text })
    : t('errors.delivery.failed', { condition: shown });
}
