/**
 * What chat needs of end-to-end encryption (the encryption layer implements it; without one, chat
 * sends and stores everything in the clear as before). Chat checks each envelope (carbons from our
 * bare JID, archive results for our query) before it hands a message over, and names its author.
 */
import type { Element } from '@xmpp/xml';
import type { DecryptResult, EncryptResult, IncomingContext } from '../../encryption/types';

export interface ChatEncryptionPort {
  /** Whether `message` carries an encrypted element of a protocol we implement (cheap, synchronous). */
  isEncrypted(message: Element): boolean;
  /** Whether its encrypted element carries a text (not only keys). */
  carriesText(message: Element): boolean;
  /** Never throws: an unreadable message comes back as 'undecryptable' with a reason. */
  decryptMessage(accountId: string, message: Element, context: IncomingContext): Promise<DecryptResult>;
  /** The children of an outgoing message to `to` (a bare JID), or why there are none. */
  encryptMessage(accountId: string, to: string, body: string): Promise<EncryptResult>;
  /** The children of an empty message carrying keys only (the answer to a pre-key message), or null. */
  keyTransport(accountId: string, to: string): Promise<Element[] | null>;
  /**
   * Whether a new message to this one-to-one conversation must be encrypted: the user's choice, or,
   * without one, whether the contact has devices (that default is then kept as the choice, so a
   * conversation never falls back to the clear by itself). 'pending': a room whose configuration,
   * members and their devices are being read, without the user's choice: the message waits for them
   * (kept encrypted meanwhile) and is decided then. `waited`: asked for such a message: a room that
   * could not be read keeps it encrypted (it fails, and the user is asked), as the clear is only for
   * a room known not to allow encryption.
   */
  encryptsTo(accountId: string, conversation: string, waited?: boolean): boolean | 'pending';
}
