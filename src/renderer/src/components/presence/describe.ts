/**
 * Presence in words for the UI: the status picker's shows, dot labels, a contact's status line, last
 * seen and "since" as relative time, device words, error conditions, own status with its idle mark.
 */
import type { ContactPresenceView, Device, OwnPresenceView, ResourceView } from '../../../../shared/contract';
import type { PresenceShow } from '../../../../shared/presence';
import { t, type MessageKey } from '../../i18n';
import { formatDate, formatRelative } from '../../i18n/format';
import { aggregateStatus, type DotState } from '../../lib/presence';

/** The order the status picker offers them in. */
export const PICKER_SHOWS: readonly PresenceShow[] = ['available', 'chat', 'away', 'xa', 'dnd', 'offline'];

/** A show's name ("Away"); a dot's also "Error". */
export function showLabel(show: DotState): string {
  return t(`presence.show.${show}`);
}

export function deviceWord(device: Device | null | undefined): string | null {
  return device && device !== 'unknown' ? t(`presence.device.${device}`) : null;
}

const MINUTE = 60_000;
const MONTH = 30 * 24 * 60 * MINUTE;

/** "just now", "5 minutes ago", "3 hours ago", "yesterday", "2 days ago", then the date. */
export function relativeTime(at: number, now: number): string {
  const ago = Math.max(0, now - at);
  if (ago < MINUTE) return t('time.justNow');
  if (ago < MONTH) return formatRelative(now - ago, now);
  return t('time.onDate', { date: formatDate(at) });
}

/** "last seen 3 hours ago (phone)". */
export function lastSeenText(view: Pick<ContactPresenceView, 'lastSeen'> | undefined, now: number): string {
  const seen = view?.lastSeen;
  if (!seen) return '';
  const when = relativeTime(seen.at, now);
  const device = deviceWord(seen.device);
  return device ? t('presence.lastSeenOn', { when, device }) : t('presence.lastSeen', { when });
}

/** The error conditions with words of their own; any other is named. */
const ERROR_CONDITIONS = new Set([
  'remote-server-not-found',
  'remote-server-timeout',
  'service-unavailable',
  'item-not-found',
  'recipient-unavailable',
  'forbidden',
  'not-authorized',
  'gone',
  'redirect',
  'jid-malformed',
]);

/** An error presence in a sentence (the server's own text, if any, is shown apart from this). */
export function errorText(error: { condition: string } | null | undefined): string {
  if (!error) return '';
  return ERROR_CONDITIONS.has(error.condition)
    ? t(`presence.presenceError.${error.condition}` as MessageKey)
    : t('presence.presenceError.other', { condition: error.condition.replace(/-/g, ' ') });
}

/** The row's second line: the aggregate status, else "last seen…" for offline contacts, else the error. */
export function contactLine(view: ContactPresenceView | undefined, now: number): string {
  if (!view) return '';
  if (view.resources.length > 0) return aggregateStatus(view);
  if (view.error) return errorText(view.error);
  return lastSeenText(view, now);
}

/** How many resources are available (a count is shown when more than one). */
export function deviceCount(view: ContactPresenceView | undefined): number {
  return view?.resources.length ?? 0;
}

/** "Away (idle)" for a status set by idle detection. */
export function ownShowLabel(own: Pick<OwnPresenceView, 'show' | 'auto'> | undefined): string {
  const show = own?.show ?? 'offline';
  return own?.auto && show !== 'offline' ? t('presence.idle', { show: showLabel(show) }) : showLabel(show);
}

/** A resource's one-line description: "Away · phone · priority 5". */
export function resourceSummary(resource: ResourceView): string {
  const show = showLabel(resource.show);
  const device = deviceWord(resource.client?.device);
  const priority = resource.priority;
  return device
    ? t('presence.resourceSummary', { show, device, priority })
    : t('presence.resourceSummaryNoDevice', { show, priority });
}

/**
 * Several accounts' own presence as one: their common show (and status) when they agree; 'mixed' otherwise.
 * Accounts without a known own presence count as offline.
 */
export function combinedOwn(list: readonly (OwnPresenceView | undefined)[]): {
  show: PresenceShow | 'mixed';
  status: string | null;
  auto: boolean;
} {
  if (list.length === 0) return { show: 'offline', status: null, auto: false };
  const shows = new Set(list.map((own) => own?.show ?? 'offline'));
  const statuses = new Set(list.map((own) => own?.status ?? null));
  const [show] = shows;
  const [status] = statuses;
  return {
    show: shows.size === 1 ? show : 'mixed',
    status: statuses.size === 1 ? status : null,
    auto: list.some((own) => own?.auto),
  };
}
