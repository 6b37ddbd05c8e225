/**
 * The timeline laid out for the screen: runs placed on a span (a run that lasts reaches its end),
 * the stretches nothing was recorded, axis marks at local hours, time online with overlaps counted
 * once, and "usually online" folded from quarter hours into this computer's time zone (one with a
 * half-hour offset here), across midnight.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { QuarterHoursView, TimelineRunView } from '../../../../src/shared/contract';
import {
  axisMarks,
  hourRanges,
  onlineWithin,
  placeRuns,
  unrecorded,
  usualHours,
} from '../../../../src/renderer/src/lib/timeline';
import {
  lastTargetText,
  occupantSessionText,
  runText,
  trackLabel,
  usualText,
} from '../../../../src/renderer/src/lib/words/timeline';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
beforeAll(() => {
  vi.stubEnv('TZ', 'Asia/Kolkata');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const run = (start: number, end: number | null, show: TimelineRunView['show'] = 'available'): TimelineRunView => ({
  start,
  end,
  show,
  status: null,
  priority: 0,
});

describe('timeline layout', () => {
  const from = Date.UTC(2026, 10, 20, 12);
  const to = from + 24 * HOUR;

  it('places runs in percent of the span, clipped, a lasting one up to now', () => {
    const placed = placeRuns([run(from - HOUR, from + 6 * HOUR), run(from + 12 * HOUR, null, 'dnd')], from, to);
    expect(placed.map((p) => [p.left, p.width, p.item.show])).toEqual([
      [0, 25, 'available'],
      [50, 50, 'dnd'],
    ]);
    expect(placeRuns([run(from - 2 * HOUR, from - HOUR)], from, to)).toEqual([]);
    // A run of a minute stays visible as a sliver.
    expect(placeRuns([run(from + HOUR, from + HOUR + 60_000)], from, to)[0].width).toBeGreaterThan(0.2);
  });

  it('finds the stretches nothing was recorded', () => {
    const gaps = unrecorded(
      [
        { start: from - HOUR, end: from + 6 * HOUR },
        { start: from + 12 * HOUR, end: from + 18 * HOUR },
      ],
      from,
      to,
    );
    expect(gaps.map((g) => [g.left, g.width])).toEqual([
      [25, 25],
      [75, 25],
    ]);
    expect(unrecorded([], from, to).map((g) => [g.left, g.width])).toEqual([[0, 100]]);
  });

  it('marks every six local hours in a day and local midnights in a week', () => {
    const marks = axisMarks('day', from, to).map((m) => new Date(m.at).getHours());
    expect(marks).toEqual([18, 0, 6, 12]);
    const week = axisMarks('week', to - 7 * 24 * HOUR, to);
    expect(week).toHaveLength(7);
    expect(week.every((m) => new Date(m.at).getHours() === 0 && new Date(m.at).getMinutes() === 0)).toBe(true);
  });

  it('counts time online across devices once', () => {
    expect(onlineWithin([run(from, from + 2 * HOUR), run(from + HOUR, from + 3 * HOUR)], from, to)).toBe(3 * HOUR);
    expect(onlineWithin([run(to - HOUR, null)], from, to)).toBe(HOUR);
  });
});

describe('usually online', () => {
  /** A week recorded all day, online `hours` (local) every day. */
  function week(hours: number[]): QuarterHoursView {
    const start = new Date(2026, 10, 1, 0, 0, 0, 0).getTime();
    const online: number[] = [];
    const recorded: number[] = [];
    for (let t = start; t < start + 7 * 24 * HOUR; t += QUARTER) {
      recorded.push(900);
      online.push(hours.includes(new Date(t).getHours()) ? 900 : 0);
    }
    return { from: start, online, recorded };
  }

  it('folds quarter hours into local hours online at least half the time', () => {
    expect(usualHours(week([9, 10, 11]))?.ranges).toEqual([[9, 12]]);
    expect(usualHours(week([22, 23, 0, 1]))?.ranges).toEqual([[22, 2]]);
    expect(usualHours(week([]))?.ranges).toEqual([]);
  });

  it('tells nothing from less than a day recorded', () => {
    const short = week([9]);
    short.recorded = short.recorded.map((value, i) => (i < 80 ? value : 0));
    expect(usualHours(short)).toBeNull();
  });

  it('joins hours into ranges, across midnight', () => {
    const hours = Array.from({ length: 24 }, (_, h) => h >= 20 || h < 3 || h === 12);
    expect(hourRanges(hours)).toEqual([
      [12, 13],
      [20, 3],
    ]);
    expect(hourRanges(new Array(24).fill(true))).toEqual([[0, 24]]);
  });

  it('words them', () => {
    expect(usualText([])).toMatch(/Not usually online/);
    expect(usualText([[0, 24]])).toBe('Usually online around the clock.');
    const hour = (h: number) =>
      new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(2026, 0, 1, h));
    expect(usualText([[9, 12]])).toBe(`Usually online ${hour(9)}–${hour(12)}.`);
  });
});

describe('timeline words', () => {
  it('a run with its status and priority, a device’s bar, where messages went', () => {
    const now = Date.now();
    const start = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(now - 2 * HOUR);
    expect(runText({ ...run(now - 2 * HOUR, null, 'away'), status: 'On the train', priority: 5 }, now)).toBe(
      `Away ${start}–now: On the train (priority 5)`,
    );
    expect(trackLabel('Gajim', 2, 90 * 60_000, 'day')).toBe('Gajim: online 1 h 30 min in the last day, 2 states');
    expect(lastTargetText('bob@x', 'Conversations', null, now)).toBe('Messages sent to bob@x go to Conversations.');
    expect(lastTargetText('bob@x', 'Gajim', now - HOUR, now)).toMatch(
      /^Messages sent to bob@x last went to Gajim, until/,
    );
  });

  it('a room occupant in this session: joined before us or when, and role changes', () => {
    const now = Date.now();
    const at = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(now - HOUR);
    const role = (r: string) => r[0].toUpperCase() + r.slice(1);
    expect(occupantSessionText({ joinedAt: null, roleChanges: [] }, role, now)).toBe('Here before you joined.');
    expect(
      occupantSessionText({ joinedAt: now - HOUR, roleChanges: [{ role: 'moderator', at: now - HOUR }] }, role, now),
    ).toBe(`Joined at ${at}. Moderator from ${at}.`);
    expect(occupantSessionText({}, role, now)).toBe('');
  });
});
