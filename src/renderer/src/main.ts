/**
 * The entry: a small script that opens the link to the core and asks for the snapshot at once,
 * then loads the app (Vue, the stores, the components). The core reads and sends the snapshot
 * while the app's code is fetched and parsed; the pump keeps everything for the stores meanwhile.
 * The styles come with the app (boot.ts): a stylesheet in the page would hold this script back
 * until it has loaded, and nothing is drawn before the app mounts anyway.
 */
import { startEarlyEventPump } from './api/pump';
import { createTransport } from './api/transport';
import { prepareFirstScreenFonts } from './lib/first-screen-fonts';

const transport = createTransport();
const pump = startEarlyEventPump(transport);
void import('./boot').then(({ boot }) => boot(transport, pump));
// The first Intl.NumberFormat of a page loads the number data (tens of ms, more under load), and the
// roster's first render formats its counts; its first frame looks up every font it draws with. Both
// done once the snapshot is asked for (the pump listens first): they cost that while the core reads
// the snapshot, neither in the render nor before the ask.
let prepared = false;
transport.onLink((up) => {
  if (!up || prepared) return;
  prepared = true;
  new Intl.NumberFormat(navigator.languages).format(0);
  prepareFirstScreenFonts();
});
