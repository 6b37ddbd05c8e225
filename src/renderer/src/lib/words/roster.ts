/** Roster commands' errors in words (roster.*). */
import type { AppError, AppErrorOf, DomainReason } from '../../../../shared/errors';

/** `causeText` words the error a partial rename stopped at. */
export function rosterErrorText(
  error: AppErrorOf<DomainReason<'roster'>>,
  causeText: (cause: AppError) => string,
): string {
  switch (error.reason) {
    case 'roster.notConnected':
      return 'This account is not connected; connect it to change the roster.';
    case 'roster.renamePartial': {
      const { changed, total, cause } = error.params;
      return `Renamed the group for ${changed} of ${total} contacts. ${causeText(cause)}`;
    }
  }
}
