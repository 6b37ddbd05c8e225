/**
 * The overall state of all accounts in one icon and the counts and states the tray words (the shell
 * owns the words, src/main/shell/words), for the tray and anything else that needs "how am I present
 * right now". Pure: no Electron, no I/O, no sentences.
 *
 * The icon, first rule that applies (only enabled accounts count):
 *   1. any account in error                    → 'error'   (something needs the user)
 *   2. any account connecting or reconnecting  → 'connecting'
 *   3. no account online with a show           → 'offline' (also: no enabled account at all)
 *   4. the online accounts' show: when they all agree, that show; otherwise the most available one
 *      by SHOW_RANK (dnd > chat > available > away > xa), the same ranking that picks a contact's
 *      aggregate presence. So the icon is what someone who saw all your accounts would see, and a
 *      dnd account is never hidden behind an available one (it is the state you most need to be
 *      reminded of: notifications are muted somewhere).
 * An account whose connection is online but whose own show is 'offline' (unavailable sent, link
 * kept) counts as offline.
 */
import type { ConnectionErrorKind, ConnectionView } from '../../../shared/contract';
import { SHOW_RANK, type PresenceShow, type Show } from '../../../shared/presence';

export type OwnShow = PresenceShow;

/** The tray icon names; resources/tray-<icon>.png exists for each. */
export type StatusIcon = Show | 'offline' | 'connecting' | 'error';

export interface AccountStatusInput {
  id: string;
  label: string;
  jid: string;
  enabled: boolean;
  connection: ConnectionView;
  /** The show the user chose for this account (what is sent, or will be once connected). */
  show: OwnShow;
}

/** Where an account stands, as one word. */
export type AccountState = 'online' | 'connecting' | 'reconnecting' | 'offline' | 'error' | 'disabled';

export interface AccountStatusLine {
  id: string;
  /** The label, or the JID when the label is empty. */
  name: string;
  jid: string;
  enabled: boolean;
  state: AccountState;
  /** The chosen show (drives the radio marks): kept while connecting, so the menu shows what will be sent. */
  show: OwnShow;
  icon: StatusIcon;
  /** Why an account in error is: the connection error's kind (the shell words it), else null. */
  problem: ConnectionErrorKind | null;
}

export interface StatusSummary {
  icon: StatusIcon;
  accounts: AccountStatusLine[];
  /** The show every enabled account has chosen, or null when they differ (or there is none). */
  commonShow: OwnShow | null;
  pendingRequests: number;
  /** Unread messages over every account. */
  unreadMessages: number;
}

function stateOf(account: AccountStatusInput): AccountState {
  if (!account.enabled) return 'disabled';
  switch (account.connection.status) {
    case 'online':
      return account.show === 'offline' ? 'offline' : 'online';
    case 'connecting':
    case 'reconnecting':
    case 'error':
    case 'offline':
      return account.connection.status;
    default:
      return 'offline';
  }
}

function iconOf(state: AccountState, show: OwnShow): StatusIcon {
  switch (state) {
    case 'online':
      return show;
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    case 'error':
      return 'error';
    default:
      return 'offline';
  }
}

/** The most available show: all equal → that one; otherwise the highest SHOW_RANK. */
export function overallShow(shows: Show[]): Show | undefined {
  let best: Show | undefined;
  for (const show of shows) {
    if (best === undefined || SHOW_RANK[show] > SHOW_RANK[best]) best = show;
  }
  return best;
}

export function summarize(accounts: AccountStatusInput[], pendingRequests = 0, unreadMessages = 0): StatusSummary {
  const lines: AccountStatusLine[] = accounts.map((account) => {
    const state = stateOf(account);
    return {
      id: account.id,
      name: account.label.trim() || account.jid,
      jid: account.jid,
      enabled: account.enabled,
      state,
      show: account.show,
      icon: iconOf(state, account.show),
      problem: state === 'error' ? (account.connection.error?.kind ?? null) : null,
    };
  });
  const enabled = lines.filter((line) => line.state !== 'disabled');
  const pending = Number.isFinite(pendingRequests) && pendingRequests > 0 ? Math.floor(pendingRequests) : 0;
  const unread = Number.isFinite(unreadMessages) && unreadMessages > 0 ? Math.floor(unreadMessages) : 0;

  let icon: StatusIcon;
  if (enabled.some((line) => line.state === 'error')) icon = 'error';
  else if (enabled.some((line) => line.state === 'connecting' || line.state === 'reconnecting')) icon = 'connecting';
  else {
    const shows = enabled.filter((line) => line.state === 'online').map((line) => line.show as Show);
    icon = overallShow(shows) ?? 'offline';
  }

  const first = enabled[0]?.show;
  const commonShow = first !== undefined && enabled.every((line) => line.show === first) ? first : null;

  return {
    icon,
    accounts: lines,
    commonShow,
    pendingRequests: pending,
    unreadMessages: unread,
  };
}
