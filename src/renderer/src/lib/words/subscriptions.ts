/** Subscription commands' errors in words (subscription.*). */
import type { AppError, AppErrorOf, DomainReason } from '../../../../shared/errors';

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
      return 'This account is not connected; connect it to answer or send requests.';
    case 'subscription.noBlocking':
      return 'This account’s server does not offer blocking (XEP-0191).';
    case 'subscription.requestGone':
      return 'There is no pending request from this address (it may have been answered).';
    case 'subscription.answerNotSent':
      return 'The connection dropped before the answer was sent.';
    case 'subscription.notBlocked':
      return `Refused, but not blocked: ${causeText(error.params.cause)}`;
    case 'subscription.ownAddress':
      return inField ? 'That is your own address.' : 'That is this account’s own address.';
    case 'subscription.requestNotSent':
      return 'The contact was added, but the connection dropped before the request was sent.';
    case 'subscription.changeNotSent':
      return 'The connection dropped before the change was sent.';
  }
}
