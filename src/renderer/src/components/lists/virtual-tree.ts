/** What a row of a VirtualTree says about itself: its tree attributes and accessible name. */
export interface TreeRowState {
  /** Keeps a row's DOM with its item; without one, rows are keyed by their slot in the window. */
  key?: string;
  /**
   * Without a key: the row's kind and its place among the rows of that kind. A row element is then
   * handed on only to a row of the same kind (a contact's to the next contact, a header's to the
   * next header), so a scroll patches rows in place instead of unmounting one kind and mounting the
   * other where they alternate.
   */
  recycle?: { kind: string; ordinal: number };
  /** A group header (1) or an entry under it (2). */
  level: 1 | 2;
  expanded?: boolean;
  /** Whether the entry is the chosen one (undefined on headers); shown by `selectedClass`. */
  selected?: boolean;
  setsize?: number;
  posinset?: number;
  label: string;
}

/** What a VirtualTree lets its owner do (through a template ref). */
export interface VirtualTreeHandle {
  /** Scrolls as little as needed to show row `index` whole. */
  scrollIntoView(index: number): void;
  /** Back to the first row (a new view or filter). */
  scrollToTop(): void;
  /** How many whole rows the tree shows: a page for Page Up and Page Down. */
  rowsInView(): number;
  focus(): void;
}

/**
 * The key of row `index` in a window of at most `slots` rows: its own key, else its kind and its
 * ordinal among that kind's rows, else its index, each modulo `slots`. Unique within the window
 * (its rows of one kind have consecutive ordinals), and the row that enters as another leaves takes
 * over its element.
 */
export function rowKey(row: TreeRowState, index: number, slots: number): string | number {
  if (row.key !== undefined) return row.key;
  return row.recycle ? `${row.recycle.kind}:${row.recycle.ordinal % slots}` : index % slots;
}

/**
 * The rows a VirtualTree holds, `[start, end)`: the rows in view and the overscan on each side
 * (`first` to `last`) or, where an edge of the list cuts the overscan on one side, as many more on
 * the other: always its `slots` rows when there are that many. At rest at the top, a scroll's first
 * frame then hands on the row elements below the view instead of mounting a dozen row components
 * (traces: its style and layout touched twice the elements of the frames after it).
 */
export function windowOf(first: number, last: number, count: number, slots: number): [number, number] {
  const end = Math.min(count, Math.max(last, first + slots));
  return [Math.max(0, Math.min(first, end - slots)), end];
}

/** A row element of a VirtualTree and what it shows now; `shown: false` keeps it hidden for later. */
export interface PooledRow<Item> {
  readonly key: string | number;
  item: Item;
  index: number;
  row: TreeRowState;
  shown: boolean;
}

/**
 * The row elements of a VirtualTree. The rows in view are laid out in index order; a kind-keyed
 * row element that the window no longer needs is kept, hidden, after them, and the next row of its
 * kind takes it over: where group headers and contacts alternate, a scroll moves a header in and a
 * contact out (or back) almost every frame, and would otherwise unmount one row component and
 * mount another each time. A row with its own key is dropped when it leaves, as before. The kept
 * rows are dropped when the number of rows or the window's size changes (a filter, a collapse, a
 * resize: not a scroll).
 */
export class RowPool<Item> {
  private readonly rows = new Map<string | number, PooledRow<Item> & { frame: number }>();
  private frame = 0;
  private count = -1;
  private slots = -1;

  /** The row elements for rows `first` to `end` (exclusive) of `count`, in a window of at most `slots`. */
  layout(
    first: number,
    end: number,
    count: number,
    slots: number,
    itemAt: (index: number) => Item | undefined,
    stateOf: (item: Item, index: number) => TreeRowState,
  ): PooledRow<Item>[] {
    const frame = ++this.frame;
    const keepHidden = count === this.count && slots === this.slots;
    this.count = count;
    this.slots = slots;
    const out: PooledRow<Item>[] = [];
    for (let index = first; index < end; index++) {
      const item = itemAt(index);
      if (item === undefined) continue;
      const row = stateOf(item, index);
      const key = rowKey(row, index, slots);
      let pooled = this.rows.get(key);
      if (pooled) {
        pooled.item = item;
        pooled.index = index;
        pooled.row = row;
        pooled.shown = true;
        pooled.frame = frame;
      } else {
        pooled = { key, item, index, row, shown: true, frame };
        this.rows.set(key, pooled);
      }
      out.push(pooled);
    }
    for (const [key, pooled] of this.rows) {
      if (pooled.frame === frame) continue;
      if (keepHidden && pooled.row.key === undefined) {
        pooled.shown = false;
        out.push(pooled);
      } else this.rows.delete(key);
    }
    return out;
  }
}
