/** What a row of a VirtualTree says about itself: its tree attributes and accessible name. */
export interface TreeRowState {
  /** Keeps a row's DOM with its item; without one, rows are keyed by their slot in the window. */
  key?: string;
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
