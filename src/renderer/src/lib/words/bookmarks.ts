/** Bookmark commands' errors in words (bookmark.*; refused requests are worded in requests.ts). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

export function bookmarkErrorText(error: AppErrorOf<DomainReason<'bookmark'>>): string {
  switch (error.reason) {
    case 'bookmark.notConnected':
      return t('errors.bookmark.notConnected');
    case 'bookmark.notReadYet':
      return t('errors.bookmark.notReadYet');
    case 'bookmark.unsupported':
      return t('errors.bookmark.unsupported');
    case 'bookmark.notFound':
      return t('errors.bookmark.notFound', { room: error.params.room });
  }
}
