import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionView, EventBatch, RosterItemView, RosterSyncView } from '../../../../src/shared/contract';
import { EventBus } from '../../../../src/main/core/events';

const view = (status: ConnectionView['status']): ConnectionView => ({ status, since: 1 });

afterEach(() => vi.useRealTimers());

describe('EventBus', () => {
  it('batches events emitted together and numbers batches in order', () => {
    vi.useFakeTimers();
    const bus = new EventBus(16);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    bus.emit({ type: 'account.removed', id: 'a' });
    bus.emit({ type: 'account.removed', id: 'b' });
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(16);
    bus.emit({ type: 'account.removed', id: 'c' });
    vi.advanceTimersByTime(16);
    expect(batches.map((b) => b.seq)).toEqual([1, 2]);
    expect(batches[0].events).toHaveLength(2);
  });

  it('keeps only the last connection state per account, at the position of the last one', () => {
    const bus = new EventBus(1000);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    bus.emit({ type: 'account.connection', id: 'a', connection: view('connecting') });
    bus.emit({ type: 'account.removed', id: 'x' });
    bus.emit({ type: 'account.connection', id: 'b', connection: view('connecting') });
    bus.emit({ type: 'account.connection', id: 'a', connection: view('online') });
    bus.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0].events).toEqual([
      { type: 'account.removed', id: 'x' },
      { type: 'account.connection', id: 'b', connection: view('connecting') },
      { type: 'account.connection', id: 'a', connection: view('online') },
    ]);
  });

  it('keeps only the last roster change per (account, jid) and the last sync state per account', () => {
    const bus = new EventBus(1000);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    const item = (accountId: string, jid: string, name: string | null): RosterItemView => ({
      accountId,
      jid,
      name,
      subscription: 'both',
      pendingOut: false,
      groups: [],
    });
    const sync = (accountId: string, state: RosterSyncView['state']): RosterSyncView => ({
      accountId,
      state,
      version: null,
      syncedAt: null,
    });
    bus.emit({ type: 'roster.sync', sync: sync('a', 'syncing') });
    bus.emit({ type: 'roster.item', item: item('a', 'x@y', 'first') });
    bus.emit({ type: 'roster.item', item: item('b', 'x@y', 'other account') });
    bus.emit({ type: 'roster.item', item: item('a', 'z@y', 'kept') });
    bus.emit({ type: 'roster.removed', accountId: 'a', jid: 'x@y' });
    bus.emit({ type: 'roster.removed', accountId: 'a', jid: 'z@y' });
    bus.emit({ type: 'roster.item', item: item('a', 'z@y', 'back') });
    bus.emit({ type: 'roster.sync', sync: sync('b', 'syncing') });
    bus.emit({ type: 'roster.sync', sync: sync('a', 'synced') });
    bus.flush();
    expect(batches[0].events).toEqual([
      { type: 'roster.item', item: item('b', 'x@y', 'other account') },
      { type: 'roster.removed', accountId: 'a', jid: 'x@y' },
      { type: 'roster.item', item: item('a', 'z@y', 'back') },
      { type: 'roster.sync', sync: sync('b', 'syncing') },
      { type: 'roster.sync', sync: sync('a', 'synced') },
    ]);
  });

  it('flush with nothing pending sends nothing and returns the last seq', () => {
    const bus = new EventBus();
    const listener = vi.fn();
    bus.subscribe(listener);
    expect(bus.flush()).toBe(0);
    bus.emit({ type: 'account.removed', id: 'a' });
    expect(bus.flush()).toBe(1);
    expect(bus.flush()).toBe(1);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener does not stop the others', () => {
    const bus = new EventBus();
    const good = vi.fn();
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(good);
    bus.emit({ type: 'account.removed', id: 'a' });
    bus.flush();
    expect(good).toHaveBeenCalledOnce();
  });

  it('a delayed lazy key waits its window from the first mark, then goes out with what is current', () => {
    vi.useFakeTimers();
    const bus = new EventBus(16);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    let state = 0;
    let builds = 0;
    const build = () => {
      builds++;
      return { type: 'account.removed' as const, id: `state ${state}` };
    };
    bus.emitLazy('k', build, 250);
    vi.advanceTimersByTime(100);
    state = 1;
    bus.emitLazy('k', build, 250); // within the window: nothing new to schedule
    // Other events keep the bus's own pace meanwhile.
    bus.emit({ type: 'account.removed', id: 'other' });
    vi.advanceTimersByTime(16);
    expect(batches.map((b) => b.events)).toEqual([[{ type: 'account.removed', id: 'other' }]]);
    expect(builds).toBe(0);
    vi.advanceTimersByTime(133);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(2);
    expect(batches[1].events).toEqual([{ type: 'account.removed', id: 'state 1' }]);
    expect(builds).toBe(1);
    // A new window starts with the next mark.
    state = 2;
    bus.emitLazy('k', build, 250);
    vi.advanceTimersByTime(249);
    expect(batches).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(batches[2].events).toEqual([{ type: 'account.removed', id: 'state 2' }]);
  });

  it('flush sends delayed keys at once, so a snapshot covers them', () => {
    vi.useFakeTimers();
    const bus = new EventBus(16);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    bus.emitLazy('k', () => ({ type: 'account.removed', id: 'late' }), 250);
    expect(bus.flush()).toBe(1);
    expect(batches[0].events).toEqual([{ type: 'account.removed', id: 'late' }]);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(1);
  });
  it('tells a lazy factory whether the bus is flushing (a sliced factory then builds all it has)', () => {
    vi.useFakeTimers();
    const bus = new EventBus(16);
    const batches: EventBatch[] = [];
    bus.subscribe((batch) => batches.push(batch));
    const calls: boolean[] = [];
    const build = (flushing: boolean) => {
      calls.push(flushing);
      return { type: 'account.removed', id: flushing ? 'flushed' : 'timer' } as const;
    };
    bus.emitLazy('k', build, 50);
    vi.advanceTimersByTime(50);
    bus.emitLazy('k', build, 50);
    bus.flush();
    expect(calls).toEqual([false, true]);
    expect(batches.map((b) => b.events)).toEqual([
      [{ type: 'account.removed', id: 'timer' }],
      [{ type: 'account.removed', id: 'flushed' }],
    ]);
  });
});
