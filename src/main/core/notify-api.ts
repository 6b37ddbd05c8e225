/**
 * Desktop notifications for new messages, behind an interface: the core decides whether to notify
 * (window not focused, not do-not-disturb, a live message rather than history) and hands over who
 * wrote where, the shell words the title in the user's language, shows the notification and
 * reports a click, which opens the conversation.
 */
import type { ConversationKind, MessageView, OwnPresenceView } from '../../shared/contract';

export interface MessageNotification {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
  /** Who wrote: the contact's roster name (else address), or the nick in a room or private message. */
  sender: string;
  /** The room it was written in (a private message's room too); null in a chat. */
  room: string | null;
  /** The start of the message. */
  body: string;
}

/** Longest sender or room name in a notification; the rest is in the conversation. */
export const NOTIFICATION_NAME_MAX = 120;

export interface Notifier {
  show(notification: MessageNotification): void;
}

/** Longest notification text; the rest is in the conversation. */
export const NOTIFICATION_BODY_MAX = 200;

export interface NotificationPolicyDeps {
  notifier: Notifier;
  /** True while the user looks at the window. */
  windowFocused(): boolean;
  ownPresence(accountId: string): OwnPresenceView | undefined;
  /** The roster name of a contact, if any. */
  contactName(accountId: string, jid: string): string | null;
}

/** Decides for one incoming message; returns whether a notification was shown. */
export function notifyIncoming(deps: NotificationPolicyDeps, message: MessageView): boolean {
  if (message.direction !== 'in' || deps.windowFocused()) return false;
  if (deps.ownPresence(message.accountId)?.show === 'dnd') return false;
  const sender =
    message.kind === 'chat'
      ? (deps.contactName(message.accountId, message.conversation) ?? message.conversation)
      : message.from;
  const room =
    message.kind === 'groupchat'
      ? message.conversation
      : message.kind === 'pm'
        ? message.conversation.slice(0, message.conversation.indexOf('/'))
        : null;
  const body = message.body.startsWith('/me ') ? `* ${message.from} ${message.body.slice(4)}` : message.body;
  deps.notifier.show({
    accountId: message.accountId,
    conversation: message.conversation,
    kind: message.kind,
    sender: sender.slice(0, NOTIFICATION_NAME_MAX),
    room: room === null ? null : room.slice(0, NOTIFICATION_NAME_MAX),
    body: body.length > NOTIFICATION_BODY_MAX ? `${body.slice(0, NOTIFICATION_BODY_MAX - 1)}…` : body,
  });
  return true;
}
