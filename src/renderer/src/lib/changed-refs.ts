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

  /** Triggers every ref marked since the batch began. */
  trigger(): void {
    for (const ref of this.refs) triggerRef(ref);
  }
}
