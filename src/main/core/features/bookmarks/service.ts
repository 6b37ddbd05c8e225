/**
 * Room bookmarks of every account (XEP-0402, or XEP-0048 where the server offers only that).
 *
 * - On every NEW session (a resumed stream does nothing) we ask our own bare JID for disco#info. With
 *   `urn:xmpp:bookmarks:1#compat` (XEP-0402 §5.3: the server unifies XEP-0402 with XEP-0049 storage) the
 *   bookmarks are XEP-0402 PEP items: one item per room, published with the publish-options the XEP
 *   requires (persistent, whitelist, max items), retracted with notify; other clients' changes arrive
 *   as PEP events (we advertise `urn:xmpp:bookmarks:1+notify`, caps-own.ts). Without it they are a
 *   XEP-0048 <storage/> in XEP-0049 private XML storage, read at session start and written whole
 *   (read again just before each write, so another client's change since is not lost).
 * - After the list is read: one `muc.bookmarks` event with the whole list, and `onAutojoin` once per
 *   new session with the bookmarks that have autojoin.
 * - PEP events are accepted only from our own bare JID (or without `from`); a forged one is dropped.
 *   Events that arrive while the list is being read are applied after it.
 * - Everything from the server is validated (bookmarks-items.ts); junk is skipped and logged.
 * - Passwords stay here: views carry hasPassword only.
 */
import xml, { type Element } from '@xmpp/xml';
import type { BookmarkView, ParsedInput } from '../../../../shared/contract';
import { fail, ok, type ErrorCode, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus } from '../../events';
import { rateLimited, type Logger } from '../../log';
import { normalizeJid } from '../../../../shared/jid';
import { NS_BOOKMARKS, NS_PRIVATE, NS_PUBSUB_EVENT } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { discoverStorage, fetchLegacyStorage, fetchPepItems } from './requests';
import { hasApplicationCondition, requestError } from '../../util/stanza-errors';
import {
  BOOKMARKS_MAX,
  bookmarkReportHasProblems,
  bookmarkView,
  configureElement,
  legacyStorageElement,
  newBookmarkReport,
  publishElement,
  readLegacyStorage,
  readPepItem,
  readPepItems,
  readRoomJid,
  retractElement,
  sameBookmark,
  type BookmarkEntry,
  type BookmarkParseReport,
  type StoredBookmark,
} from './items';
import { background } from '../../util/background';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import { takeStanzas } from '../../accounts/take-stanzas';

export type { StoredBookmark } from './items';

/** Where an account's bookmarks live; null until the first session discovered it. */
export type BookmarkStorage = 'pep' | 'private' | 'none';

export interface BookmarksOptions {
  bus: EventBus;
  log: Logger;
  /** Once per new session, after the list was read: the bookmarks with autojoin (with passwords). */
  onAutojoin(accountId: string, bookmarks: StoredBookmark[]): void;
  /**
   * Optional: every change of one bookmark after the list was read, with where it came from ('remote':
   * a PEP event from another of our clients; 'local': our own command). XEP-0402 §4 says a client
   * SHOULD join a room whose notification turns autojoin on, and leave when it goes off or is retracted.
   */
  onChanged?(
    accountId: string,
    before: StoredBookmark | undefined,
    after: StoredBookmark | undefined,
    origin: 'remote' | 'local',
  ): void;
  /** Tests only: use XEP-0048 private storage even when the server offers XEP-0402. */
  forceLegacy?: boolean;
}

/** Counters for tests and diagnostics. */
export interface BookmarkStats {
  /** Lists read (session starts, and XEP-0048 reads before a write). */
  reads: number;
  /** PEP events applied. */
  eventsApplied: number;
  /** PEP events dropped: not from our bare JID, or not understood. */
  eventsRejected: number;
  /** onAutojoin calls. */
  autojoins: number;
  /** Items or conferences skipped as junk. */
  skipped: number;
}

interface AccountBookmarks {
  accountId: string;
  xmpp: SessionXmpp | null;
  storage: BookmarkStorage | null;
  entries: Map<string, BookmarkEntry>;
  /** XEP-0048 only: <url/> bookmarks and unknown elements of <storage/>, written back unchanged. */
  legacyOthers: Element[];
  /** The current session's list was read. */
  loaded: boolean;
  /** The current session already delivered its autojoin list. */
  autojoinDone: boolean;
  /** The read in flight, if any. */
  loading: Promise<void> | null;
  /** Bumped by each read and by going offline: an older read's answer is ignored. */
  token: number;
  /** PEP events that came while the list was being read. */
  queued: Element[];
  /** Commands run one after another (XEP-0048 rewrites the whole list). */
  writes: Promise<unknown>;
  stats: BookmarkStats;
}

export class BookmarksService implements AccountLifecycleListener {
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly floodLog: ReturnType<typeof rateLimited>;
  private readonly options: BookmarksOptions;
  private readonly accounts = new Map<string, AccountBookmarks>();
  private closed = false;

  constructor(options: BookmarksOptions) {
    this.options = options;
    this.bus = options.bus;
    this.log = options.log;
    this.floodLog = rateLimited(options.log);
  }

  // ---------- views ----------

  list(): BookmarkView[] {
    const all: BookmarkView[] = [];
    for (const state of this.accounts.values()) {
      for (const { bookmark } of state.entries.values()) all.push(bookmarkView(bookmark));
    }
    return all;
  }

  get(accountId: string, room: string): StoredBookmark | undefined {
    const entry = this.accounts.get(accountId)?.entries.get(room);
    return entry ? { ...entry.bookmark } : undefined;
  }

  /** Where the account's bookmarks are kept, once a session found out. */
  storage(accountId: string): BookmarkStorage | null {
    return this.accounts.get(accountId)?.storage ?? null;
  }

  stats(accountId: string): BookmarkStats | null {
    const state = this.accounts.get(accountId);
    return state ? { ...state.stats } : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    takeStanzas(xmpp, (stanza) => {
      const event = stanza.name === 'message' ? stanza.getChild('event', NS_PUBSUB_EVENT) : undefined;
      if (!event || !isBookmarksEvent(event)) return false;
      this.receiveEvent(accountId, xmpp, stanza);
      return true;
    });
  }

  onOnline(accountId: string, online: SessionOnline): void {
    if (this.closed) return;
    const state = this.state(accountId);
    state.xmpp = online.xmpp;
    if (online.resumed) {
      // XEP-0198: events missed meanwhile are redelivered. Only a read that the drop cut short is redone.
      if (!state.loaded) background(this.load(state, online.xmpp), this.log, 'reading bookmarks');
      return;
    }
    state.loaded = false;
    state.autojoinDone = false;
    background(this.load(state, online.xmpp), this.log, 'reading bookmarks');
  }

  onOffline(accountId: string): void {
    const state = this.accounts.get(accountId);
    if (!state) return;
    state.xmpp = null;
    if (!state.loaded) state.token++; // the read in flight will not be answered
  }

  onRemoved(accountId: string): void {
    const state = this.accounts.get(accountId);
    if (state) state.token++;
    this.accounts.delete(accountId);
  }

  close(): void {
    this.closed = true;
    for (const state of this.accounts.values()) {
      state.token++;
      state.xmpp = null;
    }
  }

  // ---------- reading ----------

  private load(state: AccountBookmarks, xmpp: SessionXmpp): Promise<void> {
    const token = ++state.token;
    const loading = this.read(state, xmpp, token).finally(() => {
      if (state.loading === loading) state.loading = null;
    });
    state.loading = loading;
    return loading;
  }

  private async read(state: AccountBookmarks, xmpp: SessionXmpp, token: number): Promise<void> {
    const { accountId } = state;
    state.queued = [];
    try {
      const storage = await this.discover(state, xmpp);
      if (!this.current(state, token)) return;
      state.storage = storage;
      if (storage === 'pep') {
        const entries = await this.fetchPep(state, xmpp);
        if (!this.current(state, token)) return;
        state.entries = entries;
        state.legacyOthers = [];
      } else if (storage === 'private') {
        const legacy = await this.fetchLegacy(state, xmpp);
        if (!this.current(state, token)) return;
        if (legacy === null) {
          state.storage = 'none';
        } else {
          state.entries = legacy.bookmarks;
          state.legacyOthers = legacy.others;
        }
      }
    } catch (error) {
      if (!this.current(state, token)) return;
      this.log.warn('bookmarks could not be read', { accountId, error });
      // The list read in an earlier session of this run (if any) is the best we have for autojoin.
      this.finishRead(state);
      return;
    }
    state.loaded = true;
    const queued = state.queued;
    state.queued = [];
    if (state.storage === 'pep') for (const message of queued) this.applyEvent(state, message);
    this.emit(state);
    this.finishRead(state);
  }

  private finishRead(state: AccountBookmarks): void {
    if (state.autojoinDone) return;
    state.autojoinDone = true;
    const autojoin = [...state.entries.values()]
      .filter(({ bookmark }) => bookmark.autojoin)
      .map(({ bookmark }) => ({ ...bookmark }));
    state.stats.autojoins++;
    try {
      this.options.onAutojoin(state.accountId, autojoin);
    } catch (error) {
      this.log.error('bookmark autojoin failed', { accountId: state.accountId, error });
    }
  }

  private current(state: AccountBookmarks, token: number): boolean {
    return !this.closed && state.token === token && this.accounts.get(state.accountId) === state;
  }

  /** XEP-0402 §5.3: with '#compat' on our account, XEP-0402 alone keeps every client in step. */
  private async discover(state: AccountBookmarks, xmpp: SessionXmpp): Promise<BookmarkStorage> {
    if (this.options.forceLegacy) return 'private';
    const own = ownBareJid(xmpp);
    if (own === null) return 'private';
    return discoverStorage(xmpp, own, (error) =>
      this.log.info('disco#info of our account failed; using private storage for bookmarks', {
        accountId: state.accountId,
        error,
      }),
    );
  }

  private async fetchPep(state: AccountBookmarks, xmpp: SessionXmpp): Promise<Map<string, BookmarkEntry>> {
    state.stats.reads++;
    const items = await fetchPepItems(xmpp);
    const report = newBookmarkReport();
    const entries = readPepItems(state.accountId, items, report);
    this.logReport(state, 'bookmarks (XEP-0402)', report);
    return entries;
  }

  /** The XEP-0048 storage, or null when the server has no private storage at all. */
  private async fetchLegacy(
    state: AccountBookmarks,
    xmpp: SessionXmpp,
  ): Promise<ReturnType<typeof readLegacyStorage> | null> {
    state.stats.reads++;
    const storage = await fetchLegacyStorage(xmpp);
    if (storage === null) {
      this.log.info('the server stores no bookmarks (no private XML storage)', { accountId: state.accountId });
      return null;
    }
    const report = newBookmarkReport();
    const legacy = readLegacyStorage(state.accountId, storage, report);
    this.logReport(state, 'bookmarks (XEP-0048)', report);
    return legacy;
  }

  private logReport(state: AccountBookmarks, what: string, report: BookmarkParseReport): void {
    if (!bookmarkReportHasProblems(report)) return;
    state.stats.skipped += report.invalidJids + report.missingPayload + report.duplicates + report.overLimit;
    const { examples, ...counts } = report;
    this.log.warn(`${what}: skipped or trimmed bad bookmarks`, { accountId: state.accountId, ...counts, examples });
  }

  // ---------- PEP events ----------

  /** A PEP event for the bookmarks node (XEP-0402 §4, XEP-0163). */
  receiveEvent(accountId: string, xmpp: SessionXmpp, message: Element): void {
    const state = this.accounts.get(accountId) ?? this.state(accountId);
    const from = message.attrs.from;
    if (from !== undefined) {
      const own = ownBareJid(xmpp);
      if (own === null || normalizeJid(from) !== own) {
        state.stats.eventsRejected++;
        this.floodLog.warn('bookmarks.forged-event', 'ignored a bookmarks event not from our own account', {
          accountId,
          from: String(from).slice(0, 200),
        });
        return;
      }
    }
    if (state.storage === 'private') {
      // We keep them in private storage this session; PEP events describe another store.
      state.stats.eventsRejected++;
      return;
    }
    if (!state.loaded) {
      if (state.queued.length < 1_000) state.queued.push(message);
      return;
    }
    this.applyEvent(state, message);
  }

  private applyEvent(state: AccountBookmarks, message: Element): void {
    const event = message.getChild('event', NS_PUBSUB_EVENT);
    if (!event) return;
    const { accountId } = state;
    const changes: [StoredBookmark | undefined, StoredBookmark | undefined][] = [];
    const report = newBookmarkReport();
    for (const child of event.getChildElements()) {
      if (child.attrs.node !== NS_BOOKMARKS) continue;
      if (child.name === 'purge' || child.name === 'delete') {
        for (const { bookmark } of state.entries.values()) changes.push([bookmark, undefined]);
        state.entries.clear();
        continue;
      }
      if (child.name !== 'items') continue;
      for (const element of child.getChildElements()) {
        if (element.name === 'retract') {
          const room = readRoomJid(element.attrs.id);
          const before = room === null ? undefined : state.entries.get(room);
          if (room !== null && before) {
            state.entries.delete(room);
            changes.push([before.bookmark, undefined]);
          }
        } else if (element.name === 'item') {
          const entry = readPepItem(accountId, element, report);
          if (!entry) continue;
          const before = state.entries.get(entry.bookmark.room);
          if (!before && state.entries.size >= BOOKMARKS_MAX) continue;
          state.entries.set(entry.bookmark.room, entry);
          if (!before || !sameBookmark(before.bookmark, entry.bookmark))
            changes.push([before?.bookmark, entry.bookmark]);
        }
      }
    }
    this.logReport(state, 'bookmarks event', report);
    if (bookmarkReportHasProblems(report) && changes.length === 0) {
      state.stats.eventsRejected++;
      return;
    }
    state.stats.eventsApplied++;
    if (changes.length === 0) return;
    this.emit(state);
    for (const [before, after] of changes) this.changed(accountId, before, after, 'remote');
  }

  // ---------- commands ----------

  /** Adds, edits (omitted fields keep their value) or removes a bookmark on the server. */
  set(input: ParsedInput<'muc.bookmark'>): Promise<Result<null>> {
    const state = this.accounts.get(input.accountId);
    if (!state || !onlineClient(state.xmpp)) return Promise.resolve(notConnected());
    const run = state.writes.then(() => this.apply(state, input));
    state.writes = run.catch(() => undefined);
    return run;
  }

  private async apply(state: AccountBookmarks, input: ParsedInput<'muc.bookmark'>): Promise<Result<null>> {
    if (!state.loaded && state.loading) await state.loading;
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return notConnected();
    if (!state.loaded) {
      return fail('not_connected', 'bookmark.notReadYet');
    }
    const room = input.room;
    try {
      if (state.storage === 'pep') return await this.applyPep(state, xmpp, input);
      if (state.storage === 'private') return await this.applyLegacy(state, xmpp, input);
      return fail('forbidden', 'bookmark.unsupported');
    } catch (error) {
      return requestError(
        error,
        { action: input.remove ? 'bookmark.removal' : 'bookmark.save', room },
        BOOKMARK_CONDITIONS,
      );
    }
  }

  private async applyPep(
    state: AccountBookmarks,
    xmpp: SessionXmpp,
    input: ParsedInput<'muc.bookmark'>,
  ): Promise<Result<null>> {
    const before = state.entries.get(input.room);
    if (input.remove) {
      if (!before) return fail('not_found', 'bookmark.notFound', { room: input.room });
      await xmpp.iqCaller.set(retractElement(input.room), undefined, IQ_TIMEOUT_MS);
      this.commit(state, input.room, undefined);
      return ok(null);
    }
    const entry = merged(state.accountId, before, input);
    try {
      await xmpp.iqCaller.set(publishElement(entry.bookmark, entry.extra), undefined, IQ_TIMEOUT_MS);
    } catch (error) {
      if (!hasApplicationCondition(error, 'precondition-not-met')) throw error;
      // XEP-0402 §7: the node exists with another configuration (another client made it): make it
      // private and persistent first, then publish again. Never publish without the options.
      this.log.info('bookmarks node had another configuration; reconfiguring it', { accountId: state.accountId });
      await xmpp.iqCaller.set(configureElement(), undefined, IQ_TIMEOUT_MS);
      await xmpp.iqCaller.set(publishElement(entry.bookmark, entry.extra), undefined, IQ_TIMEOUT_MS);
    }
    this.commit(state, input.room, entry);
    return ok(null);
  }

  private async applyLegacy(
    state: AccountBookmarks,
    xmpp: SessionXmpp,
    input: ParsedInput<'muc.bookmark'>,
  ): Promise<Result<null>> {
    // Read again: another client may have changed the list since, and we write it whole.
    const legacy = await this.fetchLegacy(state, xmpp);
    if (legacy === null) return fail('forbidden', 'bookmark.unsupported');
    this.replaceAll(state, legacy.bookmarks, legacy.others);
    const next = new Map(legacy.bookmarks);
    const before = next.get(input.room);
    if (input.remove) {
      if (!before) return fail('not_found', 'bookmark.notFound', { room: input.room });
      next.delete(input.room);
    } else {
      next.set(input.room, merged(state.accountId, before, input));
    }
    await xmpp.iqCaller.set(
      xml('query', { xmlns: NS_PRIVATE }, legacyStorageElement(next.values(), legacy.others)),
      undefined,
      IQ_TIMEOUT_MS,
    );
    this.commit(state, input.room, next.get(input.room));
    return ok(null);
  }

  /** Our own write was confirmed: store it and tell the UI. */
  private commit(state: AccountBookmarks, room: string, entry: BookmarkEntry | undefined): void {
    const before = state.entries.get(room)?.bookmark;
    if (entry) state.entries.set(room, entry);
    else state.entries.delete(room);
    if (!before && !entry) return;
    if (before && entry && sameBookmark(before, entry.bookmark)) return;
    this.emit(state);
    this.changed(state.accountId, before, entry?.bookmark, 'local');
  }

  /** A fresh read of the whole XEP-0048 list replaces ours (and reports what others changed). */
  private replaceAll(state: AccountBookmarks, entries: Map<string, BookmarkEntry>, others: Element[]): void {
    const previous = state.entries;
    state.entries = new Map(entries);
    state.legacyOthers = others;
    const changes: [StoredBookmark | undefined, StoredBookmark | undefined][] = [];
    for (const [room, entry] of entries) {
      const before = previous.get(room)?.bookmark;
      if (!before || !sameBookmark(before, entry.bookmark)) changes.push([before, entry.bookmark]);
    }
    for (const [room, entry] of previous) if (!entries.has(room)) changes.push([entry.bookmark, undefined]);
    if (changes.length === 0) return;
    this.emit(state);
    for (const [before, after] of changes) this.changed(state.accountId, before, after, 'remote');
  }

  // ---------- helpers ----------

  private emit(state: AccountBookmarks): void {
    const bookmarks = [...state.entries.values()].map(({ bookmark }) => bookmarkView(bookmark));
    this.bus.emit({ type: 'muc.bookmarks', accountId: state.accountId, bookmarks });
  }

  private changed(
    accountId: string,
    before: StoredBookmark | undefined,
    after: StoredBookmark | undefined,
    origin: 'remote' | 'local',
  ): void {
    if (!this.options.onChanged) return;
    try {
      this.options.onChanged(accountId, before ? { ...before } : undefined, after ? { ...after } : undefined, origin);
    } catch (error) {
      this.log.error('bookmark change listener failed', { accountId, error });
    }
  }

  private state(accountId: string): AccountBookmarks {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = {
        accountId,
        xmpp: null,
        storage: null,
        entries: new Map(),
        legacyOthers: [],
        loaded: false,
        autojoinDone: false,
        loading: null,
        token: 0,
        queued: [],
        writes: Promise.resolve(),
        stats: { reads: 0, eventsApplied: 0, eventsRejected: 0, autojoins: 0, skipped: 0 },
      };
      this.accounts.set(accountId, state);
    }
    return state;
  }
}

/** The bookmark `input` makes of `before` (fields left out keep their value). */
function merged(
  accountId: string,
  before: BookmarkEntry | undefined,
  input: ParsedInput<'muc.bookmark'>,
): BookmarkEntry {
  const old = before?.bookmark;
  const pick = <T>(given: T | null | undefined, current: T | null | undefined): T | null =>
    given === undefined ? (current ?? null) : given;
  const name = pick(input.name, old?.name) || null;
  const nick = pick(input.nick, old?.nick) || null;
  const password = pick(input.password, old?.password) || null;
  return {
    bookmark: {
      accountId,
      room: input.room,
      name,
      nick,
      autojoin: input.autojoin ?? old?.autojoin ?? false,
      hasPassword: password !== null,
      password,
    },
    extra: before?.extra ?? [],
  };
}

function isBookmarksEvent(event: Element): boolean {
  return event.getChildElements().some((child) => child.attrs.node === NS_BOOKMARKS);
}

function ownBareJid(xmpp: SessionXmpp): string | null {
  return xmpp.jid ? normalizeJid(xmpp.jid.bare().toString()) : null;
}

function notConnected(): Result<never> {
  return fail('not_connected', 'bookmark.notConnected');
}

/** What a refused bookmark request means, where it differs from other requests (the renderer words these too). */
const BOOKMARK_CONDITIONS: Readonly<Record<string, ErrorCode>> = {
  'not-authorized': 'forbidden',
  'item-not-found': 'not_found',
  conflict: 'conflict',
  'service-unavailable': 'forbidden',
  'feature-not-implemented': 'forbidden',
};
