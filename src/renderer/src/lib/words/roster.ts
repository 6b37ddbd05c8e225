/** Roster commands' errors in words (roster.*). */
import type { AppError, AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

/** `causeText` words the error a partial rename stopped at. */
export function rosterErrorText(
  error: AppErrorOf<DomainReason<'roster'>>,
  causeText: (cause: AppError) => string,
): string {
  switch (error.reason) {
    case 'roster.notConnected':
      return t('errors.roster.notConnected');
    case 'roster.renamePartial': {
      const { changed, total, cause } = error.params;
      return t('errors.roster.renamePartial', { changed, total, cause: causeText(cause) });
    }
  }
}
