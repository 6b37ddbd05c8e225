import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../../../src/shared/contract';
import {
  overallShow,
  summarize,
  type AccountStatusInput,
  type OwnShow,
} from '../../../../../src/main/core/tray/status-summary';

let counter = 0;
function account(status: ConnectionStatus, show: OwnShow = 'available', extra: Partial<AccountStatusInput> = {}) {
  counter += 1;
  return {
    id: `id-${counter}`,
    label: `Account ${counter}`,
    jid: `user${counter}@example.com`,
    enabled: true,
    connection: { status, since: 0 },
    show,
    ...extra,
  } satisfies AccountStatusInput;
}

describe('summarize: the icon', () => {
  it('is offline with no accounts, or only disabled ones', () => {
    expect(summarize([]).icon).toBe('offline');
    const disabled = summarize([account('error', 'available', { enabled: false })]);
    expect(disabled.icon).toBe('offline');
  });

  it('is error when any enabled account is in error, whatever the others do', () => {
    const summary = summarize([account('online', 'chat'), account('reconnecting'), account('error')]);
    expect(summary.icon).toBe('error');
  });

  it('ignores a disabled account in error', () => {
    expect(summarize([account('online', 'away'), account('error', 'available', { enabled: false })]).icon).toBe('away');
  });

  it('is connecting while any enabled account connects or reconnects', () => {
    expect(summarize([account('online'), account('connecting')]).icon).toBe('connecting');
    expect(summarize([account('online'), account('reconnecting')]).icon).toBe('connecting');
  });

  it('is offline when no enabled account is online with a show', () => {
    expect(summarize([account('offline'), account('offline')]).icon).toBe('offline');
    // Connected but unavailable (the user chose offline and the link is kept).
    expect(summarize([account('online', 'offline')]).icon).toBe('offline');
  });

  it('is the common show when the online accounts agree', () => {
    for (const show of ['available', 'chat', 'away', 'xa', 'dnd'] as const) {
      expect(summarize([account('online', show), account('online', show)]).icon).toBe(show);
    }
  });

  it('is the most available show by SHOW_RANK when they differ (dnd > chat > available > away > xa)', () => {
    expect(summarize([account('online', 'away'), account('online', 'available')]).icon).toBe('available');
    expect(summarize([account('online', 'xa'), account('online', 'away')]).icon).toBe('away');
    expect(summarize([account('online', 'available'), account('online', 'chat')]).icon).toBe('chat');
    expect(summarize([account('online', 'chat'), account('online', 'dnd')]).icon).toBe('dnd');
    expect(overallShow(['xa', 'dnd', 'away'])).toBe('dnd');
    expect(overallShow([])).toBeUndefined();
  });

  it('counts only online accounts for the show: an offline account that chose dnd does not show', () => {
    expect(summarize([account('online', 'away'), account('offline', 'dnd')]).icon).toBe('away');
  });
});

describe('summarize: counts and lines (the shell words them)', () => {
  it('keeps the pending request and unread message counts, never below zero', () => {
    const summary = summarize([account('online')], 2, 5);
    expect(summary.pendingRequests).toBe(2);
    expect(summary.unreadMessages).toBe(5);
    expect(summarize([account('online')], -2).pendingRequests).toBe(0);
    expect(summarize([account('online')], Number.NaN).pendingRequests).toBe(0);
    expect(summarize([account('online')], 0, -1).unreadMessages).toBe(0);
  });

  it('describes each account: name (label, else JID), state, chosen show, icon and problem', () => {
    const a = account('online', 'xa', { label: 'Work' });
    const b = account('reconnecting', 'dnd', { label: '  ' });
    const c = account('error', 'available', {
      connection: {
        status: 'error',
        since: 0,
        error: { kind: 'auth', reason: 'connection.authRefused', params: { condition: 'not-authorized' } },
      },
    });
    const d = account('online', 'available', { enabled: false });
    const [la, lb, lc, ld] = summarize([a, b, c, d]).accounts;
    expect(la).toMatchObject({
      id: a.id,
      name: 'Work',
      state: 'online',
      show: 'xa',
      icon: 'xa',
      problem: null,
    });
    expect(lb).toMatchObject({
      name: b.jid,
      state: 'reconnecting',
      show: 'dnd',
      icon: 'connecting',
      problem: null,
    });
    expect(lc).toMatchObject({ state: 'error', icon: 'error', problem: 'auth' });
    expect(ld).toMatchObject({ enabled: false, state: 'disabled', icon: 'offline', problem: null });
  });

  it('says an account waits for a password not kept across a restart', () => {
    const waiting = account('error', 'available', {
      connection: {
        status: 'error',
        since: 0,
        error: { kind: 'needs-password', reason: 'connection.needsPassword', params: { jid: 'a@example.org' } },
      },
    });
    expect(summarize([waiting]).accounts[0]).toMatchObject({ state: 'error', problem: 'needs-password' });
  });

  it('reports the common chosen show of the enabled accounts, or null when they differ', () => {
    expect(summarize([account('online', 'away'), account('connecting', 'away')]).commonShow).toBe('away');
    expect(summarize([account('online', 'away'), account('online', 'dnd')]).commonShow).toBeNull();
    expect(summarize([account('online', 'dnd'), account('online', 'away', { enabled: false })]).commonShow).toBe('dnd');
    expect(summarize([]).commonShow).toBeNull();
  });
});
