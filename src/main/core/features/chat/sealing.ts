/**
 * Outgoing messages that must be encrypted: each is encrypted (for every usable device of the
 * contact and our other devices) before the outbox writes it, and the outbox waits for it. The row
 * keeps the plaintext; the encrypted children live in memory until the server acknowledged the
 * message (a restart encrypts again). A message that cannot be encrypted is never sent in the clear:
 * it fails with the reason, and the user chooses to retry (or, asked, to send it in the clear).
 */
import xml, { type Element } from '@xmpp/xml';
import type { EncryptionFailure } from '../../../../shared/contract';
import type { Logger } from '../../log';
import type { StoredMessage } from '../../store/messages-repo';
import type { EncryptResult } from '../../encryption/types';
import type { AccountChat } from './accounts';
import type { ChatEncryptionPort } from './encryption-port';
import { sealedBody } from './sealed-replies';
import type { MessageWrites } from './writes';

export interface SealsOptions {
  encryption: ChatEncryptionPort;
  writes: MessageWrites;
  log: Logger;
  /** A message was encrypted (or failed): the outbox goes on. */
  sealed(account: AccountChat): void;
}

export class OutgoingSeals {
  /** Encrypted children by message id, with the body they were made for (a queued message can be corrected). */
  private readonly ready = new Map<number, { body: string; children: Element[] }>();
  private readonly working = new Set<number>();

  constructor(private readonly options: SealsOptions) {}

  /**
   * The encrypted children of `message` (fresh copies: an element has one parent), or null while
   * they are being made; the first call starts making them.
   */
  children(account: AccountChat, message: StoredMessage): Element[] | null {
    const ready = this.ready.get(message.id);
    if (ready && ready.body === sealedBody(message)) return ready.children.map(copyOf);
    if (!this.working.has(message.id)) {
      this.working.add(message.id);
      void this.seal(account, message);
    }
    return null;
  }

  /** The message was acknowledged, failed or is queued again: its children are not needed (or stale). */
  forget(id: number): void {
    this.ready.delete(id);
  }

  private async seal(account: AccountChat, message: StoredMessage): Promise<void> {
    const { encryption, writes, log } = this.options;
    let result: EncryptResult;
    const body = sealedBody(message);
    try {
      result = await encryption.encryptMessage(account.accountId, message.conversation, body);
    } catch (error) {
      // Stays queued: the next flush (a new message, the next session) tries again.
      log.warn('encrypting a message failed unexpectedly', { accountId: account.accountId, error });
      this.working.delete(message.id);
      return;
    }
    this.working.delete(message.id);
    if (result.ok) {
      this.ready.set(message.id, { body, children: result.children });
    } else if (result.reason === 'not-connected') {
      // The account's encryption is not online (yet): the outbox is flushed again when it is.
      return;
    } else {
      writes.setState(message.id, 'failed', {
        condition: null,
        text: null,
        encryption: failureOf(result, message.conversation),
      });
    }
    this.options.sealed(account);
  }
}

/** Why it failed, with the contact's devices left out counted by why. */
function failureOf(result: Extract<EncryptResult, { ok: false }>, conversation: string): EncryptionFailure {
  // In a room, the member the reason is about.
  const contact = result.jid ?? conversation;
  const skipped: EncryptionFailure['skipped'] = {};
  for (const { device, reason } of result.skipped) {
    if (device.jid === contact) skipped[reason] = (skipped[reason] ?? 0) + 1;
  }
  const reason = result.reason === 'not-connected' ? 'device-list-unavailable' : result.reason;
  return {
    reason,
    skipped,
    ...(result.jid !== undefined && result.jid !== conversation ? { member: result.jid } : {}),
  };
}

/** A deep copy of an element (an element has one parent; a message may be written more than once). */
function copyOf(element: Element): Element {
  return xml(
    element.name,
    { ...element.attrs },
    ...element.children.map((child) => (typeof child === 'string' ? child : copyOf(child))),
  );
}
