/**
 * A contact's timeline laid out for the screen, without Vue: where each run of a device sits on a
 * span (percentages), the stretches nothing was recorded, the axis marks at local midnights and
 * hours, and the hours a contact is usually online, folded from the core's quarter hours into this
 * computer's time zone (the core knows no time zone).
 */
import type { QuarterHoursView, TimelineRunView } from '../../../shared/contract';

export type TimelineSpan = 'day' | 'week';

export const SPAN_DAYS: Readonly<Record<TimelineSpan, number>> = { day: 1, week: 7 };

const QUARTER = 15 * 60_000;

export interface Placed<T> {
  item: T;
  /** Percent of the span from its start. */
  left: number;
  /** Percent of the span; at least a sliver so that a short run stays visible. */
  width: number;
}

const MIN_WIDTH = 0.3;

function place<T>(item: T, start: number, end: number, from: number, to: number): Placed<T> | null {
  const a = Math.max(start, from);
  const b = Math.min(end, to);
  if (b <= a && !(b === a && a > from && a < to)) return null;
  const length = to - from;
  const left = ((a - from) / length) * 100;
  return { item, left, width: Math.min(100 - left, Math.max(MIN_WIDTH, ((b - a) / length) * 100)) };
}

/** The runs that show in [from, to], where (a run that lasts reaches `to`). */
export function placeRuns(runs: readonly TimelineRunView[], from: number, to: number): Placed<TimelineRunView>[] {
  const placed: Placed<TimelineRunView>[] = [];
  for (const run of runs) {
    const spot = place(run, run.start, run.end ?? to, from, to);
    if (spot) placed.push(spot);
  }
  return placed;
}

/** The stretches of [from, to] outside every recorded stretch: nothing is known of them. */
export function unrecorded(
  recorded: readonly { start: number; end: number }[],
  from: number,
  to: number,
): Placed<{ start: number; end: number }>[] {
  const gaps: Placed<{ start: number; end: number }>[] = [];
  let cursor = from;
  const sorted = [...recorded].sort((a, b) => a.start - b.start);
  for (const stretch of [...sorted, { start: to, end: to }]) {
    if (stretch.start > cursor) {
      const spot = place({ start: cursor, end: stretch.start }, cursor, stretch.start, from, to);
      if (spot) gaps.push(spot);
    }
    cursor = Math.max(cursor, stretch.end);
  }
  return gaps;
}

/** Local midnights (week) or every six hours (day) inside the span, as axis marks. */
export function axisMarks(span: TimelineSpan, from: number, to: number): { at: number; left: number }[] {
  const step = span === 'day' ? 6 : 24;
  const mark = new Date(from);
  mark.setMinutes(0, 0, 0);
  mark.setHours(Math.ceil((mark.getHours() + (mark.getTime() < from ? 1 : 0)) / step) * step);
  const marks: { at: number; left: number }[] = [];
  while (mark.getTime() < to) {
    const at = mark.getTime();
    if (at > from) marks.push({ at, left: ((at - from) / (to - from)) * 100 });
    mark.setHours(mark.getHours() + step);
  }
  return marks;
}

/** Time online within [from, to] (ms), over the runs of every device (overlaps counted once). */
export function onlineWithin(runs: readonly TimelineRunView[], from: number, to: number): number {
  const spans = runs
    .map((run) => [Math.max(run.start, from), Math.min(run.end ?? to, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of spans) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

export interface UsualHours {
  /** Per local hour (0–23): usually online then. */
  hours: boolean[];
  /** Consecutive usual hours as [first, last + 1), wrapping past midnight; empty: never usually. */
  ranges: [number, number][];
}

/** An hour counts once it was recorded this long (two days' worth), and the whole once a day was. */
const HOUR_RECORDED_MIN = 2 * 3600;
const RECORDED_MIN = 24 * 3600;

/**
 * The local hours in which the contact was online at least half of the time we were listening,
 * from the retained history; null when too little was recorded to tell.
 */
export function usualHours(quarters: QuarterHoursView): UsualHours | null {
  const online = new Array<number>(24).fill(0);
  const recorded = new Array<number>(24).fill(0);
  let total = 0;
  for (let i = 0; i < quarters.recorded.length; i++) {
    if (quarters.recorded[i] === 0) continue;
    const hour = new Date(quarters.from + i * QUARTER).getHours();
    online[hour] += Math.min(quarters.online[i], quarters.recorded[i]);
    recorded[hour] += quarters.recorded[i];
    total += quarters.recorded[i];
  }
  if (total < RECORDED_MIN) return null;
  const hours = online.map((value, hour) => recorded[hour] >= HOUR_RECORDED_MIN && value >= recorded[hour] / 2);
  return { hours, ranges: hourRanges(hours) };
}

export function hourRanges(hours: readonly boolean[]): [number, number][] {
  if (hours.every(Boolean)) return [[0, 24]];
  const ranges: [number, number][] = [];
  // Start after an hour that is not usual, so a range across midnight stays whole.
  const first = hours.findIndex((usual) => !usual);
  for (let k = 1; k <= 24; k++) {
    const hour = (first + k) % 24;
    if (!hours[hour]) continue;
    const last = ranges.at(-1);
    if (last && last[1] % 24 === hour) last[1] = last[1] + 1;
    else ranges.push([hour, hour + 1]);
  }
  return ranges.map(([a, b]) => [a, b > 24 ? b - 24 : b]);
}
