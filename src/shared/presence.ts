/**
 * Presence semantics shared by core and renderer (RFC 6121 §4, aioxmpp's PresenceClient):
 * validating priority and show, choosing a contact's most available resource, and the shows' names.
 */

/** 'available' is presence without a <show/>. */
export type Show = 'chat' | 'available' | 'away' | 'xa' | 'dnd';

/** A show, or no presence at all (unavailable). */
export type PresenceShow = Show | 'offline';

export const SHOWS: readonly Show[] = ['chat', 'available', 'away', 'xa', 'dnd'];

/**
 * How available each show is when choosing a contact's most available resource:
 * dnd > chat > available > away > xa (a busy person is more present than an idle one).
 */
export const SHOW_RANK: Readonly<Record<Show, number>> = { dnd: 5, chat: 4, available: 3, away: 2, xa: 1 };

export interface ResourcePresence {
  resource: string;
  show: Show;
  status: string | null;
  priority: number;
  /** Epoch ms: when this resource's current presence arrived (or its <delay/> stamp). */
  since: number;
}

/** RFC 6121 §4.7.2.3: an integer in −128..127; absent means 0. Anything else makes the presence invalid. */
export function parsePriority(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return 0;
  const trimmed = text.trim();
  if (!/^[+-]?\d{1,4}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= -128 && value <= 127 ? value : null;
}

/** An unknown <show/> value is treated as plain available (RFC 6121 §4.7.2.1 lists the four). */
export function parseShow(text: string | undefined | null): Show {
  switch (text?.trim()) {
    case 'chat':
    case 'away':
    case 'xa':
    case 'dnd':
      return text.trim() as Show;
    default:
      return 'available';
  }
}

/**
 * Orders resources from most to least available: show rank, then priority (as numbers: 10 beats 9),
 * then the most recent. Negative when `a` is more available than `b`.
 */
export function compareResources(a: ResourcePresence, b: ResourcePresence): number {
  return SHOW_RANK[b.show] - SHOW_RANK[a.show] || b.priority - a.priority || b.since - a.since;
}

/** The resource that stands for the contact, or undefined when none is available. */
export function mostAvailable(resources: Iterable<ResourcePresence>): ResourcePresence | undefined {
  let best: ResourcePresence | undefined;
  for (const resource of resources) {
    if (!best || compareResources(resource, best) < 0) best = resource;
  }
  return best;
}

/**
 * The resource a server delivers messages sent to the bare JID to (RFC 6121 §8.5.2.1.1): the
 * highest non-negative priority; a negative priority never receives them. Ties go to the most available.
 */
export function messageTarget(resources: Iterable<ResourcePresence>): ResourcePresence | undefined {
  let best: ResourcePresence | undefined;
  for (const resource of resources) {
    if (resource.priority < 0) continue;
    if (
      !best ||
      resource.priority > best.priority ||
      (resource.priority === best.priority && compareResources(resource, best) < 0)
    ) {
      best = resource;
    }
  }
  return best;
}
