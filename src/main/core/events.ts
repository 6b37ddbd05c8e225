/**
 * The event bus between the core and the shells. Features emit events as things happen; the bus
 * collects them and flushes one numbered batch at most every `flushMs`. Inside a batch, events
 * with the same coalescing key (e.g. the connection state of one account) keep only the last one,
 * at the position of the last one, so the order of what remains is still the order of causes.
 *
 * High-rate sources (presence floods) do not build an event per change: `emitLazy` marks a key
 * dirty with a factory, and the factory runs once per key at flush time (null: nothing to send). With
 * a delay, the key waits that long before it joins a batch (one coalescing window for the source, in
 * the bus, instead of a timer of its own in front of the bus's).
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
    case 'presence.contact':
      return presenceKey(event.presence.accountId, event.presence.jid);
    case 'presence.own':
      return `presenceOwn:${event.accountId}`;
    // Progress of one transfer: only its latest state counts.
    case 'transfer':
      return transferKey(event.transfer.id);
    case 'transfer.removed':
      return transferKey(event.id);
    default:
      return null;
  }
}

/** The coalescing key of presence.contact for (account, bare JID): use it with emitLazy. */
export function presenceKey(accountId: string, jid: string): string {
  return `presence:${accountId}\n${jid}`;
}

/** The coalescing key of one transfer's events: use it with emitLazy. */
export function transferKey(id: string): string {
  return `transfer:${id}`;
}

/**
 * Builds an event (or several) at flush time; null when there is nothing to send any more.
 * `flushing`: the bus was asked to send everything now (`flush()`), so a factory that builds a large
 * window in slices (one slice a batch, re-marking itself for the rest) must build all of it.
 */
export type LazyEvent = (flushing: boolean) => AppEvent | readonly AppEvent[] | null;

interface Delayed {
  build: LazyEvent;
  /** When the key joins a batch (ms, performance.now: monotonic, so a clock change moves nothing). */
  due: number;
}

export class EventBus {
  private seq = 0;
  private pending: (AppEvent | LazyEvent | null)[] = [];
  private readonly pendingIndex = new Map<string, number>();
  /** Lazy keys waiting out their delay (a few: one per source and account). */
  private readonly delayed = new Map<string, Delayed>();
  private readonly listeners = new Set<BatchListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer fires (ms, performance.now): the next flush, or the first delayed key falling due. */
  private timerDue = Infinity;

  constructor(private readonly flushMs = 16) {}

  emit(event: AppEvent): void {
    this.push(coalescingKey(event), event);
  }

  /**
   * Marks `key` changed; `build` runs once at flush time, at the position of the last mark, and its
   * event replaces any pending one with the same key (so a single event's `key` must be the key it
   * coalesces under, e.g. presenceKey). A factory may return several events for one key (e.g. every
   * contact of an account that changed since the last flush).
   *
   * With `delayMs`, the key joins the batch that flushes once `delayMs` have passed since its first
   * mark; marks meanwhile change nothing (the factory builds whatever is current when it runs), so a
   * source that changes a thousand times in the window sends once. `flush()` sends it at once.
   */
  emitLazy(key: string, build: LazyEvent, delayMs = 0): void {
    if (delayMs <= 0) {
      this.push(key, build);
      return;
    }
    if (this.delayed.has(key)) return;
    const due = performance.now() + delayMs;
    this.delayed.set(key, { build, due });
    this.schedule(due);
  }

  private push(key: string | null, entry: AppEvent | LazyEvent): void {
    if (key !== null) {
      const previous = this.pendingIndex.get(key);
      if (previous !== undefined) this.pending[previous] = null;
      this.pendingIndex.set(key, this.pending.length);
    }
    this.pending.push(entry);
    this.schedule(performance.now() + this.flushMs);
  }

  /** The timer fires at `due` unless it fires sooner already. */
  private schedule(due: number): void {
    if (this.timer !== null && this.timerDue <= due) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - performance.now()));
  }

  /** Delayed keys that are due join what is pending, which is sent; the others wait on. */
  private fire(): void {
    this.timer = null;
    this.timerDue = Infinity;
    // A timer may fire a little before its time by this clock: what is due within a millisecond goes now.
    const now = performance.now() + 1;
    for (const [key, { build, due }] of this.delayed) {
      if (due > now) continue;
      this.delayed.delete(key);
      this.pushNow(key, build);
    }
    if (this.pending.length > 0) this.send(false);
    this.scheduleDelayed();
  }

  /** Adds to what is pending without a timer of its own (the caller flushes). */
  private pushNow(key: string, entry: LazyEvent): void {
    const previous = this.pendingIndex.get(key);
    if (previous !== undefined) this.pending[previous] = null;
    this.pendingIndex.set(key, this.pending.length);
    this.pending.push(entry);
  }

  private scheduleDelayed(): void {
    let first = Infinity;
    for (const { due } of this.delayed.values()) first = Math.min(first, due);
    if (first !== Infinity) this.schedule(first);
  }

  /**
   * Sends what is pending now, delayed keys included. Returns the sequence number of the last batch
   * sent: every event emitted before the call carries a seq at or below it.
   */
  flush(): number {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    return this.send(true);
  }

  private send(includeDelayed: boolean): number {
    if (includeDelayed) {
      for (const [key, { build }] of this.delayed) this.pushNow(key, build);
      this.delayed.clear();
    }
    const pending = this.pending;
    this.pending = [];
    this.pendingIndex.clear();
    const events: AppEvent[] = [];
    for (const entry of pending) {
      if (entry === null) continue;
      if (typeof entry !== 'function') {
        events.push(entry);
        continue;
      }
      let built: AppEvent | readonly AppEvent[] | null = null;
      try {
        built = entry(includeDelayed);
      } catch {
        // A failing factory loses its own events only.
      }
      if (built === null) continue;
      if (Array.isArray(built)) for (const event of built as readonly AppEvent[]) events.push(event);
      else events.push(built as AppEvent);
    }
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
