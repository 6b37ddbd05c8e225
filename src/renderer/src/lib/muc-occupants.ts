/**
 * One room's occupants as the list needs them, kept up to date from muc.occupants deltas (pure
 * TypeScript, no Vue). Occupants are keyed by nick; each sits in one sorted bucket per grouping
 * (by role and by affiliation), so a toggle between groupings costs nothing and a group's count is
 * its length. A single change costs a binary search and a splice per grouping; a batch of more
 * than REBUILD_THRESHOLD changes (a 5,000-occupant join) rebuilds the buckets with one sort each.
 * The list reads rows by index (rowAt), so nothing proportional to the room is built per render.
 */
import type { MucAffiliation, MucRole, OccupantView } from '../../../shared/contract';
import { cap, DISPLAY_MAX } from './text';
import { REBUILD_THRESHOLD } from './roster-index';
import { sortKey } from './roster-model';
import { lowerBound } from './sorted';

export type OccupantGrouping = 'role' | 'affiliation';

export const ROLE_GROUPS = ['moderator', 'participant', 'visitor'] as const;
export const AFFILIATION_GROUPS = ['owner', 'admin', 'member', 'none'] as const;
export type RoleGroup = (typeof ROLE_GROUPS)[number];
export type AffiliationGroup = (typeof AFFILIATION_GROUPS)[number];

/** The role bucket of an occupant (an occupant with role none is about to leave: shown as a visitor). */
export function roleGroupOf(role: MucRole): RoleGroup {
  return role === 'moderator' || role === 'participant' ? role : 'visitor';
}

/** The affiliation bucket (an outcast cannot be present; shown with no affiliation if it is). */
export function affiliationGroupOf(affiliation: MucAffiliation): AffiliationGroup {
  return affiliation === 'outcast' ? 'none' : affiliation;
}

export interface OccupantEntry {
  readonly nick: string;
  view: OccupantView;
  /** sortKey of the nick, then the nick itself breaks ties. */
  readonly key: string;
}

export interface OccupantBucket {
  readonly group: RoleGroup | AffiliationGroup;
  readonly entries: OccupantEntry[];
}

export type OccupantRow =
  | { kind: 'group'; key: string; bucket: OccupantBucket; pos: number }
  | { kind: 'occupant'; key: string; entry: OccupantEntry; bucket: OccupantBucket; pos: number };

function compareEntries(a: OccupantEntry, b: OccupantEntry): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.nick < b.nick ? -1 : a.nick > b.nick ? 1 : 0;
}

/** Where `entry` is, or would go, in a sorted bucket. */
function searchBucket(entries: readonly OccupantEntry[], entry: OccupantEntry): number {
  return lowerBound(entries, entry, compareEntries);
}

function insertSorted(entries: OccupantEntry[], entry: OccupantEntry) {
  entries.splice(searchBucket(entries, entry), 0, entry);
}

function removeSorted(entries: OccupantEntry[], entry: OccupantEntry) {
  const at = searchBucket(entries, entry);
  if (entries[at] === entry) entries.splice(at, 1);
  else {
    // Not where the order says (should not happen): find it the slow way rather than leave it.
    const found = entries.indexOf(entry);
    if (found >= 0) entries.splice(found, 1);
  }
}

function makeBuckets<G extends RoleGroup | AffiliationGroup>(groups: readonly G[]): Map<G, OccupantBucket> {
  return new Map(groups.map((group) => [group, { group, entries: [] }]));
}

export class OccupantIndex {
  readonly byNick = new Map<string, OccupantEntry>();
  readonly byRole = makeBuckets(ROLE_GROUPS);
  readonly byAffiliation = makeBuckets(AFFILIATION_GROUPS);
  /** Our own entry, when we are in the room. */
  self: OccupantEntry | null = null;
  /** Moved by every applied change (lets caches of derived data know they are stale). */
  version = 0;

  get size(): number {
    return this.byNick.size;
  }

  get(nick: string): OccupantEntry | undefined {
    return this.byNick.get(nick);
  }

  /** Applies one delta: changed (joined or updated) occupants, then nicks that left. */
  apply(changed: readonly OccupantView[], left: readonly string[]) {
    this.version++;
    if (changed.length + left.length > REBUILD_THRESHOLD) {
      for (const nick of left) this.forget(nick);
      for (const view of changed) this.upsertEntry(view);
      this.rebuild();
      return;
    }
    for (const nick of left) {
      const entry = this.forget(nick);
      if (entry) this.unbucket(entry);
    }
    for (const view of changed) {
      const before = this.byNick.get(view.nick);
      if (before) {
        const moves =
          roleGroupOf(before.view.role) !== roleGroupOf(view.role) ||
          affiliationGroupOf(before.view.affiliation) !== affiliationGroupOf(view.affiliation);
        if (moves) this.unbucket(before);
        before.view = view;
        if (view.self) this.self = before;
        else if (this.self === before) this.self = null;
        if (moves) this.bucket(before);
      } else {
        this.bucket(this.upsertEntry(view));
      }
    }
  }

  /** Replaces everything (a snapshot, or the room's whole list). */
  reset(views: readonly OccupantView[]) {
    this.byNick.clear();
    this.self = null;
    this.version++;
    for (const view of views) this.upsertEntry(view);
    this.rebuild();
  }

  /** Rows of a grouping: one header per non-empty group, then its occupants. */
  rowCount(grouping: OccupantGrouping): number {
    let count = 0;
    for (const bucket of this.buckets(grouping)) if (bucket.entries.length > 0) count += bucket.entries.length + 1;
    return count;
  }

  buckets(grouping: OccupantGrouping): OccupantBucket[] {
    return [...(grouping === 'role' ? this.byRole : this.byAffiliation).values()];
  }

  /** The row at `index` of a grouping (a walk over at most four groups). */
  rowAt(grouping: OccupantGrouping, index: number): OccupantRow | undefined {
    let start = 0;
    for (const bucket of this.buckets(grouping)) {
      const size = bucket.entries.length;
      if (size === 0) continue;
      if (index === start) return { kind: 'group', key: `g:${bucket.group}`, bucket, pos: 0 };
      if (index <= start + size) {
        const entry = bucket.entries[index - start - 1];
        return { kind: 'occupant', key: `o:${entry.nick}`, entry, bucket, pos: index - start };
      }
      start += size + 1;
    }
    return undefined;
  }

  /** The row index of an occupant in a grouping, or -1. */
  indexOf(grouping: OccupantGrouping, nick: string): number {
    const entry = this.byNick.get(nick);
    if (!entry) return -1;
    let start = 0;
    for (const bucket of this.buckets(grouping)) {
      const size = bucket.entries.length;
      if (size === 0) continue;
      const at = searchBucket(bucket.entries, entry);
      if (bucket.entries[at] === entry) return start + 1 + at;
      start += size + 1;
    }
    return -1;
  }

  private upsertEntry(view: OccupantView): OccupantEntry {
    let entry = this.byNick.get(view.nick);
    if (entry) entry.view = view;
    else {
      entry = { nick: view.nick, view, key: sortKey(cap(view.nick, DISPLAY_MAX)) };
      this.byNick.set(view.nick, entry);
    }
    if (view.self) this.self = entry;
    else if (this.self === entry) this.self = null;
    return entry;
  }

  private forget(nick: string): OccupantEntry | undefined {
    const entry = this.byNick.get(nick);
    if (!entry) return undefined;
    this.byNick.delete(nick);
    if (this.self === entry) this.self = null;
    return entry;
  }

  private bucket(entry: OccupantEntry) {
    insertSorted(this.byRole.get(roleGroupOf(entry.view.role))!.entries, entry);
    insertSorted(this.byAffiliation.get(affiliationGroupOf(entry.view.affiliation))!.entries, entry);
  }

  private unbucket(entry: OccupantEntry) {
    removeSorted(this.byRole.get(roleGroupOf(entry.view.role))!.entries, entry);
    removeSorted(this.byAffiliation.get(affiliationGroupOf(entry.view.affiliation))!.entries, entry);
  }

  private rebuild() {
    for (const bucket of [...this.byRole.values(), ...this.byAffiliation.values()]) bucket.entries.length = 0;
    for (const entry of this.byNick.values()) {
      this.byRole.get(roleGroupOf(entry.view.role))!.entries.push(entry);
      this.byAffiliation.get(affiliationGroupOf(entry.view.affiliation))!.entries.push(entry);
    }
    for (const bucket of [...this.byRole.values(), ...this.byAffiliation.values()]) bucket.entries.sort(compareEntries);
  }
}
