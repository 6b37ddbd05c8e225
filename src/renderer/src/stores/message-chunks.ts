/**
 * A loaded conversation's messages, ordered by id, kept as a list of chunks (an older page is one
 * chunk put in front, live messages go into the last one): a page allocates its own size, never
 * the conversation's, so paging back through 20,000 messages leaves no conversation-sized arrays
 * for the garbage collector. Index `i` is found through each chunk's start, counted from an origin
 * that moves below zero as chunks are put in front (the starts of the chunks already there stay).
 * Each chunk has a version bumped when it changes in place, so that views rebuild only its rows.
 * Plain objects, never reactive: the page's `version` tells views when to read again.
 */
import type { MessageView } from '../../../shared/contract';

/** Live messages start a new chunk once the last one holds this many. */
export const CHUNK_LIMIT = 256;

export interface MessageChunk {
  /** Ordered by id. Changed in place (with `version` bumped); never empty. */
  readonly messages: MessageView[];
  version: number;
}

/** What the list's readers need: arrays and chunked lists both have it. */
export interface MessageSequence {
  readonly length: number;
  at(index: number): MessageView | undefined;
}

/** Index of the message with `id` in a sequence ordered by id, or -(insertion point) - 1. */
export function findById(list: MessageSequence, id: number): number {
  if (list instanceof MessageChunks) return list.indexOfId(id);
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = list.at(mid)!.id;
    if (at === id) return mid;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

/** Ordered by id, each id once; strictly before `limit`. */
function isOrderedBefore(page: readonly MessageView[], limit: number): boolean {
  for (let i = 0; i < page.length; i++) {
    if (page[i].id >= limit || (i > 0 && page[i].id <= page[i - 1].id)) return false;
  }
  return true;
}

/** The flat list's rules, which the chunked list follows (its reference in tests): puts one message in its place. */
export function upsertMessage(list: MessageView[], message: MessageView): void {
  const last = list[list.length - 1];
  if (!last || message.id > last.id) {
    list.push(message);
    return;
  }
  const at = findById(list, message.id);
  if (at >= 0) list[at] = message;
  else list.splice(-at - 1, 0, message);
}

/** The flat list's merge (the chunked list's reference in tests): ordered by id, each id once, the page's copy winning unless ours is newer in state. */
export function mergeMessages(list: readonly MessageView[], page: readonly MessageView[]): MessageView[] {
  // The common case, an older page in order before everything loaded: no map, no sort.
  if (page.length === 0) return list.slice();
  if (list.length === 0 || isOrderedBefore(page, list[0].id)) {
    if (list.length === 0 && isOrderedBefore(page, Infinity)) return page.slice();
    if (list.length > 0) return page.concat(list);
  }
  const byId = new Map<number, MessageView>();
  for (const m of page) byId.set(m.id, m);
  // What live events brought while the page was on its way is at least as new as the page.
  for (const m of list) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * The chunk holding position v, given the chunks' starts in ascending order (counted from the same
 * origin as v). `hint` is tried first: reads mostly run in order, so it is usually the chunk asked last.
 */
export function chunkHolding(starts: readonly number[], v: number, hint: number): number {
  if (hint < starts.length && starts[hint] <= v && (hint + 1 === starts.length || starts[hint + 1] > v)) return hint;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class MessageChunks implements MessageSequence {
  /** Oldest first. Read, never change, from outside. */
  readonly chunks: MessageChunk[] = [];
  /** Where each chunk starts, from an origin that goes below zero as chunks are put in front. */
  private readonly starts: number[] = [];
  length = 0;
  /** The chunk the last lookup by index found (reads are mostly in order). */
  private cursor = 0;

  /** The message at `index` (negative counts from the end, as for arrays). */
  at(index: number): MessageView | undefined {
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length) return undefined;
    const k = this.chunkAt(i);
    return this.chunks[k].messages[i + this.starts[0] - this.starts[k]];
  }

  /** Index of the message with `id`, or -(insertion point) - 1. */
  indexOfId(id: number): number {
    const chunks = this.chunks;
    if (chunks.length === 0) return -1;
    // The last chunk whose first message is at or before `id`.
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (chunks[mid].messages[0].id <= id) lo = mid;
      else hi = mid - 1;
    }
    const base = this.starts[lo] - this.starts[0];
    const at = findById(chunks[lo].messages, id);
    return at >= 0 ? base + at : at - base;
  }

  /** The messages from oldest to newest. */
  *[Symbol.iterator](): IterableIterator<MessageView> {
    for (const chunk of this.chunks) yield* chunk.messages;
  }

  filter(keep: (m: MessageView) => boolean): MessageView[] {
    const out: MessageView[] = [];
    for (const chunk of this.chunks) for (const m of chunk.messages) if (keep(m)) out.push(m);
    return out;
  }

  map<T>(f: (m: MessageView) => T): T[] {
    const out: T[] = [];
    for (const chunk of this.chunks) for (const m of chunk.messages) out.push(f(m));
    return out;
  }

  /** Puts one message in its place (a newer one at the end in O(1)); a known id is replaced. */
  upsert(message: MessageView): void {
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    const newest = last?.messages[last.messages.length - 1];
    if (!newest || message.id > newest.id) {
      if (!last || last.messages.length >= CHUNK_LIMIT) this.append([message]);
      else {
        last.messages.push(message);
        last.version++;
        this.length++;
      }
      return;
    }
    const at = this.indexOfId(message.id);
    const i = at >= 0 ? at : -at - 1;
    // Into the chunk holding index i (an id between two chunks goes to the front of the later one).
    const k = i >= this.length ? chunks.length - 1 : this.chunkAt(i);
    const chunk = chunks[k];
    const offset = i + this.starts[0] - this.starts[k];
    if (at >= 0) chunk.messages[offset] = message;
    else {
      chunk.messages.splice(offset, 0, message);
      for (let j = k + 1; j < chunks.length; j++) this.starts[j]++;
      this.length++;
    }
    chunk.version++;
  }

  /**
   * Merges a page: ordered by id, each id once, what is loaded winning (live events that came
   * while the page was on its way are at least as new). Messages before everything loaded become
   * one chunk in front; any others are put in their place one by one.
   */
  merge(page: readonly MessageView[]): void {
    if (page.length === 0) return;
    const first = this.chunks[0]?.messages[0]?.id ?? Infinity;
    let ordered = page;
    if (!isOrderedBefore(page, Infinity)) {
      const byId = new Map<number, MessageView>();
      for (const m of page) byId.set(m.id, m);
      ordered = [...byId.values()].sort((a, b) => a.id - b.id);
    }
    let before = 0;
    while (before < ordered.length && ordered[before].id < first) before++;
    for (let i = before; i < ordered.length; i++) {
      if (this.indexOfId(ordered[i].id) < 0) this.upsert(ordered[i]);
    }
    if (before > 0) this.prepend(ordered.slice(0, before));
  }

  /** A chunk in front of everything (ordered, all before the first loaded message). */
  private prepend(messages: MessageView[]): void {
    const start = this.chunks.length > 0 ? this.starts[0] - messages.length : 0;
    this.chunks.unshift({ messages, version: 0 });
    this.starts.unshift(start);
    this.length += messages.length;
    this.cursor++;
  }

  private append(messages: MessageView[]): void {
    const start = this.chunks.length > 0 ? this.starts[0] + this.length : 0;
    this.chunks.push({ messages, version: 0 });
    this.starts.push(start);
    this.length += messages.length;
  }

  /** The chunk holding index i (0 <= i < length). */
  private chunkAt(i: number): number {
    return (this.cursor = chunkHolding(this.starts, i + this.starts[0], this.cursor));
  }
}
