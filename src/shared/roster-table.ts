/**
 * The roster as the window's first snapshot carries it: every item a short array instead of an
 * object with its keys spelled out, each group name and JID domain written once. 10,000 contacts
 * are then about a third of the bytes, and the core writes, the link carries and the window parses
 * that much less before the first paint. Decoding gives back exactly the items encoded.
 */
import type { RosterItemView, RosterTable, RosterTableRow, Subscription } from './contract';

const SUBSCRIPTIONS: readonly Subscription[] = ['none', 'to', 'from', 'both'];

/** Items in order; those of one account are kept together (in their order) under it. */
export function toRosterTable(items: Iterable<RosterItemView>): RosterTable {
  const table: RosterTable = { groups: [], domains: [], accounts: [] };
  const groupIndex = new Map<string, number>();
  const domainIndex = new Map<string, number>();
  const accountRows = new Map<string, RosterTableRow[]>();
  const indexOf = (map: Map<string, number>, list: string[], value: string): number => {
    let at = map.get(value);
    if (at === undefined) {
      at = list.push(value) - 1;
      map.set(value, at);
    }
    return at;
  };
  for (const item of items) {
    let rows = accountRows.get(item.accountId);
    if (!rows) {
      rows = [];
      accountRows.set(item.accountId, rows);
      table.accounts.push({ accountId: item.accountId, rows });
    }
    // A JID without a local part (or one that does not split cleanly) travels whole.
    const at = item.jid.indexOf('@');
    const row: RosterTableRow =
      at > 0
        ? [item.jid.slice(0, at), indexOf(domainIndex, table.domains, item.jid.slice(at + 1)), item.name, 0]
        : [item.jid, -1, item.name, 0];
    row[3] = SUBSCRIPTIONS.indexOf(item.subscription) * 2 + (item.pendingOut ? 1 : 0);
    for (const group of item.groups) row.push(indexOf(groupIndex, table.groups, group));
    rows.push(row);
  }
  return table;
}

/** The items of a table, account by account, each row in its order. */
export function fromRosterTable(table: RosterTable): RosterItemView[] {
  const items: RosterItemView[] = [];
  const { groups, domains } = table;
  for (const { accountId, rows } of table.accounts) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const flags = row[3];
      const itemGroups: string[] = [];
      for (let g = 4; g < row.length; g++) itemGroups.push(groups[row[g] as number]);
      items.push({
        accountId,
        jid: row[1] < 0 ? row[0] : `${row[0]}@${domains[row[1]]}`,
        name: row[2],
        subscription: SUBSCRIPTIONS[flags >> 1],
        pendingOut: (flags & 1) === 1,
        groups: itemGroups,
      });
    }
  }
  return items;
}
