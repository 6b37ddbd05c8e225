/**
 * Retraction (XEP-0424) of our own messages, and retractions and moderations (XEP-0425) received.
 * A retracted message keeps its row (so replies and the conversation's order stay) with its body
 * emptied: the search index forgets it, its reactions go, and it shows as removed everywhere.
 *
 * - Ours: only our own sent message; the retraction names it as others know it (the room's
 *   stanza-id in rooms, its origin-id in chats), in both versions (1, and 0 inside a fastening for
 *   older clients), with the fallback body and a store hint.
 * - Received: only from the original's sender (the contact in a chat; in a room the same
 *   occupant-id where the room assigns them, else the same nick), and a moderation only from the
 *   room itself, about a message of that room.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ConversationKind, MessageView } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { MessagesRepository } from '../../store/messages-repo';
import { NS_FALLBACK, NS_FASTEN, NS_HINTS, NS_RETRACT, NS_RETRACT_LEGACY } from '../../xmpp/ns';
import { readModeration } from '../muc/moderation';
import { view, type AccountChat } from './accounts';
import type { Inbox } from './inbox';
import { referenceOf, sendAbout } from './message-about';
import type { MessageWrites } from './writes';

/** The fallback body XEP-0424 gives clients without retraction (protocol text, not shown by us). */
const RETRACTION_FALLBACK = "This person attempted to retract a previous message, but it's unsupported by your client.";

/** Who sent a retraction, as the incoming path established it. */
export interface RetractionSender {
  conversation: string;
  kind: ConversationKind;
  /** The room itself (a moderation), not an occupant. */
  fromRoom: boolean;
  /** A bare JID in chats, a nick in rooms. */
  author: string;
  /** The sender's occupant-id, from a room that assigns them. */
  occupantId: string | null;
  /** It is our own (a room's reflection of our retraction). */
  own: boolean;
}

export class Retractions {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly writes: MessageWrites,
    private readonly inbox: Inbox,
  ) {}

  /** Takes back our message `id`. */
  async retract(account: AccountChat, id: number): Promise<Result<MessageView>> {
    const message = this.repo.get(id);
    if (!message || message.accountId !== account.accountId) return fail('not_found', 'chat.noSuchMessage');
    if (message.direction !== 'out') return fail('forbidden', 'replies.notOwn');
    if (message.retracted) return ok(view(message));
    // Not written yet: it would go out after its retraction.
    if (message.state === 'queued' && !account.inFlight.has(message.stanzaId))
      return fail('conflict', 'replies.notSent');
    const reference = referenceOf(message);
    if (reference === null) return fail('conflict', 'replies.noReference');
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return fail('not_connected', 'replies.offline');
    const sent = await sendAbout(xmpp, message, [
      xml('retract', { xmlns: NS_RETRACT, id: reference }),
      xml('apply-to', { xmlns: NS_FASTEN, id: reference }, xml('retract', { xmlns: NS_RETRACT_LEGACY })),
      xml('fallback', { xmlns: NS_FALLBACK, for: NS_RETRACT }),
      xml('body', {}, RETRACTION_FALLBACK),
      xml('store', { xmlns: NS_HINTS }),
    ]);
    if (!sent) return fail('not_connected', 'replies.notSent');
    this.repo.reactions.retract(message.id, 'sender');
    const updated = this.repo.get(message.id)!;
    this.writes.changed(updated);
    return ok(view(updated));
  }

  /** An incoming retraction or moderation; false when the stanza carries neither. */
  received(account: AccountChat, stanza: Element, sender: RetractionSender): boolean {
    const moderation = readModeration(stanza);
    const id = moderation?.id ?? retractedId(stanza);
    if (id === null) return false;
    // A moderation counts only from the room; an occupant's <moderated/> is not one.
    if (moderation !== null && !sender.fromRoom) return true;
    if (moderation === null && sender.fromRoom) return true;
    this.inbox.flush(account); // the original may still be waiting in this turn
    const target = this.repo.reactions.referenced(account.accountId, sender.conversation, sender.kind, id);
    if (!target || target.retracted) return true;
    if (moderation === null) {
      const byAuthor =
        target.direction === 'out'
          ? sender.own
          : target.occupantId !== null && sender.occupantId !== null
            ? target.occupantId === sender.occupantId
            : target.sender === sender.author && !sender.own;
      if (!byAuthor) return true;
    }
    this.repo.reactions.retract(target.id, moderation ? 'moderator' : 'sender');
    const updated = this.repo.get(target.id);
    if (updated) this.writes.changed(updated);
    return true;
  }
}

/** The id a retraction names: version 1, or version 0 inside a fastening. */
export function retractedId(stanza: Element): string | null {
  const retract = stanza.getChild('retract', NS_RETRACT);
  const legacy = stanza.getChild('apply-to', NS_FASTEN);
  const id = retract ? retract.attrs.id : legacy?.getChild('retract', NS_RETRACT_LEGACY) ? legacy.attrs.id : null;
  return typeof id === 'string' && id !== '' && id.length <= 256 ? id : null;
}
