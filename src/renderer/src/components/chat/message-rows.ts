/**
 * The rows of a conversation's message list (day separators and messages, with the "head" that
 * starts a sender's group), kept incrementally: each sync compares the store's list with the one
 * seen last by identity from both ends and rebuilds only the rows in between (plus the row after
 * them, whose separator and head depend on its predecessor). An older page costs its own 100 rows
 * and an O(n) pointer walk, a live message or a state change one or two rows. Rows carry their
 * height (measured once rendered, estimated until then) so that laying out 10,000 rows is one pass
 * over an array, with no lookups by key. Plain objects, never reactive.
 */
import type { MessageView } from '../../../../shared/contract';
import { currentLocale } from '../../i18n';
import { dayKey, dayLabel } from '../../lib/chat-text';

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

export interface SyncResult {
  /** Rows built by this sync (0 when nothing changed). */
  built: number;
  /** Rows taken out. */
  removed: number;
}

/** Day keys by message: formatting 10,000 dates is not free. */
const days = new WeakMap<MessageView, string>();
export function dayOf(m: MessageView): string {
  let d = days.get(m);
  if (d === undefined) {
    d = dayKey(m.at);
    days.set(m, d);
  }
  return d;
}

export function startsGroup(prev: MessageView | null, m: MessageView): boolean {
  return !prev || prev.from !== m.from || prev.direction !== m.direction || m.at - prev.at > GROUP_GAP_MS;
}

export class MessageRows {
  /** The rows, oldest first. Replaced or spliced by sync; read, never change, from outside. */
  rows: Row[] = [];
  /** The list as seen at the last sync (a copy: the store changes its array in place). */
  private seen: MessageView[] = [];
  private today = '';
  private labels = new Map<string, string>();
  /** Measured heights of message rows by message id, with what they were measured for. */
  private heights = new Map<number, { h: number; message: MessageView; head: boolean }>();
  /** Measured heights of day rows by day. */
  private dayHeights = new Map<string, number>();

  /** Forgets everything (another conversation). */
  reset(): void {
    this.rows = [];
    this.seen = [];
    this.heights.clear();
    this.dayHeights.clear();
  }

  /** Forgets measured and estimated heights (the width changed). */
  forgetHeights(): void {
    this.heights.clear();
    this.dayHeights.clear();
    for (const row of this.rows) row.h = row.e = undefined;
  }

  /** Records a rendered row's height; returns true when it differs from what layout used. */
  measure(row: Row, h: number): boolean {
    if (row.kind === 'day') this.dayHeights.set(row.day, h);
    else this.heights.set(row.id, { h, message: row.message, head: row.head });
    if (row.h === h) return false;
    row.h = h;
    return true;
  }

  /** Index of the row of message `id` (or of the first row after where it would be), by binary search. */
  indexOf(id: number): number {
    const rows = this.rows;
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

  /** Brings the rows up to date with `list` (ordered by id); rebuilds only what changed. */
  sync(list: readonly MessageView[], now = Date.now()): SyncResult {
    const today = `${dayKey(now)}|${currentLocale()}`;
    if (today !== this.today) {
      // "Today" and "Yesterday" moved, or the language changed: every separator is labelled again.
      this.today = today;
      this.labels.clear();
      this.seen = [];
      const removed = this.rows.length;
      this.rows = [];
      const built = this.build(list, 0, list.length, now);
      this.rows = built;
      this.seen = list.slice();
      return { built: built.length, removed };
    }
    const old = this.seen;
    const max = Math.min(old.length, list.length);
    let pre = 0;
    while (pre < max && old[pre] === list[pre]) pre++;
    if (pre === old.length && pre === list.length) return { built: 0, removed: 0 };
    let suf = 0;
    while (suf < max - pre && old[old.length - 1 - suf] === list[list.length - 1 - suf]) suf++;

    // Old messages [pre, oldEnd) are replaced by new ones [pre, newEnd); the one after (if any) is
    // rebuilt too: its separator and head depend on the message before it.
    const oldEnd = Math.min(old.length, old.length - suf + 1);
    const newEnd = Math.min(list.length, list.length - suf + 1);
    const from = pre < old.length ? this.firstRowOf(old[pre].id) : this.rows.length;
    const to = oldEnd < old.length ? this.firstRowOf(old[oldEnd].id) : this.rows.length;
    const built = this.build(list, pre, newEnd, now);
    const removed = to - from;
    if (built.length + removed > 256) this.rows = this.rows.slice(0, from).concat(built, this.rows.slice(to));
    else this.rows.splice(from, removed, ...built);
    this.seen = list.slice();
    return { built: built.length, removed };
  }

  /** The first row (its day separator, if it has one) of the message with `id`. */
  private firstRowOf(id: number): number {
    const i = this.indexOf(id);
    return i > 0 && this.rows[i - 1].kind === 'day' && this.rows[i - 1].id === id ? i - 1 : i;
  }

  private label(day: string, at: number, now: number): string {
    let label = this.labels.get(day);
    if (label === undefined) {
      label = dayLabel(at, now);
      this.labels.set(day, label);
    }
    return label;
  }

  /** Rows for list[start, end), given what comes before list[start]. */
  private build(list: readonly MessageView[], start: number, end: number, now: number): Row[] {
    const out: Row[] = [];
    let prev: MessageView | null = start > 0 ? list[start - 1] : null;
    let day = prev ? dayOf(prev) : '';
    for (let i = start; i < end; i++) {
      const m = list[i];
      const d = dayOf(m);
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
