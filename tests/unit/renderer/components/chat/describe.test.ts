/**
 * Message states in words: a room's reflection of our message is "sent to the room", not
 * "delivered"; new messages elsewhere as they are announced.
 */
import { describe, expect, it } from 'vitest';
import { messageState, newMessagesText } from '../../../../../src/renderer/src/components/chat/describe';

describe('message words', () => {
  it('says "Sent to the room" for a room message the room sent back, and "Delivered" for a chat receipt', () => {
    expect(messageState({ kind: 'groupchat', state: 'delivered' })).toEqual({ words: 'Sent to the room', icon: '✓' });
    expect(messageState({ kind: 'chat', state: 'delivered' })).toEqual({ words: 'Delivered', icon: '✓✓' });
    expect(messageState({ kind: 'pm', state: 'delivered' }).words).toBe('Delivered');
    expect(messageState({ kind: 'groupchat', state: 'sent' }).words).toBe('Sent');
  });

  it('announces new messages from one contact, in one room, or in several conversations', () => {
    expect(newMessagesText([{ name: 'Bob', room: false, count: 1 }])).toBe('New message from Bob');
    expect(newMessagesText([{ name: 'tea', room: true, count: 3 }])).toBe('3 new messages in tea');
    expect(
      newMessagesText([
        { name: 'Bob', room: false, count: 2 },
        { name: 'tea', room: true, count: 3 },
      ]),
    ).toBe('5 new messages in 2 conversations');
  });
});
