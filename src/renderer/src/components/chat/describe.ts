/** Words for conversations and messages: names, states, typing, counts. */
import type { ConversationKind, MessageState, MessageView } from '../../../../shared/contract';
import { visibleNick } from '../../lib/muc-nick';
import { cap, DISPLAY_MAX } from '../../lib/text';
import type { TypingView } from '../../stores/chat';

export const STATE_WORDS: Readonly<Record<MessageState, string>> = {
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not sent',
  received: 'Received',
};

export const STATE_ICONS: Readonly<Record<MessageState, string>> = {
  queued: '○',
  sent: '✓',
  delivered: '✓✓',
  failed: '!',
  received: '',
};

/** The room and the nick of a private-message conversation ("room@service/nick"). */
export function splitPm(conversation: string): { room: string; nick: string } {
  const slash = conversation.indexOf('/');
  return slash < 0
    ? { room: conversation, nick: '' }
    : { room: conversation.slice(0, slash), nick: conversation.slice(slash + 1) };
}

function localPart(jid: string): string {
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}

/**
 * A conversation's name: the contact's roster name (else its address), the room's bookmark name
 * (else its local part), or "nick (room)" for a private message.
 */
export function conversationName(
  kind: ConversationKind,
  conversation: string,
  lookup: { contact?: (jid: string) => string | undefined; room?: (jid: string) => string | null | undefined },
): string {
  if (kind === 'chat') return cap(lookup.contact?.(conversation) ?? conversation, DISPLAY_MAX);
  if (kind === 'groupchat') return cap(lookup.room?.(conversation)?.trim() || localPart(conversation), DISPLAY_MAX);
  const { room, nick } = splitPm(conversation);
  return `${visibleNick(nick).text} (${cap(lookup.room?.(room)?.trim() || localPart(room), DISPLAY_MAX)})`;
}

/** Who wrote a message, as shown: a nick in rooms, the contact's name in chats, our own name for ours. */
export function senderName(message: MessageView, contactName: string, ownName: string): string {
  if (message.kind !== 'chat') return visibleNick(message.from).text;
  return message.direction === 'out' ? ownName : contactName;
}

/** "Bob is typing…", "Bob and Carol are typing…", "Bob has stopped typing." — or null. */
export function typingText(list: readonly TypingView[], name: (from: string) => string): string | null {
  const composing = list.filter((t) => t.state === 'composing').map((t) => name(t.from));
  if (composing.length === 1) return `${composing[0]} is typing…`;
  if (composing.length === 2) return `${composing[0]} and ${composing[1]} are typing…`;
  if (composing.length > 2) return `${composing.length} people are typing…`;
  const paused = list.filter((t) => t.state === 'paused');
  if (paused.length === 1) return `${name(paused[0].from)} has stopped typing.`;
  return null;
}

export function unreadLabel(count: number): string {
  return count === 1 ? '1 unread message' : `${count} unread messages`;
}
