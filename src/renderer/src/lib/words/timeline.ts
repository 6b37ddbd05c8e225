/**
 * A contact's presence history in words: the privacy sentence, the span and retention choices, a
 * device's runs (on hover and in the list), "usually online" hours, where messages to the bare
 * address last went, and the clearing prompts. Times are this computer's, formatted by Intl.
 */
import type { HistoryRetention, MucRole, OccupantView, TimelineRunView } from '../../../../shared/contract';
import { SHOW_LABELS } from '../../../../shared/presence';

/** The spans the timeline shows (lib/timeline.ts TimelineSpan). */
type TimelineSpan = 'day' | 'week';

/** An epoch time at `hour` o'clock today (local), to format an hour with Intl. */
function atHour(hour: number): number {
  const date = new Date();
  date.setHours(hour % 24, 0, 0, 0);
  return date.getTime();
}

// Made when used: they take the time zone in force then.
const time = {
  format: (at: number) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(at),
};
const dayAndTime = {
  format: (at: number) =>
    new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(at),
};
const weekday = { format: (at: number) => new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(at) };

export const TIMELINE_WORDS = {
  title: 'History',
  ownTitle: 'Your devices over time',
  spans: 'Show',
  devices: 'Devices over time',
  changes: 'Every change',
  noChanges: 'Nothing recorded in this span.',
  loading: 'Reading the history…',
  notRecorded: 'not recorded',
  offline: 'offline',
  online: 'online now',
  legend: 'Legend',
  keep: 'Keep history',
  clear: 'Clear history…',
  clearConfirm: 'Delete',
  keepIt: 'Keep',
  turnOff: 'Turn off',
  otherDevices: 'Other devices seen',
  usualUnknown: 'Not enough history yet to tell when they are usually online.',
  usualNever: 'Not usually online at any hour (from what was recorded).',
  failed: 'The history could not be read.',
} as const;

export const SPAN_WORDS: Readonly<Record<TimelineSpan, string>> = { day: 'Last day', week: 'Last week' };

export function retentionWord(days: HistoryRetention): string {
  return days === 0 ? 'Off' : `${days} days`;
}

/** The one sentence that explains it, where it is shown. */
export function privacyNote(days: HistoryRetention): string {
  return days === 0
    ? 'History is not recorded for this account.'
    : `Kept only on this computer for ${days} days, from the presence you received; never sent anywhere or synced.`;
}

export function clearPrompt(name: string): string {
  return `Delete the history kept of ${name}? Recording goes on from now.`;
}

export function turnOffPrompt(account: string): string {
  return `Stop recording for ${account} and delete the history kept of every contact?`;
}

/** An axis mark: the hour in the day view, the weekday at each midnight in the week view. */
export function axisWord(span: TimelineSpan, at: number): string {
  return span === 'day' ? time.format(at) : weekday.format(at);
}

function when(at: number, now: number): string {
  return now - at < 20 * 3_600_000 ? time.format(at) : dayAndTime.format(at);
}

/** "Away 09:12–10:40: On the train (priority 5)". */
export function runText(run: TimelineRunView, now: number): string {
  const end = run.end === null ? 'now' : when(run.end, now);
  const status = run.status ? `: ${run.status}` : '';
  return `${SHOW_LABELS[run.show]} ${when(run.start, now)}–${end}${status} (priority ${run.priority})`;
}

export function durationWord(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** What a device's bar says to a screen reader. */
export function trackLabel(device: string, runs: number, online: number, span: TimelineSpan): string {
  if (runs === 0) return `${device}: ${TIMELINE_WORDS.noChanges}`;
  return `${device}: online ${durationWord(online)} in the ${span === 'day' ? 'last day' : 'last week'}, ${
    runs === 1 ? 'one state' : `${runs} states`
  }`;
}

export function usualText(ranges: readonly [number, number][]): string {
  if (ranges.length === 0) return TIMELINE_WORDS.usualNever;
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === 24) return 'Usually online around the clock.';
  const parts = ranges.map(([a, b]) => `${time.format(atHour(a))}–${time.format(atHour(b))}`);
  return `Usually online ${parts.join(', ')}.`;
}

/** A room occupant in this session, for the row's title: when they joined, and their role changes. */
export function occupantSessionText(
  view: Pick<OccupantView, 'joinedAt' | 'roleChanges'>,
  roleWord: (role: MucRole) => string,
  now: number,
): string {
  const parts: string[] = [];
  if (view.joinedAt === null) parts.push('Here before you joined.');
  else if (view.joinedAt !== undefined) parts.push(`Joined at ${when(view.joinedAt, now)}.`);
  for (const change of view.roleChanges ?? []) parts.push(`${roleWord(change.role)} from ${when(change.at, now)}.`);
  return parts.join(' ');
}

/** Where messages sent to the bare address went last: now, or until when. */
export function lastTargetText(jid: string, device: string, until: number | null, now: number): string {
  return until === null
    ? `Messages sent to ${jid} go to ${device}.`
    : `Messages sent to ${jid} last went to ${device}, until ${when(until, now)}.`;
}
