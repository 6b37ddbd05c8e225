/**
 * Accounts by id, from the snapshot plus account events. The map lives in a shallowRef and is
 * triggered once per batch, so a batch of connection changes costs one re-render.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
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
    const map = byId.value;
    let changed = false;
    for (const event of events) {
      if (event.type === 'account.upserted') {
        map.set(event.account.id, event.account);
        changed = true;
      } else if (event.type === 'account.removed') {
        changed = map.delete(event.id) || changed;
      } else if (event.type === 'account.connection') {
        const account = map.get(event.id);
        if (account) {
          map.set(event.id, { ...account, connection: event.connection });
          changed = true;
        }
      }
    }
    if (changed) triggerRef(byId);
  }

  return { byId, list, secretStorage, loaded, get, applySnapshot, applyEvents };
});
