/** Messaging in words: why the server refused a message. */
import type { DeliveryError } from '../../../../shared/errors';
import { encryptFailureText } from './encryption';
import { t } from '../../i18n';

/** A message the server refused: its condition and the server's text (quoted as it came). */
export function deliveryErrorText({ condition, text, encryption }: DeliveryError): string {
  if (encryption) return encryptFailureText(encryption);
  const shown = condition ?? t('errors.delivery.unknownCondition');
  return text
    ? t('errors.delivery.failedSaid', { condition: shown, text })
    : t('errors.delivery.failed', { condition: shown });
}
