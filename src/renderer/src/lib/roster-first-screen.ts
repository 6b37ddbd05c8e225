/**
 * The roster index while only the first screen is in (shared/roster-first-screen.ts): it holds the
 * contacts of the column's first rows and answers with every row of the view, so the list has its
 * full height, its groups their sizes and the summary its totals from the first paint on. Rows past
 * the first screen stand for contacts not read yet and show an ellipsis until the whole roster
 * replaces this index (a frame later). A filter or another view waits for the whole roster: until
 * then they show the first screen's view as it is.
 */
import type { RosterFirstScreen } from '../../../shared/contract';
import { RosterIndex } from './roster-index';
import {
  groupKey,
  type ContactRow,
  type FlatRoster,
  type FlattenOptions,
  type GroupBucket,
  type GroupRow,
  type RosterEntry,
  type RosterRow,
} from './roster-model';

/** Stands for a contact the first screen does not carry (read with the whole roster). */
const NOT_READ_YET: RosterEntry = {
  key: '',
  item: { accountId: '', jid: '', name: '…', subscription: 'none', pendingOut: false, groups: [] },
  display: '…',
  sortKey: '',
  groups: [],
  rank: 0,
  status: '',
};

/** A group as the first screen knows it: its size, and its contacts as far as the first screen shows them. */
/** Whether a row's entry is a contact: a row past the first screen stands for one not read yet (for a frame) and opens, selects and changes nothing. */
export function isRead(entry: RosterEntry): boolean {
  return entry !== NOT_READ_YET;
}

class FirstScreenBucket implements GroupBucket {
  readonly key: string;
  online = 0;
  constructor(
    readonly view: string,
    readonly name: string,
    readonly entries: RosterEntry[],
  ) {
    this.key = groupKey(view, name);
  }
}

/**
 * A row of the first screen's view. Its key is made only when asked for: the view has a row for
 * every contact (20,000 with groups), and a string for each held the first paint (tens of ms and as
 * much again in garbage collection); only the rows on screen are asked.
 */
class FirstScreenRow implements ContactRow {
  readonly kind = 'contact';
  constructor(
    readonly group: GroupBucket,
    readonly pos: number,
    readonly header: GroupRow,
    readonly entry: RosterEntry,
  ) {}

  /** A contact's row key is the full index's; a row not read yet has one of its own. */
  get key(): string {
    return `${this.group.key}\n${this.entry === NOT_READ_YET ? `#${this.pos}` : this.entry.key}`;
  }
}

export class FirstScreenIndex extends RosterIndex {
  constructor(readonly screen: RosterFirstScreen) {
    super();
  }

  override totals(view: string): { total: number; online: number } {
    return view === this.screen.view ? { total: this.screen.total, online: 0 } : super.totals(view);
  }

  override flatten(options: FlattenOptions): FlatRoster {
    const { view, groups, rows: known } = this.screen;
    if (options.view !== view) return super.flatten(options);
    const rows: RosterRow[] = [];
    let contactRows = 0;
    let groupRows = 0;
    for (const { name, size } of groups) {
      const shown = rows.length < known ? (this.bucket(view, name)?.entries ?? []) : [];
      const entries: RosterEntry[] = new Array<RosterEntry>(size).fill(NOT_READ_YET);
      const collapsed = options.collapsed?.has(groupKey(view, name)) ?? false;
      // Only the first screen's rows are sure to hold the group's first contacts in order.
      for (let i = 0; i < shown.length && i < size && rows.length + 1 + i < known; i++) entries[i] = shown[i];
      const group = new FirstScreenBucket(view, name, entries);
      const header: GroupRow = { kind: 'group', key: group.key, group, collapsed, pos: ++groupRows, size };
      rows.push(header);
      if (collapsed) continue;
      for (let pos = 1; pos <= size; pos++) rows.push(new FirstScreenRow(group, pos, header, entries[pos - 1]));
      contactRows += size;
    }
    return { rows, contactRows, groupCount: groups.length, groupRows };
  }
}
