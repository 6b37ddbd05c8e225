/**
 * Who is who: each contact's, occupant's and account's avatar and nickname as the core announced
 * them (what the window draws of an IdentityView), by entryKey(accountId, jid). One shallowRef
 * triggered once per batch.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { AppEvent, Snapshot } from '../../../shared/contract';
import { identitiesOf, type IdentityFace } from '../../../shared/identity-table';
import { ChangedRefs } from '../lib/changed-refs';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

export const useIdentitiesStore = defineStore('identities', () => {
  const byKey = shallowRef(new Map<string, IdentityFace>());

  function get(accountId: string, jid: string): IdentityFace | undefined {
    return byKey.value.get(entryKey(accountId, jid));
  }

  function applySnapshot(snapshot: Snapshot) {
    const next = new Map<string, IdentityFace>();
    for (const identity of identitiesOf(snapshot)) next.set(entryKey(identity.accountId, identity.jid), identity);
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
