/**
 * Who is who: each contact's, occupant's and account's avatar and nickname as the core announced
 * them (IdentityView), by entryKey(accountId, jid). One shallowRef triggered once per batch.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { AppEvent, IdentityView, Snapshot } from '../../../shared/contract';
import { ChangedRefs } from '../lib/changed-refs';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

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
    const changed = new ChangedRefs();
    for (const event of events) {
      if (event.type === 'identity') {
        changed.set(byKey, entryKey(event.identity.accountId, event.identity.jid), event.identity);
      } else if (event.type === 'account.removed') {
        changed.mark(byKey, dropAccountEntries(byKey.value, event.id));
      }
    }
    changed.trigger();
  }

  return { byKey, get, applySnapshot, applyEvents };
});
