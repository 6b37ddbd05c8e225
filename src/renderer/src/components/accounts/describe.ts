/** Connection states and errors in words the user can act on (the catalog's accounts.*). */
import type {
  AccountView,
  ConnectionError,
  ConnectionErrorKind,
  ConnectionView,
  PasswordState,
  SecretStorageInfo,
} from '../../../../shared/contract';
import { t } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { connectionErrorText } from '../../lib/words/connection';

export function accountName(account: Pick<AccountView, 'label' | 'jid'>): string {
  return account.label.trim() || account.jid;
}

/** What kind of failure it is, in a few words ("server unreachable"). */
export function errorTitle(error: ConnectionError | undefined): string {
  const kind: ConnectionErrorKind = error?.kind ?? 'other';
  return t(`accounts.errorKind.${kind}`);
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
      return t('accounts.status.offline');
    case 'connecting':
      return t('accounts.status.connecting');
    case 'online':
      return t('accounts.status.online');
    case 'reconnecting': {
      if (connection.nextAttemptAt === undefined) return t('accounts.status.reconnecting');
      const seconds = Math.ceil((connection.nextAttemptAt - now) / 1000);
      return seconds > 0 ? t('accounts.status.reconnectingIn', { seconds }) : t('accounts.status.reconnecting');
    }
    case 'error':
      return awaitsPassword(connection)
        ? t('accounts.status.awaitsPassword')
        : t('accounts.status.error', { title: errorTitle(connection.error) });
  }
}

/** A change of connection as it is announced: "Home is online", "Home could not connect: server unreachable". */
export function connectionAnnouncement(name: string, connection: ConnectionView): string {
  switch (connection.status) {
    case 'online':
      return t('accounts.announce.online', { name });
    case 'offline':
      return t('accounts.announce.offline', { name });
    case 'connecting':
      return t('accounts.announce.connecting', { name });
    case 'reconnecting':
      return t('accounts.announce.reconnecting', { name });
    case 'error':
      return awaitsPassword(connection)
        ? t('accounts.announce.awaitsPassword', { name })
        : t('accounts.announce.error', { name, title: errorTitle(connection.error) });
  }
}

/** The longer explanation under the status line, when there is one. */
export function statusDetail(connection: ConnectionView): string | null {
  if (connection.status !== 'error' && connection.status !== 'reconnecting') return null;
  const error = connection.error;
  if (!error) return null;
  if (error.kind === 'needs-password') return t('accounts.status.awaitsPasswordDetail');
  return connectionErrorText(error);
}

/** Where passwords are kept encrypted, named in the UI's language ("the macOS Keychain"). */
export function storageName(storage: SecretStorageInfo): string {
  return storage.backend ? t(`accounts.storage.${storage.backend}`) : storage.description;
}

export function passwordStateText(state: PasswordState, storage: SecretStorageInfo): string {
  return state === 'keychain'
    ? t('accounts.password.keychain', { storage: storageName(storage) })
    : t(`accounts.password.${state}`);
}

/** "AB:CD:…" → groups of four pairs, so a fingerprint can be read aloud and compared. */
export function fingerprintGroups(fingerprint: string): string[] {
  const pairs = fingerprint.split(':');
  const groups: string[] = [];
  for (let i = 0; i < pairs.length; i += 4) groups.push(pairs.slice(i, i + 4).join(':'));
  return groups;
}

/** A certificate's date as the UI's language writes it (as it came when it cannot be read). */
export function formatDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : formatDateTime(time);
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
