/**
 * A whole messenger for unit tests with no network: in-memory SQLite, sessions from
 * `fakeSessionFactory`, and the bus flushed by hand (a snapshot flushes it).
 */
import type { AccountView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { silentLogger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { fakeSessionFactory } from './fake-session';

export async function fakeMessenger(): Promise<{
  messenger: Messenger;
  sessions: ReturnType<typeof fakeSessionFactory>['sessions'];
}> {
  const { sessions, factory } = fakeSessionFactory();
  const messenger = await createMessenger({
    dataDir: ':memory:',
    secrets: createMemorySecretStore(),
    log: silentLogger,
    sessionFactory: factory,
    flushMs: 1_000_000,
  });
  return { messenger, sessions };
}

type FakeSessions = ReturnType<typeof fakeSessionFactory>['sessions'];

/** Adds an account ('me@x') and brings it online: its session answers the roster, and a turn passes. */
export async function addOnlineAccount(
  messenger: Messenger,
  sessions: FakeSessions,
): Promise<{ id: string; session: FakeSessions[number] }> {
  const added = await messenger.invoke('account.add', { jid: 'me@x', password: 'pw' });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  const session = sessions[sessions.length - 1];
  session.answerRoster();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { id: (added.value as AccountView).id, session };
}
