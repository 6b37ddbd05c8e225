import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { transportKey } from './api';
import { startEventPump } from './api/pump';
import { createTransport } from './api/transport';
import { useAccountsStore } from './stores/accounts';
import { useAppStore } from './stores/app';
import './styles.css';

const transport = createTransport();
const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.provide(transportKey, transport);
startEventPump(transport, { accounts: useAccountsStore(pinia), app: useAppStore(pinia) });
app.mount('#app');
