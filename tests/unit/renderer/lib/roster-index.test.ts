import { describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../../../src/shared/contract';
import { DISPLAY_MAX } from '../../../../src/renderer/src/lib/text';
import { RosterIndex } from '../../../../src/renderer/src/lib/roster-index';
import {
  ALL_VIEW,
  DEFAULT_GROUP,
  displayName,
  groupKey,
  sortKey,
  type RosterChange,
  type RosterEntry,
  type RosterRow,
} from '../../../../src/renderer/src/lib/roster-model';
import { prng } from '../../../support/prng.mjs';

function item(accountId: string, jid: string, extra: Partial<RosterItemView> = {}): RosterItemView {
  return { accountId, jid, name: null, subscription: 'both', pendingOut: false, groups: [], ...extra };
}

/** "Group: name, name | Group: …" for compact assertions. */
function outline(rows: RosterRow[]): string {
  const parts: string[] = [];
  for (const row of rows) {
    if (row.kind === 'group') parts.push(`${row.group.name || '(default)'}${row.collapsed ? '+' : ''}:`);
    else parts.push(row.entry.display);
  }
  return parts.join(' ');
}

function someGroups(rnd: () => number, groupCount: number): string[] {
  const n = Math.floor(rnd() * 4); // 0..3 groups; none → the default group
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(`Group ${Math.floor(rnd() * groupCount)}`);
  return [...out];
}

/** Counts and order recomputed from scratch, to hold the incremental index to. */
function bruteForce(index: RosterIndex, all: Map<string, { item: RosterItemView; rank: number }>) {
  const expected = new Map<string, { total: number; online: number }>();
  for (const { item, rank } of all.values()) {
    const groups = item.groups.length > 0 ? new Set(item.groups) : new Set([DEFAULT_GROUP]);
    for (const group of groups) {
      for (const view of [ALL_VIEW, item.accountId]) {
        const key = groupKey(view, group);
        const count = expected.get(key) ?? { total: 0, online: 0 };
        count.total += 1;
        if (rank > 0) count.online += 1;
        expected.set(key, count);
      }
    }
  }
  const actual = new Map<string, { total: number; online: number }>();
  for (const view of [ALL_VIEW, 'a1', 'a2']) {
    for (const bucket of index.groups(view)) {
      actual.set(bucket.key, { total: bucket.entries.length, online: bucket.online });
    }
  }
  return { expected, actual };
}

function assertSorted(index: RosterIndex, view: string) {
  const byAvailability = index.sortMode === 'availability';
  for (const bucket of index.groups(view)) {
    for (let i = 1; i < bucket.entries.length; i++) {
      const a: RosterEntry = bucket.entries[i - 1];
      const b: RosterEntry = bucket.entries[i];
      if (byAvailability && a.rank !== b.rank) {
        expect(a.rank).toBeGreaterThan(b.rank);
        continue;
      }
      if (sortKey(a.display) > sortKey(b.display)) expect.fail(`${a.display} sorted before ${b.display}`);
    }
  }
  const names = index.groups(view).map((bucket) => bucket.name);
  if (names.includes(DEFAULT_GROUP)) expect(names[names.length - 1]).toBe(DEFAULT_GROUP);
}

describe('roster index: grouping', () => {
  it('puts a contact in every one of its groups, and contacts without groups in the default group', () => {
    const index = new RosterIndex([
      item('a1', 'carol@x', { name: 'Carol', groups: ['Friends', 'Work', 'Chess'] }),
      item('a1', 'bob@x', { name: 'Bob', groups: ['Work'] }),
      item('a1', 'zed@x'),
    ]);
    expect(outline(index.flatten({ view: ALL_VIEW }).rows)).toBe(
      'Chess: Carol Friends: Carol Work: Bob Carol (default): zed',
    );
    expect(index.bucket(ALL_VIEW, 'Work')?.entries.length).toBe(2);
    expect(index.totals(ALL_VIEW)).toEqual({ total: 3, online: 0 });
    expect(index.groupNames('a1')).toEqual(['Chess', 'Friends', 'Work']);
  });

  it('names a row by roster name, else the local part, else the JID; long names are capped', () => {
    expect(displayName({ name: '  Alice ', jid: 'a@x' })).toBe('Alice');
    expect(displayName({ name: '', jid: 'alice@x' })).toBe('alice');
    expect(displayName({ name: null, jid: 'x.example' })).toBe('x.example');
    const huge = 'é'.repeat(1_000_000);
    const shown = displayName({ name: huge, jid: 'a@x' });
    expect(shown.length).toBe(DISPLAY_MAX + 1);
    expect(shown.endsWith('…')).toBe(true);
    // A surrogate pair is never cut in half.
    const emoji = displayName({ name: `a${'😀'.repeat(DISPLAY_MAX)}`, jid: 'a@x' });
    expect([...emoji].slice(-2)).toEqual(['😀', '…']);
    expect(emoji.length).toBe(DISPLAY_MAX);
  });

  it('keeps the same JID in two accounts as two rows, each in its account view once', () => {
    const index = new RosterIndex([
      item('a1', 'bob@x', { name: 'Bob', groups: ['Friends'] }),
      item('a2', 'bob@x', { name: 'Bob', groups: ['Friends'] }),
    ]);
    const all = index.flatten({ view: ALL_VIEW }).rows.filter((row) => row.kind === 'contact');
    expect(all.map((row) => (row.kind === 'contact' ? row.entry.item.accountId : ''))).toEqual(['a1', 'a2']);
    expect(new Set(all.map((row) => row.key)).size).toBe(2);
    expect(index.flatten({ view: 'a2' }).contactRows).toBe(1);
    expect(index.totals('a1')).toEqual({ total: 1, online: 0 });
    expect(index.accountsWithGroup('Friends')).toEqual(['a1', 'a2']);
    index.remove('a1', 'bob@x');
    expect(index.flatten({ view: ALL_VIEW }).contactRows).toBe(1);
    expect(index.accountsWithGroup('Friends')).toEqual(['a2']);
  });

  it('moves a contact between groups and drops groups that become empty', () => {
    const index = new RosterIndex([item('a1', 'bob@x', { groups: ['Old'] })]);
    index.upsert(item('a1', 'bob@x', { groups: ['New'] }));
    expect(index.groupNames(ALL_VIEW)).toEqual(['New']);
    index.upsert(item('a1', 'bob@x', { groups: [] }));
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): bob');
  });

  it('drops everything of a removed account', () => {
    const index = new RosterIndex([item('a1', 'bob@x'), item('a2', 'carol@x')]);
    expect(index.removeAccount('a1')).toBe(1);
    expect(index.flatten({ view: 'a1' }).rows).toEqual([]);
    expect(outline(index.flatten({ view: ALL_VIEW }).rows)).toBe('(default): carol');
  });
});

describe('roster index: sorting', () => {
  const contacts = [
    item('a1', 'dora@x', { name: 'dora' }),
    item('a1', 'alan@x', { name: 'Alan' }),
    item('a1', 'carl@x', { name: 'Carl' }),
    item('a1', 'bea@x', { name: 'Bea' }),
    item('a1', 'item10@x', { name: 'Item 10' }),
    item('a1', 'item9@x', { name: 'Item 9' }),
  ];

  it('sorts by name case-insensitively', () => {
    const index = new RosterIndex(contacts, 'name');
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Alan Bea Carl dora Item 10 Item 9');
  });

  it('sorts a contact without a roster name by the nick they chose; a roster name wins', () => {
    const index = new RosterIndex([...contacts, item('a1', 'zed@x')], 'name');
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Alan Bea Carl dora Item 10 Item 9 zed');
    expect(index.setNick('a1', 'zed@x', 'Aaron')).toBe(true);
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Aaron Alan Bea Carl dora Item 10 Item 9');
    expect(index.setNick('a1', 'carl@x', 'Zorro')).toBe(false);
    expect(index.get('a1', 'carl@x')?.display).toBe('Carl');
    // A nick known before the roster arrives is used when it does.
    index.reset([item('a1', 'carl@x'), item('a1', 'bea@x', { name: 'Bea' })]);
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Bea Zorro');
    expect(index.setNick('a1', 'carl@x', null)).toBe(true);
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Bea carl');
  });

  it('sorts by availability then name, and moves one row when availability changes', () => {
    const index = new RosterIndex(contacts, 'availability');
    index.setAvailability('a1', 'dora@x', 3, 'here');
    index.setAvailability('a1', 'carl@x', 1);
    index.setAvailability('a1', 'bea@x', 3);
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Bea dora Carl Alan Item 10 Item 9');
    expect(index.bucket('a1', DEFAULT_GROUP)?.online).toBe(3);
    expect(index.get('a1', 'dora@x')?.status).toBe('here');
    // Availability survives a roster update of the same contact.
    index.upsert(item('a1', 'dora@x', { name: 'Dora' }));
    expect(index.get('a1', 'dora@x')?.rank).toBe(3);
    index.setSort('name');
    expect(outline(index.flatten({ view: 'a1' }).rows)).toBe('(default): Alan Bea Carl Dora Item 10 Item 9');
    index.setAvailability('a1', 'bea@x', 0);
    expect(index.bucket('a1', DEFAULT_GROUP)?.online).toBe(2);
    expect(index.totals(ALL_VIEW)).toEqual({ total: 6, online: 2 });
  });
});

describe('roster index: flatten', () => {
  const index = new RosterIndex([
    item('a1', 'alice@wonder.land', { name: 'Alice', groups: ['Friends'] }),
    item('a1', 'bob@builder.org', { name: 'Bob', groups: ['Work', 'Friends'] }),
    item('a2', 'carol@example.org', { name: 'Carol', groups: ['Work'] }),
    item('a2', 'dave@example.org'),
  ]);
  index.setAvailability('a1', 'bob@builder.org', 2);

  it('filters by name, JID or group, case-insensitively', () => {
    expect(outline(index.flatten({ view: ALL_VIEW, query: 'ALI' }).rows)).toBe('Friends: Alice');
    expect(outline(index.flatten({ view: ALL_VIEW, query: 'example.ORG' }).rows)).toBe('Work: Carol (default): dave');
    // A group match shows the whole group.
    expect(outline(index.flatten({ view: ALL_VIEW, query: 'work' }).rows)).toBe('Work: Bob Carol');
    expect(outline(index.flatten({ view: ALL_VIEW, query: 'contacts' }).rows)).toBe('(default): dave');
    expect(index.flatten({ view: ALL_VIEW, query: 'nobody' }).rows).toEqual([]);
  });

  it('numbers rows for assistive technology: headers among headers, contacts within their group', () => {
    const flat = index.flatten({ view: ALL_VIEW, query: 'o' });
    const described = flat.rows.map((row) =>
      row.kind === 'group' ? `${row.group.name}:${row.pos}/${flat.groupRows}` : `${row.pos}/${row.header.size}`,
    );
    expect(outline(flat.rows)).toBe('Friends: Bob Alice Work: Bob Carol (default): dave');
    expect(described).toEqual(['Friends:1/3', '1/2', '2/2', 'Work:2/3', '1/2', '2/2', ':3/3', '1/1']);
    const narrowed = index.flatten({ view: ALL_VIEW, query: 'bob' });
    expect(narrowed.rows.map((row) => (row.kind === 'group' ? row.pos : row.header.size))).toEqual([1, 1, 2, 1]);
  });

  it('hides offline contacts and the groups left empty', () => {
    expect(outline(index.flatten({ view: ALL_VIEW, hideOffline: true }).rows)).toBe('Friends: Bob Work: Bob');
    expect(outline(index.flatten({ view: 'a2', hideOffline: true }).rows)).toBe('');
    index.setSort('name');
    expect(outline(index.flatten({ view: ALL_VIEW, hideOffline: true }).rows)).toBe('Friends: Bob Work: Bob');
    index.setSort('availability');
  });

  it('shows only the header of a collapsed group, with its counts intact', () => {
    const collapsed = new Set([groupKey(ALL_VIEW, 'Friends'), groupKey('a1', 'Work')]);
    const flat = index.flatten({ view: ALL_VIEW, collapsed });
    expect(outline(flat.rows)).toBe('Friends+: Work: Bob Carol (default): dave');
    expect(flat.contactRows).toBe(3);
    const header = flat.rows[0];
    expect(header.kind === 'group' && [header.group.entries.length, header.group.online]).toEqual([2, 1]);
    // Collapsing is per view: the account view has its own keys.
    expect(outline(index.flatten({ view: 'a1', collapsed }).rows)).toBe('Friends: Bob Alice Work+:');
    // Collapsed and filtered: the header stays when something inside matches.
    expect(outline(index.flatten({ view: ALL_VIEW, collapsed, query: 'alice' }).rows)).toBe('Friends+:');
  });
});

describe('roster index at scale: 10,000 contacts in 500 groups', () => {
  it('keeps counters and order right through upserts, removals, regroups and availability changes', () => {
    const rnd = prng(42);
    const all = new Map<string, { item: RosterItemView; rank: number }>();
    const items: RosterItemView[] = [];
    for (let i = 0; i < 10_000; i++) {
      const accountId = i % 3 === 0 ? 'a2' : 'a1';
      const it = item(accountId, `user${i}@example.org`, { name: `User ${i}`, groups: someGroups(rnd, 500) });
      items.push(it);
      all.set(`${accountId}|${it.jid}`, { item: it, rank: 0 });
    }
    const index = new RosterIndex(items);
    expect(index.groups(ALL_VIEW).length).toBe(501);

    const check = () => {
      const { expected, actual } = bruteForce(index, all);
      expect(actual).toEqual(expected);
      for (const view of [ALL_VIEW, 'a1', 'a2']) assertSorted(index, view);
      let online = 0;
      for (const { rank } of all.values()) if (rank > 0) online += 1;
      expect(index.totals(ALL_VIEW)).toEqual({ total: all.size, online });
    };
    check();

    const keys = () => [...all.keys()];
    for (let round = 0; round < 3; round++) {
      // Small batches: incremental.
      const changes: RosterChange[] = [];
      const known = keys();
      for (let i = 0; i < 200; i++) {
        const pick = known[Math.floor(rnd() * known.length)];
        const current = all.get(pick);
        if (!current) continue; // removed earlier in this batch
        const r = rnd();
        if (r < 0.4) {
          const next = { ...current.item, groups: someGroups(rnd, 500), name: `Renamed ${Math.floor(rnd() * 1e6)}` };
          changes.push({ type: 'upsert', item: next });
          all.set(pick, { item: next, rank: current.rank });
        } else if (r < 0.6) {
          changes.push({ type: 'remove', accountId: current.item.accountId, jid: current.item.jid });
          all.delete(pick);
        } else {
          const fresh = item(rnd() < 0.5 ? 'a1' : 'a2', `new${round}-${i}@example.org`, {
            groups: someGroups(rnd, 520),
          });
          changes.push({ type: 'upsert', item: fresh });
          all.set(`${fresh.accountId}|${fresh.jid}`, { item: fresh, rank: 0 });
        }
      }
      index.apply(changes);
      check();

      // Availability moves single rows.
      const present = keys();
      for (let i = 0; i < 500; i++) {
        const pick = present[Math.floor(rnd() * present.length)];
        const entry = all.get(pick)!;
        const rank = Math.floor(rnd() * 4);
        index.setAvailability(entry.item.accountId, entry.item.jid, rank);
        entry.rank = rank;
      }
      check();
    }

    // A big batch is rebuilt in one go and keeps availability.
    const big: RosterChange[] = keys()
      .slice(0, 2000)
      .map((key) => {
        const current = all.get(key)!;
        const next = { ...current.item, groups: someGroups(rnd, 500) };
        all.set(key, { item: next, rank: current.rank });
        return { type: 'upsert', item: next };
      });
    index.apply(big);
    check();

    // A presence batch over the threshold refills every bucket in place; single moves work after it.
    const batch = (shift: number) =>
      keys().map((key, i) => {
        const entry = all.get(key)!;
        entry.rank = (i * 7 + shift) % 6;
        return { accountId: entry.item.accountId, jid: entry.item.jid, rank: entry.rank, status: `s${i}` };
      });
    expect(index.setAvailabilities(batch(0))).toBe(all.size);
    check();
    for (const key of keys().slice(0, 300)) {
      const entry = all.get(key)!;
      entry.rank = (entry.rank + 1) % 6;
      index.setAvailability(entry.item.accountId, entry.item.jid, entry.rank);
    }
    check();
    index.setSort('name');
    check();
    expect(index.setAvailabilities(batch(3))).toBe(all.size);
    check();
    const flat = index.flatten({ view: ALL_VIEW });
    let memberships = 0;
    for (const { item: it } of all.values()) memberships += Math.max(1, new Set(it.groups).size);
    expect(flat.contactRows).toBe(memberships);
    expect(flat.rows.length).toBe(memberships + index.groups(ALL_VIEW).length);
  }, 60_000);
});

describe('roster index: views built when first asked for', () => {
  type Known = Map<string, { item: RosterItemView; rank: number }>;

  /** The view as "group: account|jid …" lines, computed from scratch. */
  function expectedView(all: Known, view: string, sort: 'availability' | 'name'): string[] {
    const groups = new Map<string, { key: string; rank: number; name: string }[]>();
    for (const [key, { item: it, rank }] of all) {
      if (view !== ALL_VIEW && it.accountId !== view) continue;
      const names = it.groups.length > 0 ? new Set(it.groups) : new Set([DEFAULT_GROUP]);
      for (const group of names) {
        const list = groups.get(group) ?? [];
        list.push({ key, rank, name: sortKey(displayName(it)) });
        groups.set(group, list);
      }
    }
    const byName = [...groups.keys()].sort((a, b) =>
      a === DEFAULT_GROUP
        ? 1
        : b === DEFAULT_GROUP
          ? -1
          : sortKey(a) < sortKey(b)
            ? -1
            : sortKey(a) > sortKey(b)
              ? 1
              : a < b
                ? -1
                : 1,
    );
    return byName.map((group) => {
      const members = groups
        .get(group)!
        .sort(
          (a, b) =>
            (sort === 'availability' ? b.rank - a.rank : 0) ||
            (a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : 1),
        );
      return `${group}: ${members.map((m) => m.key).join(' ')}`;
    });
  }

  function actualView(index: RosterIndex, view: string): string[] {
    return index.groups(view).map((bucket) => `${bucket.name}: ${bucket.entries.map((e) => e.key).join(' ')}`);
  }

  it('builds only the views asked for, and a view built late matches one built from scratch', () => {
    const rnd = prng(7);
    const all: Known = new Map();
    const items: RosterItemView[] = [];
    for (let i = 0; i < 2_000; i++) {
      const it = item(i % 4 === 0 ? 'a2' : 'a1', `u${i}@example.org`, {
        name: `U ${i % 300}`,
        groups: someGroups(rnd, 40),
      });
      items.push(it);
      all.set(`${it.accountId}|${it.jid}`, { item: it, rank: 0 });
    }
    const index = new RosterIndex(items);
    const changeSome = (round: number) => {
      const keys = [...all.keys()];
      for (let i = 0; i < 150; i++) {
        const key = keys[Math.floor(rnd() * keys.length)];
        const current = all.get(key);
        if (!current) continue;
        const r = rnd();
        if (r < 0.3) {
          const next = { ...current.item, groups: someGroups(rnd, 45), name: `R ${Math.floor(rnd() * 500)}` };
          index.upsert(next);
          all.set(key, { item: next, rank: current.rank });
        } else if (r < 0.45) {
          index.remove(current.item.accountId, current.item.jid);
          all.delete(key);
        } else if (r < 0.6) {
          const fresh = item(rnd() < 0.5 ? 'a1' : 'a2', `n${round}-${i}@example.org`, { groups: someGroups(rnd, 45) });
          index.upsert(fresh);
          all.set(`${fresh.accountId}|${fresh.jid}`, { item: fresh, rank: 0 });
        } else {
          const rank = Math.floor(rnd() * 4);
          index.setAvailability(current.item.accountId, current.item.jid, rank);
          current.rank = rank;
        }
      }
    };
    const expectViews = (views: string[]) => {
      for (const view of views) expect(actualView(index, view)).toEqual(expectedView(all, view, index.sortMode));
    };

    // Only the all-accounts view is on screen; the account views are not built, yet counted.
    expectViews([ALL_VIEW]);
    changeSome(1);
    expectViews([ALL_VIEW]);
    expect(index.totals('a2').total).toBe([...all.values()].filter((k) => k.item.accountId === 'a2').length);

    // An account view asked for after those changes, then both kept up to date together.
    expectViews(['a1']);
    changeSome(2);
    expectViews([ALL_VIEW, 'a1']);

    // A presence batch re-ranks the built views; the other is built afterwards in the new order.
    const batch = [...all.values()].map(({ item: it }, i) => {
      const rank = (i * 5) % 4;
      all.get(`${it.accountId}|${it.jid}`)!.rank = rank;
      return { accountId: it.accountId, jid: it.jid, rank, status: '' };
    });
    expect(index.setAvailabilities(batch)).toBe(all.size);
    expectViews([ALL_VIEW, 'a1', 'a2']);

    // A new order drops the views; only the one asked for is built, the rest later, after more changes.
    index.setSort('name');
    expectViews(['a2']);
    changeSome(3);
    expectViews(['a2', ALL_VIEW, 'a1']);
    expect(index.accountsWithGroup(DEFAULT_GROUP).sort()).toEqual(
      [...new Set([...all.values()].filter((k) => k.item.groups.length === 0).map((k) => k.item.accountId))].sort(),
    );
  });

  it('has no view for an account without contacts, and builds it once one arrives', () => {
    const index = new RosterIndex([item('a1', 'bob@x')]);
    expect(index.groups('a2')).toEqual([]);
    index.upsert(item('a2', 'carol@x', { groups: ['Friends'] }));
    expect(index.groupNames('a2')).toEqual(['Friends']);
    expect(index.flatten({ view: 'a2' }).contactRows).toBe(1);
  });
});

describe('roster index: the first screen sorts only what it shows', () => {
  /** 2,000 contacts in 100 groups, given in reverse name order (the worst case for the old sort). */
  function bigIndex(sort: 'availability' | 'name'): { index: RosterIndex; items: RosterItemView[] } {
    const items: RosterItemView[] = [];
    for (let i = 1999; i >= 0; i--) {
      const groups = new Set([`Team ${String(i % 100).padStart(3, '0')}`]);
      if (i % 7 === 0) groups.add(`Team ${String((i * 13) % 100).padStart(3, '0')}`);
      const name = `Contact ${String(i).padStart(4, '0')}`;
      items.push(item('a1', `user${i}@example.org`, { name, groups: [...groups] }));
    }
    return { index: new RosterIndex(items, sort), items };
  }

  /** Lengths of the arrays sorted while `work` runs. */
  function sortedLengths(work: () => void): number[] {
    const lengths: number[] = [];
    const sort = Array.prototype.sort;
    Array.prototype.sort = function (this: unknown[], compare?: (a: unknown, b: unknown) => number) {
      lengths.push(this.length);
      return sort.call(this, compare) as unknown[];
    };
    try {
      work();
    } finally {
      Array.prototype.sort = sort;
    }
    return lengths;
  }

  it.each(['availability', 'name'] as const)(
    'by %s: flattening sorts no contacts, the rows read sort only their groups, and every group reads sorted',
    (sort) => {
      const { index, items } = bigIndex(sort);
      const memberships = items.reduce((sum, it) => sum + it.groups.length, 0);
      let rows: RosterRow[] = [];
      // The groups' order is one sort of 100 names; no contact list is sorted by the flatten itself.
      const flattening = sortedLengths(() => (rows = index.flatten({ view: ALL_VIEW }).rows));
      expect(flattening).toEqual([100]);
      expect(rows.length).toBe(100 + memberships);
      // The first screenful (30 rows, inside the first group of ~23 contacts and the next): two groups sorted.
      const firstScreen = sortedLengths(() => rows.slice(0, 30).forEach((row) => row.key));
      expect(firstScreen.length).toBeLessThanOrEqual(2);
      expect(Math.max(...firstScreen)).toBeLessThan(40);
      expect(outline(rows.slice(0, 3))).toBe('Team 000: Contact 0000 Contact 0100');
      // Every group reads in order, and a row read late still names its place's contact.
      for (const bucket of index.groups(ALL_VIEW)) {
        const names = bucket.entries.map((entry) => entry.sortKey);
        expect(names).toEqual([...names].sort());
      }
      const last = rows[rows.length - 1];
      expect(last.kind === 'contact' && last.entry.display).toBe('Contact 1999');
    },
  );

  it('keeps the order when contacts change in a group that was never read', () => {
    const { index } = bigIndex('name');
    index.flatten({ view: ALL_VIEW });
    index.upsert(item('a1', 'new@example.org', { name: 'Aaron', groups: ['Team 050'] }));
    index.remove('a1', 'user50@example.org');
    const names = index.bucket(ALL_VIEW, 'Team 050')!.entries.map((entry) => entry.display);
    expect(names[0]).toBe('Aaron');
    expect(names).not.toContain('Contact 0050');
    expect(names.slice(1)).toEqual([...names.slice(1)].sort());
  });
});
