/**
 * The real servers the integration suites run against, one `describe` block each:
 *
 *   forEachServer('roster against %s', ({ start }) => { beforeAll(() => start({ users })) … });
 *
 * Each block starts its own server once (in its beforeAll) and stops it in its afterAll. Set
 * JABBERWOCK_TEST_SERVERS=prosody (or ejabberd, or both comma-separated) to run only some.
 */
import { describe } from 'vitest';
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

/** One `describe` per server, named by `title` with %s replaced by the server's name. */
export function forEachServer(title: string, body: (server: ServerUnderTest) => void): void {
  for (const server of SERVERS) describe(title.replace('%s', server.name), () => body(server));
}
