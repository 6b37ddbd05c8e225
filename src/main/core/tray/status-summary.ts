/**
 * The overall state of all accounts in one icon and one sentence, for the tray (and anything else
 * that needs "how am I present right now"). Pure: no Electron, no I/O.
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
import type { ConnectionView } from '../../../shared/contract';
import { SHOW_LABELS, SHOW_RANK, type PresenceShow, type Show } from '../../../shared/presence';

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
  /** e.g. "Away", "Reconnecting…", "Error: wrong password". */
  text: string;
}

export interface StatusSummary {
  icon: StatusIcon;
  /** e.g. "Jabberwock — 2 accounts online, 1 reconnecting". */
  tooltip: string;
  accounts: AccountStatusLine[];
  /** The show every enabled account has chosen, or null when they differ (or there is none). */
  commonShow: OwnShow | null;
  pendingRequests: number;
  /** Unread messages over every account. */
  unreadMessages: number;
}

export const APP_NAME = 'Jabberwock';

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

const ERROR_WORDS: Record<string, string> = {
  auth: 'wrong password or account disabled',
  unreachable: 'server unreachable',
  certificate: 'certificate not trusted',
  'tls-unavailable': 'server offers no encryption',
  conflict: 'signed in elsewhere',
  protocol: 'server error',
};

function textOf(state: AccountState, show: OwnShow, connection: ConnectionView): string {
  switch (state) {
    case 'online':
      return SHOW_LABELS[show];
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'error': {
      // The password the user chose not to keep is asked for at each start: a request, not an error.
      if (connection.error?.kind === 'needs-password') return 'Waiting for your password';
      const words = connection.error ? ERROR_WORDS[connection.error.kind] : undefined;
      return words ? `Error: ${words}` : 'Error';
    }
    case 'disabled':
      return 'Disabled';
    default:
      return 'Offline';
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

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function tooltipOf(lines: AccountStatusLine[], pendingRequests: number, unread: number): string {
  const enabled = lines.filter((line) => line.state !== 'disabled');
  const parts: string[] = [];
  if (enabled.length === 0) {
    parts.push(lines.length === 0 ? 'no account set up' : 'all accounts disabled');
  } else {
    const count = (state: AccountState) => enabled.filter((line) => line.state === state).length;
    const groups: [number, string][] = [
      [count('online'), 'online'],
      [count('connecting'), 'connecting'],
      [count('reconnecting'), 'reconnecting'],
      [count('error'), 'with an error'],
      [count('offline'), 'offline'],
    ];
    for (const [n, words] of groups) {
      if (n === 0) continue;
      // The first group carries the noun: "2 accounts online, 1 reconnecting".
      if (parts.length === 0) parts.push(`${plural(n, 'account', 'accounts')} ${words}`);
      else parts.push(`${n} ${words}`);
    }
  }
  if (unread > 0) parts.push(plural(unread, 'unread message', 'unread messages'));
  if (pendingRequests > 0) parts.push(plural(pendingRequests, 'contact request', 'contact requests'));
  return `${APP_NAME} — ${parts.join(', ')}`;
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
      text: textOf(state, account.show, account.connection),
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
    tooltip: tooltipOf(lines, pending, unread),
    accounts: lines,
    commonShow,
    pendingRequests: pending,
    unreadMessages: unread,
  };
}
