/**
 * How the renderer reaches the core: the Electron preload's window.jabberwock when present,
 * otherwise the browser bridge's WebSocket. Both carry exactly the contract.
 */
import type { JabberwockApi } from '../../../shared/contract';
import { createBridgeTransport } from './bridge-transport';
import type { Transport } from './types';

/** The preload's API: an IPC link that is up for the life of the window. */
export function createPreloadTransport(api: JabberwockApi): Transport {
  return {
    invoke: (command, input) => api.invoke(command, input),
    onEvents: (listener) => api.onEvents(listener),
    onLink: (listener) => {
      listener(true);
      return () => {};
    },
  };
}

export function createTransport(): Transport {
  return window.jabberwock ? createPreloadTransport(window.jabberwock) : createBridgeTransport(window.location);
}
