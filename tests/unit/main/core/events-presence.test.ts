/**
 * The event bus for presence: presence.contact coalesces per (account, jid), presence.own per
 * account, and lazy entries build their events once, at flush time, at the position of the last mark.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent, ContactPresenceView, EventBatch, OwnPresenceView } from '../../../../src/shared/contract';
import { EventBus, presenceKey } from '../../../../src/main/core/events';

function contact(accountId: string, jid: string, status: string): AppEvent {
  const presence: ContactPresenceView = {
    accountId,
    jid,
    resources: [{ resource: 'r', show: 'available', status, priority: 0, since: 0, client: null }],
    error: null,
    lastSeen: null,
    directed: false,
  };
  return { type: 'presence.contact', presence };
}

function own(accountId: string, show: OwnPresenceView['show']): AppEvent {
  return {
    type: 'presence.own',
    accountId,
    presence: { show, status: null, priority: 0, auto: false },
    recentStatuses: [],
  };
}

function collect(bus: EventBus): EventBatch[] {
  const batches: EventBatch[] = [];
  bus.subscribe((batch) => batches.push(batch));
  return batches;
}

describe('EventBus and presence', () => {
  it('keeps the last presence per (account, jid) and the last own presence per account', () => {
    const bus = new EventBus(1_000);
    const batches = collect(bus);
    bus.emit(contact('a', 'x@y', 'first'));
    bus.emit(contact('b', 'x@y', 'other account'));
    bus.emit(own('a', 'away'));
    bus.emit(contact('a', 'x@y', 'last'));
    bus.emit(own('a', 'dnd'));
    bus.emit(own('b', 'xa'));
    bus.flush();
    expect(batches).toHaveLength(1);
    const summary = batches[0].events.map((e) =>
      e.type === 'presence.contact'
        ? `${e.presence.accountId}:${e.presence.resources[0].status}`
        : e.type === 'presence.own'
          ? `own ${e.accountId}:${e.presence.show}`
          : e.type,
    );
    expect(summary).toEqual(['b:other account', 'a:last', 'own a:dnd', 'own b:xa']);
  });

  it('builds a lazy event once per flush, at the position of its last mark', () => {
    const bus = new EventBus(1_000);
    const batches = collect(bus);
    let builds = 0;
    let status = 'one';
    const build = () => {
      builds++;
      return contact('a', 'x@y', status);
    };
    bus.emitLazy(presenceKey('a', 'x@y'), build);
    bus.emit({ type: 'account.removed', id: 'z' });
    status = 'two';
    bus.emitLazy(presenceKey('a', 'x@y'), build);
    expect(builds).toBe(0); // nothing is built before the flush
    bus.flush();
    expect(builds).toBe(1);
    expect(batches[0].events.map((e) => e.type)).toEqual(['account.removed', 'presence.contact']);
    const event = batches[0].events[1];
    expect(event.type === 'presence.contact' && event.presence.resources[0].status).toBe('two');
  });

  it('a lazy entry may yield several events, none, or fail alone', () => {
    const bus = new EventBus(1_000);
    const batches = collect(bus);
    bus.emitLazy('many', () => [contact('a', 'p@y', '1'), contact('a', 'q@y', '2')]);
    bus.emitLazy('none', () => null);
    bus.emitLazy('broken', () => {
      throw new Error('factory failed');
    });
    bus.emit({ type: 'account.removed', id: 'z' });
    bus.flush();
    expect(batches[0].events.map((e) => (e.type === 'presence.contact' ? e.presence.jid : e.type))).toEqual([
      'p@y',
      'q@y',
      'account.removed',
    ]);
    // Only a lazy entry that yields nothing: no empty batch.
    bus.emitLazy('none', () => null);
    const seq = bus.flush();
    expect(batches).toHaveLength(1);
    expect(seq).toBe(1);
  });

  it('a lazy entry replaces a pending event with the same key', () => {
    const bus = new EventBus(1_000);
    const batches = collect(bus);
    bus.emit(contact('a', 'x@y', 'eager'));
    bus.emitLazy(presenceKey('a', 'x@y'), () => contact('a', 'x@y', 'lazy'));
    bus.flush();
    expect(batches[0].events).toHaveLength(1);
    const event = batches[0].events[0];
    expect(event.type === 'presence.contact' && event.presence.resources[0].status).toBe('lazy');
  });
});
