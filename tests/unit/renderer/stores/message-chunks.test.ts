/**
 * A loaded conversation's messages in chunks (stores/message-chunks.ts): an older page is one chunk
 * put in front (the chunks already loaded are not copied), a live message goes into the last chunk,
 * and whatever the order of pages and events the list reads like the flat list merged the old way
 * (ordered by id, each id once, what was loaded winning over a page's copy).
 */
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../src/shared/contract';
import { CHUNK_LIMIT, findById, MessageChunks } from '../../../../src/renderer/src/stores/message-chunks';
import { mergeMessages, upsertMessage } from '../../../../src/renderer/src/stores/chat';

function message(id: number, body = `message ${id}`): MessageView {
  return {
    accountId: 'a1',
    id,
    conversation: 'bob@x',
    kind: 'chat',
    direction: 'in',
    from: 'bob@x',
    body,
    at: 1_700_000_000_000 + id * 60_000,
    state: 'received',
    corrected: false,
    error: null,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

/** Every way of reading the list agrees with the flat one. */
function expectSame(list: MessageChunks, flat: MessageView[]) {
  expect(list.length).toBe(flat.length);
  expect([...list]).toEqual(flat);
  for (let i = 0; i < flat.length; i++) expect(list.at(i)).toEqual(flat[i]);
  expect(list.at(-1)).toEqual(flat[flat.length - 1]);
  expect(list.at(flat.length)).toBeUndefined();
  for (const m of flat) expect(findById(list, m.id)).toBe(findById(flat, m.id));
  // Ids not loaded: the same insertion point.
  for (const id of [-1_000_000, 0.5, 10.5, 1_000_000]) expect(findById(list, id)).toBe(findById(flat, id));
}

describe('message chunks', () => {
  it('an older page is one chunk in front: the chunks already loaded stay the same arrays', () => {
    const list = new MessageChunks();
    list.merge(range(901, 1000));
    const latest = list.chunks[0].messages;
    for (let from = 851; from > 0; from -= 50) {
      list.merge(range(from, from + 49));
      expect(list.chunks[0].messages).toHaveLength(50);
    }
    expect(list.chunks).toHaveLength(19);
    // Not one of them copied or touched: a page costs its own size.
    expect(list.chunks[18].messages).toBe(latest);
    expect(list.chunks.every((c) => c.version === 0)).toBe(true);
    expectSame(list, range(1, 1000));
  });

  it('a live message goes into the last chunk only; a full one starts a new chunk', () => {
    const list = new MessageChunks();
    list.merge(range(1, 100));
    list.merge(range(-49, 0)); // an archive page before
    const older = list.chunks[0];
    for (let id = 101; id <= 100 + CHUNK_LIMIT; id++) list.upsert(message(id));
    expect(older.version).toBe(0);
    // The latest chunk filled up to the limit, the rest in a new chunk.
    expect(list.chunks.map((c) => c.messages.length)).toEqual([50, CHUNK_LIMIT, 100]);
    expectSame(list, range(-49, 100 + CHUNK_LIMIT));
  });

  it('replaces a known id in place and puts a late one in between, like the flat list', () => {
    const list = new MessageChunks();
    let flat: MessageView[] = [];
    const page = (messages: MessageView[]) => {
      list.merge(messages);
      flat = mergeMessages(flat, messages);
    };
    const live = (m: MessageView) => {
      list.upsert(m);
      upsertMessage(flat, m);
    };
    page(range(201, 300));
    page(range(151, 200));
    page(range(101, 150));
    live(message(301));
    live(message(175, 'corrected'));
    live(message(150.5)); // a late carbon between two chunks
    live(message(100.5)); // before everything loaded
    live(message(120, 'state change'));
    expectSame(list, flat);
    // A page overlapping what is loaded (out of order, with a duplicate): only what is missing is
    // added, what is loaded wins (live events are at least as new as the page).
    page([message(99), message(160, 'old copy'), message(98), message(99), message(302)]);
    expectSame(list, flat);
    expect(list.at(findById(list, 160))?.body).toBe('message 160');
    // Pseudo-random events and pages, checked against the flat list after each.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 300; step++) {
      const first = flat[0].id;
      const kind = next(4);
      if (kind === 0) page(range(first - 20, first - 1));
      else if (kind === 1) live(message(flat[flat.length - 1].id + 1));
      else if (kind === 2) live(message(flat[next(flat.length)].id, `edit ${step}`));
      else live(message(flat[next(flat.length)].id + 0.25 + next(100) / 1000));
      expect(list.length).toBe(flat.length);
    }
    expectSame(list, flat);
  });
});
