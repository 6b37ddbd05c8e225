/** Account commands' errors in words (account.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';

/** `inField`: the words for the form field the error is about, where they differ. */
export function accountErrorText(error: AppErrorOf<DomainReason<'account'>>, inField = false): string {
  switch (error.reason) {
    case 'account.notFound':
      return 'There is no such account.';
    case 'account.exists':
      return inField ? 'This account is already set up.' : `${error.params.jid} is already set up.`;
    case 'account.jidTaken':
      return inField ? 'Another account uses this address.' : `${error.params.jid} is already set up.`;
    case 'account.disabled':
      return 'Enable the account first.';
    case 'account.passwordMissing':
      return 'Enter the password first.';
    case 'account.certificateNotPresented':
      return 'That is not the certificate the server presented; try connecting again.';
    case 'account.certificateNotPinned':
      return 'That certificate is not pinned.';
  }
}
