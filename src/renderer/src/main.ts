import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { transportKey } from './api';
import { startEventPump } from './api/pump';
import { createTransport } from './api/transport';
import { useAccountsStore } from './stores/accounts';
import { useAppStore } from './stores/app';
import { useChatStore } from './stores/chat';
import { useMucStore } from './stores/muc';
import { usePrefsStore } from './stores/prefs';
import { usePresenceStore } from './stores/presence';
import { useRosterStore } from './stores/roster';
import { useSubscriptionsStore } from './stores/subscriptions';
import './styles.css';

const transport = createTransport();
const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.provide(transportKey, transport);
startEventPump(transport, {
  accounts: useAccountsStore(pinia),
  app: useAppStore(pinia),
  roster: useRosterStore(pinia),
  prefs: usePrefsStore(pinia),
  presence: usePresenceStore(pinia),
  subscriptions: useSubscriptionsStore(pinia),
  muc: useMucStore(pinia),
  chat: useChatStore(pinia),
});
app.mount('#app');
