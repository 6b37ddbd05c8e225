/**
 * Writes roster changes to SQLite in the order the roster changed in memory, so the roster can be
 * used (shown, initial presence sent) before a large sync is stored.
 *
 * - Every write of every account goes through one queue, first in first out: a push that follows a
 *   sync is stored after it, whatever their sizes, so no older item overwrites a newer one.
 * - With nothing queued, a small write is done at once, in the caller's turn (a push, a small sync).
 * - A large sync is written in the background, a few large transactions over a few event-loop turns
 *   (each transaction sized to TURN_MS at the pace of the one before). Its first transaction clears the
 *   stored version, its last one writes the new version: the version is only stored with its items,
 *   and a process killed halfway leaves items without a version, so the next session fetches the full
 *   roster and the store becomes whole again.
 * - A write that fails drops the account's later writes (they are in memory only) and reports it, so
 *   the roster service forgets the version it holds and fetches the full roster next time.
 * - `flush()` writes everything queued at once (when the core closes); `drop()` forgets an account's
 *   writes (its rows went with it).
 */
import type { RosterItemView } from '../../../../shared/contract';
import type { Logger } from '../../log';
import { byJid, type RosterRepository } from '../../store/roster-repo';

/** A sync with more rows than this is written in the background; fewer are written at once when idle. */
export const LARGE_WRITE = 1000;
/** The time a background transaction aims at; the next one is sized by the pace of the one before. */
const TURN_MS = 10;
/** Bounds of a background transaction: few of them, and no long turn after a slow one. */
const MIN_ROWS = 250;
const MAX_ROWS = 5000;
/**
 * The first transaction is small: it runs right after the roster was applied, when the server's
 * answer to our initial presence (a ping, the first presences) is on its way and waits for it.
 */
const FIRST_ROWS = 500;
/** A large sync is put in key order a run of this many items a turn, then merged as it is written. */
export const SORT_RUN = 1000;

export interface SyncWrite {
  accountId: string;
  /** New and changed items. */
  upserts: readonly RosterItemView[];
  /** JIDs no longer in the roster. */
  removed: readonly string[];
  version: string | null;
  syncedAt: number;
  /** Our bare JID the roster belongs to. */
  jid: string | null;
}

export type PushWrite = { accountId: string; version: string | null } & (
  { item: RosterItemView } | { removed: string }
);

/** What a step did: finished the job, wrote rows and has more, or only prepared (wrote none). */
type Step = 'done' | 'more' | 'prepared';

interface Job {
  accountId: string;
  /** Writes at most `rows` rows. */
  step(rows: number): Step;
  /** Settles whoever waits for the job (a push's answer). */
  settle(error?: unknown): void;
}

export class RosterStoreWriter {
  private readonly queue: Job[] = [];
  private scheduled = false;
  private rows = FIRST_ROWS;

  constructor(
    private readonly repo: RosterRepository,
    private readonly log: Logger,
    /** Called when a write of the account failed: what memory holds is no longer stored. */
    private readonly onFailed: (accountId: string) => void,
  ) {}

  /** True while writes are queued (for tests and diagnostics). */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Stores a sync's difference, its version last; at once when small and nothing is queued. */
  sync(write: SyncWrite): void {
    this.enqueue(syncJob(this.repo, write), write.upserts.length + write.removed.length <= LARGE_WRITE);
  }

  /** Stores one push; resolves once it is stored (at once when nothing is queued), rejects if that failed. */
  push(write: PushWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const job: Job = {
        accountId: write.accountId,
        step: () => {
          if ('item' in write) this.repo.applyPush(write.accountId, { item: write.item }, write.version);
          else this.repo.applyPush(write.accountId, { removed: write.removed }, write.version);
          return 'done';
        },
        settle: (error) => (error === undefined ? resolve() : reject(error as Error)),
      };
      this.enqueue(job, true);
    });
  }

  /** Writes everything queued now, in order (the core is closing). */
  flush(): void {
    while (this.queue.length > 0) this.runHead(Number.MAX_SAFE_INTEGER);
  }

  /** Forgets the account's queued writes (the account and its rows are gone). */
  drop(accountId: string): void {
    for (let k = this.queue.length - 1; k >= 0; k--) {
      if (this.queue[k].accountId === accountId) this.queue.splice(k, 1)[0].settle();
    }
  }

  private enqueue(job: Job, small: boolean): void {
    this.queue.push(job);
    if (small && this.queue.length === 1) this.runHead(Number.MAX_SAFE_INTEGER);
    else this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.queue.length === 0) return; // flushed or dropped meanwhile
      const started = performance.now();
      const step = this.runHead(this.rows);
      // The next transaction as large as fits in TURN_MS at this one's pace.
      if (step !== 'prepared') {
        const took = Math.max(0.5, performance.now() - started);
        this.rows = Math.max(MIN_ROWS, Math.min(MAX_ROWS, Math.round((this.rows * TURN_MS) / took)));
      }
      this.schedule();
    });
  }

  /** Runs the head job for up to `rows` rows; drops it when done or failed. */
  private runHead(rows: number): Step {
    const job = this.queue[0];
    let step: Step;
    try {
      step = job.step(rows);
    } catch (error) {
      this.queue.shift();
      job.settle(error);
      this.failed(job.accountId, error);
      return 'done';
    }
    if (step !== 'done') return step;
    this.queue.shift();
    job.settle();
    return step;
  }

  private failed(accountId: string, error: unknown): void {
    this.log.error('roster could not be stored; the next session fetches it in full', { accountId, error });
    // The later writes assumed this one: they are dropped, and the store keeps no version.
    this.drop(accountId);
    try {
      this.repo.forgetVersion(accountId);
    } catch (forgetError) {
      this.log.error('roster version could not be cleared', { accountId, error: forgetError });
    }
    this.onFailed(accountId);
  }
}

/** A sync written in parts: removals first, then upserts; the last part stores the version. */
function syncJob(repo: RosterRepository, write: SyncWrite): Job {
  const { accountId, removed } = write;
  const upserts = write.upserts;
  const total = removed.length + upserts.length;
  // The whole sync in key order, not each part alone: every part then appends at the B-tree's right
  // edge of a new roster. A large sync is sorted in runs of SORT_RUN, one a turn (sorting 10,000
  // at once held the loop for tens of ms), and each part takes the smallest keys left in the runs.
  const large = upserts.length > SORT_RUN;
  const runs = new SortedRuns();
  let sorted = large ? 0 : upserts.length;
  let done = 0;
  return {
    accountId,
    step(rows) {
      if (sorted < upserts.length) {
        const end = Math.min(upserts.length, sorted + SORT_RUN);
        runs.add(upserts.slice(sorted, end));
        sorted = end;
        return 'prepared';
      }
      const end = Math.min(total, done + rows);
      const gone = removed.slice(Math.min(done, removed.length), Math.min(end, removed.length));
      const count = Math.max(0, end - removed.length) - Math.max(0, done - removed.length);
      const items = large
        ? runs.take(count)
        : upserts.slice(Math.max(0, done - removed.length), Math.max(0, end - removed.length));
      if (end === total) repo.applySync(accountId, items, gone, write.version, write.syncedAt, write.jid);
      else repo.applySyncPart(accountId, items, gone);
      done = end;
      return done === total ? 'done' : 'more';
    },
    settle() {},
  };
}

/** Sorted runs of items, merged a part at a time: each part takes the smallest keys left. */
export class SortedRuns {
  private readonly runs: RosterItemView[][] = [];
  private readonly heads: number[] = [];

  add(run: RosterItemView[]): void {
    this.runs.push(run.sort(byJid));
    this.heads.push(0);
  }

  /** The next `count` items in key order (fewer when the runs run out). */
  take(count: number): RosterItemView[] {
    const { runs, heads } = this;
    const taken: RosterItemView[] = [];
    for (let k = 0; k < count; k++) {
      let best = -1;
      for (let r = 0; r < runs.length; r++) {
        if (heads[r] < runs[r].length && (best < 0 || byJid(runs[r][heads[r]], runs[best][heads[best]]) < 0)) best = r;
      }
      if (best < 0) break;
      taken.push(runs[best][heads[best]++]);
    }
    return taken;
  }
}
