import type { CommandInput, CommandName, CommandOutput, EventBatch } from '../../../shared/contract';
import type { Result } from '../../../shared/result';

/** What the renderer needs from either shell (no DOM types here: unit tests load it under Node). */
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
