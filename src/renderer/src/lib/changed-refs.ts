/**
 * The shallow refs a batch of events changed: each is triggered once when the batch is applied (one
 * update of what shows a map, not one per event).
 */
import { triggerRef, type ShallowRef } from 'vue';

export class ChangedRefs {
  private readonly refs = new Set<ShallowRef<unknown>>();

  /** Marks `ref` changed when `changed` holds (e.g. what Map#delete answered); returns `changed`. */
  mark(ref: ShallowRef<unknown>, changed = true): boolean {
    if (changed) this.refs.add(ref);
    return changed;
  }

  /** Sets `key` in the map `ref` holds, and marks `ref`. */
  set<K, V>(ref: ShallowRef<Map<K, V>>, key: K, value: V): void {
    ref.value.set(key, value);
    this.refs.add(ref);
  }

  /** Deletes `key` from the map `ref` holds; marks `ref` (and returns true) when it was there. */
  delete<K>(ref: ShallowRef<Map<K, unknown>>, key: K): boolean {
    return this.mark(ref, ref.value.delete(key));
  }

  /** Triggers every ref marked since the batch began. */
  trigger(): void {
    for (const ref of this.refs) triggerRef(ref);
  }
}
