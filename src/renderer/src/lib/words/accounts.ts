/** Account commands' errors in words (account.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

/** `inField`: the words for the form field the error is about, where they differ. */
export function accountErrorText(error: AppErrorOf<DomainReason<'account'>>, inField = false): string {
  switch (error.reason) {
    case 'account.notFound':
      return t('errors.account.notFound');
    case 'account.exists':
      return inField ? t('errors.account.existsField') : t('errors.account.exists', { jid: error.params.jid });
    case 'account.jidTaken':
      return inField ? t('errors.account.jidTakenField') : t('errors.account.jidTaken', { jid: error.params.jid });
    case 'account.disabled':
      return t('errors.account.disabled');
    case 'account.passwordMissing':
      return t('errors.account.passwordMissing');
    case 'account.certificateNotPresented':
      return t('errors.account.certificateNotPresented');
    case 'account.certificateNotPinned':
      return t('errors.account.certificateNotPinned');
  }
}
