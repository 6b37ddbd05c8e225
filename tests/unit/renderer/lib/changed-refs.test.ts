/**
 * The refs a batch changed (each triggered once when the batch is applied) and the removal of an
 * account's entries from the maps keyed by account and JID.
 */
import { describe, expect, it } from 'vitest';
import { shallowRef, watch, nextTick } from 'vue';
import { ChangedRefs } from '../../../../src/renderer/src/lib/changed-refs';
import { dropAccountEntries, entryKey } from '../../../../src/renderer/src/lib/roster-model';

function watched<T>(value: T) {
  const ref = shallowRef(value);
  let runs = 0;
  watch(ref, () => runs++, { flush: 'sync' });
  return { ref, runs: () => runs };
}

describe('ChangedRefs', () => {
  it('triggers each ref set or marked once per batch, and a ref only when a delete found its key', () => {
    const a = watched(new Map<string, number>());
    const b = watched(new Map<string, number>([['k', 1]]));
    const c = watched(new Map<string, number>());
    const changed = new ChangedRefs();
    changed.set(a.ref, 'x', 1);
    changed.set(a.ref, 'y', 2);
    expect(changed.delete(b.ref, 'k')).toBe(true);
    expect(changed.delete(c.ref, 'absent')).toBe(false);
    expect(a.runs() + b.runs() + c.runs()).toBe(0);
    changed.trigger();
    expect([a.runs(), b.runs(), c.runs()]).toEqual([1, 1, 0]);
    expect([...a.ref.value]).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
    expect(b.ref.value.size).toBe(0);
  });

  it('marks a ref only when told it changed', async () => {
    const a = watched(new Set<string>());
    const changed = new ChangedRefs();
    expect(changed.mark(a.ref, a.ref.value.delete('absent'))).toBe(false);
    changed.trigger();
    await nextTick();
    expect(a.runs()).toBe(0);
  });
});

describe('dropAccountEntries', () => {
  it("deletes the account's entries only (another account's id may start with it) and says whether it held any", () => {
    const map = new Map([
      [entryKey('a1', 'x@y'), 1],
      [entryKey('a1', 'z@y'), 2],
      [entryKey('a11', 'x@y'), 3],
      [entryKey('b', 'a1|x'), 4],
    ]);
    expect(dropAccountEntries(map, 'a1')).toBe(true);
    expect([...map.keys()]).toEqual([entryKey('a11', 'x@y'), entryKey('b', 'a1|x')]);
    expect(dropAccountEntries(map, 'a1')).toBe(false);
    expect(dropAccountEntries(map, 'a')).toBe(false);
    expect(map.size).toBe(2);
  });
});
