/** Subscription commands' errors in words (subscription.*). */
import type { AppError, AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

/**
 * `causeText` words why a block failed; `inField`: the words for the form field the error is about,
 * where they differ.
 */
export function subscriptionErrorText(
  error: AppErrorOf<DomainReason<'subscription'>>,
  causeText: (cause: AppError) => string,
  inField = false,
): string {
  switch (error.reason) {
    case 'subscription.notConnected':
      return t('errors.subscription.notConnected');
    case 'subscription.noBlocking':
      return t('errors.subscription.noBlocking');
    case 'subscription.requestGone':
      return t('errors.subscription.requestGone');
    case 'subscription.answerNotSent':
      return t('errors.subscription.answerNotSent');
    case 'subscription.notBlocked':
      return t('errors.subscription.notBlocked', { cause: causeText(error.params.cause) });
    case 'subscription.ownAddress':
      return inField ? t('errors.subscription.ownAddressField') : t('errors.subscription.ownAddress');
    case 'subscription.requestNotSent':
      return t('errors.subscription.requestNotSent');
    case 'subscription.changeNotSent':
      return t('errors.subscription.changeNotSent');
  }
}
