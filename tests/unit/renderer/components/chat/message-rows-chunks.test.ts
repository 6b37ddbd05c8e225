/**
 * The message list's rows kept per chunk of the store's list (components/chat/message-rows.ts over
 * stores/message-chunks.ts): an older page builds only its own rows and the first message of the
 * chunk after it (the seam: its day separator and its head depend on the page's last message), a
 * live message only the last chunk's new row, and the rows read by index or by id always equal the
 * ones built from scratch out of the flat list.
 */
import { describe, expect, it } from 'vitest';
import { MessageRows } from '../../../../../src/renderer/src/components/chat/message-rows';
import { MessageChunks } from '../../../../../src/renderer/src/stores/message-chunks';
import { START, message, shape } from './message-fixture';

const NOW = new Date(2026, 2, 20, 12, 0).getTime();

/** The rows of the same messages built at once from a flat array. */
function scratch(list: MessageChunks): MessageRows {
  const rows = new MessageRows();
  rows.sync([...list], NOW);
  return rows;
}

/** Read in order by index and by id, the rows are the ones built from scratch. */
function expectRows(rows: MessageRows, list: MessageChunks) {
  const fresh = scratch(list);
  expect(rows.length).toBe(fresh.length);
  const byIndex = Array.from({ length: rows.length }, (_, i) => rows.at(i)!);
  expect(shape(byIndex)).toEqual(shape(fresh.rows));
  expect(rows.at(rows.length)).toBeUndefined();
  for (const m of list) expect(rows.indexOf(m.id)).toBe(fresh.indexOf(m.id));
  for (const id of [-5, 0.5, 55.5, 1e9]) expect(rows.indexOf(id)).toBe(fresh.indexOf(id));
}

describe('message rows per chunk', () => {
  it('an older page builds its own rows and the seam; the rows after the seam stay the same objects', () => {
    const list = new MessageChunks();
    list.merge(Array.from({ length: 100 }, (_, i) => message(201 + i)));
    const rows = new MessageRows();
    rows.sync(list, NOW);
    const kept = rows.rows.slice(3);
    for (let from = 176; from > 0; from -= 25) {
      list.merge(Array.from({ length: 25 }, (_, i) => message(from + i)));
      const result = rows.sync(list, NOW);
      // The page's 25 rows and its days (at most 3 in 25 messages, ten a day), the seam's message and its day.
      expect(result.built).toBeLessThanOrEqual(25 + 3 + 2);
      expect(result.removed).toBeLessThanOrEqual(2);
      expectRows(rows, list);
    }
    const now = new Set(rows.rows);
    expect(kept.every((r) => now.has(r))).toBe(true);
  });

  it('the seam: the same day loses the later chunk’s separator, the same sender within minutes its head', () => {
    const bob = (id: number, minute: number) =>
      message(id, { from: 'bob@x', direction: 'in', at: START + minute * 60_000 });
    const list = new MessageChunks();
    list.merge([bob(10, 10), bob(11, 11)]);
    const rows = new MessageRows();
    rows.sync(list, NOW);
    expect(rows.rows.map((r) => (r.kind === 'day' ? 'day' : r.head ? 'head' : 'cont'))).toEqual([
      'day',
      'head',
      'cont',
    ]);
    // Bob a minute before, the same day: one separator (now the page's), one group.
    list.merge([bob(8, 8), bob(9, 9)]);
    expect(rows.sync(list, NOW)).toEqual({ built: 4, removed: 2 });
    expect(rows.rows.map((r) => (r.kind === 'day' ? `day ${r.id}` : r.head ? 'head' : 'cont'))).toEqual([
      'day 8',
      'head',
      'cont',
      'cont',
      'cont',
    ]);
    // The day before: the separator of the later day comes back at the seam, and the head.
    list.merge([bob(7, 9 - 24 * 60)]);
    rows.sync(list, NOW);
    expect(rows.rows.map((r) => (r.kind === 'day' ? `day ${r.id}` : r.head ? 'head' : 'cont'))).toEqual([
      'day 7',
      'head',
      'day 8',
      'head',
      'cont',
      'cont',
      'cont',
    ]);
    expectRows(rows, list);
  });

  it('a live message builds one row in the last chunk; a change in an older chunk rebuilds its row and the next', () => {
    const list = new MessageChunks();
    list.merge(Array.from({ length: 100 }, (_, i) => message(1001 + i)));
    for (let from = 951; from > 0; from -= 50) list.merge(Array.from({ length: 50 }, (_, i) => message(from + i)));
    const rows = new MessageRows();
    rows.sync(list, NOW);
    const before = rows.rows;
    list.upsert(message(1101));
    expect(rows.sync(list, NOW)).toEqual({ built: 1, removed: 0 });
    list.upsert(message(503, { state: 'failed', error: { condition: 'forbidden', text: null } }));
    expect(rows.sync(list, NOW)).toEqual({ built: 2, removed: 2 });
    // The last message of a chunk (and the first of its day): its day and its row, and the next
    // chunk's first (the seam).
    list.upsert(message(550, { body: 'fixed', corrected: true }));
    expect(rows.sync(list, NOW)).toEqual({ built: 3, removed: 3 });
    expect(rows.sync(list, NOW)).toEqual({ built: 0, removed: 0 });
    expectRows(rows, list);
    const same = rows.rows.filter((r) => before.includes(r)).length;
    expect(same).toBe(before.length - 5);
  });

  it('whatever the pages and events, reads by index and by id equal the rows built from scratch', () => {
    const list = new MessageChunks();
    list.merge(Array.from({ length: 30 }, (_, i) => message(3001 + i)));
    const rows = new MessageRows();
    rows.sync(list, NOW);
    let seed = 11;
    const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 200; step++) {
      const first = list.at(0)!.id;
      const last = list.at(-1)!.id;
      const kind = next(5);
      if (kind === 0) list.merge(Array.from({ length: 1 + next(40) }, (_, i) => message(first - 1 - i)));
      else if (kind === 1) list.upsert(message(last + 1 + next(3)));
      else if (kind === 2) list.upsert(message(list.at(next(list.length))!.id, { body: `edit ${step}` }));
      else if (kind === 3) list.upsert(message(list.at(next(list.length))!.id + 0.5));
      else list.upsert(message(last + 20 * (1 + next(3)))); // a day or more later
      rows.sync(list, NOW);
      if (step % 20 === 0) expectRows(rows, list);
    }
    expectRows(rows, list);
  });
});
