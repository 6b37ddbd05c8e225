/** App notices in words: the core sends codes (AppNoticeView), the renderer says what they mean. */
import type { AppNoticeView, StoreFailure } from '../../../../shared/contract';

const FAILURES: Record<StoreFailure, string> = {
  full: 'the disk is full',
  io: 'the disk reported an error',
  readonly: 'the data file is read-only',
  busy: 'the data file is in use by another program',
  corrupt: 'the data file is damaged',
  other: 'of an unexpected error (see the log)',
};

export function noticeText(notice: AppNoticeView): { title: string; detail: string } {
  switch (notice.code) {
    case 'store.recovered': {
      const kept =
        notice.accountsKept === 0
          ? 'No account could be read back from it: add your accounts again.'
          : notice.accountsKept === 1
            ? 'Your account was kept, with its settings.'
            : `${notice.accountsKept} accounts were kept, with their settings.`;
      return {
        title: 'Jabberwock repaired its damaged data file.',
        detail: `${kept} Contacts, bookmarks and recent messages are fetched again from the server. The damaged file was kept as ${notice.keptAs}.`,
      };
    }
    case 'store.damaged':
      return {
        title: 'Jabberwock found damage in its data file.',
        detail:
          'Restart Jabberwock to repair it: your accounts and settings are kept, and contacts and recent messages are fetched again from the server.',
      };
    case 'store.writeFailed':
      return {
        title: `Received messages could not be saved because ${FAILURES[notice.reason]}.`,
        detail:
          'Nothing is lost: they are fetched again from the server once saving works, and messages you send wait until then.',
      };
  }
}
