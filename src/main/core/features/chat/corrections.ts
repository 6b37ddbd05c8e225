/**
 * Message corrections (XEP-0308): our last message replaced (one still queued is simply changed
 * before it goes out; a sent one gets a correction stanza, encrypted when the original was, never
 * in the clear then), and a correction from the sender of the original, in the same conversation,
 * travelling as the original did (encrypted or not), replacing its body.
 */
import xml, { type Element } from '@xmpp/xml';
import type { MessageEncryption, MessageView, ParsedInput } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { MessagesRepository } from '../../store/messages-repo';
import { NS_CORRECT } from '../../xmpp/ns';
import { conversationOf, view, type AccountChat } from './accounts';
import type { ChatEncryptionPort } from './encryption-port';
import type { Inbox } from './inbox';
import { sendAbout } from './message-about';
import type { OutgoingSeals } from './sealing';
import type { MessageWrites } from './writes';

export class Corrections {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly writes: MessageWrites,
    private readonly inbox: Inbox,
    private readonly encryption?: { port: ChatEncryptionPort; seals: OutgoingSeals },
  ) {}

  /** Replaces the body of our message `id` in this conversation. */
  async correct(account: AccountChat, input: ParsedInput<'message.send'>, id: number): Promise<Result<MessageView>> {
    const original = this.repo.get(id);
    const target = conversationOf(input.conversation, input.kind);
    if (
      !original ||
      original.accountId !== input.accountId ||
      original.direction !== 'out' ||
      original.conversation !== target
    ) {
      return fail('not_found', 'chat.notYours');
    }
    if (original.state !== 'queued' || account.inFlight.has(original.stanzaId)) {
      const xmpp = onlineClient(account.xmpp);
      if (!xmpp) return fail('not_connected', 'chat.correctOffline');
      let content: Element[] = [xml('body', {}, input.body)];
      if (original.encryption) {
        const sealed = await this.encryption?.port.encryptMessage(input.accountId, original.conversation, input.body);
        if (!sealed) return fail('not_connected', 'chat.correctionNotSent');
        if (!sealed.ok) {
          if (sealed.reason === 'not-connected') return fail('not_connected', 'chat.correctOffline');
          return fail('conflict', 'encryption.notSent', { reason: sealed.reason });
        }
        content = sealed.children;
      }
      const replace = xml('replace', { xmlns: NS_CORRECT, id: original.stanzaId });
      if (!(await sendAbout(xmpp, original, [...content, replace]))) {
        return fail('not_connected', 'chat.correctionNotSent');
      }
    }
    const updated = this.repo.correct(
      original.accountId,
      original.conversation,
      original.from,
      original.stanzaId,
      input.body,
    );
    if (!updated) return fail('not_found', 'chat.messageGone');
    this.encryption?.seals.forget(updated.id); // a queued one is encrypted again with its new text
    this.writes.changed(updated);
    return ok(view(updated));
  }

  /**
   * A received correction (`encryption`: how it travelled, null in the clear); false when there is
   * no original of that sender that travelled the same way (it is stored as a new message then).
   */
  received(
    account: AccountChat,
    conversation: string,
    sender: string,
    replaceId: string,
    body: string,
    encryption: MessageEncryption | null = null,
  ): boolean {
    this.inbox.flush(account); // the original may still be waiting in this turn
    const updated = this.repo.correct(account.accountId, conversation, sender, replaceId, body, encryption);
    if (!updated) return false;
    this.writes.changed(updated);
    return true;
  }
}
