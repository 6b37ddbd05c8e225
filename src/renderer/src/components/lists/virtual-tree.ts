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
