/** Words for conversations and messages: names, states, typing, counts. */
import type { ConversationKind, MessageState, MessageView } from '../../../../shared/contract';
import { visibleNick } from '../../lib/muc-nick';
import { cap, DISPLAY_MAX } from '../../lib/text';
import type { TypingView } from '../../stores/chat';
import { t } from '../../i18n';

export const STATE_ICONS: Readonly<Record<MessageState, string>> = {
  queued: '○',
  sent: '✓',
  delivered: '✓✓',
  failed: '!',
  received: '',
};

/**
 * A message's state in words and as its mark. In a room, "delivered" only means that the room sent
 * our message back to us, as it does to everyone in it (nobody confirmed receiving it): it reads
 * "Sent to the room", marked with one tick.
 */
export function messageState(message: Pick<MessageView, 'kind' | 'state'>): { words: string; icon: string } {
  if (message.kind === 'groupchat' && message.state === 'delivered') {
    return { words: t('chat.state.sentToRoom'), icon: '✓' };
  }
  return { words: t(`chat.state.${message.state}`), icon: STATE_ICONS[message.state] };
}

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
  return t('chat.privateName', {
    nick: visibleNick(nick).text,
    room: cap(lookup.room?.(room)?.trim() || localPart(room), DISPLAY_MAX),
  });
}

/** Who wrote a message, as shown: a nick in rooms, the contact's name in chats, our own name for ours. */
export function senderName(message: MessageView, contactName: string, ownName: string): string {
  if (message.kind !== 'chat') return visibleNick(message.from).text;
  return message.direction === 'out' ? ownName : contactName;
}

/** "Bob is typing…", "Bob and Carol are typing…", "Bob has stopped typing." — or null. */
export function typingText(list: readonly TypingView[], name: (from: string) => string): string | null {
  const composing = list.filter((one) => one.state === 'composing').map((one) => name(one.from));
  if (composing.length === 1) return t('chat.typing.one', { name: composing[0] });
  if (composing.length === 2) return t('chat.typing.two', { first: composing[0], second: composing[1] });
  if (composing.length > 2) return t('chat.typing.many', { count: composing.length });
  const paused = list.filter((one) => one.state === 'paused');
  if (paused.length === 1) return t('chat.typing.paused', { name: name(paused[0].from) });
  return null;
}

export function unreadLabel(count: number): string {
  return t('chat.unread', count);
}

/**
 * New messages elsewhere as they are announced: "New message from Bob", "3 new messages in tea",
 * "5 new messages in 2 conversations".
 */
export function newMessagesText(news: readonly { name: string; room: boolean; count: number }[]): string {
  const total = news.reduce((sum, n) => sum + n.count, 0);
  if (news.length !== 1) return t('chat.news.several', total, { conversations: news.length });
  const [only] = news;
  return t(only.room ? 'chat.news.in' : 'chat.news.from', only.count, { name: only.name });
}
