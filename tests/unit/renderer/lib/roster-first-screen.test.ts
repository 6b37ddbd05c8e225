import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, type IdentityView, type Prefs, type RosterItemView } from '../../../../src/shared/contract';
import { rosterFirstScreen } from '../../../../src/shared/roster-first-screen';
import { FirstScreenIndex, isRead } from '../../../../src/renderer/src/lib/roster-first-screen';
import { RosterIndex } from '../../../../src/renderer/src/lib/roster-index';
import { ALL_VIEW, groupKey, type FlatRoster, type RosterRow } from '../../../../src/renderer/src/lib/roster-model';
import { i18n } from '../../../../src/renderer/src/i18n';
import { realisticContacts } from '../../../../bench/realistic-data.mjs';

const ROWS = 60;
const noNicks = () => null;

function item(accountId: string, jid: string, extra: Partial<RosterItemView> = {}): RosterItemView {
  return { accountId, jid, name: null, subscription: 'both', pendingOut: false, groups: [], ...extra };
}

/** The bench's ASCII roster (a smaller one): names with numbers, 1–3 of 100 groups, a few with none. */
function asciiItems(count: number): RosterItemView[] {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const items: RosterItemView[] = [];
  for (let i = 0; i < count; i++) {
    const groups = new Set<string>(i % 97 === 0 ? [] : [`Team ${String(i % 100).padStart(3, '0')}`]);
    for (let g = i % 97 === 0 ? 0 : next() % 3; g > 0; g--) groups.add(`Team ${String(next() % 100).padStart(3, '0')}`);
    items.push(
      item(i % 5 === 0 ? 'b' : 'a', `user${i}@example.org`, {
        name: `Contact ${next() % 1000} ${i}`,
        groups: [...groups],
      }),
    );
  }
  return items;
}

/** The realistic roster: names in many scripts, accents, emoji, missing names, the same contact in two accounts. */
function realisticItems(count: number): RosterItemView[] {
  return realisticContacts(count).map((contact, i) => ({
    accountId: i % 7 === 0 ? 'b' : 'a',
    jid: contact.jid,
    name: contact.name,
    subscription: contact.subscription,
    pendingOut: contact.ask,
    groups: contact.groups,
  }));
}

/** Nicks for every 11th contact (they sort by it when they have no roster name). */
function nicksOf(items: RosterItemView[]): IdentityView[] {
  return items
    .filter((_, i) => i % 11 === 0)
    .map((it, i) => ({ accountId: it.accountId, jid: it.jid, avatar: null, nick: i % 2 ? `Ñick ${i}` : `zz ${i}` }));
}

/** The index as the roster store builds it from a snapshot. */
function build<T extends RosterIndex>(index: T, items: RosterItemView[], identities: IdentityView[]): T {
  index.setSort('availability');
  for (const identity of identities) index.setNick(identity.accountId, identity.jid, identity.nick);
  index.reset(items);
  return index;
}

/** What a row shows and is known by. */
function shown(row: RosterRow): string {
  if (row.kind === 'group')
    return `group ${row.key} ${row.group.online}/${row.group.entries.length} pos ${row.pos} size ${row.size}`;
  return `contact ${row.key} ${row.entry.display} pos ${row.pos} of ${row.header.size}`;
}

function compare(items: RosterItemView[], prefs: Prefs, identities: IdentityView[]) {
  const nicks = new Map(identities.map((identity) => [`${identity.accountId}|${identity.jid}`, identity.nick]));
  const first = rosterFirstScreen(items, prefs, (accountId, jid) => nicks.get(`${accountId}|${jid}`), false, ROWS);
  expect(first).not.toBeNull();
  const view = prefs.rosterView === 'all' ? ALL_VIEW : prefs.rosterView;
  expect(first!.screen.view).toBe(view);
  const options = { view, collapsed: new Set(prefs.rosterCollapsed), hideOffline: false, query: '' };
  const whole = build(new RosterIndex(), items, identities);
  const screen = build(new FirstScreenIndex(first!.screen), first!.items, identities);
  const full: FlatRoster = whole.flatten(options);
  const early: FlatRoster = screen.flatten(options);
  // The first rows read the same, and so does everything the column counts.
  expect(early.rows.slice(0, ROWS).map(shown)).toEqual(full.rows.slice(0, ROWS).map(shown));
  expect(early.rows.length).toBe(full.rows.length);
  expect([early.groupRows, early.groupCount, early.contactRows]).toEqual([
    full.groupRows,
    full.groupCount,
    full.contactRows,
  ]);
  expect(screen.totals(view)).toEqual(whole.totals(view));
  // Past the first screen: every group header as in the whole roster, contacts as not read yet.
  for (let i = ROWS; i < full.rows.length; i++) {
    const row = full.rows[i];
    if (row.kind === 'group') expect(shown(early.rows[i])).toBe(shown(row));
    else expect(early.rows[i].key).toBe(`${row.group.key}\n#${row.pos}`);
  }
  // The list opens and selects only the contacts it has read: the first screen's, never a row past it.
  const readable = (rows: RosterRow[]) => rows.filter((row) => row.kind === 'contact' && isRead(row.entry)).length;
  expect(readable(early.rows.slice(0, ROWS))).toBe(readable(full.rows.slice(0, ROWS)));
  expect(readable(early.rows.slice(ROWS))).toBe(0);
  expect(readable(full.rows)).toBe(full.contactRows);
  // A few KB for the first screen of a large roster.
  expect(first!.items.length).toBeLessThanOrEqual(ROWS);
}

describe('the roster’s first screen (core) against the roster index (window)', () => {
  const locale = i18n.global.locale.value;
  afterAll(() => {
    i18n.global.locale.value = locale;
  });
  const sets = { ascii: asciiItems(3000), realistic: realisticItems(3000) };

  for (const [name, items] of Object.entries(sets)) {
    for (const lang of ['en', 'de', 'ru'] as const) {
      it(`${name}, ${lang}: the same first rows and counts, all accounts, names and nicks`, () => {
        i18n.global.locale.value = lang;
        compare(items, DEFAULT_PREFS, nicksOf(items));
      });
    }

    it(`${name}: one account's view, the first two groups collapsed`, () => {
      const whole = build(new RosterIndex(), items, []);
      const [g1, g2] = whole.groups('b').map((bucket) => bucket.name);
      compare(
        items,
        { ...DEFAULT_PREFS, rosterView: 'b', rosterCollapsed: [groupKey('b', g1), groupKey('b', g2)] },
        [],
      );
    });
  }

  it('gives none while someone is online or offline contacts are hidden (the index would order by presence)', () => {
    const items = asciiItems(100);
    expect(rosterFirstScreen(items, DEFAULT_PREFS, noNicks, true, ROWS)).toBeNull();
    expect(rosterFirstScreen(items, { ...DEFAULT_PREFS, rosterHideOffline: true }, noNicks, false, ROWS)).toBeNull();
  });

  it('shows the all-accounts view when the chosen account has no contacts', () => {
    const first = rosterFirstScreen(asciiItems(50), { ...DEFAULT_PREFS, rosterView: 'gone' }, noNicks, false, ROWS);
    expect(first?.screen.view).toBe(ALL_VIEW);
  });
});
