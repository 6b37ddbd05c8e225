/** Roster words for the UI: subscription states in plain language, capped labels. */
import type { AccountView, RosterItemView } from '../../../../shared/contract';
import { cap, DISPLAY_MAX, TITLE_MAX } from '../../lib/text';
import { groupLabel } from '../../lib/roster-model';
import { accountName } from '../accounts/describe';
import { t } from '../../i18n';

export interface SubscriptionInfo {
  /** Short badge text, or null when there is nothing to flag (mutual subscription). */
  badge: 'to' | 'from' | 'none' | 'pending' | null;
  /** The state in a sentence. */
  text: string;
}

/** The badge alone (no words looked up): most contacts' subscription is mutual and has none. */
export function subscriptionBadge(
  item: Pick<RosterItemView, 'subscription' | 'pendingOut'>,
): SubscriptionInfo['badge'] {
  switch (item.subscription) {
    case 'both':
      return null;
    case 'to':
      return 'to';
    case 'from':
    case 'none':
      return item.pendingOut ? 'pending' : item.subscription;
  }
}

export function subscriptionInfo(item: Pick<RosterItemView, 'subscription' | 'pendingOut'>): SubscriptionInfo {
  const asked = (state: string) => (item.pendingOut ? t('roster.subscription.asked', { state }) : state);
  switch (item.subscription) {
    case 'both':
      return { badge: null, text: t('roster.subscription.both') };
    case 'to':
      return { badge: 'to', text: t('roster.subscription.to') };
    case 'from':
      return { badge: item.pendingOut ? 'pending' : 'from', text: asked(t('roster.subscription.from')) };
    case 'none':
      return { badge: item.pendingOut ? 'pending' : 'none', text: asked(t('roster.subscription.none')) };
  }
}

/** A group name fit for a label (the default group gets its name; long names are cut). */
export function groupText(name: string): string {
  return cap(groupLabel(name), DISPLAY_MAX);
}

export function titleText(text: string): string {
  return cap(text, TITLE_MAX);
}

/** Short account label for row chips: the label, else the JID's local part. */
export function accountChipText(account: Pick<AccountView, 'label' | 'jid'>): string {
  const label = account.label.trim();
  const text = label || account.jid.slice(0, Math.max(0, account.jid.indexOf('@'))) || account.jid;
  return cap(text, 14);
}

export function accountTitle(account: Pick<AccountView, 'label' | 'jid'>): string {
  return cap(accountName(account), TITLE_MAX);
}

const SHOWS = ['offline', 'xa', 'away', 'available', 'chat', 'dnd'] as const;

/** The availability rank kept by the roster index (0 offline … 5 do-not-disturb, as shared/presence.ts ranks). */
export function showForRank(rank: number): (typeof SHOWS)[number] {
  return SHOWS[Math.max(0, Math.min(SHOWS.length - 1, Math.trunc(rank)))] ?? 'offline';
}
