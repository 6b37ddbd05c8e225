/**
 * The event bus between the core and the shells. Features emit events as things happen; the bus
 * collects them and flushes one numbered batch at most every `flushMs`. Inside a batch, events
 * with the same coalescing key (e.g. the connection state of one account) keep only the last one,
 * at the position of the last one, so the order of what remains is still the order of causes.
 */
import type { AppEvent, EventBatch } from '../../shared/contract';

export type BatchListener = (batch: EventBatch) => void;

function coalescingKey(event: AppEvent): string | null {
  switch (event.type) {
    case 'account.connection':
      return `connection:${event.id}`;
    // An item changed then removed (or the reverse) in one batch: only the last word counts.
    case 'roster.item':
      return `roster:${event.item.accountId}\n${event.item.jid}`;
    case 'roster.removed':
      return `roster:${event.accountId}\n${event.jid}`;
    case 'roster.sync':
      return `rosterSync:${event.sync.accountId}`;
    default:
      return null;
  }
}

export class EventBus {
  private seq = 0;
  private pending: (AppEvent | null)[] = [];
  private readonly pendingIndex = new Map<string, number>();
  private readonly listeners = new Set<BatchListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly flushMs = 16) {}

  emit(event: AppEvent): void {
    const key = coalescingKey(event);
    if (key !== null) {
      const previous = this.pendingIndex.get(key);
      if (previous !== undefined) this.pending[previous] = null;
      this.pendingIndex.set(key, this.pending.length);
    }
    this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends what is pending now. Returns the sequence number of the last batch sent. */
  flush(): number {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.pending.filter((event): event is AppEvent => event !== null);
    this.pending = [];
    this.pendingIndex.clear();
    if (events.length === 0) return this.seq;
    const batch: EventBatch = { seq: ++this.seq, events };
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch {
        // A failing shell must not stop the others from receiving the batch.
      }
    }
    return this.seq;
  }

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }
}
