/**
 * Message corrections (XEP-0308): our last message replaced (one still queued is simply changed
 * before it goes out; a sent one gets a correction stanza), and a correction from the sender of the
 * original, in the same conversation, replacing its body.
 */
import { randomUUID } from 'node:crypto';
import xml from '@xmpp/xml';
import type { MessageView, ParsedInput } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { MessagesRepository } from '../../store/messages-repo';
import { NS_CORRECT } from '../../xmpp/ns';
import { conversationOf, view, type AccountChat } from './accounts';
import type { Inbox } from './inbox';
import type { MessageWrites } from './writes';

export class Corrections {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly writes: MessageWrites,
    private readonly inbox: Inbox,
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
      const stanza = xml(
        'message',
        { to: original.conversation, type: original.kind === 'groupchat' ? 'groupchat' : 'chat', id: randomUUID() },
        xml('body', {}, input.body),
        xml('replace', { xmlns: NS_CORRECT, id: original.stanzaId }),
      );
      try {
        await xmpp.send(stanza);
      } catch {
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
    this.writes.changed(updated);
    return ok(view(updated));
  }

  /** A received correction; false when there is no original of that sender to correct (stored as new then). */
  received(account: AccountChat, conversation: string, sender: string, replaceId: string, body: string): boolean {
    this.inbox.flush(account); // the original may still be waiting in this turn
    const updated = this.repo.correct(account.accountId, conversation, sender, replaceId, body);
    if (!updated) return false;
    this.writes.changed(updated);
    return true;
  }
}
