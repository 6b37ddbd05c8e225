/**
 * Presence: every contact's ContactPresenceView by (account, JID), our own presence per account,
 * and the recent status texts. Maps live in shallowRefs triggered once per batch. The contacts
 * that changed in a batch are fed to the roster index (their aggregate rank and status line) and
 * the roster is triggered once: per-item work stays O(log n), a big batch is one re-rank.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { AppEvent, ContactPresenceView, OwnPresenceView, Snapshot } from '../../../shared/contract';
import { aggregateRank, aggregateStatus, DEFAULT_OWN } from '../lib/presence';
import { REBUILD_THRESHOLD } from '../lib/roster-index';
import { ChangedRefs } from '../lib/changed-refs';
import { dropAccountEntries, entryKey, type AvailabilityChange } from '../lib/roster-model';
import { useRosterStore } from './roster';

function availability(view: ContactPresenceView, key: string): AvailabilityChange {
  return { accountId: view.accountId, jid: view.jid, key, rank: aggregateRank(view), status: aggregateStatus(view) };
}

/**
 * The availability changes of one batch in order, built in the same pass that reads the events. A
 * contact may come more than once: a batch big enough for the index to write every rank and
 * re-rank once takes them as they are (the last one wins); a smaller one, applied one move at a
 * time, is first cut to each contact once (in first-seen order, with its last view).
 */
class Changes {
  private list: AvailabilityChange[] = [];

  add(key: string, view: ContactPresenceView): void {
    this.list.push(availability(view, key));
  }

  dropAccount(accountId: string): void {
    this.list = this.list.filter((change) => change.accountId !== accountId);
  }

  get size(): number {
    return this.list.length;
  }

  values(): AvailabilityChange[] {
    if (this.list.length > REBUILD_THRESHOLD) return this.list;
    const last = new Map<string, AvailabilityChange>();
    for (const change of this.list) last.set(change.key ?? entryKey(change.accountId, change.jid), change);
    return last.size === this.list.length ? this.list : [...last.values()];
  }
}

export const usePresenceStore = defineStore('presence', () => {
  const roster = useRosterStore();
  /** By entryKey(accountId, jid). */
  const contacts = shallowRef(new Map<string, ContactPresenceView>());
  /** By account id. */
  const own = shallowRef(new Map<string, OwnPresenceView>());
  const recentStatuses = shallowRef<readonly string[]>([]);

  function get(accountId: string, jid: string): ContactPresenceView | undefined {
    return contacts.value.get(entryKey(accountId, jid));
  }

  /** The account's own presence; the core's default until it has told us otherwise. */
  function ownOf(accountId: string): OwnPresenceView {
    return own.value.get(accountId) ?? DEFAULT_OWN;
  }

  /** Feeds the roster index (apply the roster's part of a snapshot or batch first). */
  function feed(changed: Changes) {
    if (changed.size === 0) return;
    if (roster.setAvailabilities(changed.values()) > 0) roster.touch();
  }

  function applySnapshot(snapshot: Snapshot) {
    const map = new Map<string, ContactPresenceView>();
    const changed = new Changes();
    for (const view of snapshot.presence) {
      const key = entryKey(view.accountId, view.jid);
      map.set(key, view);
      changed.add(key, view);
    }
    contacts.value = map;
    own.value = new Map(Object.entries(snapshot.ownPresence));
    recentStatuses.value = snapshot.recentStatuses;
    feed(changed);
  }

  /** One action per batch, in one pass over its events: the last view per contact wins. */
  function applyEvents(events: readonly AppEvent[]) {
    const map = contacts.value;
    const changed = new Changes();
    const changedRefs = new ChangedRefs();
    for (const event of events) {
      switch (event.type) {
        case 'presence.contact': {
          const key = entryKey(event.presence.accountId, event.presence.jid);
          map.set(key, event.presence);
          changed.add(key, event.presence);
          break;
        }
        case 'presence.own':
          changedRefs.set(own, event.accountId, event.presence);
          recentStatuses.value = event.recentStatuses;
          break;
        case 'roster.item':
        case 'roster.items':
          // A contact (re-)added to the roster starts offline in the index: give it what we know.
          // (What the batch brings for it later still wins: changes are applied in order.)
          for (const item of event.type === 'roster.item' ? [event.item] : event.items) {
            const key = entryKey(item.accountId, item.jid);
            const known = map.get(key);
            if (known) changed.add(key, known);
          }
          break;
        case 'account.removed':
          // Rare: one pass over the map is fine here.
          changedRefs.mark(contacts, dropAccountEntries(map, event.id));
          changed.dropAccount(event.id);
          changedRefs.delete(own, event.id);
          break;
      }
    }
    if (changed.size > 0) {
      changedRefs.mark(contacts);
      feed(changed);
    }
    changedRefs.trigger();
  }

  return { contacts, own, recentStatuses, get, ownOf, applySnapshot, applyEvents };
});
