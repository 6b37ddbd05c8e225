/**
 * The subscription explainer: who sees whose status, in plain words, and the one action that fixes
 * what is missing (RFC 6121 §3). Pure: the contact panel gives it the roster item, what the core
 * noted about the contact, their pending request, the name to use and the time.
 */
import type { RosterItemView, SubscriptionNoteView, SubscriptionRequestView } from '../../../../shared/contract';
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

function possessive(name: string): string {
  return `${name}’s`;
}

/** "3 days ago" → used after a verb: "You asked Romeo 3 days ago". */
function when(at: number | null | undefined, now: number): string {
  return at == null ? '' : ` ${relativeTime(at, now)}`;
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
      ? `You asked ${name}${when(note.askedAt, now)}; no answer yet.`
      : `You asked to see ${possessive(name)} status; no answer yet.`
    : '';

  // They asked to see ours: answering is the fix, whatever our side is.
  if (request && !theySee) {
    const wants = `${name} wants to see your status (asked ${relativeTime(request.receivedAt, now)}).`;
    const ours = weSee
      ? `You see ${possessive(name)} status.`
      : asked ||
        (ended === 'declined' ? `${name} declined your request.` : `You don’t see ${possessive(name)} status.`);
    return { text: `${wants} ${ours}`, fix: { action: 'accept', label: 'Accept' }, state: 'pending-in' };
  }

  if (item.subscription === 'both') {
    return { text: `You and ${name} see each other’s status.`, fix: null, state: 'both' };
  }
  if (item.subscription === 'to') {
    return {
      text: `You see ${possessive(name)} status, but ${name} doesn’t see yours.`,
      fix: null,
      state: 'to',
    };
  }

  const askAgain: ExplainFix = { action: 'request', label: 'Ask again' };
  const askFirst: ExplainFix = { action: 'request', label: `Ask to see ${possessive(name)} status` };
  const theirSide = theySee ? `${name} sees your status` : `${name} doesn’t see yours`;

  if (item.pendingOut) {
    return {
      text: theySee ? `${asked} ${theirSide}.` : `${asked} ${theirSide} either.`,
      fix: askAgain,
      state: 'pending-out',
    };
  }
  if (ended === 'declined') {
    const at = when(note?.endedAt, now);
    return {
      text: theySee
        ? `${name} declined your request${at}. ${theirSide}.`
        : `${name} declined your request${at}. You don’t see each other’s status.`,
      fix: null,
      state: 'declined',
    };
  }
  if (ended === 'revoked') {
    return {
      text: theySee
        ? `${name} stopped sharing their status with you, but still sees yours.`
        : `${name} stopped sharing their status with you. ${theirSide} either.`,
      fix: askAgain,
      state: 'revoked',
    };
  }
  if (theySee) {
    return {
      text: `${name} sees your status, but you don’t see ${possessive(name)}.`,
      fix: askFirst,
      state: 'from',
    };
  }
  return { text: `You and ${name} don’t see each other’s status.`, fix: askFirst, state: 'none' };
}
