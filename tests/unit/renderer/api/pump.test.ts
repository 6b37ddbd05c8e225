import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../src/shared/contract';
import { startEarlyEventPump, withoutContactPresence, type PumpStores } from '../../../../src/renderer/src/api/pump';
import { fakeTransport, flush, snapshot } from '../fixtures';

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
