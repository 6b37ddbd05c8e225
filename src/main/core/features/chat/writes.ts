/**
 * Message writes and what they show: a stored change becomes a `message` event and its conversation's
 * event; a state change the store refused (disk full, I/O error) is kept in PendingWrites and written
 * later, and a refused write of received messages makes their archive be read again. The user is
 * told of a store failure once per kind (the store health's notice).
 */
import type { DeliveryError, MessageView } from '../../../../shared/contract';
import type { EventBus } from '../../events';
import type { MessagesRepository, StoredMessage } from '../../store/messages-repo';
import { storeFailureOf } from '../../store/store-check';
import { view } from './accounts';
import { PendingWrites } from './pending';

export interface MessageWritesOptions {
  repo: MessagesRepository;
  bus: EventBus;
  /** Writes what the store refused before (called while anything is pending). */
  retry(): Promise<void>;
  /** A message write failed in the store (disk full, I/O error, damage): tell the user. */
  storeFailed?(error: unknown): void;
  /** Every write that had failed has now been made. */
  storeRecovered?(): void;
  /** How often writes that failed are tried again (ms). */
  storeRetryMs?: number;
}

export class MessageWrites {
  readonly pending: PendingWrites;
  private readonly repo: MessagesRepository;
  private readonly bus: EventBus;

  constructor(private readonly options: MessageWritesOptions) {
    this.repo = options.repo;
    this.bus = options.bus;
    this.pending = new PendingWrites(options.retry, () => options.storeRecovered?.(), options.storeRetryMs);
  }

  /** Shows a stored message and its conversation. */
  changed(message: StoredMessage): void {
    this.bus.emit({ type: 'message', message: view(message) });
    const conversation = this.repo.conversation(message.accountId, message.conversation);
    if (conversation) this.bus.emit({ type: 'conversation', conversation });
  }

  /** Stores a state change, then shows it; one the store refused is kept and written later. */
  setState(id: number, state: MessageView['state'], error: DeliveryError | null = null): void {
    let updated: StoredMessage | null;
    try {
      updated = this.repo.setState(id, state, error);
    } catch (failure) {
      if (storeFailureOf(failure) === null) throw failure;
      this.pending.addState(id, { state, error });
      this.storeFailed(failure);
      return;
    }
    if (updated) this.changed(updated);
  }

  /**
   * A store failure: the user is told (once per failure kind), and for received messages the archive
   * they came from ('' for the account's own, else a room) is read again once storing works. Other
   * errors are only logged by the caller.
   */
  storeFailed(error: unknown, accountId?: string, archive?: string): void {
    if (storeFailureOf(error) === null) return;
    if (accountId !== undefined && archive !== undefined) this.pending.addArchive(accountId, archive);
    this.options.storeFailed?.(error);
  }

  close(): void {
    this.pending.close();
  }
}
