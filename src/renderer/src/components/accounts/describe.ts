/** Connection states and errors in words the user can act on. */
import type {
  AccountView,
  ConnectionError,
  ConnectionErrorKind,
  ConnectionView,
  PasswordState,
  SecretStorageInfo,
} from '../../../../shared/contract';
import { connectionErrorText } from '../../lib/words/connection';

const ERROR_TITLES: Record<ConnectionErrorKind, string> = {
  auth: 'wrong password or sign-in refused',
  unreachable: 'server unreachable',
  certificate: 'certificate not trusted',
  'tls-unavailable': 'the server does not offer encryption',
  conflict: 'signed in elsewhere with the same resource',
  'needs-password': 'password needed',
  protocol: 'the server sent something unexpected',
  other: 'connection failed',
};

export function accountName(account: Pick<AccountView, 'label' | 'jid'>): string {
  return account.label.trim() || account.jid;
}

export function errorTitle(error: ConnectionError | undefined): string {
  return ERROR_TITLES[error?.kind ?? 'other'];
}

/**
 * Waiting for the password the user chose not to keep: the expected request after a restart, not
 * something that broke. It is worded and styled as a request.
 */
export function awaitsPassword(connection: Pick<ConnectionView, 'status' | 'error'>): boolean {
  return connection.status === 'error' && connection.error?.kind === 'needs-password';
}

/** How the state looks (its class): the connection status, or 'request' while it waits for the password. */
export function statusTone(connection: Pick<ConnectionView, 'status' | 'error'>): string {
  return awaitsPassword(connection) ? 'request' : connection.status;
}

/** One short line: "Online", "Reconnecting in 12 s", "Error: server unreachable", "Waiting for your password". */
export function statusLine(connection: ConnectionView, now: number): string {
  switch (connection.status) {
    case 'offline':
      return 'Offline';
    case 'connecting':
      return 'Connecting…';
    case 'online':
      return 'Online';
    case 'reconnecting': {
      if (connection.nextAttemptAt === undefined) return 'Reconnecting…';
      const seconds = Math.ceil((connection.nextAttemptAt - now) / 1000);
      return seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…';
    }
    case 'error':
      return awaitsPassword(connection) ? 'Waiting for your password' : `Error: ${errorTitle(connection.error)}`;
  }
}

/** A change of connection as it is announced: "Home is online", "Home could not connect: server unreachable". */
export function connectionAnnouncement(name: string, connection: ConnectionView): string {
  switch (connection.status) {
    case 'online':
      return `${name} is online`;
    case 'offline':
      return `${name} is offline`;
    case 'connecting':
      return `${name} is connecting`;
    case 'reconnecting':
      return `${name} lost its connection and is reconnecting`;
    case 'error':
      return awaitsPassword(connection)
        ? `${name} is waiting for your password`
        : `${name} could not connect: ${errorTitle(connection.error)}`;
  }
}

/** The longer explanation under the status line, when there is one. */
export function statusDetail(connection: ConnectionView): string | null {
  if (connection.status !== 'error' && connection.status !== 'reconnecting') return null;
  const error = connection.error;
  if (!error) return null;
  if (error.kind === 'needs-password') return 'Jabberwock did not keep the password. Enter it to connect.';
  return connectionErrorText(error);
}

export function passwordStateText(state: PasswordState, storage: SecretStorageInfo): string {
  switch (state) {
    case 'keychain':
      return `Stored encrypted (${storage.description}).`;
    case 'plain-file':
      return 'Stored in a plain file on this computer (not encrypted).';
    case 'session':
      return 'Kept until Jabberwock quits; asked again at the next start.';
    case 'missing':
      return 'Not known: Jabberwock asks for it when connecting.';
  }
}

/** "AB:CD:…" → groups of four pairs, so a fingerprint can be read aloud and compared. */
export function fingerprintGroups(fingerprint: string): string[] {
  const pairs = fingerprint.split(':');
  const groups: string[] = [];
  for (let i = 0; i < pairs.length; i += 4) groups.push(pairs.slice(i, i + 4).join(':'));
  return groups;
}

export function formatDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toLocaleString();
}

/** A small palette for new accounts; the user can pick any colour. */
export const ACCOUNT_COLORS = ['#3a5bd9', '#1e8e5a', '#c2571a', '#8e44ad', '#c0392b', '#0e7c86', '#7a6a12', '#5d6b7a'];

/** Black or white text, whichever reads better on the account colour (#rrggbb). */
export function inkFor(color: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!match) return '#ffffff';
  const [r, g, b] = match.slice(1).map((hex) => {
    const c = parseInt(hex, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#111111' : '#ffffff';
}
