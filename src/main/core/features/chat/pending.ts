/**
 * Message writes that the store refused (disk full, I/O error), kept until they can be made.
 *
 * - A state change (queued → sent on the server's ack, delivered on a receipt, failed on an error
 *   reply) is kept in memory and written again later; the UI shows a state only once it is stored,
 *   and a message acknowledged but not yet recorded is not sent again in this stream.
 * - Received messages that could not be stored are not kept: the archive they came from ('' for the
 *   account's own, else a room) is read again from its stored marker, which never moved past them.
 *
 * While anything is pending, `retry` runs every `retryMs`; once nothing is left, `recovered` is told.
 */
import type { DeliveryError, MessageState } from '../../../../shared/contract';

export interface PendingState {
  state: MessageState;
  error: DeliveryError | null;
}

const RANK: Record<MessageState, number> = { queued: 0, sent: 1, failed: 1, delivered: 2, received: 0 };

/** True when writing `next` over `current` moves the message forward (outbox states never go back). */
export function movesForward(current: MessageState, next: MessageState): boolean {
  return next !== current && RANK[next] >= RANK[current];
}

export class PendingWrites {
  private readonly stateById = new Map<number, PendingState>();
  private readonly archivesByAccount = new Map<string, Set<string>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private closed = false;

  constructor(
    private readonly retry: () => Promise<void>,
    private readonly recovered: () => void,
    private readonly retryMs = 10_000,
  ) {}

  get empty(): boolean {
    return this.stateById.size === 0 && this.archivesByAccount.size === 0;
  }

  /** A state change that could not be written; a later, further one replaces it. */
  addState(id: number, pending: PendingState): void {
    const before = this.stateById.get(id);
    if (!before || RANK[pending.state] >= RANK[before.state]) this.stateById.set(id, pending);
    this.schedule();
  }

  hasState(id: number): boolean {
    return this.stateById.has(id);
  }

  /** Takes the pending state changes (retry puts back those that fail again). */
  takeStates(): [number, PendingState][] {
    const states = [...this.stateById];
    this.stateById.clear();
    return states;
  }

  /** An archive to read again once messages can be stored. */
  addArchive(accountId: string, archive: string): void {
    let archives = this.archivesByAccount.get(accountId);
    if (!archives) this.archivesByAccount.set(accountId, (archives = new Set()));
    archives.add(archive);
    this.schedule();
  }

  /** Takes the archives to read again for one account. */
  takeArchives(accountId: string): string[] {
    const archives = this.archivesByAccount.get(accountId);
    this.archivesByAccount.delete(accountId);
    return archives ? [...archives] : [];
  }

  accountsWithArchives(): string[] {
    return [...this.archivesByAccount.keys()];
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || this.running || this.closed) return;
    this.timer = setTimeout(() => void this.run(), this.retryMs);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = true;
    try {
      // retry() reports its own failures by adding them back here.
      await this.retry().catch(() => {});
    } finally {
      this.running = false;
    }
    if (this.empty) this.recovered();
    else this.schedule();
  }
}
