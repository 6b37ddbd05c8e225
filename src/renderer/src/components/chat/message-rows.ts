/**
 * The rows of a conversation's message list (day separators and messages, with the "head" that
 * starts a sender's group), kept per chunk of the store's list (stores/message-chunks.ts): an older
 * page is a new chunk whose rows are built alone, plus the first message of the chunk after it (its
 * separator and head depend on the message before it, across the seam); a chunk changed in place
 * (a live message, a state change) is compared with the copy seen last by identity from both ends
 * and only the rows in between are rebuilt. Nothing the size of the conversation is allocated: an
 * older page costs its own rows and a walk over the chunks. The rows are read by index through each
 * chunk's start, counted from an origin that goes below zero as chunks are put in front. Rows carry
 * their height (measured once rendered, estimated until then) so that laying out 10,000 rows is one
 * pass with no lookups by key. Plain objects, never reactive.
 */
import type { MessageView } from '../../../../shared/contract';
import { currentLocale } from '../../i18n';
import { dayKey, dayLabel } from '../../lib/chat-text';
import { chunkHolding, type MessageChunk, type MessageChunks } from '../../stores/message-chunks';

/** Messages from the same sender within this much time form a group (one head). */
export const GROUP_GAP_MS = 5 * 60_000;

export interface DayRow {
  kind: 'day';
  key: string;
  /** The id of the day's first loaded message (rows are ordered by id, a day before its message). */
  id: number;
  day: string;
  label: string;
  /** Measured height, or undefined until rendered. */
  h: number | undefined;
  /** Estimated height (for the current width), worked out once by the view. */
  e: number | undefined;
}

export interface MessageRow {
  kind: 'msg';
  key: string;
  id: number;
  message: MessageView;
  head: boolean;
  h: number | undefined;
  e: number | undefined;
}

export type Row = DayRow | MessageRow;

/** Rows read by index (the view's list, a plain array in tests). */
export interface RowSequence<R = Row> {
  readonly length: number;
  at(index: number): R | undefined;
}

export interface SyncResult {
  /** Rows built by this sync (0 when nothing changed). */
  built: number;
  /** Rows taken out. */
  removed: number;
}

export function startsGroup(prev: MessageView | null, m: MessageView): boolean {
  return !prev || prev.from !== m.from || prev.direction !== m.direction || m.at - prev.at > GROUP_GAP_MS;
}

/** The rows of one chunk of messages, with what they were built from. */
interface RowChunk {
  source: MessageChunk;
  /** `source.version` at the last sync (NaN: compare the messages). */
  version: number;
  /** The chunk's messages as seen at the last sync (a copy: the store changes them in place). */
  seen: MessageView[];
  /** The message before the chunk's first at the last sync (null for the first chunk). */
  before: MessageView | null;
  rows: Row[];
}

/** Index of the row of message `id` in rows ordered by id (or of the first row after where it would be). */
function rowIndexOf(rows: readonly Row[], id: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid];
    // A day row sorts just before the message row of the same id.
    if (r.id < id || (r.id === id && r.kind === 'day')) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first row (its day separator, if it has one) of the message with `id`. */
function firstRowOf(rows: readonly Row[], id: number): number {
  const i = rowIndexOf(rows, id);
  return i > 0 && rows[i - 1].kind === 'day' && rows[i - 1].id === id ? i - 1 : i;
}

export class MessageRows implements RowSequence {
  private chunks: RowChunk[] = [];
  /** Where each chunk's rows start, from an origin that goes below zero as chunks are put in front. */
  private starts: number[] = [];
  length = 0;
  private cursor = 0;
  /** Stands for a plain array given to `sync` (one chunk, compared message by message). */
  private arrayChunk: MessageChunk = { messages: [], version: 0 };
  private arrayList: { chunks: MessageChunk[] } = { chunks: [this.arrayChunk] };
  private today = '';
  private labels = new Map<string, string>();
  /** Measured heights of message rows by message id, with what they were measured for. */
  private heights = new Map<number, { h: number; message: MessageView; head: boolean }>();
  /** Measured heights of day rows by day. */
  private dayHeights = new Map<string, number>();

  /** Forgets everything (another conversation). */
  reset(): void {
    this.chunks = [];
    this.starts = [];
    this.length = 0;
    this.cursor = 0;
    this.heights.clear();
    this.dayHeights.clear();
  }

  /** Forgets measured and estimated heights (the width changed). */
  forgetHeights(): void {
    this.heights.clear();
    this.dayHeights.clear();
    for (const chunk of this.chunks) for (const row of chunk.rows) row.h = row.e = undefined;
  }

  /** Records a rendered row's height; returns true when it differs from what layout used. */
  measure(row: Row, h: number): boolean {
    if (row.kind === 'day') this.dayHeights.set(row.day, h);
    else this.heights.set(row.id, { h, message: row.message, head: row.head });
    if (row.h === h) return false;
    row.h = h;
    return true;
  }

  /** The row at `index` (0 <= index < length). */
  at(index: number): Row | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const k = this.chunkAt(index);
    return this.chunks[k].rows[index + this.starts[0] - this.starts[k]];
  }

  /** A copy of every row in order (for tests and rare reads; the view reads by index). */
  get rows(): Row[] {
    const out: Row[] = [];
    for (const chunk of this.chunks) for (const row of chunk.rows) out.push(row);
    return out;
  }

  /** Index of the row of message `id` (or of the first row after where it would be), by binary search. */
  indexOf(id: number): number {
    const chunks = this.chunks;
    if (chunks.length === 0) return 0;
    // The last chunk whose first row is at or before `id` (a chunk's first row may be its day).
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (chunks[mid].rows[0].id <= id) lo = mid;
      else hi = mid - 1;
    }
    const rows = chunks[lo].rows;
    const i = rowIndexOf(rows, id);
    // Past this chunk's rows: the next chunk's first row, which is where the next index starts.
    return this.starts[lo] - this.starts[0] + i;
  }

  /**
   * Brings the rows up to date with the store's chunked list (or a plain array, taken as one
   * chunk); rebuilds only what changed.
   */
  sync(list: MessageChunks | readonly MessageView[], now = Date.now()): SyncResult {
    let source: { readonly chunks: readonly MessageChunk[] };
    if (Array.isArray(list)) {
      (this.arrayChunk as { messages: MessageView[] }).messages = list as MessageView[];
      this.arrayChunk.version = NaN; // compared message by message
      source = this.arrayList;
    } else source = list as MessageChunks;
    const today = `${dayKey(now)}|${currentLocale()}`;
    if (today !== this.today) {
      // "Today" and "Yesterday" moved, or the language changed: every separator is labelled again.
      this.today = today;
      this.labels.clear();
      const removed = this.length;
      this.chunks = [];
      this.starts = [];
      this.length = 0;
      return { built: this.rebuildFrom(source.chunks, 0, now), removed };
    }
    const theirs = source.chunks;
    const ours = this.chunks;
    // Chunks are only ever put in front or added at the end: ours are theirs from `lead` on.
    let lead = 0;
    if (ours.length > 0) {
      while (lead < theirs.length && theirs[lead] !== ours[0].source) lead++;
      let aligned = lead + ours.length <= theirs.length;
      for (let j = 0; aligned && j < ours.length; j++) aligned = theirs[lead + j] === ours[j].source;
      if (!aligned) {
        const removed = this.length;
        this.chunks = [];
        this.starts = [];
        this.length = 0;
        return { built: this.rebuildFrom(theirs, 0, now), removed };
      }
    }
    let built = 0;
    let removed = 0;
    // New chunks in front: their rows alone, then the seam is checked below like any chunk's.
    if (lead > 0) {
      const front: RowChunk[] = [];
      let before: MessageView | null = null;
      let count = 0;
      for (let k = 0; k < lead; k++) {
        const chunk = this.buildChunk(theirs[k], before, now);
        front.push(chunk);
        count += chunk.rows.length;
        built += chunk.rows.length;
        before = chunk.seen[chunk.seen.length - 1];
      }
      const starts: number[] = [];
      let start = (this.starts[0] ?? 0) - count;
      for (const chunk of front) {
        starts.push(start);
        start += chunk.rows.length;
      }
      this.chunks.unshift(...front);
      this.starts.unshift(...starts);
      this.length += count;
      this.cursor += lead;
    }
    // Chunks changed in place, or whose predecessor's last message changed (the seam).
    for (let k = lead; k < this.chunks.length; k++) {
      const chunk = this.chunks[k];
      const before = k > 0 ? this.lastSeen(k - 1) : null;
      if (chunk.version === chunk.source.version && chunk.before === before) continue;
      const result = this.syncChunk(k, before, now);
      built += result.built;
      removed += result.removed;
    }
    // New chunks at the end (live messages past the last chunk's limit).
    if (this.chunks.length < theirs.length) built += this.rebuildFrom(theirs, this.chunks.length, now);
    return { built, removed };
  }

  private lastSeen(k: number): MessageView {
    const seen = this.chunks[k].seen;
    return seen[seen.length - 1];
  }

  /** Builds the rows of theirs[from..] at the end; returns how many. */
  private rebuildFrom(theirs: readonly MessageChunk[], from: number, now: number): number {
    let built = 0;
    for (let k = from; k < theirs.length; k++) {
      const before = this.chunks.length > 0 ? this.lastSeen(this.chunks.length - 1) : null;
      const chunk = this.buildChunk(theirs[k], before, now);
      this.starts.push(this.chunks.length > 0 ? this.starts[0] + this.length : 0);
      this.chunks.push(chunk);
      this.length += chunk.rows.length;
      built += chunk.rows.length;
    }
    return built;
  }

  private buildChunk(source: MessageChunk, before: MessageView | null, now: number): RowChunk {
    const seen = source.messages.slice();
    return { source, version: source.version, seen, before, rows: this.build(seen, before, 0, seen.length, now) };
  }

  /** Brings chunk k up to date: only the messages that changed (and the one after them) are rebuilt. */
  private syncChunk(k: number, before: MessageView | null, now: number): SyncResult {
    const chunk = this.chunks[k];
    const list = chunk.source.messages;
    const old = chunk.seen;
    const max = Math.min(old.length, list.length);
    let pre = 0;
    // A new message before the chunk changes its first message's separator and head.
    if (chunk.before === before) while (pre < max && old[pre] === list[pre]) pre++;
    chunk.version = chunk.source.version;
    chunk.before = before;
    if (pre === old.length && pre === list.length) return { built: 0, removed: 0 };
    let suf = 0;
    while (suf < max - pre && old[old.length - 1 - suf] === list[list.length - 1 - suf]) suf++;

    // Old messages [pre, oldEnd) are replaced by new ones [pre, newEnd); the one after (if any) is
    // rebuilt too: its separator and head depend on the message before it.
    const oldEnd = Math.min(old.length, old.length - suf + 1);
    const newEnd = Math.min(list.length, list.length - suf + 1);
    const rows = chunk.rows;
    const from = pre < old.length ? firstRowOf(rows, old[pre].id) : rows.length;
    const to = oldEnd < old.length ? firstRowOf(rows, old[oldEnd].id) : rows.length;
    const built = this.build(list, pre > 0 ? list[pre - 1] : before, pre, newEnd, now);
    const removed = to - from;
    if (built.length + removed > 256) chunk.rows = rows.slice(0, from).concat(built, rows.slice(to));
    else rows.splice(from, removed, ...built);
    chunk.seen = list.slice();
    this.resized(k, built.length - removed);
    return { built: built.length, removed };
  }

  /** Chunk k has `delta` more rows: the starts on its shorter side move. */
  private resized(k: number, delta: number): void {
    if (delta === 0) return;
    const starts = this.starts;
    if (k < starts.length - 1 - k) {
      // Fewer chunks before it: they start earlier instead (the origin moves).
      for (let j = 0; j <= k; j++) starts[j] -= delta;
    } else for (let j = k + 1; j < starts.length; j++) starts[j] += delta;
    this.length += delta;
  }

  /** The chunk holding row index i (0 <= i < length). */
  private chunkAt(i: number): number {
    return (this.cursor = chunkHolding(this.starts, i + this.starts[0], this.cursor));
  }

  private label(day: string, at: number, now: number): string {
    let label = this.labels.get(day);
    if (label === undefined) {
      label = dayLabel(at, now);
      this.labels.set(day, label);
    }
    return label;
  }

  /** Rows for list[start, end), given the message before list[start] (`prev`). */
  private build(
    list: readonly MessageView[],
    prev: MessageView | null,
    start: number,
    end: number,
    now: number,
  ): Row[] {
    const out: Row[] = [];
    // Worked out as the rows are built (no table of 20,000 day keys kept per message: only a
    // chunk is built at a time, and a weak table that size is work for every garbage collection).
    let day = prev ? dayKey(prev.at) : '';
    for (let i = start; i < end; i++) {
      const m = list[i];
      const d = dayKey(m.at);
      if (d !== day) {
        day = d;
        out.push({
          kind: 'day',
          key: `d:${d}:${m.id}`,
          id: m.id,
          day: d,
          label: this.label(d, m.at, now),
          h: this.dayHeights.get(d),
          e: undefined,
        });
        prev = null;
      }
      const head = startsGroup(prev, m);
      const known = this.heights.get(m.id);
      out.push({
        kind: 'msg',
        key: `m:${m.id}`,
        id: m.id,
        message: m,
        head,
        // A height measured for this very message and head still holds; a changed message is measured again.
        h: known && known.message === m && known.head === head ? known.h : undefined,
        e: undefined,
      });
      prev = m;
    }
    return out;
  }
}
