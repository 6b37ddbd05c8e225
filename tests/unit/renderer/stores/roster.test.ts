import { createPinia, setActivePinia } from 'pinia';
import { effect } from 'vue';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFS,
  type CommandInput,
  type CommandName,
  type Prefs,
  type Snapshot,
} from '../../../../src/shared/contract';
import { fail, ok, type Result } from '../../../../src/shared/result';
import { toRosterTable } from '../../../../src/shared/roster-table';
import { toIdentityTable } from '../../../../src/shared/identity-table';
import { ALL_VIEW, groupKey } from '../../../../src/renderer/src/lib/roster-model';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { usePrefsStore } from '../../../../src/renderer/src/stores/prefs';
import { useRosterStore } from '../../../../src/renderer/src/stores/roster';
import { flush, item, pumpInto, snapshot } from '../fixtures';
import {
  accountChipText,
  showForRank,
  subscriptionInfo,
} from '../../../../src/renderer/src/components/roster/describe';

describe('roster store through the event pump', () => {
  beforeEach(() => setActivePinia(createPinia()));

  function start(initial: Snapshot) {
    const { pushBatch, ...stores } = pumpInto(initial, {
      accounts: useAccountsStore(),
      app: useAppStore(),
      roster: useRosterStore(),
      prefs: usePrefsStore(),
    });
    return { ...stores, push: pushBatch };
  }

  it('shows the cached roster from the snapshot, marked unsynced until the sync event', async () => {
    const { roster } = start(
      snapshot({
        roster: [item('a1', 'bob@x', { groups: ['Friends'] }), item('a1', 'carol@x')],
        rosterSync: [{ accountId: 'a1', state: 'cached', version: 'v1', syncedAt: 5 }],
        prefs: { ...DEFAULT_PREFS, rosterSort: 'name' },
      }),
    );
    await flush();
    expect(roster.index.size).toBe(2);
    expect(roster.index.sortMode).toBe('name');
    expect(roster.unsynced('a1')).toBe(true);
    expect(roster.unsynced('a2')).toBe(true); // nothing known about it
  });

  it('takes the roster from the compact table the pump asks for, the same as from the items', async () => {
    const items = [
      item('a1', 'bob@x', { groups: ['Friends', 'Work'], name: 'Bob' }),
      item('a1', 'carol@y'),
      item('a2', 'dave@x', { groups: ['Work'] }),
    ];
    const { roster } = start(snapshot({ roster: [], rosterTable: toRosterTable(items) }));
    await flush();
    expect(roster.index.size).toBe(3);
    expect(roster.index.get('a1', 'bob@x')?.item).toEqual(items[0]);
    expect(roster.index.groupNames(ALL_VIEW)).toEqual(['Friends', 'Work']);
    expect(roster.index.totals('a2').total).toBe(1);
  });

  it('names contacts by the nicknames of the compact identity table', async () => {
    const items = [item('a1', 'bob@x'), item('a1', 'carol@y', { name: 'Carol' })];
    const identityTable = toIdentityTable([
      { accountId: 'a1', jid: 'bob@x', avatar: null, nick: 'Bobby' },
      { accountId: 'a1', jid: 'carol@y', avatar: null, nick: 'Caro' },
    ]);
    const { roster } = start(snapshot({ rosterTable: toRosterTable(items), identities: [], identityTable }));
    await flush();
    expect(roster.index.get('a1', 'bob@x')?.display).toBe('Bobby');
    expect(roster.index.get('a1', 'carol@y')?.display).toBe('Carol');
  });

  it('applies a whole batch with one trigger, in order, and ignores batches already in the snapshot', async () => {
    const s = start(snapshot({ seq: 10, roster: [item('a1', 'bob@x', { groups: ['Old'] })] }));
    await flush();
    let runs = 0;
    effect(() => {
      void s.roster.index;
      runs += 1;
    });
    expect(runs).toBe(1);

    s.push({ seq: 9, events: [{ type: 'roster.removed', accountId: 'a1', jid: 'bob@x' }] });
    expect(s.roster.index.size).toBe(1);
    expect(runs).toBe(1);

    s.push({
      seq: 11,
      events: [
        { type: 'roster.item', item: item('a1', 'bob@x', { groups: ['New'] }) },
        { type: 'roster.item', item: item('a1', 'carol@x', { name: 'Carol' }) },
        { type: 'roster.removed', accountId: 'a1', jid: 'carol@x' },
        { type: 'roster.item', item: item('a2', 'bob@x') },
        { type: 'roster.sync', sync: { accountId: 'a1', state: 'synced', version: 'v2', syncedAt: 9 } },
      ],
    });
    expect(runs).toBe(2);
    expect(s.roster.index.groupNames(ALL_VIEW)).toEqual(['New']);
    expect(s.roster.index.get('a1', 'carol@x')).toBeUndefined();
    expect(s.roster.index.totals(ALL_VIEW).total).toBe(2);
    expect(s.roster.unsynced('a1')).toBe(false);

    // Batches without roster changes do not re-render the roster.
    s.push({ seq: 12, events: [{ type: 'account.connection', id: 'a1', connection: { status: 'online', since: 1 } }] });
    expect(runs).toBe(2);

    // An account removed takes its contacts and sync state with it.
    s.push({ seq: 13, events: [{ type: 'account.removed', id: 'a1' }] });
    expect(runs).toBe(3);
    expect(s.roster.index.totals('a1').total).toBe(0);
    expect(s.roster.index.totals(ALL_VIEW).total).toBe(1);
  });

  it("applies a roster fetch's one event: its removals, then its items, with one trigger", async () => {
    const s = start(snapshot({ seq: 1, roster: [item('a1', 'bob@x', { groups: ['Old'] }), item('a1', 'dave@x')] }));
    await flush();
    let runs = 0;
    effect(() => {
      void s.roster.index;
      runs += 1;
    });
    s.push({
      seq: 2,
      events: [
        {
          type: 'roster.items',
          accountId: 'a1',
          removed: ['dave@x', 'carol@x'],
          items: [item('a1', 'bob@x', { groups: ['New'] }), item('a1', 'carol@x', { name: 'Carol' })],
        },
      ],
    });
    expect(runs).toBe(2);
    expect(s.roster.index.get('a1', 'dave@x')).toBeUndefined();
    expect(s.roster.index.get('a1', 'carol@x')?.item.name).toBe('Carol');
    expect(s.roster.index.groupNames(ALL_VIEW)).toEqual(['New']);
    expect(s.roster.index.totals('a1').total).toBe(2);
  });

  it('re-sorts when the sort preference changes', async () => {
    const s = start(snapshot({ roster: [item('a1', 'b@x'), item('a1', 'a@x')] }));
    await flush();
    expect(s.roster.index.sortMode).toBe('availability');
    s.push({ seq: 2, events: [{ type: 'prefs.changed', prefs: { ...DEFAULT_PREFS, rosterSort: 'name' } }] });
    expect(s.roster.index.sortMode).toBe('name');
    expect(s.prefs.prefs.rosterSort).toBe('name');
  });
});

describe('prefs store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  /** A prefs.update the test answers by hand. */
  function prefsApi() {
    const calls: { input: Partial<Prefs>; resolve: (result: Result<Prefs>) => void }[] = [];
    const api = {
      invoke<K extends CommandName>(command: K, input: CommandInput<K>) {
        if (command !== 'prefs.update') throw new Error(`unexpected ${command}`);
        return new Promise((resolve) => calls.push({ input: input as Partial<Prefs>, resolve })) as never;
      },
    };
    return { api, calls };
  }

  it('shows a change at once, keeps two quick toggles, and settles on what the core confirms', async () => {
    const prefs = usePrefsStore();
    prefs.applySnapshot(snapshot());
    const { api, calls } = prefsApi();
    const work = groupKey(ALL_VIEW, 'Work');
    const home = groupKey('a1', 'Home');
    const first = prefs.toggleCollapsed(api, work);
    const second = prefs.toggleCollapsed(api, home);
    expect([...prefs.collapsed]).toEqual([work, home]);
    expect(calls[1].input).toEqual({ rosterCollapsed: [work, home] });

    calls[0].resolve(ok({ ...DEFAULT_PREFS, rosterCollapsed: [work] }));
    await first;
    expect([...prefs.collapsed]).toEqual([work, home]); // the second request is still out
    calls[1].resolve(ok({ ...DEFAULT_PREFS, rosterCollapsed: [work, home] }));
    await second;
    expect([...prefs.collapsed]).toEqual([work, home]);

    // A refused change falls back to the stored value and says why.
    const third = prefs.update(api, { rosterHideOffline: true });
    expect(prefs.prefs.rosterHideOffline).toBe(true);
    calls[2].resolve(fail('storage', 'store.writeFailed', { failure: 'full' }));
    expect(await third).toBe(false);
    expect(prefs.prefs.rosterHideOffline).toBe(false);
    expect(prefs.error).toBe(
      'Could not save the setting: The disk is full, so Jabberwock could not save this. Free some space and try again.',
    );

    // Changes made elsewhere arrive as events.
    prefs.applyEvents([{ type: 'prefs.changed', prefs: { ...DEFAULT_PREFS, rosterView: 'a1' } }]);
    expect(prefs.prefs.rosterView).toBe('a1');
  });
});

describe('roster words', () => {
  it('explains each subscription state in plain words and flags all but mutual ones', () => {
    expect(subscriptionInfo({ subscription: 'both', pendingOut: false }).badge).toBeNull();
    expect(subscriptionInfo({ subscription: 'from', pendingOut: false })).toEqual({
      badge: 'from',
      text: 'Sees your status; you don’t see theirs.',
    });
    expect(subscriptionInfo({ subscription: 'to', pendingOut: false }).badge).toBe('to');
    expect(subscriptionInfo({ subscription: 'none', pendingOut: false }).badge).toBe('none');
    const pending = subscriptionInfo({ subscription: 'none', pendingOut: true });
    expect(pending.badge).toBe('pending');
    expect(pending.text).toContain('waiting for their answer');
  });

  it('maps availability ranks to presence and labels account chips', () => {
    expect(showForRank(0)).toBe('offline');
    expect(showForRank(3)).toBe('available');
    expect(showForRank(99)).toBe('dnd');
    expect(accountChipText({ label: '', jid: 'alice@example.org' })).toBe('alice');
    expect(accountChipText({ label: ' Work ', jid: 'a@b' })).toBe('Work');
  });
});
