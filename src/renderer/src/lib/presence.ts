/**
 * A contact's presence as one value (its most available resource, else offline or an error), and
 * our own presence until the core tells us otherwise: what the stores rank by and the views show.
 */
import type { ContactPresenceView, OwnPresenceView } from '../../../shared/contract';
import { SHOW_RANK, type PresenceShow } from '../../../shared/presence';

/** What a presence dot can show: a show, offline, or an error presence. */
export type DotState = PresenceShow | 'error';

/** The aggregate: 0 when offline (or an error stands), else the rank of the most available resource's show. */
export function aggregateRank(view: ContactPresenceView | undefined): number {
  const top = view?.resources[0];
  return top ? SHOW_RANK[top.show] : 0;
}

export function aggregateShow(view: ContactPresenceView | undefined): DotState {
  const top = view?.resources[0];
  if (top) return top.show;
  return view?.error ? 'error' : 'offline';
}

/** The most available resource's status text, else ''. */
export function aggregateStatus(view: ContactPresenceView | undefined): string {
  return view?.resources[0]?.status?.trim() ?? '';
}

/** What the core assumes for an account it has no own presence for yet: available, no text, priority 0. */
export const DEFAULT_OWN: OwnPresenceView = { show: 'available', status: null, priority: 0, auto: false };
