/**
 * The roster of every account (RFC 6121 §2, XEP-0237 versioning).
 *
 * - At start the cached rosters come from SQLite (sync state 'cached'), so they show before any connection.
 * - A new session fetches the roster with the stored version (only when the server advertised versioning);
 *   an empty result means unchanged; otherwise the result replaces the roster and only the difference is
 *   written and emitted (one roster.items event). A resumed stream does not refetch. A large result (a first fetch of 10,000 items)
 *   is read over several event-loop turns, so the main process keeps answering meanwhile (the event
 *   loop's delay stays under 50 ms at p99).
 * - The roster in memory, its events and the session's readiness (initial presence) come first; SQLite
 *   follows through the store writer (store-writer.ts), in order: a large difference in the background,
 *   in a few transactions, the stored version cleared with the first and written with the last, so a
 *   crash halfway leaves no version and the next session fetches the full roster again.
 * - Pushes are accepted only when the raw `from` is absent or our bare JID (CVE-2015-8688 class), and only
 *   with exactly one item (RFC 6121 §2.1.6). They are stored one small transaction each, after any
 *   write queued before them, and answered once stored.
 * - Commands (update, remove, renameGroup; commands.ts) send roster sets; the store changes only when the
 *   server's push comes back, never locally.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ParsedInput, RosterItemView, RosterSyncView } from '../../../../shared/contract';
import type { Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus } from '../../events';
import { rateLimited, type Logger } from '../../log';
import type { RosterRepository } from '../../store/roster-repo';
import { normalizeJid } from '../../../../shared/jid';
import { NS_ROSTER } from '../../xmpp/ns';
import { ROSTER_FETCH_TIMEOUT_MS } from '../../xmpp/timeouts';
import { stanzaErrorElement } from '../../util/stanza-errors';
import {
  countRosterItems,
  hasProblems,
  newReport,
  putRosterItem,
  readRosterItem,
  readRosterQuery,
  sameItem,
  StreamedRosterItems,
  type RosterParseReport,
} from './items';
import { background } from '../../util/background';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import { RosterWarmUpDuringLogin } from '../../accounts/roster-warm-up';
import { notConnected, removeItem, renameGroup, updateItem } from './commands';
import { RosterStoreWriter } from './store-writer';
import { RosterItemListeners, type RosterFetchListener, type RosterItemListener } from './listeners';

/** A result with more items than this is read over several event-loop turns. */
export const ROSTER_CHUNK = 1000;
/** The time a turn of reading a large result aims at. */
const TURN_MS = 10;
/** Items read between two looks at the clock. */
const READ_CHECK = 256;

/** What the last fetch of an account brought (for tests, benchmarks and diagnostics). */
export interface RosterFetchStats {
  /** Roster requests sent in this run. */
  fetches: number;
  /** Results without <query/>: the cached version was current (XEP-0237). */
  unchanged: number;
  /** Results carrying a full roster. */
  full: number;
  /** Items in the last full result (after skipping invalid ones). */
  lastItems: number;
  /** Items written and emitted by the last full result (new or changed). */
  lastChanged: number;
  /** Items removed by the last full result. */
  lastRemoved: number;
  /** Version sent with the last request (undefined: no ver attribute). */
  lastRequestedVersion: string | undefined;
  pushesApplied: number;
  pushesRejected: number;
}

interface AccountRoster {
  accountId: string;
  items: Map<string, RosterItemView>;
  /** Our bare JID the cached roster was synced for: a version is only reused for the same JID. */
  syncedJid: string | null;
  version: string | null;
  syncedAt: number | null;
  state: RosterSyncView['state'];
  /** The client of the online session; null while offline. */
  xmpp: SessionXmpp | null;
  /** The current session's roster was fetched (a resumed stream need not fetch again). */
  sessionSynced: boolean;
  /** Bumped by every fetch and by going offline: an older fetch's answer is ignored. */
  fetchToken: number;
  /**
   * Set from the roster request until its result is applied in memory (a large one is read over several
   * turns), failed or was superseded: pushes wait for it (the server sends them after the result, and they are newer),
   * so none is overwritten by an older item of the result, even when both arrive in one read.
   */
  applying: Promise<void> | null;
  stats: RosterFetchStats;
}

export type { RosterFetchChange, RosterFetchListener, RosterItemListener } from './listeners';

const NONE = (): undefined => undefined;

export class RosterService implements AccountLifecycleListener {
  private readonly accounts = new Map<string, AccountRoster>();
  private readonly sessionReady = new Set<(accountId: string, synced: boolean) => void>();
  private readonly itemListeners: RosterItemListeners;
  /** Items of roster results read while the stream was parsed. */
  private readonly streamed = new StreamedRosterItems();
  /** Per account: the warm-up of the roster walk while its login waits (roster-warm-up.ts). */
  private readonly warmUps = new Map<string, RosterWarmUpDuringLogin>();
  private readonly floodLog: ReturnType<typeof rateLimited>;
  /** Every write to SQLite, in the order memory changed. */
  private readonly writer: RosterStoreWriter;

  constructor(
    repo: RosterRepository,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.floodLog = rateLimited(log);
    this.itemListeners = new RosterItemListeners(log);
    // What memory holds could not be stored: forget its version, so the next session fetches in full.
    this.writer = new RosterStoreWriter(repo, log, (accountId) => {
      const state = this.accounts.get(accountId);
      if (state) state.version = null;
    });
    for (const [accountId, stored] of repo.loadAll()) {
      const state = this.state(accountId);
      for (const item of stored.items) state.items.set(item.jid, item);
      state.syncedJid = stored.jid;
      state.version = stored.version;
      state.syncedAt = stored.syncedAt;
    }
  }

  /** Every account's items (for the snapshot). */
  items(): RosterItemView[] {
    const all: RosterItemView[] = [];
    for (const state of this.accounts.values()) for (const item of state.items.values()) all.push(item);
    return all;
  }

  itemsOf(accountId: string): RosterItemView[] {
    return [...(this.accounts.get(accountId)?.items.values() ?? [])];
  }

  /** One item, or undefined when `jid` is not in the account's roster. */
  item(accountId: string, jid: string): RosterItemView | undefined {
    return this.accounts.get(accountId)?.items.get(jid);
  }

  /** Every item of a roster result for `accountId`, those read while the stream was parsed first. */
  readQuery(accountId: string, query: Element, report: RosterParseReport): Map<string, RosterItemView> {
    return readRosterQuery(accountId, query, report, this.streamed);
  }

  syncView(accountId: string): RosterSyncView {
    const state = this.accounts.get(accountId);
    if (!state) return { accountId, state: 'cached', version: null, syncedAt: null };
    return { accountId, state: state.state, version: state.version, syncedAt: state.syncedAt };
  }

  stats(accountId: string): RosterFetchStats | null {
    const state = this.accounts.get(accountId);
    return state ? { ...state.stats } : null;
  }

  /**
   * Called once per session when its roster request was answered (synced) or failed: RFC 6121 §2.2
   * wants the roster before the initial presence, so presence waits for this. Returns the undo.
   */
  onSessionReady(listener: (accountId: string, synced: boolean) => void): () => void {
    this.sessionReady.add(listener);
    return () => this.sessionReady.delete(listener);
  }

  /**
   * Called for every stored change of an item, from a fetch or a push: `before` is undefined for a
   * new item, `after` for a removed one. With `onFetch`, a full fetch's difference goes to it in one
   * call instead (10,000 items of a first fetch are one call, not 10,000). Returns the undo.
   */
  onItemChanged(listener: RosterItemListener, onFetch?: RosterFetchListener): () => void {
    return this.itemListeners.add(listener, onFetch);
  }

  private ready(accountId: string, synced: boolean): void {
    for (const listener of this.sessionReady) {
      try {
        listener(accountId, synced);
      } catch (error) {
        this.log.error('roster session listener failed', { accountId, error });
      }
    }
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    xmpp.iqCallee.set(NS_ROSTER, 'query', (ctx) => this.onPush(accountId, xmpp, ctx.stanza, ctx.element));
    xmpp.hooks.onRosterItem((item, query) => this.streamed.add(item, query, accountId));
    // Only when the roster will come whole: without a cached version (a first login, a server
    // without versioning, or a cache that could not be stored).
    this.warmUps.get(accountId)?.stop();
    this.warmUps.set(
      accountId,
      new RosterWarmUpDuringLogin(xmpp, () => (this.accounts.get(accountId)?.version ?? null) === null),
    );
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const state = this.state(accountId);
    state.xmpp = online.xmpp;
    if (online.resumed && state.sessionSynced) {
      // XEP-0198 resumption: pushes missed meanwhile are redelivered; nothing to fetch.
      this.setState(state, 'synced');
      this.ready(accountId, true);
      return;
    }
    background(this.fetch(state, online.xmpp), this.log, 'roster fetch');
  }

  onOffline(accountId: string): void {
    this.warmUps.get(accountId)?.stop();
    const state = this.accounts.get(accountId);
    if (!state) return;
    state.xmpp = null;
    state.fetchToken++;
    this.setState(state, 'cached');
  }

  onRemoved(accountId: string): void {
    // The rows went with the account (ON DELETE CASCADE); the renderer drops the items on account.removed.
    const state = this.accounts.get(accountId);
    if (state) state.fetchToken++;
    this.warmUps.get(accountId)?.stop();
    this.warmUps.delete(accountId);
    this.accounts.delete(accountId);
    this.writer.drop(accountId);
  }

  /** Stores every change still queued (the core is closing; the database closes after this). */
  close(): void {
    this.writer.flush();
  }

  /** True while roster changes are still being written to SQLite (for tests and benchmarks). */
  get storing(): boolean {
    return this.writer.busy;
  }

  // ---------- fetch ----------

  private async fetch(state: AccountRoster, xmpp: SessionXmpp): Promise<void> {
    // Pushes wait until this fetch's result is applied (or the fetch failed or was superseded).
    let release!: () => void;
    const pending = new Promise<void>((resolve) => (release = resolve));
    state.applying = pending;
    try {
      await this.fetchAndApply(state, xmpp);
    } finally {
      if (state.applying === pending) state.applying = null;
      release();
    }
  }

  private async fetchAndApply(state: AccountRoster, xmpp: SessionXmpp): Promise<void> {
    const token = ++state.fetchToken;
    state.sessionSynced = false;
    state.stats.fetches++;
    this.setState(state, 'syncing');
    // The account's JID may have been edited since the cache was synced: then its version means nothing.
    const ownJid = xmpp.jid ? normalizeJid(xmpp.jid.bare().toString()) : null;
    const cacheValid = ownJid !== null && ownJid === state.syncedJid;
    const version = cacheValid ? state.version : null;
    // XEP-0237: ver='' asks for the full roster with a version; no ver at all when not advertised.
    const requested = xmpp.rosterVersioning ? (version ?? '') : undefined;
    state.stats.lastRequestedVersion = requested;
    let query: Element | undefined;
    // The warm-up, if one runs, ends as the answer starts coming in.
    this.warmUps.get(state.accountId)?.rosterRequested();
    try {
      query = await xmpp.iqCaller.get(
        xml('query', requested === undefined ? { xmlns: NS_ROSTER } : { xmlns: NS_ROSTER, ver: requested }),
        undefined,
        ROSTER_FETCH_TIMEOUT_MS,
      );
    } catch (error) {
      if (!this.current(state, token)) return;
      this.log.warn('roster request failed', { accountId: state.accountId, error });
      this.setState(state, 'cached');
      this.ready(state.accountId, false);
      return;
    }
    if (!this.current(state, token)) return;
    try {
      if (query !== undefined && countRosterItems(query, this.streamed) > ROSTER_CHUNK)
        await this.applyLargeResult(state, token, query, ownJid);
      else this.applyResult(state, query, ownJid, cacheValid);
    } catch (error) {
      if (!this.current(state, token)) return;
      this.log.error('roster result could not be applied', { accountId: state.accountId, error });
      this.setState(state, 'cached');
      this.ready(state.accountId, false);
    }
  }

  private current(state: AccountRoster, token: number): boolean {
    return state.fetchToken === token && this.accounts.get(state.accountId) === state;
  }

  private applyResult(
    state: AccountRoster,
    query: Element | undefined,
    ownJid: string | null,
    cacheValid: boolean,
  ): void {
    const { accountId } = state;
    const syncedAt = Date.now();
    if (!query && cacheValid) {
      // XEP-0237 §2.3: an empty result means the cached roster is current (pushes follow for changes).
      state.stats.unchanged++;
      this.writer.sync({ accountId, upserts: [], removed: [], version: state.version, syncedAt, jid: ownJid });
      this.finishSync(state, ownJid, state.version, syncedAt);
      return;
    }
    // Without a cache that belongs to this JID, an empty result can only mean an empty roster.
    const report = newReport();
    const next = query ? this.readQuery(accountId, query, report) : new Map<string, RosterItemView>();
    this.logReport(accountId, 'roster result', report);
    this.applyItems(state, next, query?.attrs.ver ?? null, ownJid);
  }

  /**
   * A large full result: the items are read over several event-loop turns of about TURN_MS each, then
   * diffed, applied in memory and emitted in one turn, in the same order as a small result (removals,
   * then items in document order), and the session is ready; the difference is stored in the
   * background by the writer. A newer fetch, going offline or removing the account while the items are
   * read stops it before anything changed.
   */
  private async applyLargeResult(
    state: AccountRoster,
    token: number,
    query: Element,
    ownJid: string | null,
  ): Promise<void> {
    const { accountId } = state;
    const report = newReport();
    // Usually every item was read while the result was parsed; any still in the tree are read here.
    const next = this.streamed.take(accountId, query, report);
    const children = query.children;
    let turnStart = performance.now();
    for (let k = 0; k < children.length; k++) {
      if (k % READ_CHECK === 0 && k > 0 && performance.now() - turnStart > TURN_MS) {
        if (!(await this.nextTurn(state, token))) return;
        turnStart = performance.now();
      }
      const child = children[k];
      if (typeof child === 'string' || child.name !== 'item') continue;
      const read = readRosterItem(accountId, child, report);
      if (!read) continue;
      putRosterItem(next, read.item, report);
    }
    this.logReport(accountId, 'roster result', report);
    if (!(await this.nextTurn(state, token))) return;
    this.applyItems(state, next, query.attrs.ver ?? null, ownJid);
  }

  /** Diffs a full result against memory, queues the store write, applies and emits it, and finishes the sync. */
  private applyItems(
    state: AccountRoster,
    next: Map<string, RosterItemView>,
    version: string | null,
    ownJid: string | null,
  ): void {
    const { accountId } = state;
    const syncedAt = Date.now();
    const previous = state.items;
    let changed: RosterItemView[];
    const removed: string[] = [];
    if (previous.size === 0) {
      // Nothing cached (a first fetch): every item is new and there is nothing to compare or remove.
      changed = Array.from(next.values());
    } else {
      changed = [];
      for (const [jid, item] of next) {
        const before = previous.get(jid);
        if (before === undefined || !sameItem(before, item)) changed.push(item);
        else next.set(jid, before); // keep the object the snapshot already handed out
      }
      for (const jid of previous.keys()) if (!next.has(jid)) removed.push(jid);
    }

    this.writer.sync({ accountId, upserts: changed, removed, version, syncedAt, jid: ownJid });
    state.items = next;
    state.stats.full++;
    state.stats.lastItems = next.size;
    state.stats.lastChanged = changed.length;
    state.stats.lastRemoved = removed.length;
    // One event for the whole difference (10,000 items of a first fetch are one event, not 10,000).
    if (removed.length > 0 || changed.length > 0)
      this.bus.emit({ type: 'roster.items', accountId, items: changed, removed });
    if (this.itemListeners.size > 0 && (removed.length > 0 || changed.length > 0)) {
      const allNew = previous.size === 0;
      this.itemListeners.fetchChanged(accountId, {
        removed: removed.map((jid) => previous.get(jid)!),
        changed,
        allNew,
        before: allNew ? NONE : (jid) => previous.get(jid),
      });
    }
    this.finishSync(state, ownJid, version, syncedAt);
  }

  /** Yields to the event loop; false when this fetch no longer counts (newer fetch, offline, removed). */
  private async nextTurn(state: AccountRoster, token: number): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.current(state, token);
  }

  private finishSync(state: AccountRoster, ownJid: string | null, version: string | null, syncedAt: number): void {
    state.syncedJid = ownJid;
    state.version = version;
    state.syncedAt = syncedAt;
    state.sessionSynced = true;
    this.setState(state, 'synced', true);
    this.ready(state.accountId, true);
  }

  private setState(state: AccountRoster, next: RosterSyncView['state'], force = false): void {
    if (state.state === next && !force) return;
    state.state = next;
    this.bus.emit({ type: 'roster.sync', sync: this.syncView(state.accountId) });
  }

  // ---------- pushes ----------

  /**
   * Handles a roster set from the server; returns an error element, or true for an empty result. While a
   * roster request is pending or its result is being applied, the push waits for that (it is newer) and
   * is answered once applied; pushes that wait are applied in the order they arrived.
   */
  private onPush(
    accountId: string,
    xmpp: SessionXmpp,
    stanza: Element,
    query: Element,
  ): Element | true | Promise<Element | true> {
    const applying = this.accounts.get(accountId)?.applying;
    if (applying) {
      const later = () => this.onPush(accountId, xmpp, stanza, query);
      return applying.then(later, later);
    }
    const state = this.accounts.get(accountId) ?? this.state(accountId);
    try {
      const from = stanza.attrs.from;
      if (from !== undefined && !this.isOwnBareJid(from, xmpp)) {
        state.stats.pushesRejected++;
        this.floodLog.warn('roster.forged-push', 'ignored a forged roster push', {
          accountId,
          from: from.slice(0, 200),
        });
        return stanzaErrorElement('cancel', 'service-unavailable');
      }
      const items = query.getChildren('item');
      if (items.length !== 1) {
        state.stats.pushesRejected++;
        this.floodLog.warn('roster.bad-push', 'ignored a roster push without exactly one item', {
          accountId,
          items: items.length,
        });
        return stanzaErrorElement('modify', 'bad-request');
      }
      const report = newReport();
      const read = readRosterItem(accountId, items[0], report);
      this.logReport(accountId, 'roster push', report);
      if (!read) {
        state.stats.pushesRejected++;
        return stanzaErrorElement('modify', 'bad-request');
      }
      const version = query.attrs.ver ?? null;
      const { item } = read;
      const before = state.items.get(item.jid);
      if (read.remove) {
        state.items.delete(item.jid);
        if (before) {
          this.bus.emit({ type: 'roster.removed', accountId, jid: item.jid });
          this.itemListeners.itemChanged(accountId, before, undefined);
        }
      } else {
        state.items.set(item.jid, item);
        if (!before || !sameItem(before, item)) {
          this.bus.emit({ type: 'roster.item', item });
          this.itemListeners.itemChanged(accountId, before, item);
        }
      }
      if (version !== null) state.version = version;
      state.stats.pushesApplied++;
      // Stored after any write queued before it (a large sync still being written), answered once stored;
      // a failed write makes the writer forget the version set above.
      const stored = this.writer.push(
        read.remove ? { accountId, version, removed: item.jid } : { accountId, version, item },
      );
      return stored.then(
        () => true as const,
        (error: unknown) => {
          this.log.error('roster push could not be stored', { accountId, error });
          return stanzaErrorElement('wait', 'internal-server-error');
        },
      );
    } catch (error) {
      this.log.error('roster push could not be applied', { accountId, error });
      return stanzaErrorElement('wait', 'internal-server-error');
    }
  }

  /** RFC 6121 §2.1.6: a push comes from our bare JID (or has no from). Our full JID does not count. */
  private isOwnBareJid(from: string, xmpp: SessionXmpp): boolean {
    const own = xmpp.jid ? normalizeJid(xmpp.jid.bare().toString()) : null;
    return own !== null && normalizeJid(from) === own;
  }

  private logReport(accountId: string, what: string, report: RosterParseReport): void {
    if (!hasProblems(report)) return;
    const { examples, ...counts } = report;
    this.log.warn(`${what}: skipped or trimmed bad items`, { accountId, ...counts, examples });
  }

  // ---------- commands ----------

  update(input: ParsedInput<'roster.update'>): Promise<Result<null>> {
    const state = this.accounts.get(input.accountId);
    const xmpp = onlineClient(state?.xmpp);
    if (!state || !xmpp) return Promise.resolve(notConnected());
    return updateItem(xmpp, state.items.get(input.jid), input);
  }

  remove(input: ParsedInput<'roster.remove'>): Promise<Result<null>> {
    const xmpp = onlineClient(this.accounts.get(input.accountId)?.xmpp);
    if (!xmpp) return Promise.resolve(notConnected());
    return removeItem(xmpp, input.jid);
  }

  renameGroup(input: ParsedInput<'roster.renameGroup'>): Promise<Result<{ changed: number }>> {
    const state = this.accounts.get(input.accountId);
    const xmpp = onlineClient(state?.xmpp);
    if (!state || !xmpp) return Promise.resolve(notConnected());
    return renameGroup(xmpp, state.items.values(), input.from, input.to);
  }

  private state(accountId: string): AccountRoster {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = {
        accountId,
        items: new Map(),
        syncedJid: null,
        version: null,
        syncedAt: null,
        state: 'cached',
        xmpp: null,
        sessionSynced: false,
        fetchToken: 0,
        applying: null,
        stats: {
          fetches: 0,
          unchanged: 0,
          full: 0,
          lastItems: 0,
          lastChanged: 0,
          lastRemoved: 0,
          lastRequestedVersion: undefined,
          pushesApplied: 0,
          pushesRejected: 0,
        },
      };
      this.accounts.set(accountId, state);
    }
    return state;
  }
}
