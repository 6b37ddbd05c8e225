/**
 * The roster through the whole core (messenger → account manager → real session → RosterService →
 * SQLite) against each real server (Prosody, ejabberd): initial fetch, live pushes from a second client of the same
 * account, commands confirmed by that second client reading the roster from the server, an
 * unchanged versioned roster on reconnect, stream resumption without refetch, the cached roster
 * after a restart with the server down. Then forged pushes and a spoofed roster result from the
 * scripted server, which a real server will not send.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, RosterItemView, Snapshot } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { SessionOnline } from '../../src/main/core/accounts/session-api';
import { createTestCa, issueServerCert } from '../support/certs';
import { forEachServer, type TestServer } from '../support/servers';
import { NS_BIND, fakeLogin, mechanisms, startScriptedServer, type ScriptedServer } from '../support/scripted-server';
import { sleep, waitUntil } from '../support/wait';

const NS_ROSTER = 'jabber:iq:roster';
const ALICE = { user: 'alice', password: 'alice-roster-Pa55' };

const dirs: string[] = [];
const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-roster-'));
  dirs.push(dir);
  return dir;
}

/** A messenger whose sessions the test can reach (to cut their socket), plus every event it emitted. */
interface Core {
  messenger: Messenger;
  sessions: AccountSession[];
  events: AppEvent[];
  snapshot(): Promise<Snapshot>;
}

async function openCore(dir: string, ca: string): Promise<Core> {
  const sessions: AccountSession[] = [];
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log,
    extraCa: ca,
    flushMs: 5,
    sessionFactory: (config, hooks) => {
      const session = new AccountSession(config, hooks, {
        log: log.child(config.jid),
        ca,
        backoff: { baseMs: 100, capMs: 500 },
        resolveSrv: false,
      });
      sessions.push(session);
      return session;
    },
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  return {
    messenger,
    sessions,
    events,
    async snapshot() {
      const result = await messenger.invoke('app.snapshot', {});
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value as Snapshot;
    },
  };
}

function syncedCount(core: Core, accountId: string): number {
  return core.events.filter(
    (e) => e.type === 'roster.sync' && e.sync.accountId === accountId && e.sync.state === 'synced',
  ).length;
}

function storedItems(core: Core, accountId: string): RosterItemView[] {
  const rows = core.messenger.db
    .prepare(
      'SELECT jid, name, subscription, ask_subscribe, groups FROM roster_items WHERE account_id = ? ORDER BY jid',
    )
    .all(accountId) as {
    jid: string;
    name: string | null;
    subscription: string;
    ask_subscribe: number;
    groups: string;
  }[];
  return rows.map((row) => ({
    accountId,
    jid: row.jid,
    name: row.name,
    subscription: row.subscription as RosterItemView['subscription'],
    pendingOut: row.ask_subscribe === 1,
    groups: JSON.parse(row.groups) as string[],
  }));
}

const byJid = (items: RosterItemView[]) => [...items].sort((a, b) => a.jid.localeCompare(b.jid));

forEachServer('roster against %s', { users: [ALICE] }, ({ kind, started }) => {
  let server: TestServer;
  let other: AccountSession;
  let otherOnline: SessionOnline | null = null;

  /** The second client's view of the roster, read from the server. */
  async function serverRoster(): Promise<Map<string, { name?: string; groups: string[] }>> {
    const query = await otherOnline!.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
    const items = new Map<string, { name?: string; groups: string[] }>();
    for (const item of query.getChildren('item')) {
      items.set(item.attrs.jid, {
        name: item.attrs.name,
        groups: item
          .getChildren('group')
          .map((g) => g.text())
          .sort(),
      });
    }
    return items;
  }

  async function otherSet(item: Element): Promise<void> {
    await otherOnline!.xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, item));
  }

  const item = (jid: string, name: string | null, groups: string[], extra: Record<string, string> = {}) =>
    xml(
      'item',
      name === null ? { jid, ...extra } : { jid, name, ...extra },
      groups.map((g) => xml('group', {}, g)),
    );

  beforeAll(async () => {
    server = await started();
    other = new AccountSession(
      {
        jid: 'alice@localhost',
        password: ALICE.password,
        host: server.host,
        port: server.port,
        pinnedCertificates: [],
        resource: 'other-client',
      },
      { onStatus: () => {}, onOnline: (online) => (otherOnline = online), onOffline: () => {} },
      { log: log.child('other'), ca: server.caPem, resolveSrv: false },
    );
    other.start();
    await waitUntil('the second client online', () => otherOnline !== null);
  });

  afterAll(async () => {
    await other?.stop();
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches, follows pushes, sends commands, reuses an unchanged version and shows the cache offline', async () => {
    await otherSet(item('bob@localhost', 'Bob', ['Friends', 'Work']));
    await otherSet(item('carol@localhost', 'Carol', ['Friends']));
    await otherSet(item('dave@example.org', null, []));

    // Initial fetch.
    const dir = dataDir();
    let core = await openCore(dir, server.caPem);
    const added = await core.messenger.invoke('account.add', {
      jid: 'alice@localhost',
      password: ALICE.password,
      host: server.host,
      port: server.port,
    });
    expect(added.ok).toBe(true);
    const id = (added as { value: AccountView }).value.id;
    await waitUntil('the first sync', () => syncedCount(core, id) === 1);
    const stats = core.messenger.roster.stats(id)!;
    expect(stats).toMatchObject({ fetches: 1, full: 1, unchanged: 0, lastItems: 3 });
    expect(stats.lastRequestedVersion).toBe(''); // versioning advertised, nothing cached yet
    const expected: RosterItemView[] = [
      { accountId: id, jid: 'bob@localhost', name: 'Bob', subscription: 'none', pendingOut: false, groups: [] },
      { accountId: id, jid: 'carol@localhost', name: 'Carol', subscription: 'none', pendingOut: false, groups: [] },
      { accountId: id, jid: 'dave@example.org', name: null, subscription: 'none', pendingOut: false, groups: [] },
    ];
    expected[0].groups = ['Friends', 'Work'];
    expected[1].groups = ['Friends'];
    const normalize = (items: RosterItemView[]) => byJid(items).map((i) => ({ ...i, groups: [...i.groups].sort() }));
    expect(normalize(storedItems(core, id))).toEqual(expected);
    let snapshot = await core.snapshot();
    expect(normalize(snapshot.roster)).toEqual(expected);
    const firstSync = snapshot.rosterSync.find((s) => s.accountId === id);
    expect(firstSync?.state).toBe('synced');
    expect(firstSync?.version).toMatch(/./); // opaque: Prosody counts, ejabberd hashes
    // The fetch's difference is one event.
    expect(core.events.filter((e) => e.type === 'roster.item')).toEqual([]);
    const fetched = core.events.filter((e) => e.type === 'roster.items');
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ accountId: id, removed: [] });
    expect(fetched[0].type === 'roster.items' && byJid(fetched[0].items).map((i) => i.jid)).toEqual(
      expected.map((i) => i.jid),
    );

    // Pushes from the other client: rename + regroup Bob, remove Carol.
    core.events.length = 0;
    await otherSet(item('bob@localhost', 'Robert', ['Work', 'Family']));
    await otherSet(item('carol@localhost', null, [], { subscription: 'remove' }));
    await waitUntil('the pushes', () =>
      core.events.some((e) => e.type === 'roster.removed' && e.jid === 'carol@localhost'),
    );
    const bobEvent = core.events.find((e) => e.type === 'roster.item' && e.item.jid === 'bob@localhost');
    expect(bobEvent?.type === 'roster.item' && bobEvent.item).toMatchObject({ name: 'Robert' });
    expect(bobEvent?.type === 'roster.item' && [...bobEvent.item.groups].sort()).toEqual(['Family', 'Work']);
    expect(storedItems(core, id).map((i) => i.jid)).toEqual(['bob@localhost', 'dave@example.org']);
    expect(storedItems(core, id)[0]).toMatchObject({ name: 'Robert' });
    const pushedVersion = core.messenger.roster.syncView(id).version;
    expect(pushedVersion).not.toBe(firstSync?.version); // pushes carry the new version

    // Commands reach the server; the store follows the push that comes back.
    expect(
      await core.messenger.invoke('roster.update', {
        accountId: id,
        jid: 'dave@example.org',
        name: 'Dave',
        groups: ['Friends', 'Work'],
      }),
    ).toEqual({ ok: true, value: null });
    expect(
      await core.messenger.invoke('roster.update', { accountId: id, jid: 'bob@localhost', groups: ['Work'] }),
    ).toEqual({ ok: true, value: null });
    let onServer = await serverRoster();
    expect(onServer.get('dave@example.org')).toEqual({ name: 'Dave', groups: ['Friends', 'Work'] });
    expect(onServer.get('bob@localhost')).toEqual({ name: 'Robert', groups: ['Work'] }); // name kept
    await waitUntil('the push for Dave', () => storedItems(core, id)[1]?.name === 'Dave');

    const renamed = await core.messenger.invoke('roster.renameGroup', { accountId: id, from: 'Work', to: 'Job' });
    expect(renamed).toEqual({ ok: true, value: { changed: 2 } });
    onServer = await serverRoster();
    expect(onServer.get('dave@example.org')?.groups).toEqual(['Friends', 'Job']);
    expect(onServer.get('bob@localhost')?.groups).toEqual(['Job']);
    await waitUntil('the rename pushes', () =>
      storedItems(core, id).every((i) => !i.groups.includes('Work') && i.groups.includes('Job')),
    );

    expect(await core.messenger.invoke('roster.remove', { accountId: id, jid: 'dave@example.org' })).toEqual({
      ok: true,
      value: null,
    });
    expect((await serverRoster()).has('dave@example.org')).toBe(false);
    await waitUntil('the removal push', () => storedItems(core, id).length === 1);

    // Server errors come back as Result errors in words.
    if (kind === 'prosody') {
      // Only Prosody refuses our own JID in our roster (ejabberd stores it) and says item-not-found
      // for removing an absent item (ejabberd answers with a result).
      const self = await core.messenger.invoke('roster.update', { accountId: id, jid: 'alice@localhost', name: 'Me' });
      expect(self).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const missing = await core.messenger.invoke('roster.remove', { accountId: id, jid: 'nobody@localhost' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const unknown = await core.messenger.invoke('roster.remove', { accountId: 'no-such-account', jid: 'x@localhost' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // A lost TCP connection resumes the stream (XEP-0198): no new fetch.
    const fetchesBefore = core.messenger.roster.stats(id)!.fetches;
    const syncedBefore = syncedCount(core, id);
    core.sessions[0].xmpp.socket?.destroy();
    await waitUntil('the resumed sync state', () => syncedCount(core, id) === syncedBefore + 1);
    expect(core.messenger.roster.stats(id)!.fetches).toBe(fetchesBefore);

    // A new session with an unchanged roster: an empty versioned result, every item kept, no item events.
    const kept = byJid((await core.snapshot()).roster);
    const version = core.messenger.roster.syncView(id).version;
    expect(version).toMatch(/./);
    await core.messenger.invoke('account.setEnabled', { id, enabled: false });
    expect(core.messenger.roster.syncView(id).state).toBe('cached');
    core.events.length = 0;
    await core.messenger.invoke('account.setEnabled', { id, enabled: true });
    await waitUntil('the sync of the new session', () => syncedCount(core, id) === 1);
    const again = core.messenger.roster.stats(id)!;
    expect(again.lastRequestedVersion).toBe(version);
    expect(again.unchanged).toBe(1);
    expect(core.events.filter((e) => e.type.startsWith('roster.') && e.type !== 'roster.sync')).toEqual([]);
    expect(byJid((await core.snapshot()).roster)).toEqual(kept);
    expect(storedItems(core, id)).toEqual(kept);
    await core.messenger.close();

    // Restart of the core with the server down: the cached roster, marked 'cached'.
    await server.halt();
    try {
      core = await openCore(dir, server.caPem);
      snapshot = await core.snapshot();
      expect(byJid(snapshot.roster)).toEqual(kept);
      expect(snapshot.rosterSync).toEqual([{ accountId: id, state: 'cached', version, syncedAt: expect.any(Number) }]);
      const offline = await core.messenger.invoke('roster.update', { accountId: id, jid: 'bob@localhost', name: 'B' });
      expect(offline).toMatchObject({ ok: false, error: { code: 'not_connected' } });
      await core.messenger.close();
    } finally {
      await server.start();
    }
  });

  it('removing the account forgets its roster', async () => {
    const core = await openCore(dataDir(), server.caPem);
    const added = await core.messenger.invoke('account.add', {
      jid: 'alice@localhost',
      password: ALICE.password,
      host: server.host,
      port: server.port,
    });
    const id = (added as { value: AccountView }).value.id;
    await waitUntil('the sync', () => syncedCount(core, id) === 1);
    expect(storedItems(core, id).length).toBeGreaterThan(0);
    await core.messenger.invoke('account.remove', { id });
    expect(storedItems(core, id)).toEqual([]);
    expect((await core.snapshot()).roster).toEqual([]);
    expect(core.messenger.roster.stats(id)).toBeNull(); // forgotten in memory too
    await core.messenger.close();
  });
});

describe('roster against the scripted server (forged pushes, spoofed results)', () => {
  let certDir: string;
  let tlsOptions: { key: string; cert: string };
  let caPem: string;

  beforeAll(async () => {
    certDir = dataDir();
    const ca = await createTestCa(certDir);
    const cert = await issueServerCert(certDir, ca, ['localhost']);
    tlsOptions = { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem };
    caPem = ca.caPem;
  });

  const alice = `<item jid='alice@localhost' name='Alice' subscription='both'><group>Friends</group></item>`;

  interface Script {
    /** Send a spoofed result from mallory before the genuine one. */
    spoof?: boolean;
    /** Advertise XEP-0237 roster versioning (default true). */
    versioning?: boolean;
    /** The roster result for the n-th request (1-based): the whole <query/>, or '' for "unchanged". */
    roster?: (n: number) => string;
    /** The bare JID the scripted login binds (read at each login; default me@localhost). */
    bareJid?: () => string;
  }

  /** Plays login, answers the roster get per `script`, and adds the account to a fresh core. */
  async function setUp(script: Script = {}): Promise<{ server: ScriptedServer; core: Core; id: string }> {
    const versioning = script.versioning ?? true;
    const roster = script.roster ?? (() => `<query xmlns='${NS_ROSTER}' ver='1'>${alice}</query>`);
    let requests = 0;
    const server = await startScriptedServer({
      tls: tlsOptions,
      features: (_n, conn) => {
        if (!conn.secure) return `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>`;
        if (!conn.authenticated) return mechanisms('PLAIN');
        return `<bind xmlns='${NS_BIND}'/>${versioning ? "<ver xmlns='urn:xmpp:features:rosterver'/>" : ''}`;
      },
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, script.bareJid?.() ?? 'me@localhost')) return;
        if (chunk.includes('</stream:stream>')) return conn.close(); // answer the client's goodbye at once
        const get = /<iq\b[^>]*\btype=["']get["'][^>]*>/.exec(chunk);
        if (get && chunk.includes(NS_ROSTER)) {
          const id = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
          if (script.spoof) {
            conn.send(
              `<iq type='result' id='${id}' from='mallory@evil.example/x'><query xmlns='${NS_ROSTER}' ver='666'>` +
                `<item jid='mallory@evil.example' name='Alice' subscription='both'/></query></iq>`,
            );
          }
          conn.send(`<iq type='result' id='${id}'>${roster(++requests)}</iq>`);
        }
      },
    });
    const core = await openCore(dataDir(), caPem);
    const added = await core.messenger.invoke('account.add', {
      jid: 'me@localhost',
      password: 'anything',
      host: server.host,
      port: server.port,
    });
    const id = (added as { value: AccountView }).value.id;
    await waitUntil('the first sync', () => syncedCount(core, id) === 1);
    return { server, core, id };
  }

  /** A new session of the account (not a resumption); resolves once its roster is synced. */
  async function newSession(core: Core, id: string): Promise<void> {
    await core.messenger.invoke('account.setEnabled', { id, enabled: false });
    core.events.length = 0;
    await core.messenger.invoke('account.setEnabled', { id, enabled: true });
    await waitUntil('the sync of the new session', () => syncedCount(core, id) === 1);
  }

  /** Sends a push and waits for the client's answer to it; returns that answer. */
  async function push(server: ScriptedServer, pushId: string, stanza: string): Promise<string> {
    const conn = server.connections.at(-1)!;
    const before = conn.received.length;
    conn.send(stanza);
    let reply = '';
    await waitUntil(`the answer to ${pushId}`, () => {
      const match = new RegExp(`<iq\\b[^>]*\\bid=["']${pushId}["'][^>]*(/>|>[\\s\\S]*?</iq>)`).exec(
        conn.received.slice(before),
      );
      reply = match?.[0] ?? '';
      return reply !== '';
    });
    return reply;
  }

  it('applies only pushes without from or from our bare JID, with exactly one item', async () => {
    const { server, core, id } = await setUp();
    try {
      const boundJid = server.connections.at(-1)!.boundJid!;
      const before = storedItems(core, id);
      expect(before).toEqual([
        {
          accountId: id,
          jid: 'alice@localhost',
          name: 'Alice',
          subscription: 'both',
          pendingOut: false,
          groups: ['Friends'],
        },
      ]);
      const mallory = `<query xmlns='${NS_ROSTER}' ver='99'><item jid='mallory@evil.example' name='Alice' subscription='both'/></query>`;
      const removeAlice = `<query xmlns='${NS_ROSTER}' ver='99'><item jid='alice@localhost' subscription='remove'/></query>`;
      const forged: [string, string][] = [
        ['f1', `<iq type='set' id='f1' from='mallory@evil.example/x' to='${boundJid}'>${mallory}</iq>`],
        ['f2', `<iq type='set' id='f2' from='localhost' to='${boundJid}'>${mallory}</iq>`],
        ['f3', `<iq type='set' id='f3' from='me@localhost/phone' to='${boundJid}'>${mallory}</iq>`],
        ['f4', `<iq type='set' id='f4' from='mallory@evil.example' to='${boundJid}'>${removeAlice}</iq>`],
        [
          'f5',
          `<iq type='set' id='f5'><query xmlns='${NS_ROSTER}' ver='99'><item jid='mallory@evil.example'/>` +
            `<item jid='eve@evil.example'/></query></iq>`,
        ],
        ['f6', `<iq type='set' id='f6'><query xmlns='${NS_ROSTER}' ver='99'/></iq>`],
        ['f7', `<iq type='set' id='f7'><query xmlns='${NS_ROSTER}' ver='99'><item jid='bad@x/resource'/></query></iq>`],
        ['f8', `<iq type='set' id='f8' from=''>${mallory}</iq>`],
      ];
      core.events.length = 0;
      for (const [pushId, stanza] of forged) {
        const reply = await push(server, pushId, stanza);
        expect(reply, pushId).toMatch(/type=["']error["']/);
      }
      expect(storedItems(core, id)).toEqual(before);
      expect(core.messenger.roster.itemsOf(id)).toEqual(before);
      expect(core.messenger.roster.syncView(id).version).toBe('1');
      expect(core.messenger.roster.stats(id)!.pushesRejected).toBe(forged.length);
      await sleep(30); // let a batch flush if anything had been emitted
      expect(core.events.filter((e) => e.type.startsWith('roster.'))).toEqual([]);
      expect(logLines.some((line) => line.includes('forged roster push'))).toBe(true);

      // Valid: no from, and from our bare JID (any case).
      let reply = await push(
        server,
        'v1',
        `<iq type='set' id='v1'><query xmlns='${NS_ROSTER}' ver='2'><item jid='bob@localhost' name='Bob' ask='subscribe'/></query></iq>`,
      );
      expect(reply).toMatch(/type=["']result["']/);
      reply = await push(
        server,
        'v2',
        `<iq type='set' id='v2' from='Me@Localhost'><query xmlns='${NS_ROSTER}' ver='3'><item jid='alice@localhost' subscription='remove'/></query></iq>`,
      );
      expect(reply).toMatch(/type=["']result["']/);
      expect(storedItems(core, id)).toEqual([
        { accountId: id, jid: 'bob@localhost', name: 'Bob', subscription: 'none', pendingOut: true, groups: [] },
      ]);
      expect(core.messenger.roster.syncView(id).version).toBe('3');
      await waitUntil('the push events', () => core.events.some((e) => e.type === 'roster.removed'));
      expect(core.events.filter((e) => e.type === 'roster.item' || e.type === 'roster.removed')).toEqual([
        {
          type: 'roster.item',
          item: {
            accountId: id,
            jid: 'bob@localhost',
            name: 'Bob',
            subscription: 'none',
            pendingOut: true,
            groups: [],
          },
        },
        { type: 'roster.removed', accountId: id, jid: 'alice@localhost' },
      ]);
    } finally {
      await server.stop(); // first: the scripted server never closes the stream politely
      await core.messenger.close();
    }
  });

  it('a changed roster on a new session replaces the cache and emits only the difference', async () => {
    const item = (jid: string, name: string) => `<item jid='${jid}' name='${name}' subscription='both'/>`;
    const { server, core, id } = await setUp({
      roster: (n) =>
        n === 1
          ? `<query xmlns='${NS_ROSTER}' ver='1'>${item('alice@localhost', 'Alice')}${item('bob@localhost', 'Bob')}${item('dave@localhost', 'Dave')}</query>`
          : `<query xmlns='${NS_ROSTER}' ver='2'>${item('alice@localhost', 'Alice')}${item('bob@localhost', 'Robert')}${item('carol@localhost', 'Carol')}</query>`,
    });
    try {
      await newSession(core, id);
      expect(core.messenger.roster.stats(id)!).toMatchObject({ lastRequestedVersion: '1', full: 2, lastChanged: 2 });
      const changes = core.events.filter((e) => e.type.startsWith('roster.') && e.type !== 'roster.sync');
      expect(changes).toEqual([
        {
          type: 'roster.items',
          accountId: id,
          removed: ['dave@localhost'],
          items: [
            expect.objectContaining({ jid: 'bob@localhost', name: 'Robert' }),
            expect.objectContaining({ jid: 'carol@localhost', name: 'Carol' }),
          ],
        },
      ]);
      expect(storedItems(core, id).map((i) => `${i.jid}=${i.name}`)).toEqual([
        'alice@localhost=Alice',
        'bob@localhost=Robert',
        'carol@localhost=Carol',
      ]);
      expect(core.messenger.roster.syncView(id)).toMatchObject({ state: 'synced', version: '2' });
    } finally {
      await server.stop();
      await core.messenger.close();
    }
  });

  it('after the account JID was edited, the cached version is not reused', async () => {
    let bareJid = 'me@localhost';
    const { server, core, id } = await setUp({
      bareJid: () => bareJid,
      roster: (n) =>
        n === 1
          ? `<query xmlns='${NS_ROSTER}' ver='1'>${alice}</query>`
          : `<query xmlns='${NS_ROSTER}' ver='1'><item jid='zoe@localhost' name='Zoe'/></query>`,
    });
    try {
      bareJid = 'you@localhost';
      core.events.length = 0;
      await core.messenger.invoke('account.update', { id, jid: 'you@localhost' });
      await waitUntil('the sync as the new JID', () => syncedCount(core, id) === 1);
      expect(core.messenger.roster.stats(id)!).toMatchObject({ lastRequestedVersion: '', full: 2 });
      expect(storedItems(core, id).map((i) => i.jid)).toEqual(['zoe@localhost']);
    } finally {
      await server.stop();
      await core.messenger.close();
    }
  });

  it('an empty result keeps everything; without advertised versioning no ver is sent', async () => {
    const { server, core, id } = await setUp({
      versioning: false,
      roster: (n) => (n === 1 ? `<query xmlns='${NS_ROSTER}'>${alice}</query>` : ''),
    });
    try {
      expect(core.messenger.roster.stats(id)!.lastRequestedVersion).toBeUndefined();
      expect(core.messenger.roster.syncView(id).version).toBeNull();
      await newSession(core, id);
      expect(core.messenger.roster.stats(id)!).toMatchObject({ unchanged: 1, lastRequestedVersion: undefined });
      expect(storedItems(core, id).map((i) => i.jid)).toEqual(['alice@localhost']);
      const requests = server.connections.flatMap(
        (c) => c.received.match(/<query\b[^>]*jabber:iq:roster[^>]*>/g) ?? [],
      );
      expect(requests).toHaveLength(2);
      for (const request of requests) expect(request).not.toMatch(/\bver=/);
    } finally {
      await server.stop();
      await core.messenger.close();
    }
  });

  it('a spoofed roster result for our request is dropped; the genuine one is applied', async () => {
    const { server, core, id } = await setUp({ spoof: true });
    try {
      expect(core.messenger.roster.itemsOf(id).map((i) => i.jid)).toEqual(['alice@localhost']);
      expect(core.messenger.roster.syncView(id).version).toBe('1');
      expect(core.sessions[0].xmpp.iqGuard.dropped).toBe(1);
    } finally {
      await server.stop(); // first: the scripted server never closes the stream politely
      await core.messenger.close();
    }
  });
});
