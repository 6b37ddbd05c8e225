/**
 * What the live region says: connection changes worth saying (not the passing "connecting", not
 * the first state seen) and new messages in conversations other than the one on screen.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionView, ConversationView } from '../../../../src/shared/contract';
import { AnnouncementState, spokenState } from '../../../../src/renderer/src/lib/announcements';

const at = (status: ConnectionView['status'], kind?: 'needs-password' | 'unreachable'): ConnectionView => ({
  status,
  since: 0,
  ...(kind === 'needs-password'
    ? { error: { kind, reason: 'connection.needsPassword', params: { jid: 'a@b' } } }
    : kind === 'unreachable'
      ? { error: { kind, reason: 'connection.unreachable', params: { code: 'ECONNREFUSED' } } }
      : {}),
});
const home = (connection: ConnectionView) => ({ id: 'a1', connection });
const chat = (conversation: string, unread: number): ConversationView => ({
  accountId: 'a1',
  conversation,
  kind: 'chat',
  lastAt: 0,
  lastBody: '',
  unread,
});

describe('announcements', () => {
  it('says an account going down and coming back once each, not its passing steps', () => {
    const state = new AnnouncementState();
    expect(state.accountsChanged([home(at('online'))])).toEqual([]);
    state.start();
    expect(state.accountsChanged([home(at('online'))])).toEqual([]);
    expect(state.accountsChanged([home(at('reconnecting'))])).toHaveLength(1);
    // Backoff: connecting and reconnecting again and again is one "reconnecting".
    expect(state.accountsChanged([home(at('connecting'))])).toEqual([]);
    expect(state.accountsChanged([home(at('reconnecting'))])).toEqual([]);
    expect(state.accountsChanged([home(at('connecting'))])).toEqual([]);
    expect(state.accountsChanged([home(at('online'))])).toEqual([home(at('online'))]);
    expect(state.accountsChanged([home(at('error', 'needs-password'))])).toHaveLength(1);
    expect(state.accountsChanged([home(at('error', 'unreachable'))])).toHaveLength(1);
  });

  it('does not say the state an account was in when first seen, and says a new account coming online', () => {
    const state = new AnnouncementState();
    state.accountsChanged([home(at('error', 'needs-password'))]);
    state.start();
    expect(state.accountsChanged([home(at('error', 'needs-password'))])).toEqual([]);
    const added = { id: 'a2', connection: at('connecting') };
    expect(state.accountsChanged([home(at('error', 'needs-password')), added])).toEqual([]);
    const online = { id: 'a2', connection: at('online') };
    expect(state.accountsChanged([home(at('error', 'needs-password')), online])).toEqual([online]);
    // Added and online in the same breath: still news.
    const third = { id: 'a3', connection: at('online') };
    expect(state.accountsChanged([third])).toEqual([third]);
    expect(spokenState(at('connecting'))).toBeNull();
  });

  it('finds new messages in conversations not on screen, counted since the last look', () => {
    const state = new AnnouncementState();
    state.conversationsChanged([chat('bob@x', 2)], null);
    state.start();
    // Unread counts that were there at the start are not news.
    expect(state.conversationsChanged([chat('bob@x', 2)], null)).toEqual([]);
    expect(state.conversationsChanged([chat('bob@x', 3), chat('carol@x', 1)], null)).toEqual([
      { conversation: chat('bob@x', 3), count: 1 },
      { conversation: chat('carol@x', 1), count: 1 },
    ]);
    // The conversation on screen reads its own messages out; read ones are not news.
    expect(state.conversationsChanged([chat('bob@x', 5), chat('carol@x', 0)], 'a1|bob@x')).toEqual([]);
    expect(state.conversationsChanged([chat('bob@x', 0), chat('carol@x', 1)], null)).toEqual([
      { conversation: chat('carol@x', 1), count: 1 },
    ]);
  });
});
