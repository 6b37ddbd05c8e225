/**
 * When a new message becomes a desktop notification: not while the window is focused, not in
 * do-not-disturb, never for our own messages; with the contact's roster name, or the nick and the room
 * (the shell words the title).
 */
import { describe, expect, it } from 'vitest';
import type { MessageView, OwnPresenceView } from '../../../../src/shared/contract';
import { notifyIncoming, NOTIFICATION_BODY_MAX, type MessageNotification } from '../../../../src/main/core/notify-api';

function setup(options: { focused?: boolean; show?: OwnPresenceView['show'] } = {}) {
  const shown: MessageNotification[] = [];
  const deps = {
    notifier: { show: (n: MessageNotification) => void shown.push(n) },
    windowFocused: () => options.focused ?? false,
    ownPresence: (): OwnPresenceView => ({ show: options.show ?? 'available', status: null, priority: 0, auto: false }),
    contactName: (_accountId: string, jid: string) => (jid === 'romeo@example.org' ? 'Romeo' : null),
  };
  return { shown, deps };
}

const message = (fields: Partial<MessageView> = {}): MessageView => ({
  accountId: 'a1',
  id: 1,
  conversation: 'romeo@example.org',
  kind: 'chat',
  direction: 'in',
  from: 'romeo@example.org',
  body: 'Hello',
  at: 0,
  state: 'received',
  corrected: false,
  error: null,
  ...fields,
});

describe('message notifications', () => {
  it('notifies with the roster name when the window is not focused', () => {
    const { shown, deps } = setup();
    expect(notifyIncoming(deps, message())).toBe(true);
    expect(shown).toEqual([
      { accountId: 'a1', conversation: 'romeo@example.org', kind: 'chat', sender: 'Romeo', room: null, body: 'Hello' },
    ]);
  });

  it('stays quiet while the window is focused, in do-not-disturb, and for our own messages', () => {
    for (const [options, msg] of [
      [{ focused: true }, message()],
      [{ show: 'dnd' as const }, message()],
      [{}, message({ direction: 'out' })],
    ] as const) {
      const { shown, deps } = setup(options);
      expect(notifyIncoming(deps, msg)).toBe(false);
      expect(shown).toEqual([]);
    }
  });

  it('names rooms and private messages, renders /me, and caps long text', () => {
    const { shown, deps } = setup();
    notifyIncoming(
      deps,
      message({ kind: 'groupchat', conversation: 'tea@rooms.example', from: 'Juliet', body: '/me waves' }),
    );
    notifyIncoming(
      deps,
      message({ kind: 'pm', conversation: 'tea@rooms.example/Nurse', from: 'Nurse', body: 'x'.repeat(5000) }),
    );
    expect(shown[0]).toMatchObject({ sender: 'Juliet', room: 'tea@rooms.example', body: '* Juliet waves' });
    expect(shown[1]).toMatchObject({ sender: 'Nurse', room: 'tea@rooms.example', kind: 'pm' });
    expect(shown[1].body).toHaveLength(NOTIFICATION_BODY_MAX);
  });
});
