/**
 * How the renderer reaches the core: the Electron preload's window.jabberwock when present,
 * otherwise the browser bridge's WebSocket. Both carry exactly the contract.
 */
import type { CommandInput, CommandName, CommandOutput, EventBatch, JabberwockApi } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { createBridgeTransport } from './bridge-transport';

export interface Transport {
  invoke<K extends CommandName>(command: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  /** The single batch listener (the event pump). */
  onEvents(listener: (batch: EventBatch) => void): () => void;
  /**
   * Whether the link to the core is up. Called at once with the current state and on every
   * change; after it comes back up, events may have been missed, so a fresh snapshot is needed.
   */
  onLink(listener: (up: boolean) => void): () => void;
}

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
