/**
 * What a shell (Electron IPC or the browser bridge) needs from the core: run a command given
 * untrusted input, and receive event batches. Input validation happens inside `invoke`.
 */
import type { EventBatch } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { MediaAccess } from './media/serve';

export interface MessengerApi {
  /** Validates `input` for `command` and runs it. Never throws; unknown commands are invalid_input. */
  invoke(command: unknown, input: unknown): Promise<Result<unknown>>;
  /** Adds a batch listener; returns a function that removes it. */
  subscribe(listener: (batch: EventBatch) => void): () => void;
  /** The computer woke up or the network changed: check every connection now (not a renderer command). */
  checkConnections(): void;
  /** Media for the renderer and files it stages for upload (absent in shells' test doubles). */
  readonly mediaAccess?: MediaAccess;
  /** Disconnects every account and closes the store. */
  close(): Promise<void>;
}
