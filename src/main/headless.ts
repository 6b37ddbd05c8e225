/**
 * The headless client for side-by-side comparisons (issue 8): `node out/main/headless.js` runs the
 * real core — the real store on a temporary data directory, the real features, the event bus with
 * no subscriber but this one — with no UI, against the server the environment names:
 *
 *   BENCH_HOST, BENCH_PORT   where to connect (STARTTLS is required, as always)
 *   BENCH_DOMAIN             the XMPP domain (the certificate must be valid for it)
 *   BENCH_JID                the account (a bare JID, or a local part to join with BENCH_DOMAIN)
 *   BENCH_RESOURCE           the resource to bind
 *   BENCH_PASSWORD           the password
 *   BENCH_CA                 PEM of a CA to trust (the PEM text itself, or a path to a PEM file)
 *   BENCH_PEER               a name, echoed in the result
 *
 * The core requests the roster and sends initial presence once it is processed (RFC 6121), and
 * answers pings; at each ping the counts are recorded, so `atPing` holds them as of the last one.
 * When the server closes the stream the client prints exactly one line and exits 0:
 *
 *   BENCH_RESULT {"peer":…,"rosterItems":N,"availableResources":N,"onlineContacts":N,"atPing":{…}}
 *
 * rosterItems counts roster items; availableResources the available resources of every JID we
 * hold presence for (our own resources excepted); onlineContacts the JIDs with at least one. Anything else goes to stderr; a
 * failure to get online exits 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccountSession } from './core/accounts/session';
import { consoleSink, createLogger, silentLogger } from './core/log';
import { createMessenger, type Messenger } from './core/messenger';
import { createMemorySecretStore } from './core/secrets';

export interface BenchCounts {
  rosterItems: number;
  availableResources: number;
  onlineContacts: number;
}

export interface BenchConfig {
  host: string;
  port: number;
  jid: string;
  resource: string;
  password: string;
  ca: string | undefined;
  peer: string;
}

/** Reads the BENCH_* variables; throws with the name of what is missing or wrong. */
export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set.`);
    return value;
  };
  const port = Number(need('BENCH_PORT'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('BENCH_PORT must be 1..65535.');
  const domain = need('BENCH_DOMAIN');
  const rawJid = need('BENCH_JID');
  const caValue = env.BENCH_CA;
  const ca =
    caValue === undefined || caValue === ''
      ? undefined
      : caValue.includes('-----BEGIN')
        ? caValue
        : fs.readFileSync(caValue, 'utf8');
  return {
    host: need('BENCH_HOST'),
    port,
    jid: rawJid.includes('@') ? rawJid : `${rawJid}@${domain}`,
    resource: env.BENCH_RESOURCE || 'bench',
    password: need('BENCH_PASSWORD'),
    ca,
    peer: env.BENCH_PEER ?? 'jabberwock',
  };
}

/** The counts of the first account, from the core's own state. */
export function countsOf(messenger: Messenger, accountId: string): BenchCounts {
  const tracker = messenger.presence.service.tracker(accountId);
  // Our own resources (the server echoes our presence to us) are not contacts.
  const own = messenger.accounts.list().find((account) => account.id === accountId)?.jid;
  let availableResources = 0;
  let onlineContacts = 0;
  if (tracker) {
    for (const jid of tracker.knownJids()) {
      const size = tracker.resources(jid)?.size ?? 0;
      if (size === 0 || jid === own) continue;
      availableResources += size;
      onlineContacts++;
    }
  }
  return { rosterItems: messenger.roster.itemsOf(accountId).length, availableResources, onlineContacts };
}

/** Runs one session; resolves with the result line once the server closed the stream. */
export async function runHeadless(config: BenchConfig, debug = false): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jabberwock-headless-'));
  const log = debug ? createLogger((...args) => consoleSink(...args), 'debug') : silentLogger;
  let atPing: BenchCounts | null = null;
  let accountId = '';
  let messenger: Messenger | null = null;
  // The stream's end, as the session sees it (before any reconnect attempt).
  let streamClosed!: () => void;
  const closed = new Promise<void>((resolve) => (streamClosed = resolve));
  let failed!: (error: Error) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  messenger = await createMessenger({
    dataDir,
    secrets: createMemorySecretStore(),
    log,
    extraCa: config.ca,
    sessionFactory: (sessionConfig, hooks) => {
      let wasOnline = false;
      return new AccountSession(
        { ...sessionConfig, resource: config.resource },
        {
          ...hooks,
          onOnline: (info) => {
            wasOnline = true;
            hooks.onOnline(info);
          },
          onOffline: () => {
            hooks.onOffline();
            if (wasOnline) streamClosed();
          },
          onStatus: (view) => {
            hooks.onStatus(view);
            if (!wasOnline && view.status === 'error')
              failed(new Error(view.error?.message ?? 'The connection failed.'));
          },
        },
        {
          log,
          ca: config.ca,
          resolveSrv: false,
          backoff: { baseMs: 60_000, capMs: 60_000 },
          // The counts as of each ping the server sends; the last one is reported as atPing.
          onPing: () => {
            if (messenger && accountId) atPing = countsOf(messenger, accountId);
          },
        },
      );
    },
  });
  const core = messenger;
  try {
    const added = await core.invoke('account.add', {
      jid: config.jid,
      password: config.password,
      host: config.host,
      port: config.port,
      rememberPassword: false,
    });
    if (!added.ok) throw new Error(added.error.message);
    accountId = (added.value as { id: string }).id;
    await Promise.race([closed, failure]);
    const final = countsOf(core, accountId);
    return `BENCH_RESULT ${JSON.stringify({ peer: config.peer, ...final, atPing: atPing ?? final })}`;
  } finally {
    await core.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    const line = await runHeadless(benchConfig(process.env), process.env.BENCH_DEBUG === '1');
    process.stdout.write(`${line}\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`headless: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (typeof require !== 'undefined' && require.main === module) void main();
