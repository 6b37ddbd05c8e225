/**
 * The presence store fed through the event pump: the views it keeps, the availability it feeds
 * into the roster index (aggregate rank and status, sorting), one trigger per batch, big batches.
 */
import { createPinia, setActivePinia } from 'pinia';
import { effect } from 'vue';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFS,
  type ContactPresenceView,
  type ResourceView,
  type Snapshot,
} from '../../../../src/shared/contract';
import { ALL_VIEW, DEFAULT_GROUP } from '../../../../src/renderer/src/lib/roster-model';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { usePrefsStore } from '../../../../src/renderer/src/stores/prefs';
import { usePresenceStore } from '../../../../src/renderer/src/stores/presence';
import { useRosterStore } from '../../../../src/renderer/src/stores/roster';
import { flush, item, pumpInto, snapshot } from '../fixtures';

function resource(name: string, extra: Partial<ResourceView> = {}): ResourceView {
  return { resource: name, show: 'available', status: null, priority: 0, since: 1000, client: null, ...extra };
}

function presence(accountId: string, jid: string, extra: Partial<ContactPresenceView> = {}): ContactPresenceView {
  return { accountId, jid, resources: [], error: null, lastSeen: null, directed: false, ...extra };
}

function start(initial: Snapshot) {
  return pumpInto(initial, {
    accounts: useAccountsStore(),
    app: useAppStore(),
    roster: useRosterStore(),
    prefs: usePrefsStore(),
    presence: usePresenceStore(),
  });
}

/** Display names of the default group, in the index's order. */
function order(s: ReturnType<typeof start>): string[] {
  return s.roster.index.bucket(ALL_VIEW, DEFAULT_GROUP)?.entries.map((entry) => entry.item.jid) ?? [];
}

describe('presence store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('feeds the snapshot into the roster: aggregate rank from the first resource, its status, errors offline', async () => {
    const s = start(
      snapshot({
        roster: [item('a1', 'anne@x'), item('a1', 'bob@x'), item('a1', 'carl@x'), item('a1', 'dora@x')],
        presence: [
          presence('a1', 'bob@x', {
            resources: [resource('desk', { show: 'dnd', status: 'In a meeting' }), resource('phone')],
          }),
          presence('a1', 'carl@x', { resources: [resource('laptop', { show: 'xa', status: '  gone  ' })] }),
          presence('a1', 'dora@x', { error: { condition: 'remote-server-not-found', text: null } }),
        ],
        ownPresence: { a1: { show: 'away', status: 'lunch', priority: 5, auto: false } },
        recentStatuses: ['lunch', 'working'],
      }),
    );
    await flush();
    expect(s.roster.index.get('a1', 'bob@x')).toMatchObject({ rank: 5, status: 'In a meeting' });
    expect(s.roster.index.get('a1', 'carl@x')).toMatchObject({ rank: 1, status: 'gone' });
    expect(s.roster.index.get('a1', 'dora@x')).toMatchObject({ rank: 0 });
    expect(s.roster.index.get('a1', 'anne@x')).toMatchObject({ rank: 0 });
    expect(s.roster.index.totals(ALL_VIEW)).toEqual({ total: 4, online: 2 });
    // Sorted by availability: dnd, then xa, then the offline ones by name.
    expect(order(s)).toEqual(['bob@x', 'carl@x', 'anne@x', 'dora@x']);
    expect(s.presence.get('a1', 'bob@x')?.resources).toHaveLength(2);
    expect(s.presence.ownOf('a1')).toEqual({ show: 'away', status: 'lunch', priority: 5, auto: false });
    expect(s.presence.recentStatuses).toEqual(['lunch', 'working']);
  });

  it('applies a batch with one trigger per ref; the last view of a contact wins', async () => {
    const s = start(snapshot({ roster: [item('a1', 'anne@x'), item('a1', 'bob@x')] }));
    await flush();
    let rosterRuns = 0;
    let presenceRuns = 0;
    effect(() => {
      void s.roster.index;
      rosterRuns += 1;
    });
    effect(() => {
      void s.presence.contacts;
      presenceRuns += 1;
    });
    s.push({
      events: [
        {
          type: 'presence.contact',
          presence: presence('a1', 'anne@x', { resources: [resource('r', { show: 'chat' })] }),
        },
        { type: 'presence.contact', presence: presence('a1', 'bob@x', { resources: [resource('r')] }) },
        {
          type: 'presence.contact',
          presence: presence('a1', 'anne@x', { resources: [resource('r', { show: 'away' })] }),
        },
      ],
    });
    expect(rosterRuns).toBe(2);
    expect(presenceRuns).toBe(2);
    expect(s.roster.index.get('a1', 'anne@x')?.rank).toBe(2);
    expect(order(s)).toEqual(['bob@x', 'anne@x']);

    // A batch without presence touches neither.
    s.push({ events: [{ type: 'account.connection', id: 'a1', connection: { status: 'online', since: 1 } }] });
    expect(rosterRuns).toBe(2);
    expect(presenceRuns).toBe(2);

    // Going offline: rank 0, status gone, last seen kept in the view.
    s.push({
      events: [
        {
          type: 'presence.contact',
          presence: presence('a1', 'anne@x', { lastSeen: { resource: 'r', at: 5, status: 'bye', device: 'phone' } }),
        },
      ],
    });
    expect(s.roster.index.get('a1', 'anne@x')).toMatchObject({ rank: 0, status: '' });
    expect(s.presence.get('a1', 'anne@x')?.lastSeen?.device).toBe('phone');
    expect(s.roster.index.totals(ALL_VIEW).online).toBe(1);
  });

  it('gives a contact added to the roster later the presence already known for it', async () => {
    const s = start(
      snapshot({ presence: [presence('a1', 'zed@x', { resources: [resource('r', { show: 'chat' })] })] }),
    );
    await flush();
    expect(s.roster.index.get('a1', 'zed@x')).toBeUndefined();
    s.push({ events: [{ type: 'roster.item', item: item('a1', 'zed@x') }] });
    expect(s.roster.index.get('a1', 'zed@x')?.rank).toBe(4);
    // Removed and added again in one batch: still fed.
    s.push({
      events: [
        { type: 'roster.removed', accountId: 'a1', jid: 'zed@x' },
        { type: 'roster.item', item: item('a1', 'zed@x', { name: 'Zed' }) },
      ],
    });
    expect(s.roster.index.get('a1', 'zed@x')?.rank).toBe(4);
    // Removed and added again by a roster fetch's one event: still fed.
    s.push({ events: [{ type: 'roster.removed', accountId: 'a1', jid: 'zed@x' }] });
    expect(s.roster.index.get('a1', 'zed@x')).toBeUndefined();
    s.push({ events: [{ type: 'roster.items', accountId: 'a1', removed: [], items: [item('a1', 'zed@x')] }] });
    expect(s.roster.index.get('a1', 'zed@x')?.rank).toBe(4);
  });

  it('keeps own presence and recent statuses from presence.own; forgets an account removed', async () => {
    const s = start(
      snapshot({
        roster: [item('a1', 'anne@x'), item('a2', 'anne@x')],
        presence: [
          presence('a1', 'anne@x', { resources: [resource('r')] }),
          presence('a2', 'anne@x', { resources: [resource('r')] }),
        ],
      }),
    );
    await flush();
    let ownRuns = 0;
    effect(() => {
      void s.presence.own;
      ownRuns += 1;
    });
    s.push({
      events: [
        {
          type: 'presence.own',
          accountId: 'a1',
          presence: { show: 'xa', status: null, priority: 0, auto: true },
          recentStatuses: ['x'],
        },
        {
          type: 'presence.own',
          accountId: 'a2',
          presence: { show: 'dnd', status: 'busy', priority: -1, auto: false },
          recentStatuses: ['busy', 'x'],
        },
      ],
    });
    expect(ownRuns).toBe(2);
    expect(s.presence.ownOf('a1')?.auto).toBe(true);
    expect(s.presence.ownOf('a2')?.priority).toBe(-1);
    expect(s.presence.recentStatuses).toEqual(['busy', 'x']);

    s.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    expect(s.presence.get('a1', 'anne@x')).toBeUndefined();
    expect(s.presence.own.has('a1')).toBe(false);
    expect(s.presence.ownOf('a1')).toEqual({ show: 'available', status: null, priority: 0, auto: false });
    expect(s.presence.get('a2', 'anne@x')).toBeDefined();
    expect(s.roster.index.totals(ALL_VIEW)).toEqual({ total: 1, online: 1 });
  });

  it('applies 10,000 contact changes in one batch with one trigger and a correct order and counts', async () => {
    const n = 10_000;
    const roster = Array.from({ length: n }, (_, i) => item('a1', `u${String(i).padStart(5, '0')}@x`));
    const s = start(snapshot({ roster }));
    await flush();
    let runs = 0;
    effect(() => {
      void s.roster.index;
      runs += 1;
    });
    const shows = ['dnd', 'chat', 'available', 'away', 'xa'] as const;
    s.push({
      events: roster.map((entry, i) => ({
        type: 'presence.contact' as const,
        presence:
          i % 10 === 0
            ? presence('a1', entry.jid)
            : presence('a1', entry.jid, { resources: [resource('r', { show: shows[i % 5], status: `s${i}` })] }),
      })),
    });
    expect(runs).toBe(2);
    expect(s.roster.index.totals(ALL_VIEW)).toEqual({ total: n, online: n - n / 10 });
    const entries = s.roster.index.bucket(ALL_VIEW, DEFAULT_GROUP)!.entries;
    expect(entries).toHaveLength(n);
    for (let i = 1; i < entries.length; i++) expect(entries[i - 1].rank).toBeGreaterThanOrEqual(entries[i].rank);
    expect(entries[0].rank).toBe(5);
    expect(s.roster.index.get('a1', 'u00003@x')).toMatchObject({ rank: 2, status: 's3' });
    expect(s.roster.index.bucket(ALL_VIEW, DEFAULT_GROUP)!.online).toBe(n - n / 10);
  });

  it('gives the same order and counts whether batches are applied item by item or rebuilt at once', async () => {
    const roster = Array.from({ length: 1200 }, (_, i) =>
      item('a1', `c${i}@x`, { name: `Name ${(i * 7919) % 1200}`, groups: i % 2 ? ['Odd'] : ['Even', 'All'] }),
    );
    const shows = ['dnd', 'chat', 'available', 'away', 'xa'] as const;
    /** Round r: a quarter offline, the rest with shows shifted by r. */
    const round = (r: number) =>
      roster.map((entry, i) => ({
        type: 'presence.contact' as const,
        presence: presence(
          'a1',
          entry.jid,
          (i + r) % 4 === 0 ? {} : { resources: [resource('r', { show: shows[(i + r) % 5] })] },
        ),
      }));
    const bulk = start(snapshot({ roster }));
    await flush();
    setActivePinia(createPinia());
    const small = start(snapshot({ roster }));
    await flush();

    const rows = (s: ReturnType<typeof start>, view: string) =>
      s.roster.index
        .flatten({ view })
        .rows.map((row) => (row.kind === 'group' ? `${row.key} ${row.group.online}` : row.key));
    const same = () => {
      for (const view of [ALL_VIEW, 'a1']) {
        expect(rows(small, view)).toEqual(rows(bulk, view));
        expect(small.roster.index.totals(view)).toEqual(bulk.roster.index.totals(view));
      }
    };
    // Three big rounds (the second and third reuse the name order), then a rename, a sort change and another.
    for (const r of [0, 1, 2]) {
      const events = round(r);
      bulk.push({ events });
      for (let i = 0; i < events.length; i += 100) small.push({ events: events.slice(i, i + 100) });
      same();
    }
    expect(bulk.roster.index.totals(ALL_VIEW).online).toBe(900);
    for (const s of [bulk, small]) {
      s.push({ events: [{ type: 'roster.item', item: item('a1', 'c5@x', { name: 'Aaron', groups: ['Odd'] }) }] });
      s.push({ events: [{ type: 'prefs.changed', prefs: { ...DEFAULT_PREFS, rosterSort: 'name' } }] });
    }
    same();
    const events = round(3);
    bulk.push({ events });
    for (let i = 0; i < events.length; i += 100) small.push({ events: events.slice(i, i + 100) });
    same();
    // By name, Aaron leads its group.
    expect(bulk.roster.index.bucket('a1', 'Odd')!.entries[0].item.jid).toBe('c5@x');
  });
});
