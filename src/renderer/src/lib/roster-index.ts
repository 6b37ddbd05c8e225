/**
 * The grouped roster as the UI needs it, kept up to date from deltas (pure TypeScript, no Vue).
 *
 * Every contact is an entry keyed by (account, bare JID). Each entry sits in one sorted bucket per
 * group it belongs to, in each view that is built: the all-accounts view ('*') and its account's
 * view. A view is built when first asked for (usually only the one on screen), so a snapshot costs
 * one view, not two. A bucket's total is its length and its online count is a counter moved by
 * each change, so nothing is ever recounted per event. A single change costs a binary search and a
 * splice per built bucket; a large batch (or a snapshot, or a new sort order) drops the views and
 * the next one asked for is built from one sort.
 */
import type { RosterItemView } from '../../../shared/contract';
import {
  ALL_VIEW,
  DEFAULT_GROUP,
  displayName,
  entryKey,
  groupLabel,
  sortKey,
  type AvailabilityChange,
  type FlatRoster,
  type FlattenOptions,
  type GroupBucket,
  type GroupRow,
  type RosterChange,
  type RosterEntry,
  type RosterRow,
  type RosterSort,
} from './roster-model';
import { effectiveGroups, IndexBucket, IndexedEntry, LazyContactRow } from './roster-lazy';
import { cap, DISPLAY_MAX } from './text';
import { lowerBound } from './sorted';

/** Above this many changes in one batch, rebuilding with one sort beats splicing item by item. */
export const REBUILD_THRESHOLD = 500;

interface ViewState {
  buckets: Map<string, IndexBucket>;
  /** Buckets sorted by group name, the default group last. */
  order: IndexBucket[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareGroups(a: string, b: string): number {
  return compareFoldedGroups(a, sortKey(a), b, sortKey(b));
}

/** compareGroups with each name's sortKey given. */
function compareFoldedGroups(a: string, foldedA: string, b: string, foldedB: string): number {
  if (a === b) return 0;
  if (a === DEFAULT_GROUP) return 1;
  if (b === DEFAULT_GROUP) return -1;
  return compareStrings(foldedA, foldedB) || (a < b ? -1 : 1);
}

/** Sorts each list of buckets by group name, folding every distinct name once (not once per comparison). */
function sortByGroup(lists: Iterable<GroupBucket[]>): void {
  const folded = new Map<string, string>();
  const fold = (name: string): string => {
    let key = folded.get(name);
    if (key === undefined) {
      key = sortKey(name);
      folded.set(name, key);
    }
    return key;
  };
  for (const list of lists) list.sort((a, b) => compareFoldedGroups(a.name, fold(a.name), b.name, fold(b.name)));
}

export class RosterIndex {
  private readonly entries = new Map<string, IndexedEntry>();
  /** The views built so far (see view()). */
  private readonly views = new Map<string, ViewState>();
  /** Distinct contacts and online ones per view ('*' and each account, built or not), moved by every change. */
  private readonly counts = new Map<string, { total: number; online: number }>();
  private sort: RosterSort = 'availability';
  private readonly compareNames = (a: RosterEntry, b: RosterEntry): number =>
    compareStrings(a.sortKey, b.sortKey) || compareStrings(a.key, b.key);
  private readonly compare = (a: RosterEntry, b: RosterEntry): number => {
    if (this.sort === 'availability' && a.rank !== b.rank) return b.rank - a.rank;
    return this.compareNames(a, b);
  };
  /**
   * Every entry in name order, kept while no entry is added, renamed or removed (presence changes
   * only ranks): a re-rank for a big presence batch then needs no name comparison at all.
   */
  private nameOrder: IndexedEntry[] | null = null;
  /** Nicks contacts chose (XEP-0172) by entry key: one without a roster name sorts by it. */
  private readonly nicks = new Map<string, string>();

  constructor(items: readonly RosterItemView[] = [], sort: RosterSort = 'availability') {
    this.sort = sort;
    this.reset(items);
  }

  get size(): number {
    return this.entries.size;
  }

  get sortMode(): RosterSort {
    return this.sort;
  }

  get(accountId: string, jid: string): RosterEntry | undefined {
    return this.entries.get(entryKey(accountId, jid));
  }

  /** Replaces everything (a snapshot): one sort. */
  reset(items: readonly RosterItemView[]): void {
    this.nameOrder = null;
    this.entries.clear();
    for (const item of items) {
      const entry = this.makeEntry(item);
      this.entries.set(entry.key, entry);
    }
    this.rebuild();
  }

  setSort(sort: RosterSort): void {
    if (sort === this.sort) return;
    this.sort = sort;
    this.rebuild();
  }

  /** Applies a batch of changes in order; a large batch is applied to the map and rebuilt once. */
  apply(changes: readonly RosterChange[]): void {
    this.nameOrder = null;
    if (changes.length > REBUILD_THRESHOLD) {
      for (const change of changes) {
        if (change.type === 'upsert') {
          const old = this.entries.get(entryKey(change.item.accountId, change.item.jid));
          const entry = this.makeEntry(change.item, old);
          this.entries.set(entry.key, entry);
        } else {
          this.entries.delete(entryKey(change.accountId, change.jid));
        }
      }
      this.rebuild();
      return;
    }
    for (const change of changes) {
      if (change.type === 'upsert') this.upsert(change.item);
      else this.remove(change.accountId, change.jid);
    }
  }

  upsert(item: RosterItemView): void {
    this.nameOrder = null;
    const key = entryKey(item.accountId, item.jid);
    const old = this.entries.get(key);
    if (old) this.unplace(old);
    const entry = this.makeEntry(item, old);
    this.entries.set(key, entry);
    this.place(entry);
  }

  /** A contact's own nick (null: none); true when it moved them (they have no roster name). */
  setNick(accountId: string, jid: string, nick: string | null): boolean {
    const key = entryKey(accountId, jid);
    if ((this.nicks.get(key) ?? null) === nick) return false;
    void (nick ? this.nicks.set(key, nick) : this.nicks.delete(key));
    const entry = this.entries.get(key);
    if (!entry || entry.display === displayName(entry.item, nick)) return false;
    this.upsert(entry.item);
    return true;
  }

  remove(accountId: string, jid: string): boolean {
    const key = entryKey(accountId, jid);
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.nameOrder = null;
    this.unplace(entry);
    this.entries.delete(key);
    return true;
  }

  /** Drops every contact of an account (the account was removed). */
  removeAccount(accountId: string): number {
    const doomed = [...this.entries.values()].filter((entry) => entry.item.accountId === accountId);
    if (doomed.length > REBUILD_THRESHOLD) {
      this.nameOrder = null;
      for (const entry of doomed) this.entries.delete(entry.key);
      this.rebuild();
    } else {
      for (const entry of doomed) this.remove(entry.item.accountId, entry.item.jid);
    }
    return doomed.length;
  }

  /** Moves one contact to its new place for a new availability (rank 0 = offline); counters follow. */
  setAvailability(accountId: string, jid: string, rank: number, status = ''): boolean {
    const entry = this.entries.get(entryKey(accountId, jid));
    if (!entry) return false;
    if (entry.rank === rank) {
      entry.status = cap(status, DISPLAY_MAX);
      return true;
    }
    this.unplace(entry);
    entry.rank = rank;
    entry.status = cap(status, DISPLAY_MAX);
    this.place(entry);
    return true;
  }

  /**
   * Many availability changes at once (a presence batch): one by one when few; when many, the new
   * ranks are written and every bucket is refilled in the new order (10,000 splices would take
   * ~100 ms). Groups and their buckets stay as they are: presence never changes who is in a group.
   * Returns how many contacts of the roster were found.
   */
  setAvailabilities(changes: readonly AvailabilityChange[]): number {
    let found = 0;
    if (changes.length <= REBUILD_THRESHOLD) {
      for (const change of changes) {
        if (this.setAvailability(change.accountId, change.jid, change.rank, change.status)) found += 1;
      }
      return found;
    }
    for (const change of changes) {
      const entry = this.entries.get(change.key ?? entryKey(change.accountId, change.jid));
      if (!entry) continue;
      entry.rank = change.rank;
      entry.status = cap(change.status, DISPLAY_MAX);
      found += 1;
    }
    if (found > 0) {
      this.nameOrder ??= [...this.entries.values()].sort(this.compareNames);
      if (!this.rerank(this.nameOrder)) this.rebuild();
    }
    return found;
  }

  bucket(view: string, group: string): GroupBucket | undefined {
    return this.view(view)?.buckets.get(group);
  }

  /** The view's buckets in display order. */
  groups(view: string): readonly GroupBucket[] {
    return this.view(view)?.order ?? [];
  }

  /** Named groups of an account (or of all accounts), sorted, without the default group. */
  groupNames(view: string): string[] {
    return this.groups(view)
      .map((bucket) => bucket.name)
      .filter((name) => name !== DEFAULT_GROUP);
  }

  /** Accounts that have a contact in the group. */
  accountsWithGroup(group: string): string[] {
    const out = new Set<string>();
    for (const entry of this.entries.values()) if (entry.groups.includes(group)) out.add(entry.item.accountId);
    return [...out];
  }

  /** Distinct contacts of a view and how many are online. */
  totals(view: string): { total: number; online: number } {
    const count = this.counts.get(view);
    return { total: count?.total ?? 0, online: count?.online ?? 0 };
  }

  private count(entry: RosterEntry, sign: 1 | -1): void {
    this.countIn(ALL_VIEW, entry, sign);
    this.countIn(entry.item.accountId, entry, sign);
  }

  private countOf(view: string): { total: number; online: number } {
    let count = this.counts.get(view);
    if (!count) {
      count = { total: 0, online: 0 };
      this.counts.set(view, count);
    }
    return count;
  }

  private countIn(view: string, entry: RosterEntry, sign: 1 | -1): void {
    const count = this.countOf(view);
    count.total += sign;
    if (entry.rank > 0) count.online += sign;
  }

  /** The rows to show, in order: one pass over the view's buckets. */
  flatten(options: FlattenOptions): FlatRoster {
    const state = this.view(options.view);
    const rows: RosterRow[] = [];
    let contactRows = 0;
    let groupRows = 0;
    if (!state) return { rows, contactRows, groupCount: 0, groupRows };
    const query = options.query?.trim().toLowerCase() ?? '';
    const hideOffline = options.hideOffline ?? false;
    const narrowing = query !== '' || hideOffline;
    // Entries can sit in several groups: decide each once per flatten.
    const matches = query ? new Map<RosterEntry, boolean>() : null;
    const entryMatches = (entry: IndexedEntry): boolean => {
      if (!matches) return true;
      let hit = matches.get(entry);
      if (hit === undefined) {
        entry.search ??= `${entry.display}\n${cap(entry.item.jid, DISPLAY_MAX)}`.toLowerCase();
        hit = entry.search.includes(query);
        matches.set(entry, hit);
      }
      return hit;
    };

    for (const group of state.order) {
      const collapsed = options.collapsed?.has(group.key) ?? false;
      if (!narrowing) {
        const size = group.size;
        const header: GroupRow = { kind: 'group', key: group.key, group, collapsed, pos: ++groupRows, size };
        rows.push(header);
        if (collapsed) continue;
        for (let pos = 1; pos <= size; pos++) rows.push(new LazyContactRow(group, pos, header));
        contactRows += size;
        continue;
      }
      const groupHit = query !== '' && groupLabel(group.name).toLowerCase().includes(query);
      let header: GroupRow | null = null;
      let shown = 0;
      for (const entry of group.entries) {
        // Sorted by availability, the offline ones come last: nothing after the first is shown.
        if (hideOffline && entry.rank <= 0) {
          if (this.sort === 'availability') break;
          continue;
        }
        if (!groupHit && !entryMatches(entry as IndexedEntry)) continue;
        shown += 1;
        if (!header) {
          header = { kind: 'group', key: group.key, group, collapsed, pos: ++groupRows, size: 0 };
          rows.push(header);
        }
        if (collapsed) continue; // the header is all a collapsed group shows (its size still counts)
        rows.push(new LazyContactRow(group, shown, header, entry));
      }
      if (header) header.size = shown;
      if (!collapsed) contactRows += shown;
    }
    return { rows, contactRows, groupCount: state.order.length, groupRows };
  }

  private makeEntry(item: RosterItemView, old?: RosterEntry): IndexedEntry {
    const key = entryKey(item.accountId, item.jid);
    const display = displayName(item, this.nicks.get(key));
    return new IndexedEntry(key, item, display, effectiveGroups(item.groups), old?.rank ?? 0, old?.status ?? '');
  }

  /**
   * The view, built now if it is not yet: its entries added to their groups' buckets (each sorts
   * itself when first read, see IndexBucket), then the buckets sorted by group name. Undefined
   * while the view has no contacts.
   */
  private view(view: string): ViewState | undefined {
    const built = this.views.get(view);
    if (built) return built;
    if (!this.counts.get(view)?.total) return undefined;
    const state: ViewState = { buckets: new Map(), order: [] };
    const all = view === ALL_VIEW;
    // On the first paint's path (10,000 entries, cold code): plain loops, no name sort.
    for (const entry of this.entries.values()) {
      if (!all && entry.item.accountId !== view) continue;
      const groups = entry.groups;
      for (let g = 0; g < groups.length; g++) entry.placed.push(this.append(state, view, groups[g], entry));
    }
    sortByGroup([state.order]);
    this.views.set(view, state);
    return state;
  }

  /** Adds the entry to its buckets in every built view, each at its place in the order. */
  private place(entry: IndexedEntry): void {
    this.count(entry, 1);
    for (const view of [ALL_VIEW, entry.item.accountId]) {
      const state = this.views.get(view);
      if (!state) continue;
      for (const group of entry.groups) {
        let bucket = state.buckets.get(group);
        if (!bucket) {
          bucket = new IndexBucket(view, group, this.compare);
          state.buckets.set(group, bucket);
          state.order.splice(
            lowerBound(state.order, bucket, (a, b) => compareGroups(a.name, b.name)),
            0,
            bucket,
          );
        }
        bucket.entries.splice(lowerBound(bucket.entries, entry, this.compare), 0, entry);
        if (entry.rank > 0) bucket.online += 1;
        entry.placed.push(bucket);
      }
    }
  }

  /** Takes the entry out of its buckets; must run before the entry's sort fields change. */
  private unplace(entry: IndexedEntry): void {
    this.count(entry, -1);
    for (const bucket of entry.placed) {
      const at = lowerBound(bucket.entries, entry, this.compare);
      if (bucket.entries[at] !== entry) continue;
      bucket.entries.splice(at, 1);
      if (entry.rank > 0) bucket.online -= 1;
      if (bucket.entries.length === 0) {
        const state = this.views.get(bucket.view);
        if (state?.buckets.get(bucket.name) === bucket) {
          state.buckets.delete(bucket.name);
          state.order.splice(state.order.indexOf(bucket), 1);
        }
      }
    }
    entry.placed = [];
  }

  /** After a change of many entries or of the order: the counts recounted, every view dropped (see view()). */
  private rebuild(): void {
    this.views.clear();
    this.counts.clear();
    const allCount = this.countOf(ALL_VIEW);
    // The account's count is looked up again only when the account changes (entries of one
    // account mostly follow each other).
    let accountId: string | null = null;
    let ownCount = allCount;
    for (const entry of this.entries.values()) {
      entry.placed = [];
      if (entry.item.accountId !== accountId) {
        accountId = entry.item.accountId;
        ownCount = this.countOf(accountId);
      }
      allCount.total += 1;
      ownCount.total += 1;
      if (entry.rank > 0) {
        allCount.online += 1;
        ownCount.online += 1;
      }
    }
  }

  /**
   * After rank changes only (the same entries in the same groups): every bucket keeps its place
   * and is refilled in the new order (by name it keeps its order), and the online counters are
   * recounted, in the views built so far. No bucket is made, looked up or sorted. False when an
   * entry's account has no count (the counts do not match the entries): the caller then rebuilds.
   */
  private rerank(byName: readonly IndexedEntry[]): boolean {
    const refill = this.sort === 'availability';
    // An account's bucket holding every contact of the group (with one account, all of them) is
    // the all-accounts bucket again: it is copied from that one afterwards, not filled entry by entry.
    const mirrors: [IndexBucket, IndexBucket][] = [];
    const all = this.views.get(ALL_VIEW);
    if (refill && all) {
      for (const [view, state] of this.views) {
        if (view === ALL_VIEW) continue;
        for (const bucket of state.order) {
          const shared = all.buckets.get(bucket.name);
          if (shared && shared.entries.length === bucket.entries.length) mirrors.push([bucket, shared]);
        }
      }
    }
    for (const state of this.views.values()) {
      for (const bucket of state.order) {
        if (refill) bucket.entries = [];
        bucket.online = 0;
      }
    }
    for (const [bucket] of mirrors) bucket.entries = MIRRORED;
    for (const count of this.counts.values()) count.online = 0;
    const allCount = this.counts.get(ALL_VIEW);
    if (!allCount) return false;
    // By availability: one pass over the name order per rank, most available first (a stable
    // split by rank without building the sorted list); by name, one pass for the counters.
    const passes: (number | null)[] = refill ? ranksOf(byName) : [null];
    let accountId: string | null = null;
    let ownCount: { total: number; online: number } | undefined;
    for (const rank of passes) {
      for (let i = 0; i < byName.length; i++) {
        const entry = byName[i];
        if (rank !== null && entry.rank !== rank) continue;
        if (entry.item.accountId !== accountId) {
          accountId = entry.item.accountId;
          ownCount = this.counts.get(accountId);
        }
        if (!ownCount) return false;
        const placed = entry.placed;
        const online = entry.rank > 0;
        if (online) {
          allCount.online += 1;
          ownCount.online += 1;
        }
        for (let j = 0; j < placed.length; j++) {
          const bucket = placed[j];
          if (refill && bucket.entries !== MIRRORED) bucket.entries.push(entry);
          if (online) bucket.online += 1;
        }
      }
    }
    for (const [bucket, shared] of mirrors) bucket.entries = shared.entries.slice();
    return true;
  }

  /** Rebuild step: the entry joins its group's bucket, which sorts when next read. */
  private append(state: ViewState, view: string, group: string, entry: RosterEntry): IndexBucket {
    let bucket = state.buckets.get(group);
    if (!bucket) {
      bucket = new IndexBucket(view, group, this.compare);
      state.buckets.set(group, bucket);
      state.order.push(bucket);
    }
    bucket.add(entry);
    if (entry.rank > 0) bucket.online += 1;
    return bucket;
  }
}

/** Stands in, during a re-rank, for the entries of a bucket that will be copied (never filled). */
const MIRRORED: RosterEntry[] = [];

/** The distinct ranks of the entries, highest first. */
function ranksOf(entries: readonly RosterEntry[]): number[] {
  const ranks = new Set<number>();
  for (let i = 0; i < entries.length; i++) ranks.add(entries[i].rank);
  return [...ranks].sort((a, b) => b - a);
}
