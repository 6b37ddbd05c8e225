/**
 * Presence in words for the UI: the status picker's shows, dot labels, a contact's status line, last
 * seen and "since" as relative time, device words, error conditions, own status with its idle mark.
 */
import type { ContactPresenceView, Device, OwnPresenceView, ResourceView } from '../../../../shared/contract';
import { SHOW_LABELS, type PresenceShow } from '../../../../shared/presence';
import { aggregateStatus, type DotState } from '../../lib/presence';

/** The order the status picker offers them in. */
export const PICKER_SHOWS: readonly PresenceShow[] = ['available', 'chat', 'away', 'xa', 'dnd', 'offline'];

export const DOT_LABELS: Readonly<Record<DotState, string>> = { ...SHOW_LABELS, error: 'Error' };

const DEVICE_WORDS: Readonly<Record<Device, string>> = {
  pc: 'computer',
  phone: 'phone',
  web: 'web',
  bot: 'bot',
  console: 'terminal',
  handheld: 'tablet',
  unknown: 'device',
};

export function deviceWord(device: Device | null | undefined): string | null {
  return device && device !== 'unknown' ? DEVICE_WORDS[device] : null;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then a date. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return days === 1 ? 'yesterday' : `${days} days ago`;
  return `on ${new Date(at).toLocaleDateString()}`;
}

/** "last seen 3 h ago (phone)". */
export function lastSeenText(view: Pick<ContactPresenceView, 'lastSeen'> | undefined, now: number): string {
  const seen = view?.lastSeen;
  if (!seen) return '';
  const word = deviceWord(seen.device);
  return `last seen ${relativeTime(seen.at, now)}${word ? ` (${word})` : ''}`;
}

const ERROR_WORDS: Readonly<Record<string, string>> = {
  'remote-server-not-found': 'Their server could not be found.',
  'remote-server-timeout': 'Their server did not answer in time.',
  'service-unavailable': 'Their server does not deliver presence for this address.',
  'item-not-found': 'This address does not exist on their server.',
  'recipient-unavailable': 'The contact is not available.',
  forbidden: 'Their server refused to share presence.',
  'not-authorized': 'Their server refused to share presence.',
  gone: 'This address is no longer in use.',
  redirect: 'This address has moved.',
  'jid-malformed': 'The address is not valid.',
};

/** An error presence in a sentence (the server's own text, if any, is shown apart from this). */
export function errorText(error: { condition: string } | null | undefined): string {
  if (!error) return '';
  return ERROR_WORDS[error.condition] ?? `Presence error: ${error.condition.replace(/-/g, ' ')}.`;
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
  return own?.auto && show !== 'offline' ? `${SHOW_LABELS[show]} (idle)` : SHOW_LABELS[show];
}

/** A resource's one-line description: "Away · phone · priority 5". */
export function resourceSummary(resource: ResourceView): string {
  const parts = [SHOW_LABELS[resource.show]];
  const word = deviceWord(resource.client?.device);
  if (word) parts.push(word);
  parts.push(`priority ${resource.priority}`);
  return parts.join(' · ');
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
