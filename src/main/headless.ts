/**
 * The headless client for side-by-side comparisons: `node out/main/headless.js` runs the
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
 *
 * Optional, for the bench suite (bench/README.md); none of them changes the line above:
 *
 *   BENCH_METRICS_FILE       write a JSON of timings and counts there (see BenchMetrics)
 *   BENCH_JOIN_ROOM          room@service/nick: join that room once the roster is processed
 *   BENCH_DATA_DIR           keep the store in this directory (created if needed, never deleted), so a
 *                            second run continues from what the first stored (e.g. the archive marker)
 *   BENCH_SEND_TO            a JID: once the roster is processed, send it a chat message every
 *                            BENCH_SEND_EVERY_MS (default 50) through the real outbox, and print the lines
 *                            `BENCH_ONLINE` and `BENCH_CAUGHT_UP` (archive catch-up done) (`npm run torture`)
 *   BENCH_STATE_FILE         at the end, write what the core holds there as JSON (see BenchState), for
 *                            the bench to compare with what its workload implies
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Element } from '@xmpp/xml';
import type { AppEvent } from '../shared/contract';
import { AccountSession } from './core/accounts/session';
import { consoleSink, createLogger, silentLogger } from './core/log';
import { createMessenger, type Messenger } from './core/messenger';
import { installProcessGuard } from './core/process-guard';
import { createMemorySecretStore } from './core/secrets';
import { NS_MAM, NS_MUC, NS_ROSTER } from './core/xmpp/ns';
import { type BenchPresenceEntry, type BenchRosterEntry, writeBenchState } from './headless-state';

export type { BenchState } from './headless-state';

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
  metricsFile?: string;
  joinRoom?: { room: string; nick: string };
  dataDir?: string;
  sendTo?: string;
  sendEveryMs: number;
  stateFile?: string;
}

/** What BENCH_METRICS_FILE receives; times in ms, `…At` since the process started. */
export interface BenchMetrics {
  peer: string;
  onlineAt: number | null;
  /** online → roster.sync 'synced' seen by the event bus's subscriber. */
  rosterSyncedMs: number | null;
  /**
   * The first byte read after the roster request went out → roster.sync 'synced' seen by the
   * subscriber (parsed, stored, every event emitted and flushed). That byte is the answer's unless
   * the server answered something else first.
   */
  rosterFirstByteToSyncedMs: number | null;
  /** CPU time of this process (all threads, user + system) over the same interval. */
  rosterFirstByteToSyncedCpuMs: number | null;
  /**
   * Presence stanzas the core handled (PresenceService.receive) after our initial presence: how many,
   * and when (online → the first byte read after our initial presence; online → the last one handled
   * before the last ping, i.e. the last one the server sent before it).
   */
  presence: {
    handled: number;
    /** How many of those the lean stream parser read from the text (the rest came as Elements from ltx). */
    readFromText: number;
    firstByteMs: number | null;
    lastHandledAtPingMs: number | null;
    /** CPU time of this process (all threads) from that first byte to the last ping. */
    firstByteToLastPingCpuMs: number | null;
  };
  /** online → the last ping handled (everything the server sent before it was handled). */
  lastPingMs: number | null;
  /** online → the server closed the stream. */
  closedMs: number | null;
  pings: number;
  /** Main event-loop delay, from online to the stream's end. */
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Peak RSS of this process over its life (ru_maxrss), bytes. */
  maxRssBytes: number;
  /**
   * Peak RSS up to the stream's end, bytes: the session's own, without what this client does after it
   * (the first-screen snapshot that flushes the bus, the BENCH_STATE_FILE dump written piece by piece).
   */
  maxRssAtCloseBytes: number;
  counts: BenchCounts;
  atPing: BenchCounts | null;
  room: {
    room: string;
    nick: string;
    state: string | null;
    /** The room as of the last ping (the stream's end empties it: the room is then rejoined on the next session). */
    atPing: { state: string; occupants: number } | null;
    /** join presence sent → self-presence (110) handled and the occupants event flushed to the subscriber. */
    joinedListedMs: number | null;
    occupants: number;
    /** Distinct nicks the subscriber was told about (changed minus left) when the room turned joined. */
    listedAtJoin: number;
    /** The same at the end. */
    listed: number;
    selfListed: boolean;
    subject: string | null;
    messagesStored: number;
  } | null;
  archive: {
    /** XEP-0313 queries to our own archive sent (pages asked for). */
    queries: number;
    state: string | null;
    fetched: number;
    /** online → archive.sync 'done' (or 'failed'). */
    doneMs: number | null;
  };
  messages: { stored: number; distinctServerIds: number; conversations: number; duplicates: number };
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
    metricsFile: env.BENCH_METRICS_FILE || undefined,
    joinRoom: joinRoomOf(env.BENCH_JOIN_ROOM),
    dataDir: env.BENCH_DATA_DIR || undefined,
    sendTo: env.BENCH_SEND_TO || undefined,
    sendEveryMs: Number(env.BENCH_SEND_EVERY_MS) || 50,
    stateFile: env.BENCH_STATE_FILE || undefined,
  };
}

function joinRoomOf(value: string | undefined): { room: string; nick: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) throw new Error('BENCH_JOIN_ROOM must be room@service/nick.');
  return { room: value.slice(0, slash).toLowerCase(), nick: value.slice(slash + 1) };
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

/** The first account's roster, entry by entry, from the core's own state. */
export function* rosterOf(messenger: Messenger, accountId: string): Generator<BenchRosterEntry> {
  for (const item of messenger.roster.itemsOf(accountId))
    yield {
      jid: item.jid,
      name: item.name,
      subscription: item.subscription,
      ask: item.pendingOut,
      groups: item.groups,
    };
}

/** The first account's contacts' available resources, entry by entry (our own resources excepted). */
export function* presenceOf(messenger: Messenger, accountId: string): Generator<BenchPresenceEntry> {
  const own = messenger.accounts.list().find((account) => account.id === accountId)?.jid;
  const tracker = messenger.presence.service.tracker(accountId);
  for (const jid of tracker?.knownJids() ?? []) {
    if (jid === own) continue;
    for (const entry of tracker!.resources(jid)?.values() ?? [])
      yield { jid, resource: entry.resource, show: entry.show, priority: entry.priority, status: entry.status };
  }
}

/** Runs one session; resolves with the result line once the server closed the stream. */
export async function runHeadless(config: BenchConfig, debug = false): Promise<string> {
  const keepDir = config.dataDir !== undefined;
  const dataDir = config.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jabberwock-headless-'));
  if (keepDir) fs.mkdirSync(dataDir, { recursive: true });
  const log = debug ? createLogger((...args) => consoleSink(...args), 'debug') : silentLogger;
  let atPing: BenchCounts | null = null;
  let accountId = '';
  let messenger: Messenger | null = null;
  // Timings and counts for BENCH_METRICS_FILE (cheap enough to keep always).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const at = notYet(
    'online',
    'rosterSynced',
    'lastPing',
    'joinSent',
    'joinedListed',
    'archiveDone',
    'rosterRequested',
    'rosterFirstByte',
    'initialPresence',
    'presenceFirstByte',
    'lastPresence',
    'lastPresenceAtPing',
  );
  // CPU time (µs, user + system) at the same moments; process.cpuUsage() is a system call, so
  // only at the first bytes, the roster's end and the pings (not per presence).
  const cpu = notYet('rosterFirstByte', 'rosterSynced', 'presenceFirstByte', 'lastPing');
  const cpuNow = () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  };
  let presencesHandled = 0;
  let presencesFromText = 0;
  let pings = 0;
  let archiveQueries = 0;
  let archiveState: string | null = null;
  let archiveFetched = 0;
  const listed = new Set<string>();
  let listedAtJoin = 0;
  let selfListedAtJoin = false;
  let joinRequested = false;
  let roomAtPing: { state: string; occupants: number } | null = null;
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
      const session = new AccountSession(
        { ...sessionConfig, resource: config.resource },
        {
          ...hooks,
          onOnline: (info) => {
            wasOnline = true;
            at.online ??= performance.now();
            if (config.sendTo) process.stdout.write('BENCH_ONLINE\n');
            loopDelay.enable();
            hooks.onOnline(info);
          },
          onOffline: () => {
            hooks.onOffline();
            if (wasOnline) streamClosed();
          },
          onStatus: (view) => {
            hooks.onStatus(view);
            if (!wasOnline && view.status === 'error')
              failed(new Error(`connection failed: ${JSON.stringify(view.error ?? null)}`));
          },
        },
        {
          log,
          ca: config.ca,
          resolveSrv: false,
          backoff: { baseMs: 60_000, capMs: 60_000 },
          // The counts as of each ping the server sends; the last one is reported as atPing.
          onPing: () => {
            pings++;
            at.lastPing = performance.now();
            cpu.lastPing = cpuNow();
            at.lastPresenceAtPing = at.lastPresence;
            if (messenger && accountId) atPing = countsOf(messenger, accountId);
            if (messenger && accountId && config.joinRoom) {
              const room = messenger.muc.room(accountId, config.joinRoom.room);
              roomAtPing = room ? { state: room.state, occupants: room.occupantCount } : null;
            }
          },
        },
      );
      // The first byte read after a marked stanza was handed to the socket: marked before the write
      // (xmpp.js emits 'send' only once the write completed, and the answer may be read before that).
      const nextByte = (mark: (t: number) => void) =>
        session.xmpp.socket?.prependOnceListener('data', () => mark(performance.now()));
      const send = session.xmpp.send.bind(session.xmpp);
      session.xmpp.send = (element: Element) => {
        if (
          at.rosterRequested === null &&
          element.name === 'iq' &&
          element.attrs.type === 'get' &&
          element.getChild('query', NS_ROSTER)
        ) {
          at.rosterRequested = performance.now();
          nextByte((t) => {
            at.rosterFirstByte ??= t;
            cpu.rosterFirstByte ??= cpuNow();
          });
        }
        if (at.initialPresence === null && element.name === 'presence' && !element.attrs.type && !element.attrs.to) {
          at.initialPresence = performance.now();
          nextByte((t) => {
            at.presenceFirstByte ??= t;
            cpu.presenceFirstByte ??= cpuNow();
          });
        }
        return send(element);
      };
      // What goes out: the room join and the archive queries (our own archive: no `to`).
      session.xmpp.on('send', (element: Element) => {
        if (element.name === 'iq' && !element.attrs.to && element.getChild('query', NS_MAM)) archiveQueries++;
        const join = config.joinRoom;
        if (
          join &&
          at.joinSent === null &&
          element.name === 'presence' &&
          element.attrs.to === `${join.room}/${join.nick}` &&
          element.getChild('x', NS_MUC)
        )
          at.joinSent = performance.now();
      });
      return session;
    },
  });
  const core = messenger;
  let rosterReady = false;
  core.roster.onSessionReady((id, synced) => {
    if (synced && id === accountId) rosterReady = true;
  });
  // Every presence the core handles, from an Element or read from the stream text, goes through
  // PresenceService.receive: count those after our initial presence, and when the last one was.
  const presenceService = core.presence.service;
  const receive = presenceService.receive;
  presenceService.receive = function (this: typeof presenceService, ...args: Parameters<typeof receive>) {
    const handled = receive.apply(this, args);
    if (at.initialPresence !== null) {
      presencesHandled++;
      if (!('attrs' in args[1])) presencesFromText++;
      at.lastPresence = performance.now();
    }
    return handled;
  };
  core.subscribe((batch) => {
    for (const event of batch.events as AppEvent[]) {
      // 'synced' may share a batch with a later state of the same account (the bus keeps the last one):
      // the first roster.sync after the roster service said "ready, synced" is that one.
      if (
        event.type === 'roster.sync' &&
        event.sync.accountId === accountId &&
        (event.sync.state === 'synced' || rosterReady)
      ) {
        if (at.rosterSynced === null) {
          at.rosterSynced = performance.now();
          cpu.rosterSynced = cpuNow();
        }
        if (config.sendTo) startSending(config.sendTo);
        if (config.joinRoom && !joinRequested) {
          joinRequested = true;
          void core
            .invoke('muc.join', { accountId, room: config.joinRoom.room, nick: config.joinRoom.nick })
            .then((result) => {
              if (!result.ok) process.stderr.write(`headless: join failed: ${JSON.stringify(result.error)}\n`);
            });
        }
      } else if (event.type === 'archive.sync' && event.accountId === accountId) {
        archiveState = event.state;
        archiveFetched = event.fetched;
        if (config.sendTo && event.state === 'done') process.stdout.write('BENCH_CAUGHT_UP\n');
        if (event.state !== 'syncing') at.archiveDone ??= performance.now();
      } else if (event.type === 'muc.occupants' && event.room === config.joinRoom?.room) {
        for (const occupant of event.changed) listed.add(occupant.nick);
        for (const nick of event.left) listed.delete(nick);
      } else if (
        event.type === 'muc.room' &&
        event.room.room === config.joinRoom?.room &&
        event.room.state === 'joined' &&
        at.joinedListed === null
      ) {
        // The batch that says "joined" carries the occupants event of the same flush before it.
        at.joinedListed = performance.now();
        listedAtJoin = listed.size;
        selfListedAtJoin = listed.has(event.room.nick);
      }
    }
  });
  // Messages through the real outbox (stored as queued, then sent), numbered per process.
  let sender: ReturnType<typeof setInterval> | null = null;
  const startSending = (to: string) => {
    if (sender) return;
    let n = 0;
    sender = setInterval(() => {
      const body = `torture ${process.pid} ${++n}`;
      void core.invoke('message.send', { accountId, conversation: to, kind: 'chat', body }).then((result) => {
        if (!result.ok) process.stderr.write(`headless: send failed: ${JSON.stringify(result.error)}\n`);
      });
    }, config.sendEveryMs);
  };
  try {
    const existing = core.accounts.list().find((account) => account.jid === config.jid);
    const added = existing
      ? await core.invoke('account.update', {
          id: existing.id,
          password: config.password,
          host: config.host,
          port: config.port,
          rememberPassword: false,
        })
      : await core.invoke('account.add', {
          jid: config.jid,
          password: config.password,
          host: config.host,
          port: config.port,
          rememberPassword: false,
        });
    if (!added.ok) throw new Error(`account not added: ${JSON.stringify(added.error)}`);
    accountId = (added.value as { id: string }).id;
    if (existing && !existing.enabled) await core.invoke('account.setEnabled', { id: accountId, enabled: true });
    await Promise.race([closed, failure]);
    const closedAt = performance.now();
    const maxRssAtCloseBytes = process.resourceUsage().maxRSS * 1024;
    // Deliver the events still waiting for the bus's next batch: a snapshot flushes it first, and the
    // first screen's (one row) is the cheapest; the whole one built every presence and identity view.
    const flushed = await core.invoke('app.snapshot', { firstScreen: 1 });
    if (!flushed.ok) throw new Error(`snapshot refused: ${JSON.stringify(flushed.error)}`);
    loopDelay.disable();
    const final = countsOf(core, accountId);
    if (config.stateFile) writeBenchState(config.stateFile, rosterOf(core, accountId), presenceOf(core, accountId));
    if (config.metricsFile) {
      const since = (t: number | null) => (t === null || at.online === null ? null : round(t - at.online));
      const ms = (ns: number) => round(ns / 1e6);
      const messages = core.db
        .prepare(
          `SELECT count(*) AS stored, count(DISTINCT server_id) AS servers, count(DISTINCT conversation) AS conversations
           FROM messages WHERE account_id = ?`,
        )
        .get(accountId) as { stored: number; servers: number; conversations: number };
      const join = config.joinRoom;
      const room = join ? core.muc.room(accountId, join.room) : null;
      const metrics: BenchMetrics = {
        peer: config.peer,
        onlineAt: at.online === null ? null : round(at.online),
        rosterSyncedMs: since(at.rosterSynced),
        rosterFirstByteToSyncedMs:
          at.rosterFirstByte === null || at.rosterSynced === null ? null : round(at.rosterSynced - at.rosterFirstByte),
        rosterFirstByteToSyncedCpuMs:
          cpu.rosterFirstByte === null || cpu.rosterSynced === null
            ? null
            : round((cpu.rosterSynced - cpu.rosterFirstByte) / 1000),
        presence: {
          handled: presencesHandled,
          readFromText: presencesFromText,
          firstByteMs: since(at.presenceFirstByte),
          lastHandledAtPingMs: since(at.lastPresenceAtPing),
          firstByteToLastPingCpuMs:
            cpu.presenceFirstByte === null || cpu.lastPing === null
              ? null
              : round((cpu.lastPing - cpu.presenceFirstByte) / 1000),
        },
        lastPingMs: since(at.lastPing),
        closedMs: since(closedAt),
        pings,
        eventLoopDelayP50Ms: ms(loopDelay.percentile(50)),
        eventLoopDelayP99Ms: ms(loopDelay.percentile(99)),
        eventLoopDelayMaxMs: ms(loopDelay.max),
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        maxRssAtCloseBytes,
        counts: final,
        atPing,
        room: join
          ? {
              room: join.room,
              nick: join.nick,
              state: room?.state ?? null,
              atPing: roomAtPing,
              joinedListedMs:
                at.joinSent === null || at.joinedListed === null ? null : round(at.joinedListed - at.joinSent),
              occupants: room?.occupantCount ?? 0,
              listedAtJoin,
              listed: listed.size,
              // As of the join (after the stream closes the room empties, as it should).
              selfListed: selfListedAtJoin,
              subject: room?.subject ?? null,
              messagesStored: (
                core.db
                  .prepare('SELECT count(*) AS n FROM messages WHERE account_id = ? AND conversation = ?')
                  .get(accountId, join.room) as { n: number }
              ).n,
            }
          : null,
        archive: {
          queries: archiveQueries,
          state: archiveState,
          fetched: archiveFetched,
          doneMs: since(at.archiveDone),
        },
        messages: {
          stored: messages.stored,
          distinctServerIds: messages.servers,
          conversations: messages.conversations,
          duplicates: core.chat.stats(accountId)?.duplicates ?? 0,
        },
      };
      fs.writeFileSync(config.metricsFile, `${JSON.stringify(metrics, null, 2)}\n`);
    }
    return `BENCH_RESULT ${JSON.stringify({ peer: config.peer, ...final, atPing: atPing ?? final })}`;
  } finally {
    if (sender) clearInterval(sender);
    await core.close().catch(() => {});
    if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Moments to note, each null until it comes. */
function notYet<K extends string>(...names: K[]): Record<K, number | null> {
  return Object.fromEntries(names.map((name) => [name, null])) as Record<K, number | null>;
}

async function main(): Promise<void> {
  // Logged to stderr even when the rest is silent: a stray rejection must show in the run's output.
  installProcessGuard(createLogger(consoleSink, 'warn', 'headless'), { onUncaughtException: 'exit' });
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
