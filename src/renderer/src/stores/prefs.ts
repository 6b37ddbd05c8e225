/**
 * UI preferences kept by the core. The user's own changes show at once (an overlay) and are
 * replaced by what the core confirms; while requests are out, the overlay wins, so two quick
 * toggles never undo each other.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { AppEvent, Prefs, Snapshot } from '../../../shared/contract';
import { DEFAULT_PREFS } from '../../../shared/limits';
import type { Transport } from '../api/types';
import { errorText } from '../lib/words/errors';
import { t } from '../i18n';

export const usePrefsStore = defineStore('prefs', () => {
  const stored = shallowRef<Prefs>(DEFAULT_PREFS);
  const overlay = shallowRef<Partial<Prefs>>({});
  const error = shallowRef<string | null>(null);
  let inFlight = 0;

  const prefs = computed<Prefs>(() => ({ ...stored.value, ...overlay.value }));
  const collapsed = computed(() => new Set(prefs.value.rosterCollapsed));

  function applySnapshot(snapshot: Snapshot) {
    stored.value = { ...DEFAULT_PREFS, ...snapshot.prefs };
  }

  function applyEvents(events: readonly AppEvent[]) {
    let latest: Prefs | null = null;
    for (const event of events) if (event.type === 'prefs.changed') latest = event.prefs;
    if (latest) stored.value = { ...DEFAULT_PREFS, ...latest };
  }

  /** Sends a change; the overlay shows it until the core has answered every request. */
  async function update(api: Pick<Transport, 'invoke'>, change: Partial<Prefs>): Promise<boolean> {
    overlay.value = { ...overlay.value, ...change };
    inFlight += 1;
    const result = await api.invoke('prefs.update', change);
    inFlight -= 1;
    if (result.ok) {
      stored.value = { ...DEFAULT_PREFS, ...result.value };
      error.value = null;
    } else {
      error.value = t('settings.notSaved', { error: errorText(result.error) });
    }
    if (inFlight === 0) overlay.value = {};
    return result.ok;
  }

  function toggleCollapsed(api: Pick<Transport, 'invoke'>, key: string): Promise<boolean> {
    const next = new Set(prefs.value.rosterCollapsed);
    if (!next.delete(key)) next.add(key);
    return update(api, { rosterCollapsed: [...next] });
  }

  return { prefs, collapsed, error, applySnapshot, applyEvents, update, toggleCollapsed };
});
