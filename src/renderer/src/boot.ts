/**
 * Creates the app and its stores, hands the stores to the already running event pump, puts the UI in
 * its language, and mounts.
 */
import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { transportKey } from './api';
import type { EarlyEventPump } from './api/pump';
import type { Transport } from './api/types';
import { i18n } from './i18n';
import { applyLocale, resolveLocale, systemLanguages } from './i18n/locale';
import { warmUpWhileWaiting } from './i18n/warm-up';
import { nameColoursOn } from './lib/avatar';
import { useAccountsStore } from './stores/accounts';
import { useAppStore } from './stores/app';
import { useChatStore } from './stores/chat';
import { useControlStore } from './stores/control';
import { useEncryptionStore } from './stores/encryption';
import { useMucStore } from './stores/muc';
import { usePrefsStore } from './stores/prefs';
import { usePresenceStore } from './stores/presence';
import { useRosterStore } from './stores/roster';
import { useSubscriptionsStore } from './stores/subscriptions';
import { useIdentitiesStore } from './stores/identities';
import { useTransfersStore } from './stores/transfers';
// Loaded with this chunk (before it runs), not by the page: see main.ts.
import './styles/index.css';

export async function boot(transport: Transport, pump: EarlyEventPump): Promise<void> {
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);
  app.use(i18n);
  app.provide(transportKey, transport);
  // When the snapshot is already in, the stores get it here and the first render shows the roster.
  pump.attach({
    accounts: useAccountsStore(pinia),
    app: useAppStore(pinia),
    roster: useRosterStore(pinia),
    prefs: usePrefsStore(pinia),
    presence: usePresenceStore(pinia),
    subscriptions: useSubscriptionsStore(pinia),
    muc: useMucStore(pinia),
    chat: useChatStore(pinia),
    control: useControlStore(pinia),
    identities: useIdentitiesStore(pinia),
    encryption: useEncryptionStore(pinia),
    transfers: useTransfersStore(pinia),
  });
  // The language chosen in Settings (known once the snapshot is in) or the system's; the first render
  // is already in it when the snapshot came first.
  const prefs = usePrefsStore(pinia);
  const system = systemLanguages();
  const locale = () => resolveLocale(prefs.prefs.language, system);
  watch(locale, (next) => void applyLocale(next));
  watch(
    () => prefs.prefs.nameColours,
    (on) => (nameColoursOn.value = on),
    { immediate: true },
  );
  await applyLocale(locale());
  app.mount('#app');
  // While the snapshot is on its way, idle time prepares what the roster's first paint formats.
  const accounts = useAccountsStore(pinia);
  const appState = useAppStore(pinia);
  warmUpWhileWaiting(() => accounts.list.length > 0 || appState.firstPaintDone);
}
