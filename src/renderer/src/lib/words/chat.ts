/** Messaging in words: the commands' errors (chat.*) and why the server refused a message. */
import type { AppErrorOf, DeliveryError, DomainReason } from '../../../../shared/errors';
import { encryptFailureText } from './encryption';

/** `inField`: the words for the form field the error is about, where they differ. */
export function chatErrorText(error: AppErrorOf<DomainReason<'chat'>>, inField = false): string {
  switch (error.reason) {
    case 'chat.invalidAddress':
      return inField ? 'Not a valid address.' : 'That is not a valid address for this kind of conversation.';
    case 'chat.notAnAddress':
      return 'That is not a valid address.';
    case 'chat.notStored':
      return 'The message could not be stored.';
    case 'chat.notYours':
      return 'Only your own messages in this conversation can be corrected.';
    case 'chat.correctOffline':
      return 'Connect the account to correct a message that was already sent.';
    case 'chat.correctionNotSent':
      return 'The connection dropped before the correction was sent.';
    case 'chat.messageGone':
      return 'That message is gone.';
    case 'chat.noSuchMessage':
      return 'There is no such message to send again.';
  }
}

/** A message the server refused: its condition and the server's text. */
export function deliveryErrorText({ condition, text, encryption }: DeliveryError): string {
  if (encryption) return encryptFailureText(encryption);
  return `The message was not delivered (${condition ?? 'error'})${text ? `: ${text}` : '.'}`;
}
