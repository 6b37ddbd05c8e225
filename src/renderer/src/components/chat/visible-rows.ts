/**
 * Which rows the virtualized message list draws: every row in the view, and of the margin around
 * it (drawn ahead so that a scroll shows rows at once) the rows already drawn plus a few new ones
 * per frame, the nearest to the view first. Mounting a whole margin in one task (an older page
 * arriving above the view, a jump to the top) is what made that task long; the rest of the margin
 * comes over the next frames, where nobody sees it arrive. A view that jumped (to the top, to a
 * quoted message) may show only new rows: those are drawn a view budget a frame, from the view's top
 * (where the list keeps its anchor) down, the rest over the next frames before any margin; until
 * then each of them stands as a box of its height (`boxes`), so the view is never blank there.
 */

export interface PlacedRow<R> {
  row: R;
  /** Where the row is laid out, from the top of the list. */
  top: number;
}

/** Rows read by index (an array, or the view's chunked rows). */
export interface IndexedRows<R> {
  readonly length: number;
  at(index: number): R | undefined;
}

/** Keys of the rows drawn now (a Set, or the Map the view keeps by key). */
export interface KeySet {
  has(key: string): boolean;
}

export interface PickedRows<R> {
  /** The rows to draw, in list order (the margin may have gaps while it fills in). */
  rows: PlacedRow<R>[];
  /** Some rows (of the view or the margin) are left for a later frame. */
  pending: boolean;
  /** Rows in the view left for a later frame: drawn as empty boxes of their height until then. */
  boxes: PlacedRow<R>[];
}

/** The index of the row at vertical position y (`offsets[i]` is row i's top, `offsets[count]` the end). */
export function rowAt(offsets: ArrayLike<number>, count: number, y: number): number {
  let lo = 0;
  let hi = count - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rows to draw for a view at `top` of `height`, with `margin` px above and below it: the rows in
 * the view (of those not in `drawn`, the keys drawn now, at most `viewBudget`, from the top); in the
 * margin, the rows in `drawn` and, once the view is whole, at most `budget` others.
 */
export function pickRows<R extends { key: string }>(
  rows: IndexedRows<R>,
  offsets: ArrayLike<number>,
  view: { top: number; height: number },
  margin: number,
  drawn: KeySet,
  budget: number,
  viewBudget = Infinity,
): PickedRows<R> {
  const count = rows.length;
  if (count === 0) return { rows: [], pending: false, boxes: [] };
  const bottom = view.top + view.height;
  const first = rowAt(offsets, count, Math.max(0, view.top - margin));
  const last = rowAt(offsets, count, bottom + margin);
  const viewFirst = rowAt(offsets, count, Math.max(0, view.top));
  const viewLast = rowAt(offsets, count, bottom);
  const take = new Uint8Array(last - first + 1);
  let leftInView = viewBudget;
  let pending = false;
  const boxes: PlacedRow<R>[] = [];
  for (let i = viewFirst; i <= viewLast; i++) {
    const row = rows.at(i)!;
    if (drawn.has(row.key)) take[i - first] = 1;
    else if (leftInView > 0) {
      take[i - first] = 1;
      leftInView--;
    } else {
      pending = true;
      boxes.push({ row, top: offsets[i] });
    }
  }
  // The margin's new rows wait until the view is whole.
  let left = pending ? 0 : budget;
  // Outwards from the view, the nearer side first.
  let up = viewFirst - 1;
  let down = viewLast + 1;
  while (up >= first || down <= last) {
    const upGap = up >= first ? view.top - offsets[up + 1] : Infinity;
    const downGap = down <= last ? offsets[down] - bottom : Infinity;
    const i = upGap <= downGap ? up-- : down++;
    if (drawn.has(rows.at(i)!.key)) take[i - first] = 1;
    else if (left > 0) {
      take[i - first] = 1;
      left--;
    } else pending = true;
  }
  const out: PlacedRow<R>[] = [];
  for (let i = first; i <= last; i++) if (take[i - first]) out.push({ row: rows.at(i)!, top: offsets[i] });
  return { rows: out, pending, boxes };
}

/**
 * New rows drawn in the current frame, so that the budgets of `pickRows` hold per frame: a frame
 * may render the list several times (a render's new rows are measured, which lays out and renders
 * again; the view restored to its anchor picks again), and each render draws from what the ones
 * before it left. A frame is known by the time its animation frame callbacks get (the same for
 * every callback of one frame); a render between frames draws from what the last frame left.
 */
export class FrameBudget {
  private used = 0;
  private frame = -1;

  /** An animation frame callback of the frame at `time` runs: a new frame starts afresh. */
  started(time: number): void {
    if (time === this.frame) return;
    this.frame = time;
    this.used = 0;
  }

  /** What is left of `budget` new rows in this frame. */
  left(budget: number): number {
    return Math.max(0, budget - this.used);
  }

  /** `count` new rows were drawn. */
  spend(count: number): void {
    this.used += count;
  }
}
