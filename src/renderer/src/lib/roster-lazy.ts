/**
 * The parts of the roster index (lib/roster-index.ts) that do their work only when it is asked
 * for: groups that sort themselves when first read, entries that fold their sort key on first
 * comparison, rows that find their entry when first shown. A first paint of 10,000 contacts then
 * sorts and folds only what it shows.
 */
import type { RosterItemView } from '../../../shared/contract';
import {
  DEFAULT_GROUP,
  groupKey,
  sortKey,
  type ContactRow,
  type GroupBucket,
  type GroupRow,
  type RosterEntry,
} from './roster-model';

/**
 * A contact row whose entry and key are looked up only when asked for (only rows on screen need
 * them): its entry is the one at its place in its group, which sorts that group on first use.
 */
export class LazyContactRow implements ContactRow {
  readonly kind = 'contact';
  private found: RosterEntry | undefined;
  constructor(
    readonly group: IndexBucket,
    readonly pos: number,
    readonly header: GroupRow,
    entry?: RosterEntry,
  ) {
    this.found = entry;
  }

  get entry(): RosterEntry {
    return (this.found ??= this.group.entries[this.pos - 1]);
  }

  get key(): string {
    return `${this.group.key}\n${this.entry.key}`;
  }
}

/**
 * A group's contacts in one view, in the index's order. A view is filled without sorting (one pass
 * over the entries); each group sorts itself the first time its entries are read, so a first paint
 * sorts only the groups it shows, and the others sort when they are shown, searched or changed.
 */
export class IndexBucket implements GroupBucket {
  readonly key: string;
  online = 0;
  private list: RosterEntry[] = [];
  private sorted = true;

  constructor(
    readonly view: string,
    readonly name: string,
    private readonly order: (a: RosterEntry, b: RosterEntry) => number,
  ) {
    this.key = groupKey(view, name);
  }

  /** The contacts, sorted. */
  get entries(): RosterEntry[] {
    if (!this.sorted) {
      this.list.sort(this.order);
      this.sorted = true;
    }
    return this.list;
  }

  /** Contacts already in order (a re-rank's refill, a copy of another bucket). */
  set entries(list: RosterEntry[]) {
    this.list = list;
    this.sorted = true;
  }

  /** How many contacts, without sorting them. */
  get size(): number {
    return this.list.length;
  }

  /** Adds a contact while the view is filled; the order is restored when the entries are next read. */
  add(entry: RosterEntry): void {
    this.list.push(entry);
    this.sorted = false;
  }
}

/**
 * An entry as the index keeps it: what it needs besides the fields the UI reads. Its sort key is
 * folded on first use: a first paint compares only the contacts of the groups it shows.
 */
export class IndexedEntry implements RosterEntry {
  /** The buckets it sits in (every built view), so a re-rank needs no lookups. */
  placed: IndexBucket[] = [];
  /** Lower-case name and JID for the filter, made on the first filter that needs it. */
  search: string | null = null;
  private folded: string | undefined;

  constructor(
    readonly key: string,
    public item: RosterItemView,
    public display: string,
    public groups: string[],
    public rank: number,
    public status: string,
  ) {}

  get sortKey(): string {
    return (this.folded ??= sortKey(this.display));
  }
}

export function effectiveGroups(groups: readonly string[]): string[] {
  // The common case (distinct named groups): the item's own list, never changed, not a copy.
  if (distinctNamed(groups)) return groups as string[];
  const out = new Set<string>();
  for (const group of groups) if (group !== DEFAULT_GROUP) out.add(group);
  return out.size > 0 ? [...out] : [DEFAULT_GROUP];
}

/** True for one to a few groups, none the default group, none twice. */
function distinctNamed(groups: readonly string[]): boolean {
  if (groups.length === 0 || groups.length > 4) return false;
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] === DEFAULT_GROUP) return false;
    for (let j = 0; j < i; j++) if (groups[j] === groups[i]) return false;
  }
  return true;
}
