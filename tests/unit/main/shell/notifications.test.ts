/**
 * Notifications with `electron` stubbed: the options per platform (inline reply and "Mark as read"
 * where the OS delivers them), the answers wired to the contract's commands, and the one-time
 * close-to-tray hint.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessengerApi } from '../../../../src/main/core/messenger-api';
import type { MessageNotification } from '../../../../src/main/core/notify-api';

const electron = vi.hoisted(() => ({
  supported: true,
  shown: [] as (EventEmitter & { options: Record<string, unknown>; show: ReturnType<typeof vi.fn> })[],
  showMessageBox: vi.fn(async () => ({ response: 0 })),
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeNotification extends Emitter {
    static isSupported = () => electron.supported;
    show = vi.fn();
    constructor(public options: Record<string, unknown>) {
      super();
      electron.shown.push(this as never);
    }
  }
  return { Notification: FakeNotification, dialog: { showMessageBox: electron.showMessageBox } };
});

import {
  createElectronNotifier,
  messengerNotificationHandlers,
  notificationActionSupport,
  notificationOptions,
  notificationTitle,
} from '../../../../src/main/shell/notifications';
import { shellWords } from '../../../../src/main/shell/words';

const english = shellWords('en');
const words = () => english;
import { createTrayHint, showTrayHint, trayHintText } from '../../../../src/main/shell/tray-hint';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), child: () => log };

const ROMEO: MessageNotification = {
  accountId: 'a1',
  conversation: 'romeo@example.org',
  kind: 'chat',
  sender: 'Romeo',
  room: null,
  body: 'Wherefore art thou?',
};
const ROOM: MessageNotification = {
  accountId: 'a1',
  conversation: 'balcony@rooms.example.org',
  kind: 'groupchat',
  sender: 'Juliet',
  room: 'balcony@rooms.example.org',
  body: 'Here',
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  electron.supported = true;
  electron.shown.length = 0;
  vi.clearAllMocks();
});

describe('what a notification offers', () => {
  it('macOS: an inline reply and "Mark as read"; Windows (Electron 39) and Linux: a click only', () => {
    expect(notificationActionSupport('darwin')).toEqual({ reply: true, markRead: true });
    expect(notificationActionSupport('win32')).toEqual({ reply: false, markRead: false });
    expect(notificationActionSupport('linux')).toEqual({ reply: false, markRead: false });
    expect(notificationOptions(ROMEO, notificationActionSupport('darwin'), english)).toEqual({
      title: 'Romeo',
      body: 'Wherefore art thou?',
      silent: false,
      hasReply: true,
      replyPlaceholder: 'Reply…',
      actions: [{ type: 'button', text: 'Mark as read' }],
    });
    expect(notificationOptions(ROMEO, notificationActionSupport('linux'), english)).toEqual({
      title: 'Romeo',
      body: 'Wherefore art thou?',
      silent: false,
    });
  });

  it('words who wrote where in the chosen language', () => {
    expect(notificationTitle(ROMEO, english)).toBe('Romeo');
    expect(notificationTitle(ROOM, english)).toBe('Juliet in balcony@rooms.example.org');
    const pm = { ...ROOM, kind: 'pm' as const, sender: 'Nurse' };
    expect(notificationTitle(pm, english)).toBe('Nurse (private, balcony@rooms.example.org)');
    expect(notificationTitle(ROOM, shellWords('de'))).toBe('Juliet in balcony@rooms.example.org');
    expect(notificationTitle(pm, shellWords('fr'))).toBe('Nurse (privé, balcony@rooms.example.org)');
    expect(notificationOptions(ROMEO, notificationActionSupport('darwin'), shellWords('ru'))).toMatchObject({
      replyPlaceholder: 'Ответить…',
      actions: [{ type: 'button', text: 'Отметить как прочитанное' }],
    });
  });

  it('shows nothing where the desktop has no notifications', () => {
    electron.supported = false;
    expect(createElectronNotifier({ open: vi.fn(), reply: vi.fn(), markRead: vi.fn() }, log, words)).toBeUndefined();
  });
});

describe('answers to a notification', () => {
  function notifier() {
    const handlers = { open: vi.fn(), reply: vi.fn(), markRead: vi.fn() };
    const shown = createElectronNotifier(handlers, log, words, { reply: true, markRead: true })!;
    return { handlers, shown };
  }

  it('a click opens, a reply replies, the first action marks read', () => {
    const { handlers, shown } = notifier();
    shown.show(ROMEO);
    const [notification] = electron.shown;
    expect(notification.show).toHaveBeenCalled();
    notification.emit('click', {});
    expect(handlers.open).toHaveBeenCalledWith(ROMEO);
    notification.emit('reply', {}, 'Here, below the balcony');
    expect(handlers.reply).toHaveBeenCalledWith(ROMEO, 'Here, below the balcony');
    notification.emit('action', {}, 0);
    expect(handlers.markRead).toHaveBeenCalledWith(ROMEO);
  });

  it('reads the reply and the action index from the event too (newer Electron), and ignores an empty reply', () => {
    const { handlers, shown } = notifier();
    shown.show(ROMEO);
    const [notification] = electron.shown;
    notification.emit('reply', { reply: 'from the event' });
    notification.emit('reply', {}, '   ');
    expect(handlers.reply.mock.calls).toEqual([[ROMEO, 'from the event']]);
    notification.emit('action', { actionIndex: 0 });
    notification.emit('action', {}, 3);
    expect(handlers.markRead).toHaveBeenCalledTimes(1);
  });
});

describe('carrying the answers out through the contract', () => {
  function fakeMessenger(sendResult: unknown = { ok: true, value: {} }) {
    const invoke = vi.fn(async (command: unknown) =>
      command === 'message.send' ? sendResult : { ok: true, value: null },
    );
    return { invoke } as unknown as MessengerApi & { invoke: typeof invoke };
  }

  it('a reply goes out with message.send to the conversation of the notification, then marks it read', async () => {
    const messenger = fakeMessenger();
    const open = vi.fn();
    const handlers = messengerNotificationHandlers(() => messenger, open, log);
    handlers.reply(ROOM, 'Coming');
    await flush();
    expect(messenger.invoke.mock.calls).toEqual([
      [
        'message.send',
        { accountId: 'a1', conversation: 'balcony@rooms.example.org', kind: 'groupchat', body: 'Coming' },
      ],
      ['conversation.markRead', { accountId: 'a1', conversation: 'balcony@rooms.example.org' }],
    ]);
    expect(open).not.toHaveBeenCalled();
  });

  it('a reply that is refused opens the conversation and is not marked read', async () => {
    const messenger = fakeMessenger({ ok: false, error: { code: 'not_found', message: 'There is no such account.' } });
    const open = vi.fn();
    messengerNotificationHandlers(() => messenger, open, log).reply(ROMEO, 'hello');
    await flush();
    expect(messenger.invoke).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith(ROMEO);
    expect(log.warn).toHaveBeenCalledWith('the reply from a notification was not sent', expect.anything());
  });

  it('"Mark as read" runs conversation.markRead; nothing happens before the core is up', async () => {
    const messenger = fakeMessenger();
    let current: MessengerApi | null = null;
    const handlers = messengerNotificationHandlers(() => current, vi.fn(), log);
    handlers.markRead(ROMEO);
    handlers.reply(ROMEO, 'early');
    current = messenger;
    handlers.markRead(ROMEO);
    await flush();
    expect(messenger.invoke.mock.calls).toEqual([
      ['conversation.markRead', { accountId: 'a1', conversation: 'romeo@example.org' }],
    ]);
  });
});

describe('the close-to-tray hint', () => {
  it('shows once, remembers it, and is never shown again once remembered', () => {
    let remembered = false;
    const show = vi.fn();
    const hint = createTrayHint({
      wasShown: () => remembered,
      markShown: () => (remembered = true),
      show,
      words,
      platform: 'win32',
    });
    hint();
    hint();
    expect(show).toHaveBeenCalledTimes(1);
    expect(show.mock.calls[0][0]).toEqual(trayHintText('win32', english));
    expect(remembered).toBe(true);

    const later = vi.fn();
    createTrayHint({ wasShown: () => true, markShown: vi.fn(), show: later, words })();
    expect(later).not.toHaveBeenCalled();
  });

  it('says where the icon is and how to quit', () => {
    expect(trayHintText('linux', english)).toEqual({
      title: 'Jabberwock is still running in the tray',
      body: 'You stay online and get notifications. To quit, click the Jabberwock icon in the tray and choose Quit in its menu.',
      ok: 'OK',
    });
    expect(trayHintText('darwin', english).title).toBe('Jabberwock is still running in the menu bar');
    expect(trayHintText('darwin', english).body).toContain('⌘Q');
  });

  it('is a quiet notification, or a message box where there are no notifications', () => {
    showTrayHint(trayHintText('linux', english));
    expect(electron.shown).toHaveLength(1);
    expect(electron.shown[0].options).toMatchObject({ title: 'Jabberwock is still running in the tray', silent: true });
    expect(electron.shown[0].show).toHaveBeenCalled();
    electron.supported = false;
    showTrayHint(trayHintText('linux', english));
    expect(electron.shown).toHaveLength(1);
    expect(electron.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Jabberwock is still running in the tray' }),
    );
  });
});
