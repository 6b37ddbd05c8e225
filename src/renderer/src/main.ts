/**
 * The entry: a small script that opens the link to the core and asks for the snapshot at once,
 * then loads the app (Vue, the stores, the components). The core reads and sends the snapshot
 * while the app's code is fetched and parsed; the pump keeps everything for the stores meanwhile.
 */
import { startEarlyEventPump } from './api/pump';
import { createTransport } from './api/transport';
import './styles/index.css';

const transport = createTransport();
const pump = startEarlyEventPump(transport);
void import('./boot').then(({ boot }) => boot(transport, pump));
