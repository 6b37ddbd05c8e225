/**
 * Who is who: each contact's, occupant's and account's avatar and nickname as the core announced
 * them (IdentityView), by entryKey(accountId, jid). One shallowRef triggered once per batch.
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { AppEvent, IdentityView, Snapshot } from '../../../shared/contract';
import { entryKey } from '../lib/roster-model';

export const useIdentitiesStore = defineStore('identities', () => {
  const byKey = shallowRef(new Map<string, IdentityView>());

  function get(accountId: string, jid: string): IdentityView | undefined {
    return byKey.value.get(entryKey(accountId, jid));
  }

  function applySnapshot(snapshot: Snapshot) {
    const next = new Map<string, IdentityView>();
    for (const identity of snapshot.identities ?? []) next.set(entryKey(identity.accountId, identity.jid), identity);
    byKey.value = next;
  }

  function applyEvents(events: readonly AppEvent[]) {
    let changed = false;
    for (const event of events) {
      if (event.type === 'identity') {
        byKey.value.set(entryKey(event.identity.accountId, event.identity.jid), event.identity);
        changed = true;
      } else if (event.type === 'account.removed') {
        for (const key of [...byKey.value.keys()]) if (key.startsWith(`${event.id}|`)) byKey.value.delete(key);
        changed = true;
      }
    }
    if (changed) triggerRef(byKey);
  }

  return { byKey, get, applySnapshot, applyEvents };
});
