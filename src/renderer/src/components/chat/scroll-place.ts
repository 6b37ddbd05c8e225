/**
 * Where a scroll position lands, worked out from the list's own layout instead of read back from
 * the element: a read after rows were drawn makes the browser lay out the page inside the task
 * (and again for the frame), which is what made the tasks of an older page arriving long.
 */

export interface ScrollPlace {
  /** Where the view lands when asked for the target. */
  top: number;
  /** Known without reading the element: the target is inside the range the list's height surely allows. */
  exact: boolean;
}

/**
 * The place of a view of `viewport` px asked to go to `target` in a list `total` px high. The
 * element may scroll a little further than `total` says (padding, rounding), so only a target
 * clearly inside [0, total - viewport] is exact; near the end the element has to be asked.
 */
export function scrollPlace(target: number, total: number, viewport: number): ScrollPlace {
  const max = Math.max(0, total - viewport);
  if (target <= 0) return { top: 0, exact: true };
  if (target <= max - 1) return { top: target, exact: true };
  return { top: Math.min(target, max), exact: false };
}
