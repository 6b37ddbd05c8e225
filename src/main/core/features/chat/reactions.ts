/**
 * Reactions (XEP-0444): each reactor's whole set of emojis on a message, replaced by their next
 * set. Who reacted is the stanza's sender, never the payload: the contact's bare JID in a chat, in a
 * room the occupant-id (XEP-0421) when the room assigns them, else the nick; ours (and our other
 * clients' or the room's reflection of ours) are kept as ours. A set is kept to the limits: at most
 * REACTIONS_PER_REACTOR_MAX distinct reactions of at most REACTION_LENGTH_MAX characters each, and
 * a message gathers at most REACTIONS_PER_MESSAGE_MAX distinct emojis. A set from an older archive
 * page was sent before any set the reactor has on the message: it never replaces one.
 */
import xml, { type Element } from '@xmpp/xml';
import {
  REACTION_LENGTH_MAX,
  REACTIONS_PER_MESSAGE_MAX,
  REACTIONS_PER_REACTOR_MAX,
  type ConversationKind,
  type MessageView,
  type ParsedInput,
} from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { MessagesRepository } from '../../store/messages-repo';
import { OWN_REACTOR } from '../../store/reactions-repo';
import { NS_HINTS, NS_REACTIONS } from '../../xmpp/ns';
import { view, type AccountChat } from './accounts';
import type { Inbox } from './inbox';
import { referenceOf, sendAbout } from './message-about';
import type { MessageWrites } from './writes';

/** Who sent a reaction, as the incoming path established it. */
export interface Reactor {
  conversation: string;
  kind: ConversationKind;
  /** OWN_REACTOR for us; else a bare JID, `occupant-id:<id>` or `nick:<nick>`. */
  key: string;
  /** Shown for who reacted: the bare JID or the nick. */
  name: string;
}

/** A reaction set kept to the limits: trimmed, not empty, not too long, distinct, not too many. */
export function keptReactions(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (const text of raw) {
    const emoji = text.trim();
    if (emoji === '' || emoji.length > REACTION_LENGTH_MAX || kept.includes(emoji)) continue;
    kept.push(emoji);
    if (kept.length === REACTIONS_PER_REACTOR_MAX) break;
  }
  return kept;
}

export class Reactions {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly writes: MessageWrites,
    private readonly inbox: Inbox,
    private readonly now: () => number,
  ) {}

  /** Sends our whole set of reactions to a message and keeps it. */
  async react(account: AccountChat, input: ParsedInput<'message.react'>): Promise<Result<MessageView>> {
    const message = this.repo.get(input.id);
    if (!message || message.accountId !== account.accountId) return fail('not_found', 'chat.noSuchMessage');
    const reference = referenceOf(message);
    if (reference === null) return fail('conflict', 'replies.noReference');
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return fail('not_connected', 'replies.offline');
    const emojis = keptReactions(input.emojis);
    const sent = await sendAbout(xmpp, message, [
      xml('reactions', { xmlns: NS_REACTIONS, id: reference }, ...emojis.map((e) => xml('reaction', {}, e))),
      xml('store', { xmlns: NS_HINTS }),
    ]);
    if (!sent) return fail('not_connected', 'replies.notSent');
    this.repo.reactions.set(message.id, OWN_REACTOR, '', emojis, this.now());
    const updated = this.repo.get(message.id)!;
    this.writes.changed(updated);
    return ok(view(updated));
  }

  /** An incoming set of reactions (`older`: from an older archive page); false when the stanza carries none. */
  received(account: AccountChat, stanza: Element, reactor: Reactor, older = false): boolean {
    const element = stanza.getChild('reactions', NS_REACTIONS);
    if (!element) return false;
    const id = element.attrs.id;
    if (typeof id !== 'string' || id === '' || id.length > 256) return true;
    // More reactions than a set may hold is not a set we keep: drop it whole.
    const children = element.getChildren('reaction');
    if (children.length > REACTIONS_PER_REACTOR_MAX * 2) return true;
    this.inbox.flush(account); // the message may still be waiting in this turn
    const target = this.repo.reactions.referenced(account.accountId, reactor.conversation, reactor.kind, id);
    if (!target || target.retracted) return true;
    let emojis = keptReactions(children.map((child) => child.text()));
    const present = this.repo.reactions.distinct(target.id);
    const room = REACTIONS_PER_MESSAGE_MAX - present.size;
    const fresh = emojis.filter((emoji) => !present.has(emoji));
    if (fresh.length > room) emojis = emojis.filter((emoji) => present.has(emoji) || fresh.indexOf(emoji) < room);
    if (!this.repo.reactions.set(target.id, reactor.key, reactor.name, emojis, this.now(), older)) return true;
    const updated = this.repo.get(target.id);
    if (updated) this.writes.changed(updated);
    return true;
  }
}
