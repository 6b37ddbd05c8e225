/**
 * Presence: every contact's ContactPresenceView by (account, JID), our own presence per account,
 * and the recent status texts. Maps live in shallowRefs triggered once per batch. Each contact
 * that changed in a batch is fed to the roster index once (its aggregate rank and status line),
 * and the roster is triggered once: per-item work stays O(log n), a big batch is one re-sort.
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { AppEvent, ContactPresenceView, OwnPresenceView, Snapshot } from '../../../shared/contract';
import { entryKey, type AvailabilityChange } from '../lib/roster-index';
import { aggregateRank, aggregateStatus, DEFAULT_OWN } from '../components/presence/describe';
import { useRosterStore } from './roster';

function availability(view: ContactPresenceView): AvailabilityChange {
  return { accountId: view.accountId, jid: view.jid, rank: aggregateRank(view), status: aggregateStatus(view) };
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
  function feed(changed: Iterable<ContactPresenceView>) {
    const changes: AvailabilityChange[] = [];
    for (const view of changed) changes.push(availability(view));
    if (changes.length === 0) return;
    if (roster.setAvailabilities(changes) > 0) roster.touch();
  }

  function applySnapshot(snapshot: Snapshot) {
    const map = new Map<string, ContactPresenceView>();
    for (const view of snapshot.presence) map.set(entryKey(view.accountId, view.jid), view);
    contacts.value = map;
    own.value = new Map(Object.entries(snapshot.ownPresence));
    recentStatuses.value = snapshot.recentStatuses;
    feed(map.values());
  }

  /** One action per batch: the last view per contact wins; each changed contact is fed once. */
  function applyEvents(events: readonly AppEvent[]) {
    const map = contacts.value;
    const changed = new Map<string, ContactPresenceView>();
    let ownChanged = false;
    for (const event of events) {
      switch (event.type) {
        case 'presence.contact': {
          const key = entryKey(event.presence.accountId, event.presence.jid);
          map.set(key, event.presence);
          changed.set(key, event.presence);
          break;
        }
        case 'presence.own':
          own.value.set(event.accountId, event.presence);
          recentStatuses.value = event.recentStatuses;
          ownChanged = true;
          break;
        case 'roster.item': {
          // A contact (re-)added to the roster starts offline in the index: give it what we know.
          const key = entryKey(event.item.accountId, event.item.jid);
          const known = map.get(key);
          if (known && !changed.has(key)) changed.set(key, known);
          break;
        }
        case 'account.removed': {
          // Rare: one pass over the map is fine here.
          const prefix = entryKey(event.id, '');
          for (const key of map.keys()) {
            if (!key.startsWith(prefix)) continue;
            map.delete(key);
            changed.delete(key);
          }
          ownChanged = own.value.delete(event.id) || ownChanged;
          triggerRef(contacts);
          break;
        }
      }
    }
    if (changed.size > 0) {
      triggerRef(contacts);
      feed(changed.values());
    }
    if (ownChanged) triggerRef(own);
  }

  return { contacts, own, recentStatuses, get, ownOf, applySnapshot, applyEvents };
});
