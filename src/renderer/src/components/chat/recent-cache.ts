/**
 * A cache that keeps what was used lately and forgets the rest, in two generations of up to `limit`
 * entries: a full newer generation becomes the older one (the older is forgotten), and an entry
 * found in the older comes back to the newer. No bookkeeping per read of a recent entry.
 */
export class RecentCache<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value for `key`, made by `make` when it is not kept. */
  get(key: K, make: (key: K) => V): V {
    const recent = this.newer.get(key);
    if (recent !== undefined) return recent;
    const value = this.older.get(key) ?? make(key);
    if (this.newer.size >= this.limit) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(key, value);
    return value;
  }

  /** How many entries are kept (both generations; one kept in both counts once). */
  get size(): number {
    let size = this.newer.size;
    for (const key of this.older.keys()) if (!this.newer.has(key)) size++;
    return size;
  }
}
