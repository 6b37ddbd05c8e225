/**
 * Presence history's background pruning: what ended before each account's retention goes, a few
 * contacts a transaction (PRUNE_CHUNK), the first time a little after start and then every
 * PRUNE_INTERVAL_MS; a shorter retention prunes its account soon.
 */
import type { HistoryRetention } from '../../../../shared/contract';
import type { RateLimitedLogger } from '../../log';
import type { PresenceHistoryRepository } from '../../store/presence-history-repo';
import { DAY_MS } from '../../util/time';

export const PRUNE_FIRST_MS = 120_000;
export const PRUNE_INTERVAL_MS = 6 * 3_600_000;
/** Contacts per prune transaction. */
export const PRUNE_CHUNK = 200;
/** The pause between two prune transactions while contacts wait. */
const PRUNE_CONTINUE_MS = 100;

export interface HistoryPrunerOptions {
  repo: PresenceHistoryRepository;
  log: RateLimitedLogger;
  now: () => number;
  /** Every account with its retention. */
  accounts: () => Iterable<{ accountId: string; retention: HistoryRetention }>;
  /** Off in unit tests that prune by hand. */
  background: boolean;
}

export class HistoryPruner {
  /** Contacts waiting: account, contact ids, cutoff. */
  private queue: { accountId: string; ids: number[]; cutoff: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: HistoryPrunerOptions) {
    this.schedule(PRUNE_FIRST_MS);
  }

  /** Prunes every account now, all at once (returns the days deleted). */
  pruneNow(): number {
    this.queue = [];
    for (const { accountId, retention } of this.options.accounts()) this.enqueue(accountId, retention);
    let removed = 0;
    while (this.queue.length > 0) removed += this.step(Infinity);
    return removed;
  }

  /** The account's retention got shorter: it is pruned next. */
  soon(accountId: string, retention: HistoryRetention): void {
    this.enqueue(accountId, retention);
    this.schedule(0);
  }

  forget(accountId: string): void {
    this.queue = this.queue.filter((item) => item.accountId !== accountId);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private enqueue(accountId: string, retention: HistoryRetention): void {
    if (retention === 0) return;
    const cutoff = this.options.now() - retention * DAY_MS;
    try {
      this.options.repo.pruneCoverage(accountId, cutoff);
      const ids = this.options.repo.contactIds(accountId);
      this.forget(accountId);
      if (ids.length > 0) this.queue.push({ accountId, ids, cutoff });
    } catch (error) {
      this.options.log.error('history.prune', 'presence history: pruning failed', { error });
    }
  }

  /** Prunes the next `count` contacts of the queue; returns the days deleted. */
  private step(count: number): number {
    const item = this.queue[0];
    if (!item) return 0;
    const ids = item.ids.splice(0, count);
    if (item.ids.length === 0) this.queue.shift();
    try {
      return this.options.repo.prune(ids, item.cutoff);
    } catch (error) {
      this.options.log.error('history.prune', 'presence history: pruning failed', { error });
      return 0;
    }
  }

  private schedule(ms: number): void {
    if (this.closed || !this.options.background) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.queue.length === 0) {
        for (const { accountId, retention } of this.options.accounts()) this.enqueue(accountId, retention);
      }
      this.step(PRUNE_CHUNK);
      this.schedule(this.queue.length > 0 ? PRUNE_CONTINUE_MS : PRUNE_INTERVAL_MS);
    }, ms);
    this.timer.unref?.();
  }
}
