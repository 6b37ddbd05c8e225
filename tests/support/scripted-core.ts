/**
 * The whole core (messenger, real session, SQLite on disk) signed in to a scripted server
 * (scripted-server.ts) as me@localhost/desk, for what only a hostile server can play: forged
 * stanzas the test injects with `conn.send`, and the answers the core gives recorded in
 * `conn.received`. The script must answer the roster request; `answerBasics` does that and the rest
 * of a sign-in (STARTTLS, PLAIN, bind, SM) and answers every other request with an error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AppEvent, AccountView } from '../../src/shared/contract';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { Logger } from '../../src/main/core/log';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { localhostTls } from './certs';
import {
  fakeLogin,
  featuresWithSm,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
  type ScriptedServerOptions,
} from './scripted-server';
import { waitUntil } from './wait';
import { errorText } from '../../src/renderer/src/lib/words/errors';

export const ME = 'me@localhost';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export interface ScriptedCore {
  messenger: Messenger;
  accountId: string;
  events: AppEvent[];
  close(): Promise<void>;
}

/** The attributes of each `<iq>` start tag in `chunk`, with the 400 characters that follow it. */
export function iqsIn(chunk: string): { id: string; type: string; to?: string; body: string }[] {
  return [...chunk.matchAll(/<iq\b[^>]*>/g)].map((match) => ({
    id: /\bid=["']([^"']+)["']/.exec(match[0])?.[1] ?? '',
    type: /\btype=["']([^"']+)["']/.exec(match[0])?.[1] ?? '',
    to: /\bto=["']([^"']+)["']/.exec(match[0])?.[1],
    body: chunk.slice(match.index, match.index + 400),
  }));
}

/**
 * Signs in, closes the stream when the client does, answers the roster request with `rosterItems` and any other request with
 * <service-unavailable/>, unless `onRequest` handled it (returned true). Returns true when it
 * handled the whole chunk.
 */
export function answerBasics(
  conn: ScriptedConnection,
  chunk: string,
  rosterItems: string,
  onRequest: (iq: { id: string; type: string; to?: string; body: string }) => boolean = () => false,
): boolean {
  if (fakeLogin(conn, chunk, ME)) return true;
  if (chunk.includes('</stream:stream>')) {
    conn.close(); // answer the client's close at once
    return true;
  }
  for (const iq of iqsIn(chunk)) {
    if (iq.type !== 'get' && iq.type !== 'set') continue;
    if (onRequest(iq)) continue;
    if (iq.body.includes('jabber:iq:roster') && iq.type === 'get') {
      conn.send(`<iq type='result' id='${iq.id}'><query xmlns='jabber:iq:roster' ver='1'>${rosterItems}</query></iq>`);
    } else {
      conn.send(
        `<iq type='error' id='${iq.id}'${iq.to ? ` from='${iq.to}'` : ''}><error type='cancel'><service-unavailable xmlns='${NS_STANZAS}'/></error></iq>`,
      );
    }
  }
  return false;
}

/** Opens a core in `dir` with one account on `server`; resolves once it is online with its roster synced. */
export async function openScriptedCore(
  server: ScriptedServer,
  caPem: string,
  dir: string,
  log: Logger,
): Promise<ScriptedCore> {
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log,
    extraCa: caPem,
    flushMs: 5,
    sessionFactory: (config, hooks) =>
      new AccountSession({ ...config, resource: 'desk' }, hooks, {
        log: log.child(config.jid),
        ca: caPem,
        backoff: { baseMs: 60_000, capMs: 60_000 },
        resolveSrv: false,
      }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  const added = await messenger.invoke('account.add', { jid: ME, password: 'x', host: server.host, port: server.port });
  if (!added.ok) throw new Error(errorText(added.error));
  const accountId = (added.value as AccountView).id;
  await waitUntil('online', () => messenger.accounts.list()[0]?.connection.status === 'online');
  await waitUntil('roster synced', () => messenger.roster.syncView(accountId).state === 'synced');
  return { messenger, accountId, events, close: () => messenger.close() };
}

/**
 * A test file's scripted server (with SM; `onData` is its script) over a test CA and a localhost
 * certificate in a fresh folder, and the cores its tests open on it, each closed after its test.
 * Call it after the file's own afterEach, so that the core is closed before the file resets its script.
 */
export function scriptedServerForFile(prefix: string, onData: NonNullable<ScriptedServerOptions['onData']>) {
  let dir = '';
  let caPem = '';
  let server: ScriptedServer | undefined;
  let core: ScriptedCore | null = null;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const { ca, tls } = await localhostTls(dir);
    caPem = ca.caPem;
    server = await startScriptedServer({ tls, features: featuresWithSm, onData });
  });
  afterEach(async () => {
    await core?.close();
    core = null;
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** Opens a core signed in to the server, with the server's side of its connection. */
    async open(log: Logger): Promise<{ core: ScriptedCore; conn: ScriptedConnection }> {
      const before = server!.connections.length;
      core = await openScriptedCore(server!, caPem, fs.mkdtempSync(path.join(dir, 'core-')), log);
      return { core, conn: server!.connections[before] };
    },
  };
}
