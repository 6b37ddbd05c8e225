/**
 * The idle warm-up before the first roster paint: it walks the roster's messages in idle slices,
 * yields at each slice's deadline, and stops as soon as the snapshot is in.
 */
import { describe, expect, it } from 'vitest';
import { i18n, t } from '../../../../src/renderer/src/i18n';
import { messageKeys, warmUpWhileWaiting } from '../../../../src/renderer/src/i18n/warm-up';

/** A scheduler whose slices run when the test says so, each with the time it is given. */
function manualScheduler() {
  const queue: ((deadline: { timeRemaining(): number }) => void)[] = [];
  return {
    schedule: (work: (deadline: { timeRemaining(): number }) => void) => void queue.push(work),
    pending: () => queue.length,
    run(remaining: () => number) {
      queue.shift()?.({ timeRemaining: remaining });
    },
  };
}

describe('messageKeys', () => {
  it('lists every message of a domain by its dotted key, each one the catalog words', () => {
    const keys = messageKeys('roster');
    expect(keys.length).toBeGreaterThan(20);
    expect(keys).toContain('roster.row.group');
    for (const key of keys) expect(i18n.global.te(key)).toBe(true);
    expect(t('roster.listOfAll')).not.toBe('roster.listOfAll');
  });
});

describe('warmUpWhileWaiting', () => {
  it('works in slices that end at the idle deadline and goes on until every step is done', () => {
    const scheduler = manualScheduler();
    warmUpWhileWaiting(() => false, scheduler.schedule);
    let slices = 0;
    while (scheduler.pending() > 0) {
      // A deadline already spent: one step per slice.
      scheduler.run(() => 0);
      slices += 1;
    }
    expect(slices).toBe(2 + messageKeys('roster').length + messageKeys('presence').length);
  });

  it('stops as soon as the snapshot is in', () => {
    const scheduler = manualScheduler();
    let snapshotIn = false;
    warmUpWhileWaiting(() => snapshotIn, scheduler.schedule);
    scheduler.run(() => 0);
    scheduler.run(() => 0);
    expect(scheduler.pending()).toBe(1);
    snapshotIn = true;
    // Each step done asks the deadline once: none is done once the snapshot is in.
    let steps = 0;
    scheduler.run(() => {
      steps += 1;
      return 50;
    });
    expect(steps).toBe(0);
    expect(scheduler.pending()).toBe(0);
  });
});
