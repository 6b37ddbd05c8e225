/**
 * The shared pieces of lists and panels: the virtualized tree's rows and their tree semantics, the
 * pressed-toggle group, and the fact list.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import ChoiceGroup from '../../../../../src/renderer/src/components/lists/ChoiceGroup.vue';
import FactList from '../../../../../src/renderer/src/components/lists/FactList.vue';
import VirtualTree from '../../../../../src/renderer/src/components/lists/VirtualTree.vue';
import {
  RowPool,
  rowKey,
  windowOf,
  type TreeRowState,
} from '../../../../../src/renderer/src/components/lists/virtual-tree';

async function render(component: unknown, props: Record<string, unknown>, slots?: Record<string, unknown>) {
  const app = createSSRApp({ render: () => h(component as Component, props, slots) });
  return renderToString(app);
}

type Row = { kind: 'group'; name: string } | { kind: 'entry'; name: string; pos: number };
const ROWS: Row[] = [
  { kind: 'group', name: 'Friends' },
  ...Array.from({ length: 99 }, (_, i): Row => ({ kind: 'entry', name: `Contact ${i}`, pos: i + 1 })),
];

function treeProps(extra: Record<string, unknown> = {}) {
  return {
    label: 'Contacts',
    count: ROWS.length,
    itemAt: (i: number) => ROWS[i],
    stateOf: (row: Row): TreeRowState =>
      row.kind === 'group'
        ? { level: 1, expanded: true, label: `${row.name}, 99` }
        : { level: 2, selected: row.name === 'Contact 1', setsize: 99, posinset: row.pos, label: row.name },
    activeIndex: 2,
    selectedClass: 'chosen',
    rowHeight: 40,
    overscan: 2,
    fallbackHeight: 200,
    ...extra,
  };
}

describe('VirtualTree', () => {
  it('puts only the rows in view (and the overscan) in the DOM, placed by their index', async () => {
    const html = await render(VirtualTree, treeProps());
    const rows = html.match(/<div[^>]*role="treeitem"[^>]*>/g) ?? [];
    // 200 px of 40 px rows and two rows of overscan on each side: at the top, all four below.
    expect(rows).toHaveLength(10);
    expect(html).toContain('style="height:4000px;"');
    expect(rows[9]).toContain('transform:translateY(360px);height:40px;');
    expect(rows[9]).toContain('data-index="9"');
  });

  it('gives each row its tree semantics, and names the active one on the tree', async () => {
    const html = await render(VirtualTree, treeProps({ rowClass: 'extra' }), {
      default: ({ item }: { item: Row }) => h('span', item.name),
    });
    const tree = html.match(/<div[^>]*role="tree"[^>]*>/)?.[0] ?? '';
    expect(tree).toContain('tabindex="0"');
    expect(tree).toContain('aria-label="Contacts"');
    const rows = html.match(/<div[^>]*role="treeitem"[^>]*>/g) ?? [];
    const active = tree.match(/aria-activedescendant="([^"]+)"/)?.[1];
    expect(rows[2]).toContain(`id="${active}"`);
    const classes = (row = '') => (row.match(/class="([^"]*)"/)?.[1] ?? '').split(' ').sort();
    expect(classes(rows[0])).toEqual(['extra', 'roster-row', 'roster-row-group']);
    expect(rows[0]).toContain('aria-level="1"');
    expect(rows[0]).toContain('aria-expanded="true"');
    expect(rows[0]).not.toContain('aria-selected');
    expect(classes(rows[2])).toEqual(['active', 'chosen', 'extra', 'roster-row']);
    expect(classes(rows[3])).toEqual(['extra', 'roster-row']);
    expect(rows[2]).toContain('aria-selected="true"');
    expect(rows[3]).toContain('aria-selected="false"');
    expect(rows[3]).toContain('aria-setsize="99"');
    expect(rows[3]).toContain('aria-posinset="3"');
    expect(rows[3]).toContain('aria-label="Contact 2"');
    expect(html).toContain('<span>Contact 2</span>');
  });
});

describe('rowKey (which row element a row takes over while scrolling)', () => {
  // Groups of three contacts, as the roster flattens them: a header, then its contacts.
  const kinds = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 'group' : 'contact'));
  const state = (index: number): TreeRowState => {
    const groupsUpTo = Math.floor(index / 4) + 1;
    return kinds[index] === 'group'
      ? { level: 1, label: '', recycle: { kind: 'group', ordinal: groupsUpTo } }
      : { level: 2, label: '', recycle: { kind: 'contact', ordinal: index - groupsUpTo } };
  };
  const SLOTS = 13;
  const window = (first: number) =>
    Array.from({ length: SLOTS }, (_, i) => first + i).map((index) => rowKey(state(index), index, SLOTS));

  it('is unique within every window of rows', () => {
    for (let first = 0; first + SLOTS <= kinds.length; first++) expect(new Set(window(first)).size).toBe(SLOTS);
  });

  it('hands a contact row’s element only to another contact, and a header’s only to another header', () => {
    for (let first = 0; first + 2 * SLOTS <= kinds.length; first += 7) {
      const before = new Map(window(first).map((key, i) => [key, kinds[first + i]]));
      window(first + 7).forEach((key, i) => {
        const was = before.get(key);
        if (was !== undefined) expect(was).toBe(kinds[first + 7 + i]);
      });
    }
  });

  it('keeps a row’s own key, else falls back to its slot in the window', () => {
    expect(rowKey({ level: 2, label: '', key: 'bob' }, 40, SLOTS)).toBe('bob');
    expect(rowKey({ level: 2, label: '' }, 40, SLOTS)).toBe(40 % SLOTS);
  });
});

describe('windowOf (the rows a virtual tree holds)', () => {
  it('holds the rows in view and the overscan, and where a list edge cuts one side, as many more on the other', () => {
    // Ten slots: the middle of the list, the top, the bottom, and a list shorter than the window.
    expect(windowOf(40, 50, 100, 10)).toEqual([40, 50]);
    expect(windowOf(0, 7, 100, 10)).toEqual([0, 10]);
    expect(windowOf(93, 100, 100, 10)).toEqual([90, 100]);
    expect(windowOf(0, 6, 6, 10)).toEqual([0, 6]);
  });
});

describe('RowPool (the row elements a scroll patches instead of remounting)', () => {
  // A header, then three contacts, as in rowKey's tests; rows are their indices.
  const kindOf = (index: number) => (index % 4 === 0 ? 'group' : 'contact');
  const stateOf = (index: number): TreeRowState => {
    const groupsUpTo = Math.floor(index / 4) + 1;
    return kindOf(index) === 'group'
      ? { level: 1, label: `group ${index}`, recycle: { kind: 'group', ordinal: groupsUpTo } }
      : { level: 2, label: `contact ${index}`, recycle: { kind: 'contact', ordinal: index - groupsUpTo } };
  };
  const COUNT = 400;
  const SLOTS = 13;
  const layout = (pool: RowPool<number>, first: number, count = COUNT) =>
    pool.layout(
      first,
      Math.min(count, first + SLOTS),
      count,
      SLOTS,
      (i) => (i < count ? i : undefined),
      (i) => stateOf(i),
    );

  it('keeps every row element through a scroll, hidden while its kind has fewer rows in view', () => {
    const pool = new RowPool<number>();
    let before = new Set(layout(pool, 0).map((row) => row.key));
    for (let first = 5; first + SLOTS <= COUNT; first += 5) {
      const rows = layout(pool, first);
      const keys = new Set(rows.map((row) => row.key));
      // No element of the frame before is dropped (none unmounted), and none is added twice.
      for (const key of before) expect(keys.has(key)).toBe(true);
      expect(keys.size).toBe(rows.length);
      // The rows in view come first, in order, each in an element of its own kind; the kept ones after.
      const shown = rows.filter((row) => row.shown);
      expect(shown.map((row) => row.index)).toEqual(Array.from({ length: SLOTS }, (_, i) => first + i));
      expect(rows.slice(0, SLOTS).every((row) => row.shown)).toBe(true);
      for (const row of shown) expect(String(row.key).startsWith(kindOf(row.index))).toBe(true);
      expect(shown.map((row) => row.row.label)).toEqual(shown.map((row) => stateOf(row.index).label));
      before = keys;
    }
    // At most a window's worth of elements per kind.
    expect(before.size).toBeLessThanOrEqual(2 * SLOTS);
  });

  it('drops the kept rows when the number of rows changes, and a row with its own key when it leaves', () => {
    const pool = new RowPool<number>();
    layout(pool, 0);
    expect(layout(pool, 1).some((row) => !row.shown)).toBe(true);
    expect(layout(pool, 1, 300).every((row) => row.shown)).toBe(true);
    const owned = new RowPool<number>();
    const ownKey = (first: number) =>
      owned.layout(
        first,
        first + 3,
        10,
        3,
        (i) => i,
        (i) => ({ level: 2, label: '', key: `row ${i}` }),
      );
    ownKey(0);
    expect(ownKey(1).map((row) => [row.key, row.shown])).toEqual([
      ['row 1', true],
      ['row 2', true],
      ['row 3', true],
    ]);
  });
});

describe('ChoiceGroup', () => {
  it('marks the current choice pressed, the others not, in a named group', async () => {
    const html = await render(ChoiceGroup, {
      label: 'Group by',
      choices: ['role', 'affiliation'],
      wordOf: (choice: string) => (choice === 'role' ? 'By role' : 'By affiliation'),
      modelValue: 'affiliation',
    });
    expect(html).toMatch(/^<div[^>]*role="group"[^>]*aria-label="Group by"/);
    expect(html).toMatch(/<button type="button" class="roster-tool" aria-pressed="false">\s*By role\s*<\/button>/);
    expect(html).toMatch(/aria-pressed="true">\s*By affiliation\s*<\/button>/);
  });
});

describe('FactList', () => {
  it('lists the facts that have a value, in order; text written by others follows its own direction', async () => {
    const html = await render(FactList, {
      facts: [
        { term: 'Name', value: 'Tea room', auto: true },
        { term: 'Subject', value: null, auto: true },
        { term: 'Occupants', value: '0' },
        { term: 'Logs', value: '' },
      ],
    });
    expect(html.replace(/<!--[^>]*-->/g, '')).toBe(
      '<dl class="facts"><dt>Name</dt><dd dir="auto">Tea room</dd><dt>Occupants</dt><dd>0</dd></dl>',
    );
  });
});
