/** Subscription words shared by badges and buttons. */
import { t } from '../../i18n';

/** A badge's number: exact up to 999, then "999+". */
export function countText(count: number): string {
  return count > 999 ? '999+' : String(count);
}

/** "Contact requests, 3 waiting" / "…for Work" — the accessible name of a button that opens the inbox. */
export function requestsLabel(count: number, accountName?: string): string {
  if (accountName) {
    return count === 0
      ? t('subscriptions.requestsLabelForNone', { name: accountName })
      : t('subscriptions.requestsLabelFor', { name: accountName, count });
  }
  return count === 0 ? t('subscriptions.requestsLabelNone') : t('subscriptions.requestsLabel', { count });
}
