/**
 * Presence through the whole core (messenger → account manager → real session → PresenceFeature →
 * SQLite) against each real server (Prosody, ejabberd), with Bob (two resources) and Carol as second real clients:
 * subscriptions made with stanzas, Bob's devices tracked and ranked, caps resolved, last seen stored,
 * an error presence replacing Bob's resources, directed presence to Carol ended when we go offline,
 * our own status seen by Bob, our presence remembered across a restart and re-sent, idle away and back.
 * Then a scripted server for what a real one will not send: a burst mixing presences the fast path
 * takes, MUC and subscription presence and a message, checked against the stream management ack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, ContactPresenceView, Snapshot } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore, type SecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { IdleClock } from '../../src/main/core/features/presence/idle';
import { discoInfoResponder, JABBERWOCK_CAPS_NODE, ownCapsElement } from '../../src/main/core/features/caps/own';
import { createTestCa, issueServerCert } from '../support/certs';
import { forEachServer, type TestServer } from '../support/servers';
import { fakeLogin, featuresWithSm, startScriptedServer, type ScriptedServer } from '../support/scripted-server';
import { startPeer as startRealPeer, subscribeBothWays, type Peer } from '../support/peer';
import { waitUntil } from '../support/wait';
import { NS_CAPS, NS_DISCO_INFO } from '../../src/main/core/xmpp/ns';
import { type SessionXmpp } from '../../src/main/core/accounts/client';

const ALICE = { user: 'alice', password: 'alice-presence-Pa55' };
const BOB = { user: 'bob', password: 'bob-presence-Pa55' };
const CAROL = { user: 'carol', password: 'carol-presence-Pa55' };
const NS_ROSTER = 'jabber:iq:roster';
const BOB_NODE = 'https://bob-client.example';
const BOB_INFO = {
  identities: [{ category: 'client', type: 'phone', lang: null, name: 'BobPhone' }],
  features: [NS_DISCO_INFO, NS_CAPS],
  forms: [],
};

const dirs: string[] = [];
const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

const startPeer = (
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
  setup?: (xmpp: SessionXmpp) => void,
) => startRealPeer(server, user, resource, log, setup);

/** A fake idle source and a clock whose intervals never fire by themselves (the test polls). */
function fakeIdle() {
  const state = { idleSeconds: 0 };
  const clock: IdleClock = { now: () => Date.now(), setInterval: () => 0, clearInterval: () => {} };
  return { state, options: { source: { idleSeconds: () => state.idleSeconds }, clock } };
}

interface Core {
  messenger: Messenger;
  events: AppEvent[];
  snapshot(): Promise<Snapshot>;
  /** The last presence.contact event for jid. */
  contact(jid: string): ContactPresenceView | undefined;
}

async function openCore(
  dir: string,
  ca: string,
  secrets: SecretStore,
  idle: ReturnType<typeof fakeIdle>['options'],
): Promise<Core> {
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets,
    log,
    extraCa: ca,
    flushMs: 5,
    idle,
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, {
        log: log.child(config.jid),
        ca,
        backoff: { baseMs: 100, capMs: 500 },
        resolveSrv: false,
      }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  return {
    messenger,
    events,
    async snapshot() {
      const result = await messenger.invoke('app.snapshot', {});
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value as Snapshot;
    },
    contact(jid) {
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i];
        if (event.type === 'presence.contact' && event.presence.jid === jid) return event.presence;
      }
      return undefined;
    },
  };
}

/** The last presence a peer received from alice (any resource), or undefined. */
function fromAlice(peer: Peer): Element | undefined {
  return peer.presences.filter((p) => p.attrs.from?.startsWith('alice@localhost/')).at(-1);
}

forEachServer('presence against %s', { users: [ALICE, BOB, CAROL] }, ({ started }) => {
  let server: TestServer;
  let bobDesk: Peer;
  let bobPhone: Peer;
  let carol: Peer;

  beforeAll(async () => {
    server = await started();
    // Subscriptions both ways between Alice and Bob, made with stanzas by a plain Alice client.
    const aliceSetup = await startPeer(server, ALICE, 'setup');
    bobDesk = await startPeer(server, BOB, 'desk', (xmpp) => {
      xmpp.iqCallee.get(NS_DISCO_INFO, 'query', discoInfoResponder(BOB_INFO, BOB_NODE));
    });
    await subscribeBothWays(aliceSetup, bobDesk);
    await aliceSetup.stop();
    bobDesk.presences.length = 0; // what Bob saw of the setup client is not the core's
    // Available, so the server tells Bob's desk about Alice.
    await bobDesk.send(xml('presence', {}, xml('priority', {}, '1')));
    bobPhone = await startPeer(server, BOB, 'phone');
    carol = await startPeer(server, CAROL, 'laptop');
    await carol.send(xml('presence'));
  });

  afterAll(async () => {
    await bobDesk?.stop();
    await bobPhone?.stop();
    await carol?.stop();
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tracks devices, last seen, errors, directed presence, own status, restarts and idle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-presence-'));
    dirs.push(dir);
    const secrets = createMemorySecretStore();
    const idle = fakeIdle();
    let core = await openCore(dir, server.caPem, secrets, idle.options);
    const added = await core.messenger.invoke('account.add', {
      jid: 'alice@localhost',
      password: ALICE.password,
      host: server.host,
      port: server.port,
    });
    expect(added.ok).toBe(true);
    const id = (added as { value: AccountView }).value.id;

    // Our initial presence (after the roster) reaches Bob, with our caps; Bob can verify them.
    await waitUntil('Bob seeing Alice', () => fromAlice(bobDesk) !== undefined);
    expect(core.messenger.roster.syncView(id).state).toBe('synced');
    const first = fromAlice(bobDesk)!;
    expect(first.attrs.type).toBeUndefined();
    const caps = first.getChild('c', NS_CAPS);
    expect(caps?.attrs.node).toBe(JABBERWOCK_CAPS_NODE);
    const aliceFull = first.attrs.from as string;
    const disco = await bobDesk.xmpp.iqCaller.get(
      xml('query', { xmlns: NS_DISCO_INFO, node: `${JABBERWOCK_CAPS_NODE}#${caps!.attrs.ver}` }),
      aliceFull,
    );
    expect(disco.getChildren('identity')[0].attrs).toMatchObject({ category: 'client', type: 'pc' });

    // Bob online from two resources: desk (away, priority 5, with caps) and phone (chat, priority 10).
    await bobDesk.send(
      xml(
        'presence',
        {},
        xml('show', {}, 'away'),
        xml('status', {}, 'at my desk'),
        xml('priority', {}, '5'),
        ownCapsElement(BOB_INFO, BOB_NODE),
      ),
    );
    await bobPhone.send(
      xml('presence', {}, xml('show', {}, 'chat'), xml('status', {}, 'on the go'), xml('priority', {}, '10')),
    );
    await waitUntil('both of Bob’s resources', () => core.contact('bob@localhost')?.resources.length === 2);
    let bob = core.contact('bob@localhost')!;
    expect(bob.resources.map((r) => [r.resource, r.show, r.status, r.priority])).toEqual([
      ['phone', 'chat', 'on the go', 10],
      ['desk', 'away', 'at my desk', 5],
    ]);
    expect(bob.directed).toBe(false);
    // The desk's caps resolve through one disco#info to Bob, verified: a phone client named BobPhone.
    await waitUntil('Bob’s desk client', () =>
      Boolean(core.contact('bob@localhost')?.resources.find((r) => r.resource === 'desk')?.client),
    );
    bob = core.contact('bob@localhost')!;
    expect(bob.resources.find((r) => r.resource === 'desk')!.client).toEqual({ name: 'BobPhone', device: 'phone' });
    const snapshot = await core.snapshot();
    expect(snapshot.presence.find((p) => p.jid === 'bob@localhost')?.resources.map((r) => r.resource)).toEqual([
      'phone',
      'desk',
    ]);
    expect(snapshot.ownPresence[id]).toEqual({ show: 'available', status: null, priority: 0, auto: false });

    // The phone goes away, then offline: the aggregate follows, last seen is recorded and stored.
    await bobPhone.send(xml('presence', {}, xml('show', {}, 'xa'), xml('priority', {}, '10')));
    await waitUntil('the phone away', () => core.contact('bob@localhost')?.resources[0].resource === 'desk');
    expect(core.contact('bob@localhost')!.resources.map((r) => r.show)).toEqual(['away', 'xa']);
    await bobPhone.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'battery low')));
    await waitUntil('the phone gone', () => core.contact('bob@localhost')?.resources.length === 1);
    bob = core.contact('bob@localhost')!;
    expect(bob.resources[0].resource).toBe('desk');
    expect(bob.lastSeen).toMatchObject({ resource: 'phone', status: 'battery low', device: null });
    await waitUntil('the last seen row', () => {
      const row = core.messenger.db
        .prepare('SELECT resource, status FROM last_seen WHERE account_id = ? AND jid = ?')
        .get(id, 'bob@localhost') as { resource: string; status: string } | undefined;
      return row?.resource === 'phone' && row.status === 'battery low';
    });

    // An error presence from Bob replaces every resource until his next available presence.
    await bobDesk.send(
      xml(
        'presence',
        { to: aliceFull, type: 'error' },
        xml('error', { type: 'cancel' }, xml('gone', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
      ),
    );
    await waitUntil('the error', () => core.contact('bob@localhost')?.error !== null);
    bob = core.contact('bob@localhost')!;
    expect(bob.error).toEqual({ condition: 'gone', text: null });
    expect(bob.resources).toEqual([]);
    await bobDesk.send(xml('presence', {}, xml('priority', {}, '1')));
    await waitUntil('Bob back', () => core.contact('bob@localhost')?.resources.length === 1);
    expect(core.contact('bob@localhost')!.error).toBeNull();

    // Directed presence to Carol (no subscription): she sees us; ending it sends unavailable.
    const carolSeen = () => carol.presences.filter((p) => p.attrs.from?.startsWith('alice@localhost/'));
    expect(
      await core.messenger.invoke('presence.directed', { accountId: id, jid: 'carol@localhost', send: true }),
    ).toEqual({ ok: true, value: null });
    await waitUntil('Carol seeing Alice', () => carolSeen().length === 1);
    expect(carolSeen()[0].attrs.type).toBeUndefined();
    await waitUntil('the directed flag', () => core.contact('carol@localhost')?.directed === true);
    await core.messenger.invoke('presence.directed', { accountId: id, jid: 'carol@localhost', send: false });
    await waitUntil('Carol seeing Alice leave', () => carolSeen().length === 2);
    expect(carolSeen()[1].attrs.type).toBe('unavailable');
    await waitUntil('the directed flag off', () => core.contact('carol@localhost')?.directed === false);

    // Directed again, then offline: Carol and Bob both see unavailable.
    await core.messenger.invoke('presence.directed', { accountId: id, jid: 'carol@localhost', send: true });
    await waitUntil('Carol seeing Alice again', () => carolSeen().length === 3);
    expect(await core.messenger.invoke('presence.set', { accountId: id, show: 'offline' })).toEqual({
      ok: true,
      value: null,
    });
    await waitUntil('Carol seeing Alice offline', () => carolSeen().length === 4);
    expect(carolSeen()[3].attrs.type).toBe('unavailable');
    await waitUntil('Bob seeing Alice offline', () => fromAlice(bobDesk)?.attrs.type === 'unavailable');
    // Unavailable, we no longer hear about contacts: nothing stale is shown.
    await waitUntil('Bob forgotten', () => core.contact('bob@localhost')?.resources.length === 0);

    // Our own status change seen by Bob: dnd, then only the text changes and dnd stays.
    await core.messenger.invoke('presence.set', { show: 'dnd', status: 'Writing', priority: 3 });
    await waitUntil('Bob seeing dnd', () => fromAlice(bobDesk)?.getChildText('show') === 'dnd');
    await core.messenger.invoke('presence.set', { accountId: id, status: 'Lunch' });
    await waitUntil('Bob seeing Lunch', () => fromAlice(bobDesk)?.getChildText('status') === 'Lunch');
    const lunch = fromAlice(bobDesk)!;
    expect(lunch.getChildText('show')).toBe('dnd');
    expect(lunch.getChildText('priority')).toBe('3');
    expect(lunch.getChild('c', NS_CAPS)).toBeDefined();
    const lastOwn = () =>
      core.events.filter((e): e is Extract<AppEvent, { type: 'presence.own' }> => e.type === 'presence.own').at(-1);
    await waitUntil('the own presence event', () => lastOwn()?.presence.status === 'Lunch');
    const ownEvent = lastOwn();
    expect(ownEvent).toMatchObject({
      type: 'presence.own',
      accountId: id,
      presence: { show: 'dnd', status: 'Lunch', priority: 3, auto: false },
      recentStatuses: ['Lunch', 'Writing'],
    });
    // Bob is back in view now that we are available again (the server sends his presence).
    await waitUntil('Bob seen again', () => (core.contact('bob@localhost')?.resources.length ?? 0) > 0);

    // Restart: own presence and last seen come from SQLite before connecting; presence is re-sent.
    await core.messenger.close();
    const bobBefore = bobDesk.presences.length;
    core = await openCore(dir, server.caPem, secrets, idle.options);
    const cold = await core.snapshot();
    expect(cold.ownPresence[id]).toEqual({ show: 'dnd', status: 'Lunch', priority: 3, auto: false });
    expect(cold.recentStatuses).toEqual(['Lunch', 'Writing']);
    expect(cold.presence.find((p) => p.jid === 'bob@localhost')?.lastSeen).toMatchObject({ resource: 'phone' });
    await waitUntil('Bob seeing Alice after the restart', () =>
      bobDesk.presences.slice(bobBefore).some((p) => p.attrs.from?.startsWith('alice@localhost/') && !p.attrs.type),
    );
    const resent = fromAlice(bobDesk)!;
    expect(resent.getChildText('show')).toBe('dnd');
    expect(resent.getChildText('status')).toBe('Lunch');

    // Idle: a manual dnd is never overridden; available goes away, then comes back.
    idle.state.idleSeconds = 6 * 60;
    await core.messenger.idle!.poll();
    expect((await core.snapshot()).ownPresence[id].show).toBe('dnd');
    idle.state.idleSeconds = 0;
    await core.messenger.idle!.poll();
    await core.messenger.invoke('presence.set', { show: 'available', status: 'Around' });
    await waitUntil('Bob seeing available', () => fromAlice(bobDesk)?.getChildText('status') === 'Around');
    idle.state.idleSeconds = 6 * 60;
    await core.messenger.idle!.poll();
    expect((await core.snapshot()).ownPresence[id]).toEqual({
      show: 'away',
      status: 'Around',
      priority: 3,
      auto: true,
    });
    await waitUntil('Bob seeing away', () => fromAlice(bobDesk)?.getChildText('show') === 'away');
    // The idle change is not the user's: the stored presence stays available.
    const stored = core.messenger.db.prepare('SELECT show FROM own_presence WHERE account_id = ?').get(id) as {
      show: string;
    };
    expect(stored.show).toBe('available');
    idle.state.idleSeconds = 0;
    await core.messenger.idle!.poll();
    expect((await core.snapshot()).ownPresence[id]).toMatchObject({ show: 'available', auto: false });
    await waitUntil('Bob seeing Alice back', () => {
      const last = fromAlice(bobDesk);
      return last?.getChildText('show') === null && last.getChildText('status') === 'Around';
    });

    // The tray reads the same state.
    expect(core.messenger.tray.summary().icon).toBe('available');
    await core.messenger.tray.setShow('all', 'xa');
    expect((await core.snapshot()).ownPresence[id]).toMatchObject({ show: 'xa', status: 'Around', auto: false });
    await core.messenger.close();
  });
});

describe('presence against the scripted server (stream management count, MUC, bad input)', () => {
  let server: ScriptedServer;
  let ackedH: number | null = null;
  /** Stanzas the server sent after <enabled/> (what the client's 'h' must count). */
  const burst = [
    `<presence from='bob@example.org/desk'><show>dnd</show><priority>3</priority></presence>`,
    `<presence from='bob@example.org/phone'><priority>200</priority></presence>`, // invalid priority: ignored
    `<presence from='room@conference.example.org/bob'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`,
    `<presence from='eve@example.org' type='subscribe'/>`,
    `<presence from='bob@example.org/tablet'><show>weird</show><status>${'x'.repeat(5000)}</status></presence>`,
    `<message from='bob@example.org/desk' type='chat'><body>hi</body></message>`,
    `<presence from='bob@example.org/desk' type='unavailable'/>`,
  ];

  beforeAll(async () => {
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-presence-certs-'));
    dirs.push(certDir);
    const ca = await createTestCa(certDir);
    const cert = await issueServerCert(certDir, ca, ['localhost']);
    server = await startScriptedServer({
      tls: { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem },
      features: featuresWithSm,
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, 'me@localhost')) return;
        if (chunk.includes('</stream:stream>')) return conn.close();
        const a = /<a\b[^>]*\bh=["'](\d+)["']/.exec(chunk);
        if (a) ackedH = Number(a[1]);
        const get = /<iq\b[^>]*\btype=["']get["'][^>]*>/.exec(chunk);
        if (get && chunk.includes(NS_ROSTER)) {
          const id = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
          conn.send(`<iq type='result' id='${id}'><query xmlns='${NS_ROSTER}' ver='1'/></iq>`);
        }
        if (/<presence(?![^>]*\b(?:type|to)=)[^>]*>/.test(chunk)) {
          conn.send(burst.join(''));
          conn.send(`<r xmlns='urn:xmpp:sm:3'/>`);
        }
      },
    });
    caForScripted = ca.caPem;
  });

  let caForScripted = '';

  afterAll(async () => {
    await server?.stop();
  });

  it('counts presences taken by the fast path in the ack, keeps MUC presence out, caps bad input', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-presence-scripted-'));
    dirs.push(dir);
    const core = await openCore(dir, caForScripted, createMemorySecretStore(), fakeIdle().options);
    const added = await core.messenger.invoke('account.add', {
      jid: 'me@localhost',
      password: 'anything',
      host: server.host,
      port: server.port,
    });
    const id = (added as { value: AccountView }).value.id;
    await waitUntil('the ack', () => ackedH !== null);
    // The roster result plus every stanza of the burst, whichever path handled it.
    expect(ackedH).toBe(1 + burst.length);
    await waitUntil('Bob’s tablet', () => core.contact('bob@example.org')?.resources.length === 1);
    const bob = core.contact('bob@example.org')!;
    expect(bob.resources[0]).toMatchObject({ resource: 'tablet', show: 'available', priority: 0 });
    expect(bob.resources[0].status).toHaveLength(1024);
    expect(bob.lastSeen?.resource).toBe('desk');
    const tracker = core.messenger.presence.service.tracker(id)!;
    expect(tracker.resources('room@conference.example.org')).toBeUndefined();
    expect(core.events.some((e) => e.type === 'presence.contact' && e.presence.jid.startsWith('room@'))).toBe(false);
    expect(logLines.some((line) => line.includes('invalid presence ignored'))).toBe(true);
    await core.messenger.close();
  });
});
