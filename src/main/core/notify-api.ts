/**
 * Desktop notifications for new messages, behind an interface: the core decides whether to notify
 * (window not focused, not do-not-disturb, a live message rather than history), the shell shows
 * the notification and reports a click, which opens the conversation.
 */
import type { ConversationKind, MessageView, OwnPresenceView } from '../../shared/contract';

export interface MessageNotification {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
  /** Who wrote: a contact's name, or "nick in room". */
  title: string;
  /** The start of the message. */
  body: string;
}

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
  const title =
    message.kind === 'chat'
      ? (deps.contactName(message.accountId, message.conversation) ?? message.conversation)
      : message.kind === 'groupchat'
        ? `${message.from} in ${message.conversation}`
        : `${message.from} (private, ${message.conversation.slice(0, message.conversation.indexOf('/'))})`;
  const body = message.body.startsWith('/me ') ? `* ${message.from} ${message.body.slice(4)}` : message.body;
  deps.notifier.show({
    accountId: message.accountId,
    conversation: message.conversation,
    kind: message.kind,
    title: title.slice(0, 120),
    body: body.length > NOTIFICATION_BODY_MAX ? `${body.slice(0, NOTIFICATION_BODY_MAX - 1)}…` : body,
  });
  return true;
}
