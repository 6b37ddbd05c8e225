/** Older history from the server's archive in words: why a page did not come (history.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

export function historyErrorText(error: AppErrorOf<DomainReason<'history'>>): string {
  switch (error.reason) {
    case 'history.offline':
      return t('history.errors.offline');
    case 'history.timeout':
      return t('history.errors.timeout');
    case 'history.refused':
      return t('history.errors.refused', { condition: error.params.condition });
  }
}
