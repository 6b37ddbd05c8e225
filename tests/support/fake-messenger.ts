/**
 * A whole messenger for unit tests with no network: in-memory SQLite, sessions from
 * `fakeSessionFactory`, and the bus flushed by hand (a snapshot flushes it).
 */
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
