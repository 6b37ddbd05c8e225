/**
 * The real servers the integration suites run against, one `describe` block each:
 *
 *   forEachServer('roster against %s', { users: [ALICE] }, ({ kind, started }) => {
 *     let server: TestServer;
 *     beforeAll(async () => (server = await started()));
 *     afterAll(() => server?.stop());
 *     …
 *   });
 *
 * Every server of the file starts when the file's tests begin: ejabberd boots (an Erlang VM, a few
 * seconds on a busy machine) while the Prosody block runs. Each block stops its own server; whatever
 * a filtered run never used is stopped after the file. Set JABBERWOCK_TEST_SERVERS=prosody (or
 * ejabberd, or both comma-separated) to run only some.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startEjabberd } from './ejabberd';
import { startProsody } from './prosody';
import type { ServerKind, TestServer, TestServerOptions } from './server-process';

export type { ServerKind, TestServer, TestServerOptions, TestUser } from './server-process';

export interface ServerUnderTest {
  kind: ServerKind;
  name: string;
  start(options?: TestServerOptions): Promise<TestServer>;
}

const ALL: ServerUnderTest[] = [
  { kind: 'prosody', name: 'Prosody', start: startProsody },
  { kind: 'ejabberd', name: 'ejabberd', start: startEjabberd },
];

function selected(): ServerUnderTest[] {
  const wanted = process.env.JABBERWOCK_TEST_SERVERS?.split(',').map((s) => s.trim().toLowerCase());
  if (!wanted || wanted.every((w) => w === '')) return ALL;
  const chosen = ALL.filter((s) => wanted.includes(s.kind));
  if (chosen.length === 0) throw new Error(`JABBERWOCK_TEST_SERVERS names no known server: ${wanted.join(', ')}`);
  return chosen;
}

export const SERVERS: readonly ServerUnderTest[] = selected();

export interface ServerBlock extends ServerUnderTest {
  /** This block's server, started with the file's options (the same promise every call). */
  started(): Promise<TestServer>;
}

/** One `describe` per server, named by `title` with %s replaced by the server's name. */
export function forEachServer(title: string, options: TestServerOptions, body: (block: ServerBlock) => void): void {
  const starting = new Map<ServerKind, Promise<TestServer>>();
  beforeAll(() => {
    for (const server of SERVERS) {
      const promise = server.start(options);
      promise.catch(() => {}); // reported by the block that awaits it
      starting.set(server.kind, promise);
    }
  });
  afterAll(async () => {
    await Promise.all(
      [...starting.values()].map((promise) =>
        promise.then(
          (server) => server.stop(),
          () => {},
        ),
      ),
    );
  });
  for (const server of SERVERS) {
    const started = () => starting.get(server.kind) ?? Promise.reject(new Error('forEachServer: not started'));
    describe(title.replace('%s', server.name), () => body({ ...server, started }));
  }
}
