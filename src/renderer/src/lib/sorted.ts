/** Binary search over a list kept sorted by `compare`. */

/** The first index whose item is not less than `value` (where `value` is, or would be inserted). */
export function lowerBound<T>(items: readonly T[], value: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid], value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
