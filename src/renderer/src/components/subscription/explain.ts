/**
 * The subscription explainer: who sees whose status, in plain words, and the one action that fixes
 * what is missing (RFC 6121 §3). Pure: the contact panel gives it the roster item, what the core
 * noted about the contact, their pending request, the name to use and the time.
 */
import type { RosterItemView, SubscriptionNoteView, SubscriptionRequestView } from '../../../../shared/contract';
import { t } from '../../i18n';
import { relativeTime } from '../presence/describe';

/** 'accept' answers their pending request; 'request' (sub.change request) asks to see their status. */
export interface ExplainFix {
  action: 'accept' | 'request';
  label: string;
}

export interface Explanation {
  /** Both directions in one or two sentences. */
  text: string;
  /** The one action that fixes what is missing, if there is one. */
  fix: ExplainFix | null;
  /** What the state is, in short: for styling and tests. */
  state: 'both' | 'to' | 'from' | 'none' | 'pending-in' | 'pending-out' | 'declined' | 'revoked';
}

export interface ExplainInput {
  item: Pick<RosterItemView, 'subscription' | 'pendingOut'>;
  note?: Pick<SubscriptionNoteView, 'askedAt' | 'endedAt' | 'ended'> | null;
  request?: Pick<SubscriptionRequestView, 'receivedAt'> | null;
  /** The contact's display name (roster name, else the address's local part). */
  name: string;
  now: number;
}

/** How long ago, used after a verb: "You asked Romeo 3 days ago". */
function ago(at: number, now: number): string {
  return relativeTime(at, now);
}

export function explainSubscription({ item, note, request, name, now }: ExplainInput): Explanation {
  const theySee = item.subscription === 'from' || item.subscription === 'both';
  const weSee = item.subscription === 'to' || item.subscription === 'both';
  // What ended their side: only when it is newer than our last request (a new request supersedes it).
  const ended =
    !weSee && !item.pendingOut && note?.ended && (note.askedAt == null || (note.endedAt ?? 0) >= note.askedAt)
      ? note.ended
      : null;
  const asked = item.pendingOut
    ? note?.askedAt != null
      ? t('subscriptions.explain.askedAt', { name, when: ago(note.askedAt, now) })
      : t('subscriptions.explain.asked', { name })
    : '';
  const accept: ExplainFix = { action: 'accept', label: t('subscriptions.explain.accept') };
  // They asked to see ours: answering is the fix, whatever our side is.
  if (request && !theySee) {
    const wants = t('subscriptions.explain.wants', { name, when: ago(request.receivedAt, now) });
    const ours = weSee
      ? t('subscriptions.explain.youSee', { name })
      : asked ||
        (ended === 'declined'
          ? t('subscriptions.explain.declinedShort', { name })
          : t('subscriptions.explain.youDontSee', { name }));
    return { text: `${wants} ${ours}`, fix: accept, state: 'pending-in' };
  }
  if (item.subscription === 'both') {
    return { text: t('subscriptions.explain.both', { name }), fix: null, state: 'both' };
  }
  if (item.subscription === 'to') {
    return { text: t('subscriptions.explain.to', { name }), fix: null, state: 'to' };
  }
  const askAgain: ExplainFix = { action: 'request', label: t('subscriptions.explain.askAgain') };
  const askFirst: ExplainFix = { action: 'request', label: t('subscriptions.explain.askFirst', { name }) };
  if (item.pendingOut) {
    const theirSide = theySee
      ? t('subscriptions.explain.theySee', { name })
      : t('subscriptions.explain.theyDontEither', { name });
    return { text: `${asked} ${theirSide}`, fix: askAgain, state: 'pending-out' };
  }
  if (ended === 'declined') {
    const declined =
      note?.endedAt != null
        ? t('subscriptions.explain.declinedAt', { name, when: ago(note.endedAt, now) })
        : t('subscriptions.explain.declined', { name });
    const rest = theySee ? t('subscriptions.explain.theySee', { name }) : t('subscriptions.explain.neitherSees');
    return { text: `${declined} ${rest}`, fix: null, state: 'declined' };
  }
  if (ended === 'revoked') {
    return {
      text: theySee
        ? t('subscriptions.explain.revokedStillSees', { name })
        : `${t('subscriptions.explain.revoked', { name })} ${t('subscriptions.explain.theyDontEither', { name })}`,
      fix: askAgain,
      state: 'revoked',
    };
  }
  if (theySee) {
    return { text: t('subscriptions.explain.from', { name }), fix: askFirst, state: 'from' };
  }
  return { text: t('subscriptions.explain.none', { name }), fix: askFirst, state: 'none' };
}
