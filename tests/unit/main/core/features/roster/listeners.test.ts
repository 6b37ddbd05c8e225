import { describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../../../../../src/shared/contract';
import { createLogger } from '../../../../../../src/main/core/log';
import { RosterItemListeners, type RosterFetchChange } from '../../../../../../src/main/core/features/roster/listeners';

const item = (jid: string, subscription: RosterItemView['subscription'] = 'both'): RosterItemView => ({
  accountId: 'a1',
  jid,
  name: null,
  subscription,
  pendingOut: false,
  groups: [],
});

describe('roster item listeners', () => {
  it('gives a fetch to a batch listener in one call, to the others item by item (removals first)', () => {
    const logs: string[] = [];
    const listeners = new RosterItemListeners(createLogger((_level, _scope, message) => logs.push(message), 'debug'));
    const batches: RosterFetchChange[] = [];
    const batchItems: string[] = [];
    const items: string[] = [];
    listeners.add(
      (_accountId, before, after) => batchItems.push(`${before?.jid}>${after?.jid}`),
      (_accountId, change) => batches.push(change),
    );
    listeners.add((_accountId, before, after) =>
      items.push(`${before?.subscription}>${after?.subscription ?? 'gone'}`),
    );
    listeners.add(() => {
      throw new Error('broken');
    });
    const previous = new Map([item('old@example.org'), item('same@example.org', 'to')].map((one) => [one.jid, one]));
    const change: RosterFetchChange = {
      removed: [previous.get('old@example.org')!],
      changed: [item('new@example.org'), item('same@example.org', 'both')],
      allNew: false,
      before: (jid) => previous.get(jid),
    };
    listeners.fetchChanged('a1', change);
    expect(batches).toEqual([change]);
    expect(batchItems).toEqual([]);
    expect(items).toEqual(['both>gone', 'undefined>both', 'to>both']);
    expect(logs).toEqual(['roster item listener failed']);
    // A push goes item by item to every listener.
    listeners.itemChanged('a1', undefined, item('pushed@example.org'));
    expect(batchItems).toEqual(['undefined>pushed@example.org']);
  });
});
