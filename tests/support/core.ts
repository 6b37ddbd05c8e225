/**
 * The whole core (messenger, real sessions, SQLite on disk) against the test server, for
 * integration tests that act as a user would: commands in, events and state out.
 */
import xml from '@xmpp/xml';
import type { AccountView, AppEvent, Snapshot } from '../../src/shared/contract';
import { createMessenger, type Messenger, type MessengerOptions } from '../../src/main/core/messenger';
import type { SecretStore } from '../../src/main/core/secrets';
import type { Logger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';
import { errorText } from '../../src/renderer/src/lib/words/errors';

export interface Core {
  messenger: Messenger;
  /** Every event the core emitted, in order. */
  events: AppEvent[];
  /** Every session the core made, oldest first (the last one is the account's current session). */
  sessions: AccountSession[];
  /** The (first) account's id. */
  accountId: string;
  snapshot(): Promise<Snapshot>;
  /** Invokes a command and returns its value; throws with the error message when it fails. */
  invoke(command: string, input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Opens a core on `dir`; with `account` it adds that server's user first. Resolves once the account
 * is online, its roster synced and its initial presence taken in by the server.
 */
export async function openTestCore(
  server: TestServer,
  dir: string,
  secrets: SecretStore,
  log: Logger,
  account?: { user: string; password: string },
  /** More messenger options (e.g. the download folder). */
  extra: Partial<MessengerOptions> = {},
): Promise<Core> {
  const events: AppEvent[] = [];
  const sessions: AccountSession[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets,
    log,
    extraCa: server.caPem,
    flushMs: 5,
    ...extra,
    sessionFactory: (config, hooks) => {
      const session = new AccountSession(config, hooks, {
        log: log.child(config.jid),
        ca: server.caPem,
        backoff: { baseMs: 100, capMs: 500 },
        resolveSrv: false,
      });
      sessions.push(session);
      return session;
    },
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  const invoke = async (command: string, input: unknown) => {
    const result = await messenger.invoke(command, input);
    if (!result.ok) throw new Error(`${command}: ${errorText(result.error)}`);
    return result.value;
  };
  let accountId = messenger.accounts.list()[0]?.id;
  if (account) {
    const added = (await invoke('account.add', {
      jid: `${account.user}@localhost`,
      password: account.password,
      host: server.host,
      port: server.port,
    })) as AccountView;
    accountId = added.id;
  }
  if (accountId === undefined) throw new Error('openTestCore: no account');
  const id = accountId;
  await waitUntil('online', () => messenger.accounts.list()[0]?.connection.status === 'online');
  await waitUntil('roster synced', () => messenger.roster.syncView(id).state === 'synced');
  // Our initial presence is out and (a round trip later) the server has it: what others send to
  // "available resources" now reaches this one (ejabberd would store a subscription request for
  // later, and redeliver it without its nick).
  await waitUntil('own presence sent', () => messenger.presence.service.isAnnounced(id));
  await sessions.at(-1)?.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), server.domain);
  return {
    messenger,
    events,
    sessions,
    accountId: id,
    snapshot: async () => (await invoke('app.snapshot', {})) as Snapshot,
    invoke,
    close: () => messenger.close(),
  };
}
