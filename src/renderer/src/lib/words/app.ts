/**
 * The app itself in words: its notices (the core sends codes, AppNoticeView), and the errors of the
 * app, its store and its commands (app.*, store.*).
 */
import type { AppNoticeView, StoreFailure } from '../../../../shared/contract';
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';

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

/** A store write refused where the user acted: what happened and what to do. */
const WRITE_FAILURES: Record<StoreFailure, string> = {
  full: 'The disk is full, so Jabberwock could not save this. Free some space and try again.',
  io: 'The disk reported an error, so Jabberwock could not save this. Try again; if it keeps failing, check the disk.',
  readonly: 'Jabberwock’s data file cannot be written (it is read-only), so this was not saved.',
  busy: 'Jabberwock’s data file is in use by another program, so this was not saved. Try again.',
  corrupt: 'Jabberwock’s data file is damaged. Restart Jabberwock to repair it.',
  other: 'Jabberwock could not save this; the details are in the log.',
};

export function appErrorText(error: AppErrorOf<DomainReason<'app'> | DomainReason<'store'>>): string {
  switch (error.reason) {
    case 'app.unknownCommand':
      return 'Unknown command.';
    case 'app.unexpected':
      return 'Something went wrong inside Jabberwock; the details are in the log.';
    case 'app.ipcFailed':
      return 'Something went wrong.';
    case 'app.bridgeFailed':
      return 'The command failed unexpectedly.';
    case 'app.untrustedSender':
      return 'This window may not use Jabberwock.';
    case 'app.linkLost':
      return 'The connection to Jabberwock was lost. Try again in a moment.';
    case 'app.linkDown':
      return 'Not connected to Jabberwock right now. Try again in a moment.';
    case 'app.closing':
      return 'Jabberwock is closing.';
    case 'app.noticeGone':
      return 'That notice is already gone.';
    case 'store.writeFailed':
      return WRITE_FAILURES[error.params.failure];
  }
}
