/**
 * Which rows the virtualized message list draws (components/chat/visible-rows.ts): every row in the
 * view at once; of the margin around it, the rows already drawn and a few new ones a frame, nearest
 * to the view first, until the margin is full.
 */
import { describe, expect, it } from 'vitest';
import { FrameBudget, pickRows, rowAt } from '../../../../../src/renderer/src/components/chat/visible-rows';

/** `count` rows of `height` px each, from y = 0. */
function list(count: number, height = 10) {
  const rows = Array.from({ length: count }, (_, i) => ({ key: `r${i}` }));
  const offsets = Float64Array.from({ length: count + 1 }, (_, i) => i * height);
  return { rows, offsets };
}

const keys = (picked: { rows: { row: { key: string } }[] }) => picked.rows.map((p) => p.row.key);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `r${from + i}`);

describe('rowAt', () => {
  it('finds the row at a position by its offsets', () => {
    const { offsets } = list(10);
    expect(rowAt(offsets, 10, 0)).toBe(0);
    expect(rowAt(offsets, 10, 9.5)).toBe(0);
    expect(rowAt(offsets, 10, 10)).toBe(1);
    expect(rowAt(offsets, 10, 1_000)).toBe(9);
    expect(rowAt(offsets, 0, 5)).toBe(0);
  });
});

describe('pickRows', () => {
  it('draws every row in the view, however many are new', () => {
    const { rows, offsets } = list(100);
    const picked = pickRows(rows, offsets, { top: 300, height: 100 }, 0, new Set(), 0);
    expect(keys(picked)).toEqual(range(30, 40));
    expect(picked.pending).toBe(false);
  });

  it('adds at most the budget of new rows in the margin, nearest to the view first', () => {
    const { rows, offsets } = list(100);
    const picked = pickRows(rows, offsets, { top: 300, height: 95 }, 50, new Set(), 4);
    // In view: rows 30–39; the margin holds 25–29 above and 40–44 below.
    expect(keys(picked)).toEqual(['r28', 'r29', ...range(30, 39), 'r40', 'r41']);
    expect(picked.pending).toBe(true);
  });

  it('keeps what is drawn and fills the rest of the margin over the next frames', () => {
    const { rows, offsets } = list(100);
    const view = { top: 300, height: 95 };
    let drawn = new Set<string>();
    const frames: string[][] = [];
    for (let frame = 0; frame < 5; frame++) {
      const picked = pickRows(rows, offsets, view, 50, drawn, 4);
      frames.push(keys(picked));
      drawn = new Set(keys(picked));
      if (!picked.pending) break;
    }
    expect(frames).toHaveLength(3);
    expect(frames[2]).toEqual(range(25, 44));
    // Each frame draws what the one before drew, and at most 4 more.
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i]).toEqual(expect.arrayContaining(frames[i - 1]));
      expect(frames[i].length - frames[i - 1].length).toBeLessThanOrEqual(4);
    }
  });

  it('keeps drawn rows of the margin after the view moved (an older page arrived above)', () => {
    const { rows, offsets } = list(200);
    // Drawn before: rows 0–24 (the view and its margin); 50 rows arrived above, the view followed
    // its anchor to rows 55–64 with the margin 45–74: the drawn rows stay, 2 new ones join them.
    const drawn = new Set(range(50, 74));
    const picked = pickRows(rows, offsets, { top: 550, height: 95 }, 100, drawn, 2);
    expect(keys(picked)).toEqual(range(48, 74));
    expect(picked.pending).toBe(true);
  });

  it('draws a view of new rows a view budget a frame, from its top, before any new margin row', () => {
    const { rows, offsets } = list(100);
    const view = { top: 300, height: 95 }; // rows 30–39 in view, 25–29 and 40–44 in the margin
    const first = pickRows(rows, offsets, view, 50, new Set(), 4, 6);
    expect(keys(first)).toEqual(range(30, 35));
    expect(first.pending).toBe(true);
    // Rows already drawn in the view or the margin stay and count against no budget; the view
    // whole, the margin's new rows come as before.
    const second = pickRows(rows, offsets, view, 50, new Set([...keys(first), 'r27']), 4, 6);
    expect(keys(second)).toEqual(['r27', 'r28', 'r29', ...range(30, 39), 'r40', 'r41']);
    expect(second.pending).toBe(true);
    // Few new rows in the view: all drawn in the one frame.
    const few = pickRows(rows, offsets, view, 0, new Set(range(30, 35)), 0, 6);
    expect(keys(few)).toEqual(range(30, 39));
    expect(few.pending).toBe(false);
  });

  it('stands a box for each row of the view left for a later frame, with its place', () => {
    const { rows, offsets } = list(100);
    const view = { top: 300, height: 95 }; // rows 30–39 in view
    const first = pickRows(rows, offsets, view, 50, new Set(), 4, 4);
    expect(keys(first)).toEqual(range(30, 33));
    expect(first.boxes.map((b) => b.row.key)).toEqual(range(34, 39));
    expect(first.boxes.map((b) => b.top)).toEqual([340, 350, 360, 370, 380, 390]);
    // Drawn rows leave the boxes; a whole view has none, and nothing in the margin is ever a box.
    const second = pickRows(rows, offsets, view, 50, new Set(keys(first)), 4, 4);
    expect(second.boxes.map((b) => b.row.key)).toEqual(range(38, 39));
    const whole = pickRows(rows, offsets, view, 50, new Set(range(30, 39)), 4, 4);
    expect(whole.boxes).toEqual([]);
    expect(whole.pending).toBe(true);
  });

  it('draws nothing for no rows', () => {
    expect(pickRows([], new Float64Array(1), { top: 0, height: 100 }, 50, new Set(), 8)).toEqual({
      rows: [],
      pending: false,
      boxes: [],
    });
  });

  it('gives each row its laid-out top', () => {
    const { rows, offsets } = list(10);
    const picked = pickRows(rows, offsets, { top: 20, height: 15 }, 0, new Set(), 0);
    expect(picked.rows.map((p) => p.top)).toEqual([20, 30]);
  });
});

describe('FrameBudget', () => {
  it('shares a frame budget among the renders of one frame, afresh each frame', () => {
    const budget = new FrameBudget();
    budget.started(16.7);
    expect(budget.left(4)).toBe(4);
    budget.spend(3);
    expect(budget.left(4)).toBe(1);
    // Another callback of the same frame (same time): nothing comes back.
    budget.started(16.7);
    expect(budget.left(4)).toBe(1);
    budget.spend(2);
    expect(budget.left(4)).toBe(0);
    // Between frames (a page's answer): what the last frame left.
    expect(budget.left(8)).toBe(3);
    budget.started(33.4);
    expect(budget.left(4)).toBe(4);
  });

  it('keeps a jumped view to its budget however many times a frame picks again', () => {
    const { rows, offsets } = list(100);
    const view = { top: 300, height: 95 }; // rows 30–39 in view, a margin of 5 rows each side
    const budget = new FrameBudget();
    let drawn = new Set<string>();
    const perFrame: number[] = [];
    for (let frame = 1; frame <= 10; frame++) {
      budget.started(frame * 16.7);
      let added = 0;
      // Each render's new rows are measured, which renders the list again: three renders a frame.
      for (let render = 0; render < 3; render++) {
        const picked = pickRows(rows, offsets, view, 50, drawn, budget.left(4), budget.left(4));
        const now = new Set(keys(picked));
        let fresh = 0;
        for (const key of now) if (!drawn.has(key)) fresh++;
        budget.spend(fresh);
        added += fresh;
        drawn = now;
      }
      perFrame.push(added);
    }
    // 10 view rows, then 10 margin rows, 4 a frame however many renders: the view's last 2 rows and
    // 4 of the margin share the third frame (the margin's budget starts once the view is whole).
    expect(perFrame).toEqual([4, 4, 6, 4, 2, 0, 0, 0, 0, 0]);
    expect([...drawn].sort()).toEqual(range(25, 44).sort());
  });
});
