/** Rows of a virtual list settling: a picture is asked for only after some frames and some time. */
import { describe, expect, it } from 'vitest';
import { createSettler } from '../../../../src/renderer/src/lib/settle';

function frames() {
  let queued: ((now: number) => void)[] = [];
  let clock = 0;
  return {
    now: () => clock,
    requestFrame: (tick: (now: number) => void) => queued.push(tick),
    /** Runs one frame `ms` after the last. */
    frame(ms: number) {
      clock += ms;
      const ticks = queued;
      queued = [];
      for (const tick of ticks) tick(clock);
    },
    pending: () => queued.length,
  };
}

describe('settling rows', () => {
  it('runs after both the frames and the time, not after either alone', () => {
    const f = frames();
    const { settle } = createSettler({ frames: 4, ms: 120, ...f });
    let ran = 0;
    settle(() => ran++);
    // Slow frames (a loaded machine): the time passes in one, the frames do not.
    f.frame(500);
    f.frame(500);
    f.frame(500);
    expect(ran).toBe(0);
    f.frame(500);
    expect(ran).toBe(1);

    // Quick frames: four pass in 64 ms, the time does not.
    settle(() => ran++);
    for (let i = 0; i < 4; i++) f.frame(16);
    expect(ran).toBe(1);
    for (let i = 0; i < 4; i++) f.frame(16);
    expect(ran).toBe(2);
    f.frame(16);
    expect(ran).toBe(2);
  });

  it('runs nothing once cancelled, and stops asking for frames when nothing waits', () => {
    const f = frames();
    const settler = createSettler({ frames: 2, ms: 0, ...f });
    let ran = 0;
    const cancel = settler.settle(() => ran++);
    settler.settle(() => (ran += 10));
    expect(f.pending()).toBe(1);
    f.frame(16);
    cancel();
    f.frame(16);
    expect(ran).toBe(10);
    expect(settler.waiting()).toBe(0);
    expect(f.pending()).toBe(0);
  });
});
