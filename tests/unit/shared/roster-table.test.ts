import { describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../../src/shared/contract';
import { fromRosterTable, toRosterTable } from '../../../src/shared/roster-table';
import { realisticContacts } from '../../../bench/realistic-data.mjs';

function realisticItems(accountId: string, count: number): RosterItemView[] {
  return realisticContacts(count).map((contact) => ({
    accountId,
    jid: contact.jid,
    name: contact.name,
    subscription: contact.subscription,
    pendingOut: contact.ask,
    groups: contact.groups,
  }));
}

describe('the compact roster table of the snapshot', () => {
  it('gives back exactly the items of a realistic roster (many scripts, entities, no names, eight domains)', () => {
    const items = [...realisticItems('a1', 2000), ...realisticItems('a2', 300)];
    expect(fromRosterTable(toRosterTable(items))).toEqual(items);
  });

  it('keeps every subscription, pending flag, group list and odd JID as it was', () => {
    const items: RosterItemView[] = [];
    const subscriptions = ['none', 'to', 'from', 'both'] as const;
    for (const subscription of subscriptions) {
      for (const pendingOut of [false, true]) {
        items.push({ accountId: 'a1', jid: `${subscription}@x`, name: null, subscription, pendingOut, groups: [] });
      }
    }
    items.push(
      { accountId: 'a1', jid: 'example.org', name: '', subscription: 'both', pendingOut: false, groups: ['A', 'B'] },
      { accountId: 'a1', jid: '@odd', name: 'x', subscription: 'to', pendingOut: false, groups: ['B', 'A', ''] },
      { accountId: 'a1', jid: 'a@b@c', name: 'ü', subscription: 'from', pendingOut: true, groups: ['👩‍👩‍👧 <&>'] },
    );
    expect(fromRosterTable(toRosterTable(items))).toEqual(items);
  });

  it('writes each group and domain once and is well under half the JSON of the items', () => {
    const items = realisticItems('a1', 10_000);
    const table = toRosterTable(items);
    expect(new Set(table.groups).size).toBe(table.groups.length);
    expect(table.domains.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(table).length).toBeLessThan(JSON.stringify(items).length / 2);
  });
});
