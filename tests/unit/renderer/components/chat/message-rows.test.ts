/**
 * The message list's rows kept incrementally (components/chat/message-rows.ts): whatever the change
 * (an older page, a live message, a state change, a late message in between), the rows equal the
 * ones built from scratch, only the changed rows are built, and untouched rows stay the same objects.
 */
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../../src/shared/contract';
import { MessageRows } from '../../../../../src/renderer/src/components/chat/message-rows';
import { DAY, START, message, shape } from './message-fixture';

const NOW = new Date(2026, 0, 20, 12, 0).getTime();

function scratch(list: MessageView[]): string[] {
  const rows = new MessageRows();
  rows.sync(list, NOW);
  return shape(rows.rows);
}

describe('message rows', () => {
  it('prepends older pages: only their rows are built, the day separator moves to the day’s new first message', () => {
    const all = Array.from({ length: 100 }, (_, i) => message(i + 1));
    const rows = new MessageRows();
    expect(rows.sync(all.slice(75), NOW).built).toBe(25 + 4); // 25 messages over 4 days
    const kept = rows.rows.find((r) => r.kind === 'msg' && r.id === 90)!;
    for (let from = 50; from >= 0; from -= 25) {
      const result = rows.sync(all.slice(from), NOW);
      // The page's rows, plus the first message of before (its day and head may change).
      expect(result.built).toBeLessThanOrEqual(25 + 4 + 1);
      expect(shape(rows.rows)).toEqual(scratch(all.slice(from)));
    }
    expect(rows.rows.find((r) => r.kind === 'msg' && r.id === 90)).toBe(kept);
    // One separator per day, keyed by its first loaded message.
    const days = rows.rows.filter((r) => r.kind === 'day');
    expect(days).toHaveLength(11);
    expect(days.map((r) => r.id)).toEqual([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('a state change or a correction rebuilds that row (and the next), a live message appends one', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => message(i + 1));
    const rows = new MessageRows();
    rows.sync(list, NOW);
    const before = rows.rows.slice();

    const changed = list.slice();
    changed[5000] = message(5001, { state: 'failed', error: { condition: 'forbidden', text: null } });
    expect(rows.sync(changed, NOW)).toEqual({ built: 2, removed: 2 });
    expect(shape(rows.rows)).toEqual(scratch(changed));
    const same = rows.rows.filter((r, i) => r === before[i]).length;
    expect(same).toBe(before.length - 2);

    changed.push(message(10_001));
    expect(rows.sync(changed, NOW).built).toBe(1);
    changed.splice(3000, 1, message(3001, { body: 'fixed', corrected: true }));
    expect(rows.sync(changed, NOW)).toEqual({ built: 2, removed: 2 });
    // A late message in between (a carbon with an older id), and nothing changed at all.
    const late = [...changed.slice(0, 10), message(10.5), ...changed.slice(10)];
    expect(rows.sync(late, NOW).built).toBe(2);
    expect(rows.sync(late, NOW)).toEqual({ built: 0, removed: 0 });
    expect(shape(rows.rows)).toEqual(scratch(late));
  });

  it('groups: the head starts a sender’s run, a gap of more than five minutes or a new day', () => {
    const list = [
      message(1, { from: 'bob@x', direction: 'in', at: START }),
      message(2, { from: 'bob@x', direction: 'in', at: START + 60_000 }),
      message(3, { from: 'bob@x', direction: 'in', at: START + 10 * 60_000 }),
      message(4, { from: 'me@x', direction: 'out', at: START + 11 * 60_000 }),
      message(5, { from: 'me@x', direction: 'out', at: START + DAY }),
    ];
    const rows = new MessageRows();
    rows.sync(list, NOW);
    expect(rows.rows.map((r) => (r.kind === 'day' ? 'day' : r.head ? 'head' : 'cont'))).toEqual([
      'day',
      'head',
      'cont',
      'head',
      'head',
      'day',
      'head',
    ]);
  });

  it('keeps measured heights by message id while the message and its head are the same', () => {
    const list = Array.from({ length: 30 }, (_, i) => message(i + 1));
    const rows = new MessageRows();
    rows.sync(list.slice(10), NOW);
    const row = rows.rows.find((r) => r.kind === 'msg' && r.id === 15)!;
    expect(rows.measure(row, 57)).toBe(true);
    expect(rows.measure(row, 57)).toBe(false);
    rows.sync(list, NOW); // an older page: the row stays, with its height
    expect(rows.rows[rows.indexOf(15)].h).toBe(57);
    const edited = list.slice();
    edited[14] = message(15, { body: 'a much longer body now' });
    rows.sync(edited, NOW);
    const again = rows.rows[rows.indexOf(15)];
    expect(again.kind === 'msg' && again.message).toBe(edited[14]);
    expect(again.h).toBeUndefined(); // measured again once rendered
    rows.forgetHeights();
    expect(rows.rows.every((r) => r.h === undefined)).toBe(true);
  });
});
