/** Presence commands' errors in words (presence.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

export function presenceErrorText(error: AppErrorOf<DomainReason<'presence'>>): string {
  switch (error.reason) {
    case 'presence.invalidAddress':
      return t('errors.presence.invalidAddress');
    case 'presence.notOnline':
      return t('errors.presence.notOnline');
    case 'presence.notSent':
      return t('errors.presence.notSent');
  }
}
