import { describe, expect, it, vi } from 'vitest';
import type { AppEvent, CommandInput, CommandName } from '../../../../src/shared/contract';
import { ok } from '../../../../src/shared/result';
import { startEarlyEventPump, withoutContactPresence, type PumpStores } from '../../../../src/renderer/src/api/pump';
import { fakeTransport, flush, scriptedTransport, snapshot } from '../fixtures';

const contact = (jid: string): AppEvent => ({
  type: 'presence.contact',
  presence: { accountId: 'a1', jid, error: null, directed: false, lastSeen: null, resources: [] },
});

describe('event pump: the batch for stores other than presence', () => {
  it('leaves out contacts’ presence and keeps every other event in order', () => {
    const removed: AppEvent = { type: 'account.removed', id: 'a2' };
    const sync: AppEvent = {
      type: 'roster.sync',
      sync: { accountId: 'a1', state: 'synced', version: null, syncedAt: 1 },
    };
    expect(withoutContactPresence([contact('x@y'), removed, contact('z@y'), sync, contact('w@y')])).toEqual([
      removed,
      sync,
    ]);
    expect(withoutContactPresence([contact('x@y')])).toEqual([]);
  });

  it('hands back the batch itself when it has no contact presence', () => {
    const events: AppEvent[] = [{ type: 'account.removed', id: 'a2' }];
    expect(withoutContactPresence(events)).toBe(events);
  });
});

describe('the early event pump (started before the app is loaded)', () => {
  it('keeps the link, the snapshot and every batch until the stores attach, then replays them in order', async () => {
    const initial = snapshot({ seq: 5 });
    const fake = fakeTransport(initial);
    const early = startEarlyEventPump(fake.transport);
    fake.up();
    await flush();
    fake.push({ seq: 6, events: [{ type: 'account.removed', id: 'a1' }] });
    fake.push({ seq: 4, events: [{ type: 'account.removed', id: 'old' }] }); // older than the snapshot
    fake.push({ seq: 7, events: [{ type: 'account.removed', id: 'a2' }] });
    await flush();

    const calls: string[] = [];
    const stores = {
      app: {
        setLink: (up: boolean) => calls.push(`link ${up}`),
        setSnapshotError: (error: unknown) => calls.push(`error ${error}`),
        snapshotApplied: () => calls.push('applied'),
        applySnapshot: () => {},
        applyEvents: () => {},
      },
      accounts: {
        applySnapshot: (s: { seq: number }) => calls.push(`snapshot ${s.seq}`),
        applyEvents: (events: { type: string; id?: string }[]) =>
          calls.push(`events ${events.map((e) => e.id).join(',')}`),
      },
    } as unknown as PumpStores;
    expect(calls).toEqual([]);
    early.attach(stores);
    expect(calls).toEqual(['link true', 'snapshot 5', 'error null', 'applied', 'events a1', 'events a2']);

    fake.push({ seq: 8, events: [{ type: 'account.removed', id: 'a3' }] });
    await flush();
    expect(calls.at(-1)).toBe('events a3');
    early.stop();
  });
});

describe('the first screen (the roster column’s first rows before the whole snapshot)', () => {
  const screen = { view: '*', total: 2, groups: [{ name: '', size: 2 }], rows: 3 };

  /** Stores that log what they are given; a transport answering the first screen and the whole snapshot. */
  function setUp() {
    const asked: unknown[] = [];
    const fake = scriptedTransport(<K extends CommandName>(command: K, input: CommandInput<K>) => {
      asked.push(input);
      const first = (input as { firstScreen?: number }).firstScreen !== undefined;
      return Promise.resolve(ok(snapshot(first ? { seq: 9, rosterFirstScreen: screen } : { seq: 5 }))) as never;
    });
    const calls: string[] = [];
    const stores = {
      app: {
        setLink: () => {},
        setSnapshotError: () => {},
        snapshotApplied: () => calls.push('applied'),
        firstScreenApplied: () => calls.push('rows only'),
        applySnapshot: () => {},
        applyEvents: () => {},
      },
      accounts: {
        applySnapshot: (s: { rosterFirstScreen?: unknown }) =>
          calls.push(s.rosterFirstScreen ? 'first screen' : 'whole snapshot'),
        applyEvents: (events: { id?: string }[]) => calls.push(`events ${events.map((e) => e.id).join(',')}`),
      },
    } as unknown as PumpStores;
    return { fake, asked, calls, stores };
  }

  it('applies the first screen, then the whole snapshot and the batches after it only after that frame', async () => {
    vi.useFakeTimers();
    try {
      const { fake, asked, calls, stores } = setUp();
      const early = startEarlyEventPump(fake.transport);
      fake.setLink(true);
      await vi.advanceTimersByTimeAsync(0);
      fake.push({ seq: 6, events: [{ type: 'account.removed', id: 'a1' }] });
      expect(asked).toEqual([{ compactRoster: true, firstScreen: 60 }, { compactRoster: true }]);
      early.attach(stores);
      // The first screen's frame: nothing else reaches the stores before it is painted, and the
      // app store knows that frame draws the rows only.
      expect(calls).toEqual(['first screen', 'rows only']);
      fake.push({ seq: 7, events: [{ type: 'account.removed', id: 'a2' }] });
      expect(calls).toEqual(['first screen', 'rows only']);
      await vi.advanceTimersByTimeAsync(300);
      expect(calls).toEqual(['first screen', 'rows only', 'whole snapshot', 'applied', 'events a1', 'events a2']);
      // A reconnect asks for the whole snapshot only: the window already shows the roster.
      fake.setLink(false);
      fake.setLink(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(asked.slice(2)).toEqual([{ compactRoster: true }]);
      expect(calls.at(-1)).toBe('applied');
      early.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('skips a first screen that comes after the whole snapshot', async () => {
    const { asked, calls, stores } = setUp();
    let answerFirst: () => void = () => {};
    const fake = scriptedTransport(<K extends CommandName>(_command: K, input: CommandInput<K>) => {
      asked.push(input);
      if ((input as { firstScreen?: number }).firstScreen === undefined)
        return Promise.resolve(ok(snapshot())) as never;
      return new Promise((resolve) => {
        answerFirst = () => resolve(ok(snapshot({ rosterFirstScreen: screen })));
      }) as never;
    });
    const early = startEarlyEventPump(fake.transport);
    early.attach(stores);
    fake.setLink(true);
    await flush();
    answerFirst();
    await flush();
    expect(calls).toEqual(['whole snapshot', 'applied']);
    early.stop();
  });
});
