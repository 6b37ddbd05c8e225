/**
 * A contact's presence history in words: the privacy sentence, the span and retention choices, a
 * device's runs (on hover and in the list), "usually online" hours, where messages to the bare
 * address last went, and the clearing prompts. Times are this computer's, written for the UI's language.
 */
import type { HistoryRetention, MucRole, OccupantView, TimelineRunView } from '../../../../shared/contract';
import { t } from '../../i18n';
import { liveWords } from './live';
import { formatList, formatTime, formatWeekday, formatWeekdayTime } from '../../i18n/format';

/** The spans the timeline shows (lib/timeline.ts TimelineSpan). */
type TimelineSpan = 'day' | 'week';

/** An epoch time at `hour` o'clock today (local), to format an hour with Intl. */
function atHour(hour: number): number {
  const date = new Date();
  date.setHours(hour % 24, 0, 0, 0);
  return date.getTime();
}

// Getters: each read words the text in the language in force then.
export const TIMELINE_WORDS = liveWords({
  title: 'timeline.title',
  ownTitle: 'timeline.ownTitle',
  spans: 'timeline.spans',
  devices: 'timeline.devices',
  changes: 'timeline.changes',
  noChanges: 'timeline.noChanges',
  loading: 'timeline.loading',
  notRecorded: 'timeline.notRecorded',
  offline: 'timeline.offline',
  online: 'timeline.online',
  legend: 'timeline.legend',
  keep: 'timeline.keep',
  clear: 'timeline.clear',
  clearAll: 'timeline.clearAll',
  clearConfirm: 'timeline.clearConfirm',
  keepIt: 'timeline.keepIt',
  turnOff: 'timeline.turnOff',
  otherDevices: 'timeline.otherDevices',
  usualUnknown: 'timeline.usualUnknown',
  usualNever: 'timeline.usualNever',
  failed: 'timeline.failed',
  settingsTitle: 'timeline.settingsTitle',
});

export const SPAN_WORDS: Readonly<Record<TimelineSpan, string>> = liveWords({
  day: 'timeline.span.day',
  week: 'timeline.span.week',
});

export function retentionWord(days: HistoryRetention): string {
  return days === 0 ? t('timeline.retention.off') : t('timeline.retention.days', days);
}

/** The one sentence that explains it, where it is shown. */
export function privacyNote(days: HistoryRetention): string {
  return days === 0 ? t('timeline.privacy.off') : t('timeline.privacy.kept', days);
}

export function clearPrompt(name: string): string {
  return t('timeline.clearPrompt', { name });
}

export function clearAllPrompt(account: string): string {
  return t('timeline.clearAllPrompt', { account });
}

export function turnOffPrompt(account: string): string {
  return t('timeline.turnOffPrompt', { account });
}

/** An axis mark: the hour in the day view, the weekday at each midnight in the week view. */
export function axisWord(span: TimelineSpan, at: number): string {
  return span === 'day' ? formatTime(at) : formatWeekday(at);
}

function when(at: number, now: number): string {
  return now - at < 20 * 3_600_000 ? formatTime(at) : formatWeekdayTime(at);
}

/** "Away 09:12–10:40: On the train (priority 5)", and ", idle since 08:55" when the contact said (XEP-0319). */
export function runText(run: TimelineRunView, now: number): string {
  const params = {
    show: t(`presence.show.${run.show}`),
    start: when(run.start, now),
    end: run.end === null ? t('timeline.now') : when(run.end, now),
    priority: run.priority,
  };
  const text = run.status ? t('timeline.runWithStatus', { ...params, status: run.status }) : t('timeline.run', params);
  return run.idleSince == null ? text : t('timeline.runIdle', { run: text, time: when(run.idleSince, now) });
}

/** A device's XEP-0319 idle time, in the contact panel: "idle since 08:55". */
export function idleSinceText(at: number, now: number): string {
  return t('timeline.idleSince', { time: when(at, now) });
}

export function durationWord(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return t('timeline.duration.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0
    ? t('timeline.duration.hours', { hours })
    : t('timeline.duration.hoursMinutes', { hours, minutes: rest });
}

/** What a device's bar says to a screen reader. */
export function trackLabel(device: string, runs: number, online: number, span: TimelineSpan): string {
  if (runs === 0) return t('timeline.track.empty', { device });
  return t(span === 'day' ? 'timeline.track.day' : 'timeline.track.week', runs, {
    device,
    duration: durationWord(online),
  });
}

export function usualText(ranges: readonly [number, number][]): string {
  if (ranges.length === 0) return TIMELINE_WORDS.usualNever;
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === 24) return t('timeline.usual.always');
  const parts = ranges.map(([a, b]) => t('timeline.range', { from: formatTime(atHour(a)), to: formatTime(atHour(b)) }));
  return t('timeline.usual.hours', { hours: formatList(parts) });
}

/** A room occupant in this session, for the row's title: when they joined, and their role changes. */
export function occupantSessionText(
  view: Pick<OccupantView, 'joinedAt' | 'roleChanges'>,
  roleWord: (role: MucRole) => string,
  now: number,
): string {
  const parts: string[] = [];
  if (view.joinedAt === null) parts.push(t('timeline.occupant.before'));
  else if (view.joinedAt !== undefined) parts.push(t('timeline.occupant.joined', { time: when(view.joinedAt, now) }));
  for (const change of view.roleChanges ?? [])
    parts.push(t('timeline.occupant.role', { role: roleWord(change.role), time: when(change.at, now) }));
  return parts.join(' ');
}

/** Where messages sent to the bare address went last: now, or until when. */
export function lastTargetText(jid: string, device: string, until: number | null, now: number): string {
  return until === null
    ? t('timeline.lastTarget.now', { jid, device })
    : t('timeline.lastTarget.until', { jid, device, time: when(until, now) });
}
