/**
 * The parts that load on first use are loaded ahead once the first screen is painted: one at a time,
 * each in an idle period of its own, so no two chunks are evaluated in one task; a failure leaves
 * that part to its first use and does not stop the others.
 */
import { describe, expect, it } from 'vitest';
import { loadLaterParts } from '../../../src/renderer/src/later-parts';

/** A scheduler that runs nothing until told: the test plays the idle periods. */
function idlePeriods() {
  const waiting: (() => void)[] = [];
  return {
    schedule: (work: () => void) => void waiting.push(work),
    get waiting() {
      return waiting.length;
    },
    runNext() {
      const work = waiting.shift();
      if (!work) throw new Error('nothing scheduled');
      work();
    },
  };
}

/** Settles the promise chains started by the last idle period. */
const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('loading the later parts in idle time', () => {
  it('loads them in order, each in an idle period of its own, the next once the one before is in', async () => {
    const idle = idlePeriods();
    const started: string[] = [];
    const pending = new Map<string, () => void>();
    const part = (name: string) => () => {
      started.push(name);
      return new Promise<void>((resolve) => pending.set(name, resolve));
    };
    let finished = false;
    void loadLaterParts([part('a'), part('b'), part('c')], idle.schedule).then(() => (finished = true));

    expect(started).toEqual([]);
    expect(idle.waiting).toBe(1);
    idle.runNext();
    expect(started).toEqual(['a']);
    await settle();
    // Nothing more is asked while the first part is still loading.
    expect(idle.waiting).toBe(0);

    pending.get('a')!();
    await settle();
    expect(idle.waiting).toBe(1);
    expect(started).toEqual(['a']);
    idle.runNext();
    expect(started).toEqual(['a', 'b']);
    pending.get('b')!();
    await settle();
    idle.runNext();
    pending.get('c')!();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(idle.waiting).toBe(0);
    expect(finished).toBe(true);
  });

  it('goes on with the rest when one part fails to load', async () => {
    const idle = idlePeriods();
    const loaded: string[] = [];
    const done = loadLaterParts(
      [() => Promise.reject(new Error('offline')), async () => void loaded.push('b')],
      idle.schedule,
    );
    idle.runNext();
    await settle();
    idle.runNext();
    await done;
    expect(loaded).toEqual(['b']);
  });
});
