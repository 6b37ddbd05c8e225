/**
 * Presence history: what each contact's devices said over time, kept per account for the timeline
 * (timeline.ts builds it). Only presence we received and the presence path accepted is recorded,
 * of roster contacts and of our own account's devices; nothing is inferred, sent or synced.
 *
 * Cheap on the presence path, by construction:
 * - A stanza costs nothing here. The presence feature's coalescing step (one flush per window)
 *   hands over the contacts that changed, and a resource that goes costs one call (`ended`).
 * - A run is one device in one state (show, status, priority) from a start to an end. While young
 *   it is only a time on the tracked resource (`TrackedPresence.recordedSince`): its state is the
 *   resource's, so a state that lasted under MIN_RUN_MS (up to a tick more) is taken over by the
 *   next one, and a flood of changes allocates and writes nothing. A tick (every TICK_MS) turns runs
 *   that lasted MIN_RUN_MS into objects (`recorded`), compared with each change from then on.
 * - Runs are stored in batches, off the flush: an ended run at the next write, a lasting one once
 *   it is an object (stored open, ended later), at most WRITE_CHUNK rows a transaction.
 * - Bounded: MAX_RUNS_PER_CONTACT_DAY runs stored per contact and day; what is older than the
 *   account's retention is pruned in the background, a few contacts a transaction.
 * - Coverage records when we were listening, so the timeline never shows a gap in our knowledge as
 *   the contact being offline; runs left open by a crash end where that coverage ends.
 */
import type { HistoryRetention, HistorySettingsView, TimelineView } from '../../../../shared/contract';
import { rateLimited } from '../../log';
import { DEFAULT_HISTORY_RETENTION, Stored, type HistoryRun } from '../../store/presence-history-repo';
import type { PresenceHistoryHooks } from './service';
import { NOT_RECORDED, type TrackedPresence } from './stanza';
import { idleOrNull } from './idle-since';
import { HistoryPruner } from './history-prune';
import { buildTimeline, mergeCoverage, youngRun } from './timeline';
import type { ContactResources } from './tracker';
import { DAY_MS } from '../../util/time';
import {
  MAX_HELD_RUNS,
  MAX_RUNS_PER_CONTACT_DAY,
  MIN_RUN_MS,
  TICK_MS,
  WRITE_CHUNK,
  WRITE_CONTINUE_MS,
  WRITE_INTERVAL_MS,
  daysTouched,
  type AccountHistory,
  type PresenceHistoryOptions,
} from './history-tuning';

// What tests and benchmarks tune or count by.
export { MAX_RUNS_PER_CONTACT_DAY, MIN_RUN_MS, TICK_MS, WRITE_CHUNK } from './history-tuning';

export class PresenceHistory implements PresenceHistoryHooks {
  private readonly accounts = new Map<string, AccountHistory>();
  private readonly retentions: Map<string, HistoryRetention>;
  private readonly now: () => number;
  private readonly minRunMs: number;
  private readonly log: ReturnType<typeof rateLimited>;
  private writeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pruner: HistoryPruner;
  private closed = false;
  /** When young runs were last looked at; a write that did not store everything goes on soon. */
  private lastSettle = 0;
  private continuing = false;

  constructor(private readonly options: PresenceHistoryOptions) {
    this.now = options.now ?? Date.now;
    this.minRunMs = options.minRunMs ?? MIN_RUN_MS;
    this.log = rateLimited(options.log, { now: this.now });
    this.retentions = options.repo.retentions();
    try {
      const ended = options.repo.endRunsLeftOpen();
      if (ended > 0) options.log.info('presence history: runs left open by the last run ended', { ended });
    } catch (error) {
      options.log.error('presence history: ending runs left open failed', { error });
    }
    this.pruner = new HistoryPruner({
      repo: options.repo,
      log: this.log,
      now: this.now,
      accounts: () => this.allAccounts(),
      background: options.background !== false,
    });
    if (options.background !== false) this.scheduleTick(TICK_MS);
  }

  // ---------- accounts ----------

  /** The account's client (or its JID) is new: its own bare JID is recorded like a contact. */
  attach(accountId: string, ownJid: string): void {
    const account = this.account(accountId);
    account.ownJid = ownJid;
  }

  /** The account is gone (its rows go with it): nothing of it is kept in memory either. */
  remove(accountId: string): void {
    this.accounts.delete(accountId);
    this.retentions.delete(accountId);
    this.pruner.forget(accountId);
    this.options.repo.forget(accountId);
  }

  retention(accountId: string): HistoryRetention {
    return this.retentions.get(accountId) ?? DEFAULT_HISTORY_RETENTION;
  }

  settings(accountIds: Iterable<string>): HistorySettingsView[] {
    return [...accountIds].map((accountId) => ({ accountId, retentionDays: this.retention(accountId) }));
  }

  /** Sets the retention; 0 stops recording and deletes everything kept for the account. */
  setRetention(accountId: string, days: HistoryRetention): HistorySettingsView {
    const before = this.retention(accountId);
    this.options.repo.setRetention(accountId, days);
    this.retentions.set(accountId, days);
    const account = this.account(accountId);
    account.retention = days;
    if (days === 0) {
      this.options.repo.clearAccount(accountId);
      this.dropMemory(account, null);
      return { accountId, retentionDays: days };
    }
    if (before === 0) {
      // Recording starts now: the resources online now start their runs here, not when they came.
      if (account.listeningSince !== null) account.listeningSince = this.now();
      this.restartLive(account, null);
    } else if (days < before) {
      this.pruner.soon(accountId, days);
    }
    return { accountId, retentionDays: days };
  }

  /** Deletes what was kept of one contact (or of every contact); recording goes on from now. */
  clear(accountId: string, jid: string | null): void {
    const account = this.account(accountId);
    if (jid === null) this.options.repo.clearAccount(accountId);
    else this.options.repo.clearContact(accountId, jid);
    this.dropMemory(account, jid);
    if (account.retention === 0) return;
    if (jid === null && account.listeningSince !== null) account.listeningSince = this.now();
    this.restartLive(account, jid);
  }

  // ---------- recording ----------

  /** The coalescing step's contacts that changed: their tracked resources against their runs. */
  capture(accountId: string, jids: Iterable<string>): void {
    const tracker = this.options.tracker(accountId);
    for (const jid of jids) {
      const resources = tracker?.resources(jid);
      if (resources !== undefined) this.captureContact(accountId, resources);
    }
  }

  /** True while the account records (the coalescing step asks once per flush). */
  recording(accountId: string): boolean {
    const account = this.accounts.get(accountId);
    return account !== undefined && account.retention !== 0;
  }

  /** One contact of the coalescing step. Whether it may be recorded is asked only for a new resource. */
  captureContact(accountId: string, resources: ContactResources<TrackedPresence>): void {
    const account = this.accounts.get(accountId);
    if (account === undefined || account.retention === 0) return;
    let recordable: boolean | undefined;
    for (const entry of resources.values()) {
      if (entry.recorded === null) {
        // New, or young: the run is the resource's state since then, whatever it changes to.
        if (entry.recordedSince !== NOT_RECORDED) continue;
        recordable ??= this.recordable(account, resources.bare);
        if (recordable) entry.recordedSince = entry.since;
        continue;
      }
      this.captureEntry(account, entry);
    }
  }

  private recordable(account: AccountHistory, bare: string): boolean {
    return bare === account.ownJid || this.options.inRoster(account.accountId, bare);
  }

  /** A resource whose run is an object: a change of state ends it, and the new state starts young. */
  private captureEntry(account: AccountHistory, entry: TrackedPresence): void {
    const run = entry.recorded!;
    const client = entry.client;
    if (client !== null && (run.clientName !== client.clientName || run.kind !== client.device)) {
      // The client is known once caps resolve: it belongs to the device, not to a new run.
      run.clientName = client.clientName;
      run.kind = client.device;
    }
    if (
      run.show === entry.show &&
      run.status === entry.status &&
      run.priority === entry.priority &&
      run.idleSince === idleOrNull(entry.idleSince)
    )
      return;
    this.end(account, run, entry.since);
    entry.recorded = null;
    entry.recordedSince = entry.since;
  }

  /**
   * The young run of a resource becomes an object (to be stored), in the resource's state now. A
   * delay stamp may date it back; nothing before what the account keeps is written.
   */
  private settle(account: AccountHistory, bare: string, entry: TrackedPresence): HistoryRun | null {
    if (account.pending.length >= MAX_HELD_RUNS) {
      this.log.warn('history.held', 'presence history: too many runs waiting to be stored; not recorded', {
        from: bare,
      });
      return null;
    }
    const run = youngRun(bare, entry, Math.max(entry.recordedSince, this.now() - account.retention * DAY_MS));
    account.pending.push(run);
    return run;
  }

  private end(account: AccountHistory, run: HistoryRun, at: number): void {
    run.end = Math.max(at, run.start);
    // A run not stored yet is in `pending` and is stored ended.
    if (run.stored === Stored.Open) account.rewrite.add(run);
  }

  /** Every young run becomes an object to be stored now (measurements; closing does it too). */
  settleAll(): void {
    this.settleYoung(true);
  }

  /**
   * Young runs that lasted MIN_RUN_MS (every one with `all`) become objects to be stored; stored
   * lasting runs go to be written again once a day began (a piece a day).
   */
  private settleYoung(all: boolean): void {
    const now = this.now();
    const today = Math.floor(now / DAY_MS);
    for (const account of this.accounts.values()) {
      if (account.retention === 0) continue;
      this.forEachLive(account, null, (entry, bare) => {
        const run = entry.recorded;
        if (run === null) {
          if (entry.recordedSince !== NOT_RECORDED && (all || now - entry.recordedSince >= this.minRunMs)) {
            entry.recorded = this.settle(account, bare, entry);
          }
        } else if (run.stored === Stored.Open && run.firstDay < today) {
          account.rewrite.add(run);
        }
      });
    }
  }

  // ---------- hooks from the presence path ----------

  ended(accountId: string, bare: string, entry: TrackedPresence, at: number): void {
    const account = this.accounts.get(accountId);
    if (entry.recordedSince === NOT_RECORDED) {
      // Came and went within one coalescing window (no flush saw it): its stay is still a run.
      if (account === undefined || account.retention === 0 || !this.recordable(account, bare)) return;
      entry.recordedSince = entry.since;
    }
    const run =
      entry.recorded ?? (account !== undefined && account.retention !== 0 ? this.settle(account, bare, entry) : null);
    entry.recorded = null;
    entry.recordedSince = NOT_RECORDED;
    if (run !== null && account !== undefined && account.retention !== 0) this.end(account, run, at);
  }

  listening(accountId: string, at: number): void {
    const account = this.account(accountId);
    account.lostAt = null;
    if (account.listeningSince !== null) return;
    // Stored by the next write (writeNow covers every listening account), not here: this runs just
    // before our initial presence is sent, and an autocommit with synchronous=FULL (an fsync) held
    // the presence, and the server's answer to it, back. A stretch not written yet covers nothing,
    // as one written as [at, at] did.
    account.listeningSince = at;
  }

  lost(accountId: string, at: number): void {
    const account = this.accounts.get(accountId);
    if (account) account.lostAt ??= at;
  }

  resumed(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) account.lostAt = null;
  }

  deaf(accountId: string, at: number): void {
    const account = this.accounts.get(accountId);
    if (!account || account.listeningSince === null) return;
    this.cover(account, at);
    account.listeningSince = null;
    account.lostAt = null;
  }

  private cover(account: AccountHistory, stop: number): void {
    if (account.retention === 0 || account.listeningSince === null) return;
    try {
      this.options.repo.cover(account.accountId, account.listeningSince, stop);
    } catch (error) {
      this.log.error('history.cover', 'presence history: storing coverage failed', { error });
    }
  }

  // ---------- reading ----------

  /** One contact's timeline over the last `days` (and its hours over all that is kept). */
  timeline(accountId: string, jid: string, days: number): TimelineView {
    const now = this.now();
    const retention = this.retention(accountId);
    const keptFrom = now - retention * DAY_MS;
    const from = Math.max(keptFrom, now - days * DAY_MS);
    const account = this.accounts.get(accountId);
    const live = new Set<HistoryRun>();
    for (const entry of this.options.tracker(accountId)?.resources(jid)?.values() ?? []) {
      if (entry.recorded !== null) live.add(entry.recorded);
      else if (entry.recordedSince !== NOT_RECORDED) live.add(youngRun(jid, entry));
    }
    const memory = account ? [...account.pending, ...account.rewrite].filter((run) => run.bare === jid) : [];
    const coverage = retention === 0 ? [] : this.options.repo.coverage(accountId, keptFrom);
    if (account?.listeningSince != null && retention !== 0) {
      coverage.push({ start: account.listeningSince, stop: account.lostAt ?? now });
    }
    return buildTimeline({
      accountId,
      jid,
      now,
      from,
      keptFrom,
      retentionDays: retention,
      stored: retention === 0 ? { devices: [], runs: [] } : this.options.repo.contact(accountId, jid, keptFrom),
      memory,
      live,
      coverage: mergeCoverage(coverage),
    });
  }

  /** Runs held in memory for storing (for measurements). */
  held(): number {
    let count = 0;
    for (const account of this.accounts.values()) count += account.pending.length + account.rewrite.size;
    return count;
  }

  // ---------- storing ----------

  /**
   * Stores what is due: ended runs, and lasting runs MIN_RUN_MS old (every run with `all`, as when
   * closing), at most WRITE_CHUNK of them unless `all`. Returns true when more are due.
   */
  writeNow(all = false): boolean {
    if (all) this.settleYoung(true);
    const now = this.now();
    let budget = all ? Infinity : WRITE_CHUNK;
    let more = false;
    for (const account of this.accounts.values()) {
      if (account.retention === 0) continue;
      account.lastWrite = now;
      if (account.listeningSince !== null) this.cover(account, account.lostAt ?? now);
      const batch: HistoryRun[] = [];
      for (const run of account.rewrite) {
        if (budget <= 0) break;
        batch.push(run);
        account.rewrite.delete(run);
        budget -= daysTouched(run, now);
      }
      let taken = 0;
      while (budget > 0 && taken < account.pending.length) {
        const run = account.pending[taken++];
        if (!this.withinBound(account, run)) continue;
        batch.push(run);
        budget -= daysTouched(run, now);
      }
      account.pending.splice(0, taken);
      this.store(account, batch);
      more ||= account.pending.length > 0 || account.rewrite.size > 0;
    }
    return more;
  }

  /** Stores at most MAX_RUNS_PER_CONTACT_DAY new runs per contact and day; the others are dropped. */
  private withinBound(account: AccountHistory, run: HistoryRun): boolean {
    if (run.stored !== Stored.No) return true;
    const day = Math.floor(this.now() / DAY_MS);
    if (day !== account.day) {
      account.day = day;
      account.runsToday.clear();
    }
    const count = account.runsToday.get(run.bare) ?? 0;
    if (count >= MAX_RUNS_PER_CONTACT_DAY) {
      this.log.warn('history.bound', 'presence history: a contact changes too often; not recorded today', {
        from: run.bare,
      });
      return false;
    }
    account.runsToday.set(run.bare, count + 1);
    return true;
  }

  private store(account: AccountHistory, batch: HistoryRun[]): void {
    if (batch.length === 0) return;
    const before = batch.map((run) => [run.device, run.stored, run.firstDay] as const);
    try {
      this.options.repo.write(account.accountId, batch, this.now());
    } catch (error) {
      this.log.error('history.write', 'presence history: storing runs failed', { error });
      // The transaction was rolled back: the runs are as they were, and wait for the next write.
      batch.forEach((run, i) => {
        [run.device, run.stored, run.firstDay] = before[i];
      });
      if (account.pending.length + account.rewrite.size + batch.length > MAX_HELD_RUNS) return;
      for (const run of batch) {
        if (run.stored === Stored.No) account.pending.push(run);
        else account.rewrite.add(run);
      }
    }
  }

  /** Every TICK_MS young runs are looked at; what is due is stored every WRITE_INTERVAL_MS, or sooner when much waits. */
  private scheduleTick(ms: number): void {
    if (this.closed) return;
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      this.scheduleTick(this.tick() ? WRITE_CONTINUE_MS : TICK_MS);
    }, ms);
    this.writeTimer.unref?.();
  }

  /** Prunes every account now (the background prune does it a chunk at a time); returns the days deleted. */
  pruneNow(): number {
    return this.pruner.pruneNow();
  }

  /** What the timer does: young runs that lasted become objects, and what is due is stored. True when more waits. */
  tick(): boolean {
    try {
      const now = this.now();
      // Chunks that follow one another (WRITE_CONTINUE_MS apart) do not look at every resource again.
      if (now - this.lastSettle >= TICK_MS) {
        this.lastSettle = now;
        this.settleYoung(false);
      }
      let due = this.continuing;
      for (const account of this.accounts.values()) {
        if (now - account.lastWrite >= WRITE_INTERVAL_MS || account.pending.length >= WRITE_CHUNK) due = true;
      }
      this.continuing = due && this.writeNow();
    } catch (error) {
      this.continuing = false;
      this.log.error('history.tick', 'presence history: storing failed', { error });
    }
    return this.continuing;
  }

  /** Ends every lasting run and coverage now and stores everything (the app is closing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.pruner.close();
    const now = this.now();
    for (const account of this.accounts.values()) {
      if (account.retention === 0) continue;
      const at = account.lostAt ?? now;
      this.forEachLive(account, null, (entry, bare) => this.ended(account.accountId, bare, entry, at));
      this.deaf(account.accountId, at);
    }
    this.writeNow(true);
  }

  // ---------- helpers ----------

  private account(accountId: string): AccountHistory {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = {
        accountId,
        ownJid: '',
        retention: this.retention(accountId),
        pending: [],
        rewrite: new Set(),
        listeningSince: null,
        lostAt: null,
        runsToday: new Map(),
        day: 0,
        lastWrite: 0,
      };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  private allAccounts(): AccountHistory[] {
    for (const accountId of this.options.accountIds()) this.account(accountId);
    return [...this.accounts.values()];
  }

  /** Forgets the runs held in memory for one contact (or all) and detaches them from live resources. */
  private dropMemory(account: AccountHistory, jid: string | null): void {
    const mine = (run: HistoryRun) => jid === null || run.bare === jid;
    account.pending = account.pending.filter((run) => !mine(run));
    for (const run of account.rewrite) if (mine(run)) account.rewrite.delete(run);
    if (jid === null) {
      account.runsToday.clear();
      account.listeningSince = account.listeningSince === null ? null : this.now();
    } else {
      account.runsToday.delete(jid);
    }
    this.forEachLive(account, jid, (entry) => {
      entry.recorded = null;
      entry.recordedSince = NOT_RECORDED;
    });
  }

  /** The resources online now start new runs at this moment. */
  private restartLive(account: AccountHistory, jid: string | null): void {
    const now = this.now();
    this.forEachLive(account, jid, (entry, bare) => {
      entry.recorded = null;
      entry.recordedSince = this.recordable(account, bare) ? now : NOT_RECORDED;
    });
  }

  private forEachLive(
    account: AccountHistory,
    jid: string | null,
    visit: (entry: TrackedPresence, bare: string) => void,
  ): void {
    const tracker = this.options.tracker(account.accountId);
    if (!tracker) return;
    if (jid !== null) {
      const resources = tracker.resources(jid);
      if (resources) for (const entry of resources.values()) visit(entry, resources.bare);
      return;
    }
    // Visiting changes no resource: no copy of the contacts is needed.
    for (const resources of tracker.online()) for (const entry of resources.values()) visit(entry, resources.bare);
  }
}
