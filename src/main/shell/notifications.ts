/**
 * New-message notifications through Electron's Notification. The core decides when to notify
 * (notify-api.ts); here a notification is shown, kept referenced until it closes (so its click
 * handler is not garbage-collected), and a click opens the conversation.
 */
import { Notification } from 'electron';
import type { Logger } from '../core/log';
import type { MessageNotification, Notifier } from '../core/notify-api';

export function createElectronNotifier(
  onClick: (notification: MessageNotification) => void,
  log: Logger,
): Notifier | undefined {
  if (!Notification.isSupported()) {
    log.info('notifications are not supported on this desktop');
    return undefined;
  }
  const shown = new Set<Notification>();
  return {
    show(message) {
      // Text only: no HTML, no actions, nothing the message could make the OS interpret.
      const notification = new Notification({ title: message.title, body: message.body, silent: false });
      shown.add(notification);
      notification.on('click', () => onClick(message));
      notification.on('close', () => shown.delete(notification));
      notification.show();
    },
  };
}
