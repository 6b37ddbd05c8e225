/**
 * New-message notifications through Electron's Notification. The core decides when to notify
 * (notify-api.ts); here a notification is shown, kept referenced until it closes (so its handlers
 * are not garbage-collected), and the user's answer is carried out: a click opens the conversation,
 * an inline reply is sent through the normal message.send command, "Mark as read" marks it read.
 */
import { Notification } from 'electron';
import type { NotificationConstructorOptions } from 'electron';
import type { Logger } from '../core/log';
import type { MessengerApi } from '../core/messenger-api';
import type { MessageNotification, Notifier } from '../core/notify-api';
import type { ShellWords } from './words';

export interface NotificationHandlers {
  open(notification: MessageNotification): void;
  reply(notification: MessageNotification, text: string): void;
  markRead(notification: MessageNotification): void;
}

/** Which answers the OS lets a notification carry. */
export interface NotificationActionSupport {
  reply: boolean;
  markRead: boolean;
}

/**
 * macOS notifications carry an inline reply and buttons. Electron 39 reports only a click for a
 * Windows toast (its buttons and reply box arrive from Electron 40 on), and Linux notification
 * servers get no actions from Electron: there a click opens the conversation, which is the reply.
 */
export function notificationActionSupport(platform: NodeJS.Platform): NotificationActionSupport {
  const actions = platform === 'darwin';
  return { reply: actions, markRead: actions };
}

/** Who wrote where, in words: "Romeo", "Juliet in tea@rooms.example", "Nurse (private, tea@…)". */
export function notificationTitle(message: MessageNotification, words: ShellWords): string {
  if (message.room === null) return message.sender;
  const key = message.kind === 'pm' ? 'notification.private' : 'notification.inRoom';
  return words.text(key, { nick: message.sender, room: message.room });
}

/** Text only: no HTML, nothing the message could make the OS interpret. */
export function notificationOptions(
  message: MessageNotification,
  support: NotificationActionSupport,
  words: ShellWords,
): NotificationConstructorOptions {
  return {
    title: notificationTitle(message, words),
    body: message.body,
    silent: false,
    ...(support.reply ? { hasReply: true, replyPlaceholder: words.text('notification.reply') } : {}),
    ...(support.markRead ? { actions: [{ type: 'button' as const, text: words.text('notification.markRead') }] } : {}),
  };
}

/** Electron passes the reply and the action index as arguments, and newer versions on the event too. */
function replyText(event: unknown, reply: unknown): string | null {
  if (typeof reply === 'string') return reply;
  const fromEvent = (event as { reply?: unknown } | null)?.reply;
  return typeof fromEvent === 'string' ? fromEvent : null;
}

function actionIndex(event: unknown, index: unknown): number | null {
  if (typeof index === 'number') return index;
  const fromEvent = (event as { actionIndex?: unknown } | null)?.actionIndex;
  return typeof fromEvent === 'number' ? fromEvent : null;
}

export function createElectronNotifier(
  handlers: NotificationHandlers,
  log: Logger,
  /** The words in the user's language when a notification is shown. */
  words: () => ShellWords,
  support: NotificationActionSupport = notificationActionSupport(process.platform),
): Notifier | undefined {
  if (!Notification.isSupported()) {
    log.info('notifications are not supported on this desktop');
    return undefined;
  }
  const shown = new Set<Notification>();
  return {
    show(message) {
      const notification = new Notification(notificationOptions(message, support, words()));
      shown.add(notification);
      notification.on('click', () => handlers.open(message));
      notification.on('reply', (event: unknown, reply?: unknown) => {
        const text = replyText(event, reply);
        if (text !== null && text.trim() !== '') handlers.reply(message, text);
      });
      notification.on('action', (event: unknown, index?: unknown) => {
        if (actionIndex(event, index) === 0) handlers.markRead(message);
      });
      notification.on('close', () => shown.delete(notification));
      notification.show();
    },
  };
}

/**
 * The answers, carried out through the contract like any command from the window (validated the
 * same way). A reply marks the conversation read; a reply that cannot be sent opens the conversation,
 * where the failed message shows.
 */
export function messengerNotificationHandlers(
  getMessenger: () => MessengerApi | null,
  openConversation: (notification: MessageNotification) => void,
  log: Logger,
): NotificationHandlers {
  const markRead = async (message: MessageNotification) => {
    const result = await getMessenger()?.invoke('conversation.markRead', {
      accountId: message.accountId,
      conversation: message.conversation,
    });
    if (result && !result.ok) log.warn('could not mark the conversation read', { error: result.error });
  };
  return {
    open: openConversation,
    reply(message, text) {
      const messenger = getMessenger();
      if (!messenger) return;
      void messenger
        .invoke('message.send', {
          accountId: message.accountId,
          conversation: message.conversation,
          kind: message.kind,
          body: text,
        })
        .then((result) => {
          if (result.ok) return markRead(message);
          log.warn('the reply from a notification was not sent', { error: result.error });
          openConversation(message);
        });
    },
    markRead(message) {
      void markRead(message);
    },
  };
}
