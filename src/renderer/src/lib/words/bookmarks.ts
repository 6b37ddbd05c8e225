/** Bookmark commands' errors in words (bookmark.*; refused requests are worded in requests.ts). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';

export function bookmarkErrorText(error: AppErrorOf<DomainReason<'bookmark'>>): string {
  switch (error.reason) {
    case 'bookmark.notConnected':
      return 'This account is not connected; connect it to change its bookmarks.';
    case 'bookmark.notReadYet':
      return 'The bookmarks could not be read from the server yet; try again in a moment.';
    case 'bookmark.unsupported':
      return 'This account’s server does not store bookmarks.';
    case 'bookmark.notFound':
      return `There is no bookmark for ${error.params.room}.`;
  }
}
