/** Presence commands' errors in words (presence.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';

export function presenceErrorText(error: AppErrorOf<DomainReason<'presence'>>): string {
  switch (error.reason) {
    case 'presence.invalidAddress':
      return 'Not a valid address.';
    case 'presence.notOnline':
      return 'This account is not online (or set to offline); connect it first.';
    case 'presence.notSent':
      return 'The connection dropped before the presence was sent.';
  }
}
