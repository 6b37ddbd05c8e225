/**
 * Presence history through the whole core against each real server: Bob is slixmpp (an independent
 * client) online from several devices, each with its own caps, changing his status over time and
 * coming and going; Alice is the core. Her timeline of Bob shows each device's runs, its client and
 * the device that gets messages sent to his bare address; it survives a restart; clearing and
 * retention delete what was kept. Then a scripted server for what a real one will not send: a
 * stranger's presence, malformed presence and an oversized stanza leave no history.
 *
 * States are kept from their first second here (presenceHistoryMinRunMs: 0) and the recorder settles
 * young runs and ticks after each change, so the test need not wait the minute a state must last in
 * the app (nor the ten seconds between the recorder's own looks at young runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, ContactPresenceView, TimelineView } from '../../src/shared/contract';
import { createMemorySecretStore, type SecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import Database from 'better-sqlite3';
import { createMessenger, DATABASE_FILE } from '../../src/main/core/messenger';
import type { Db } from '../../src/main/core/store/db';
import { AccountSession } from '../../src/main/core/accounts/session';
import { decodeDay } from '../../src/main/core/store/presence-history-codec';
import { forEachServer, type TestServer } from '../support/servers';
import { openTestCore, type Core } from '../support/core';
import { slixmppAvailable, startPresencePeer, type PresencePeer } from '../support/presence-peer';
import { createTestCa, issueServerCert } from '../support/certs';
import {
  fakeLogin,
  standardFeatures,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { sleep, waitUntil } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-history-Pa55' };
const BOB = { user: 'bob', password: 'bob-history-Pa55' };
const BOB_JID = 'bob@localhost';
const NS_ROSTER = 'jabber:iq:roster';

const dirs: string[] = [];
const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The last presence.contact event for Bob. */
function bob(core: Core): ContactPresenceView | undefined {
  for (let i = core.events.length - 1; i >= 0; i--) {
    const event: AppEvent = core.events[i];
    if (event.type === 'presence.contact' && event.presence.jid === BOB_JID) return event.presence;
  }
  return undefined;
}

/** Every run piece stored for Bob, unpacked. */
function storedOf(db: Db) {
  const rows = db
    .prepare(
      `SELECT d.resource, r.runs FROM presence_history_days r JOIN presence_history_devices d ON d.id = r.device
       JOIN presence_history_contacts c ON c.id = d.contact WHERE c.jid = ?`,
    )
    .all(BOB_JID) as { resource: string; runs: Buffer }[];
  return rows.flatMap((row) => decodeDay(row.runs).map((run) => ({ resource: row.resource, ...run })));
}

forEachServer('presence history against %s', { users: [ALICE, BOB] }, ({ started }) => {
  let server: TestServer;
  let peer: PresencePeer | null = null;
  let secrets: SecretStore;

  beforeAll(async () => {
    server = await started();
    secrets = createMemorySecretStore();
  });

  afterAll(async () => {
    await peer?.stop();
  });

  it('records Bob’s devices coming, changing and going, and keeps them across a restart', async (context) => {
    if (!(await slixmppAvailable())) return context.skip();
    const dir = tempDir('jw-history-');
    let core = await openTestCore(server, dir, secrets, log, ALICE, { presenceHistoryMinRunMs: 0 });
    const id = core.accountId;
    const history = () => core.messenger.presence.history;
    /**
     * Waits until Bob's presence as the core shows it passes `check`, then lets the recorder tick.
     * Then a second passes: the file keeps whole seconds, and of two states of one device that begin
     * in the same second only the later is kept.
     */
    const settled = async (what: string, check: (view: ContactPresenceView) => boolean) => {
      await waitUntil(what, () => {
        const view = bob(core);
        return view !== undefined && check(view);
      });
      // Young runs become runs now (a tick looks at them only every TICK_MS), then what is due is stored.
      history().settleAll();
      history().tick();
      await sleep(1000);
    };
    const timeline = async (days = 1) =>
      (await core.invoke('timeline.get', { accountId: id, jid: BOB_JID, days })) as TimelineView;

    // Bob's desk is online; Alice adds him, slixmpp accepts and asks back, Alice's policy accepts.
    peer = startPresencePeer(server, BOB);
    await peer.online('desk', { status: 'at my desk', priority: 5, client: 'BobDesk', type: 'pc' });
    await core.invoke('subscription.setPolicy', { accountId: id, incoming: 'accept' });
    await core.invoke('subscription.add', { accountId: id, jid: BOB_JID, name: 'Bob' });
    await waitUntil(
      'Bob in the roster both ways',
      () => core.messenger.roster.item(id, BOB_JID)?.subscription === 'both',
    );
    await peer.online('desk', { status: 'at my desk', priority: 5 });
    await settled('the desk online', (v) =>
      v.resources.some((r) => r.resource === 'desk' && r.status === 'at my desk'),
    );
    await settled(
      'the desk’s client',
      (v) => v.resources.find((r) => r.resource === 'desk')?.client?.name === 'BobDesk',
    );

    // The desk changes its status; the phone comes (higher priority), then leaves with a last word.
    await peer.online('desk', { show: 'dnd', status: 'in a meeting', priority: 5 });
    await settled('the meeting', (v) => v.resources.some((r) => r.resource === 'desk' && r.show === 'dnd'));
    await peer.online('phone', {
      show: 'away',
      status: 'on the train',
      priority: 10,
      client: 'BobPhone',
      type: 'phone',
    });
    await settled('the phone online', (v) => v.resources.some((r) => r.resource === 'phone'));
    await settled(
      'the phone’s client',
      (v) => v.resources.find((r) => r.resource === 'phone')?.client?.name === 'BobPhone',
    );
    await peer.offline('phone', 'battery low');
    await settled('the phone gone', (v) => !v.resources.some((r) => r.resource === 'phone'));
    // A laptop comes and goes.
    await peer.online('laptop', { status: 'quick look', client: 'BobLaptop', type: 'pc' });
    await settled('the laptop online', (v) => v.resources.some((r) => r.resource === 'laptop'));
    await peer.offline('laptop');
    await settled('the laptop gone', (v) => v.resources.length === 1);

    let view = await timeline();
    const device = (resource: string) => view.devices.find((d) => d.resource === resource)!;
    expect(view.devices.map((d) => d.resource)).toEqual(['desk', 'laptop', 'phone']);
    expect(device('desk')).toMatchObject({ lastSeen: null, client: { name: 'BobDesk', device: 'pc' } });
    expect(device('desk').runs.map((r) => [r.show, r.status, r.priority, r.end === null])).toEqual([
      ['available', 'at my desk', 5, false],
      ['dnd', 'in a meeting', 5, true],
    ]);
    expect(device('phone')).toMatchObject({ client: { name: 'BobPhone', device: 'phone' } });
    expect(device('phone').runs.map((r) => [r.show, r.status, r.priority])).toEqual([['away', 'on the train', 10]]);
    expect(device('phone').lastSeen).toBe(device('phone').runs[0].end);
    expect(device('laptop').runs).toHaveLength(1);
    // The desk gets messages to the bare address now (the phone, priority 10, did while it was there).
    expect(view.lastTarget).toEqual({ resource: 'desk', until: null });
    expect(view.recorded).toHaveLength(1);
    expect(view.quarters.online.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // A restart: everything is stored when the core closes; the timeline reads back from the file.
    await peer.online('desk', { show: 'dnd', status: 'in a meeting', priority: 5 });
    await core.close();
    const file = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    const stored = storedOf(file);
    file.close();
    expect(stored.map((r) => r.resource).sort()).toEqual(['desk', 'desk', 'laptop', 'phone']);
    core = await openTestCore(server, dir, secrets, log, undefined, { presenceHistoryMinRunMs: 0 });
    await settled('the desk after the restart', (v) => v.resources.some((r) => r.resource === 'desk'));
    view = await timeline();
    expect(view.devices.map((d) => d.resource)).toEqual(['desk', 'laptop', 'phone']);
    // The meeting goes on: one run when the server dates Bob's presence before the restart (a delay
    // stamp), else a second one from the new session (while Alice was away nothing is known).
    const states = device('desk').runs.map((r) => `${r.show} ${r.status}`);
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual(['available at my desk', 'dnd in a meeting']);
    expect(device('desk').runs.at(-1)!.end).toBeNull();
    // Listening from before Bob's first run to now (the restart's gap is too short to show).
    expect(view.recorded[0].start).toBeLessThanOrEqual(device('desk').runs[0].start);
    expect(view.recorded.at(-1)!.end).toBe(view.to);

    // Clearing Bob: his history is gone; what he does now is recorded again.
    await core.invoke('timeline.clear', { accountId: id, jid: BOB_JID });
    expect(storedOf(core.messenger.db)).toEqual([]);
    view = await timeline();
    expect(view.devices.map((d) => [d.resource, d.runs.length, d.runs[0].end])).toEqual([['desk', 1, null]]);

    // Recording off deletes everything kept for the account and records nothing more.
    expect(await core.invoke('timeline.setRetention', { accountId: id, retentionDays: 0 })).toEqual({
      accountId: id,
      retentionDays: 0,
    });
    await peer.online('desk', { show: 'away', status: 'lunch', priority: 5 });
    await settled('lunch', (v) => v.resources.some((r) => r.status === 'lunch'));
    history().writeNow(true);
    const count = (table: string) =>
      (core.messenger.db.prepare(`SELECT count(*) AS n FROM presence_history_${table}`).get() as { n: number }).n;
    for (const table of ['contacts', 'devices', 'statuses', 'days', 'coverage']) expect(count(table), table).toBe(0);
    expect(await timeline()).toMatchObject({ retentionDays: 0, devices: [], recorded: [] });
    expect(await core.invoke('timeline.settings', {})).toEqual([{ accountId: id, retentionDays: 0 }]);
    // On again (7 days): from now.
    await core.invoke('timeline.setRetention', { accountId: id, retentionDays: 7 });
    view = await timeline();
    expect(view.devices.map((d) => [d.resource, d.runs.map((r) => r.status)])).toEqual([['desk', ['lunch']]]);
    await core.close();
    expect(logLines.filter((line) => line.startsWith('error'))).toEqual([]);
  }, 180_000);
  it('records Bob’s idle time (XEP-0319) with his state, and drops a forged one', async (context) => {
    if (!(await slixmppAvailable())) return context.skip();
    const dir = tempDir('jw-history-idle-');
    const core = await openTestCore(server, dir, secrets, log, ALICE, { presenceHistoryMinRunMs: 0 });
    const id = core.accountId;
    peer ??= startPresencePeer(server, BOB);
    await peer.online('desk', { status: 'at my desk', priority: 5, client: 'BobDesk', type: 'pc' });
    await core.invoke('subscription.setPolicy', { accountId: id, incoming: 'accept' });
    await core.invoke('subscription.add', { accountId: id, jid: BOB_JID, name: 'Bob' });
    await waitUntil(
      'Bob in the roster both ways',
      () => core.messenger.roster.item(id, BOB_JID)?.subscription === 'both',
    );
    const desk = () => bob(core)?.resources.find((r) => r.resource === 'desk');
    await peer.online('desk', { status: 'at my desk', priority: 5 });
    await waitUntil('the desk online', () => desk()?.status === 'at my desk');
    core.messenger.presence.history.settleAll();
    await sleep(1000);

    // Away, idle for ten minutes (whole seconds: the file keeps those).
    const idleSince = Math.floor((Date.now() - 600_000) / 1000) * 1000;
    await peer.online('desk', {
      show: 'away',
      status: 'gone for coffee',
      priority: 5,
      idle: new Date(idleSince).toISOString(),
    });
    await waitUntil('the desk idle', () => desk()?.idleSince === idleSince);
    expect(desk()).toMatchObject({ show: 'away', status: 'gone for coffee' });
    core.messenger.presence.history.settleAll();
    await sleep(1000);
    // A forged idle time (next year): the presence counts, the idle time does not.
    const forged = new Date(Date.now() + 365 * 86_400_000).toISOString();
    await peer.online('desk', { show: 'away', status: 'still away', priority: 5, idle: forged });
    await waitUntil('the forged idle time dropped', () => desk()?.status === 'still away');
    expect(desk()?.idleSince).toBeUndefined();
    core.messenger.presence.history.settleAll();

    const view = (await core.invoke('timeline.get', { accountId: id, jid: BOB_JID, days: 1 })) as TimelineView;
    // What the desk said before (the server's answer at login, an earlier test) comes first.
    const runs = view.devices.find((d) => d.resource === 'desk')!.runs.slice(-3);
    expect(runs.map((r) => [r.show, r.status, r.idleSince ?? null])).toEqual([
      ['available', 'at my desk', null],
      ['away', 'gone for coffee', idleSince],
      ['away', 'still away', null],
    ]);
    await core.close();
    // Kept in the file with the run.
    const reopened = await openTestCore(server, dir, secrets, log, undefined, { presenceHistoryMinRunMs: 0 });
    const stored = (await reopened.invoke('timeline.get', { accountId: id, jid: BOB_JID, days: 1 })) as TimelineView;
    const storedRuns = stored.devices.find((d) => d.resource === 'desk')!.runs;
    expect(storedRuns.find((r) => r.status === 'gone for coffee')?.idleSince).toBe(idleSince);
    await reopened.close();
  }, 120_000);
});

describe('presence history against the scripted server (strangers, bad and oversized presence)', () => {
  let server: ScriptedServer;
  let ca = '';
  let sessionsStarted = 0;
  let first: ScriptedConnection | null = null;
  const burst = [
    `<presence from='bob@example.org/desk'><status>fine</status></presence>`,
    `<presence from='stranger@example.org/pc'><status>buy now</status></presence>`, // not a contact
    `<presence from='bob@example.org/phone'><priority>200</priority></presence>`, // invalid priority
    `<presence from='bob@example.org/tablet'><priority>one</priority></presence>`,
    `<presence from='@example.org/x'/>`, // not a JID
    `<presence from='bob@example.org/r' type='bogus'/>`,
    `<presence from='room@conference.example.org/bob'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`,
  ];

  beforeAll(async () => {
    const certDir = tempDir('jw-history-certs-');
    const authority = await createTestCa(certDir);
    const cert = await issueServerCert(certDir, authority, ['localhost']);
    ca = authority.caPem;
    server = await startScriptedServer({
      tls: { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem },
      features: standardFeatures,
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, 'me@localhost')) return;
        if (chunk.includes('</stream:stream>')) return conn.close();
        const get = /<iq\b[^>]*\btype=["']get["'][^>]*>/.exec(chunk);
        if (get && chunk.includes(NS_ROSTER)) {
          const iqId = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
          conn.send(
            `<iq type='result' id='${iqId}'><query xmlns='${NS_ROSTER}' ver='1'><item jid='bob@example.org' subscription='both'/></query></iq>`,
          );
        }
        if (/<presence(?![^>]*\b(?:type|to)=)[^>]*>/.test(chunk)) {
          sessionsStarted++;
          if (sessionsStarted > 1) return;
          first = conn;
          conn.send(burst.join(''));
        }
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('records only the contact’s valid presence', async () => {
    const dir = tempDir('jw-history-scripted-');
    const messenger = await createMessenger({
      dataDir: dir,
      secrets: createMemorySecretStore(),
      log,
      extraCa: ca,
      flushMs: 5,
      presenceHistoryMinRunMs: 0,
      sessionFactory: (config, hooks) =>
        new AccountSession(config, hooks, {
          log: log.child(config.jid),
          ca,
          backoff: { baseMs: 100, capMs: 500 },
          resolveSrv: false,
        }),
    });
    const added = await messenger.invoke('account.add', {
      jid: 'me@localhost',
      password: 'anything',
      host: server.host,
      port: server.port,
    });
    const id = (added as { value: AccountView }).value.id;
    const events: AppEvent[] = [];
    messenger.subscribe((batch) => events.push(...batch.events));
    await waitUntil('Bob’s desk', () =>
      events.some((e) => e.type === 'presence.contact' && e.presence.resources.some((r) => r.resource === 'desk')),
    );
    // An oversized stanza: the stream guard ends the stream before any parser sees it whole; the
    // account reconnects, and what Bob's desk said ended when the first stream did.
    first!.send(`<presence from='bob@example.org/huge'><status>${'x'.repeat(1_100_000)}</status></presence>`);
    await waitUntil('the second session', () => sessionsStarted >= 2);
    await messenger.invoke('app.snapshot', {});
    await messenger.close();
    const reopened = await createMessenger({ dataDir: dir, secrets: createMemorySecretStore(), log });
    const contacts = reopened.db.prepare('SELECT jid FROM presence_history_contacts').all();
    expect(contacts).toEqual([{ jid: 'bob@example.org' }]);
    const devices = reopened.db.prepare('SELECT resource FROM presence_history_devices').all();
    expect(devices).toEqual([{ resource: 'desk' }]);
    const texts = reopened.db.prepare('SELECT text FROM presence_history_statuses').all();
    expect(texts).toEqual([{ text: 'fine' }]);
    const view = await reopened.invoke('timeline.get', { accountId: id, jid: 'stranger@example.org' });
    expect((view as { value: TimelineView }).value.devices).toEqual([]);
    await reopened.close();
  });
});
