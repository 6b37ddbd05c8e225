/**
 * The roster of every account, from the snapshot plus roster events. The grouped, sorted, counted
 * index is a plain object in a shallowRef, mutated by deltas and triggered once per batch.
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { AppEvent, RosterSyncView, Snapshot } from '../../../shared/contract';
import { identitiesOf } from '../../../shared/identity-table';
import { fromRosterTable } from '../../../shared/roster-table';
import { FirstScreenIndex } from '../lib/roster-first-screen';
import { RosterIndex } from '../lib/roster-index';
import { type AvailabilityChange, type RosterChange, type RosterSort } from '../lib/roster-model';

export const useRosterStore = defineStore('roster', () => {
  const index = shallowRef(new RosterIndex());
  const sync = shallowRef(new Map<string, RosterSyncView>());

  /** Also takes a first screen (see lib/roster-first-screen.ts), which the whole snapshot replaces. */
  function applySnapshot(snapshot: Snapshot) {
    // Leaving the first screen: a new index, as the first screen's counts belong to it alone.
    if (snapshot.rosterFirstScreen) index.value = new FirstScreenIndex(snapshot.rosterFirstScreen);
    else if (index.value instanceof FirstScreenIndex) index.value = new RosterIndex();
    index.value.setSort(snapshot.prefs.rosterSort);
    for (const identity of identitiesOf(snapshot)) index.value.setNick(identity.accountId, identity.jid, identity.nick);
    index.value.reset(snapshot.rosterTable ? fromRosterTable(snapshot.rosterTable) : snapshot.roster);
    sync.value = new Map(snapshot.rosterSync.map((view) => [view.accountId, view]));
    triggerRef(index);
  }

  /** One action per batch: roster changes in order, then one trigger per ref that changed. */
  function applyEvents(events: readonly AppEvent[]) {
    const changes: RosterChange[] = [];
    let indexChanged = false;
    let syncChanged = false;
    const flush = () => {
      if (changes.length === 0) return;
      index.value.apply(changes);
      changes.length = 0;
      indexChanged = true;
    };
    for (const event of events) {
      switch (event.type) {
        case 'roster.item':
          changes.push({ type: 'upsert', item: event.item });
          break;
        case 'roster.removed':
          changes.push({ type: 'remove', accountId: event.accountId, jid: event.jid });
          break;
        case 'roster.items':
          for (const jid of event.removed) changes.push({ type: 'remove', accountId: event.accountId, jid });
          for (const item of event.items) changes.push({ type: 'upsert', item });
          break;
        case 'identity':
          flush();
          if (index.value.setNick(event.identity.accountId, event.identity.jid, event.identity.nick))
            indexChanged = true;
          break;
        case 'roster.sync':
          sync.value.set(event.sync.accountId, event.sync);
          syncChanged = true;
          break;
        case 'account.removed':
          flush();
          if (index.value.removeAccount(event.id) > 0) indexChanged = true;
          syncChanged = sync.value.delete(event.id) || syncChanged;
          break;
        case 'prefs.changed':
          if (event.prefs.rosterSort !== index.value.sortMode) {
            flush();
            index.value.setSort(event.prefs.rosterSort);
            indexChanged = true;
          }
          break;
      }
    }
    flush();
    if (indexChanged) triggerRef(index);
    if (syncChanged) triggerRef(sync);
  }

  /** Moves one contact for its new availability; call inside a batch and trigger once with touch(). */
  function setAvailability(accountId: string, jid: string, rank: number, status = '') {
    return index.value.setAvailability(accountId, jid, rank, status);
  }

  /** A presence batch's availability changes (a large one is applied with one re-sort); then touch(). */
  function setAvailabilities(changes: readonly AvailabilityChange[]) {
    return index.value.setAvailabilities(changes);
  }

  function touch() {
    triggerRef(index);
  }

  function setSort(sort: RosterSort) {
    if (sort === index.value.sortMode) return;
    index.value.setSort(sort);
    triggerRef(index);
  }

  /** True when the account's roster on screen has not been confirmed by the server in this session. */
  function unsynced(accountId: string): boolean {
    return sync.value.get(accountId)?.state !== 'synced';
  }

  return { index, sync, applySnapshot, applyEvents, setAvailability, setAvailabilities, touch, setSort, unsynced };
});
