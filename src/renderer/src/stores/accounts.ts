/**
 * Accounts by id, from the snapshot plus account events. The map lives in a shallowRef and is
 * triggered once per batch, so a batch of connection changes costs one re-render.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ChangedRefs } from '../lib/changed-refs';
import type { AccountView, AppEvent, SecretStorageInfo, Snapshot } from '../../../shared/contract';

export const useAccountsStore = defineStore('accounts', () => {
  const byId = shallowRef(new Map<string, AccountView>());
  const secretStorage = ref<SecretStorageInfo>({ encrypted: false, description: 'no keychain available' });
  const loaded = ref(false);

  /** In the order the core lists them (creation order); updates keep their place. */
  const list = computed(() => [...byId.value.values()]);

  function get(id: string | null | undefined): AccountView | undefined {
    return id ? byId.value.get(id) : undefined;
  }

  function applySnapshot(snapshot: Snapshot) {
    byId.value = new Map(snapshot.accounts.map((account) => [account.id, account]));
    secretStorage.value = snapshot.secretStorage;
    loaded.value = true;
  }

  /** One action per batch: every account event of the batch, then one trigger. */
  function applyEvents(events: readonly AppEvent[]) {
    const changed = new ChangedRefs();
    for (const event of events) {
      if (event.type === 'account.upserted') {
        changed.set(byId, event.account.id, event.account);
      } else if (event.type === 'account.removed') {
        changed.delete(byId, event.id);
      } else if (event.type === 'account.connection') {
        const account = byId.value.get(event.id);
        if (account) changed.set(byId, event.id, { ...account, connection: event.connection });
      }
    }
    changed.trigger();
  }

  return { byId, list, secretStorage, loaded, get, applySnapshot, applyEvents };
});
