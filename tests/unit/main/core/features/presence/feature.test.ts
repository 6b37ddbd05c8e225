/**
 * Presence wired into the messenger, with sessions replaced by a stand-in client (no network): the
 * order roster → initial presence, one event per contact per flush however many stanzas, own
 * presence per account or for all, remembered across a restart, last seen in batches, idle changes
 * that are not stored, the tray model, MUC presence kept out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, ContactPresenceView, Snapshot } from '../../../../../../src/shared/contract';
import { createMessenger, type Messenger } from '../../../../../../src/main/core/messenger';
import { createMemorySecretStore, type SecretStore } from '../../../../../../src/main/core/secrets';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { IdleClock } from '../../../../../../src/main/core/features/presence/idle';
import { NS_CAPS, NS_DISCO_INFO } from '../../../../../../src/main/core/xmpp/ns';
import { fakeSessionFactory, type MessengerSession } from '../../../../../support/fake-session';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  messenger: Messenger;
  sessions: MessengerSession[];
  events: AppEvent[];
  idle: { seconds: number };
  snapshot(): Promise<Snapshot>;
  contactEvents(jid: string): ContactPresenceView[];
}

async function open(dir: string, secrets: SecretStore = createMemorySecretStore()): Promise<Harness> {
  const { sessions, factory } = fakeSessionFactory();
  const events: AppEvent[] = [];
  const idle = { seconds: 0 };
  const clock: IdleClock = { now: () => Date.now(), setInterval: () => 0, clearInterval: () => {} };
  const messenger = await createMessenger({
    dataDir: dir,
    secrets,
    log: silentLogger,
    sessionFactory: factory,
    flushMs: 1_000_000, // the tests flush by hand
    idle: { source: { idleSeconds: () => idle.seconds }, clock },
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  return {
    messenger,
    sessions,
    events,
    idle,
    async snapshot() {
      const result = await messenger.invoke('app.snapshot', {});
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value as Snapshot;
    },
    contactEvents: (jid) =>
      events.flatMap((e) => (e.type === 'presence.contact' && e.presence.jid === jid ? [e.presence] : [])),
  };
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-presence-unit-'));
  dirs.push(dir);
  return dir;
}

async function addAccount(h: Harness, jid: string): Promise<string> {
  const added = await h.messenger.invoke('account.add', { jid, password: 'pw' });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  return (added.value as AccountView).id;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const presences = (session: MessengerSession) => session.sent.filter((e) => e.name === 'presence');

describe('presence in the messenger', () => {
  it('announces itself only after the roster, with caps, and answers disco#info', async () => {
    const h = await open(':memory:');
    await addAccount(h, 'me@x');
    const session = h.sessions[0];
    await tick();
    expect(presences(session)).toEqual([]); // the roster request is still out
    session.answerRoster(`<item jid='bob@x' subscription='both'/>`);
    await tick();
    const sent = presences(session);
    expect(sent).toHaveLength(1);
    expect(sent[0].attrs).toEqual({});
    const caps = sent[0].getChild('c', NS_CAPS)!;
    const responder = session.callees.get(`get ${NS_DISCO_INFO} query`)!;
    const answer = responder({
      element: xml('query', { node: `${caps.attrs.node}#${caps.attrs.ver}` }),
      stanza: xml('iq'),
    });
    expect((answer as Element).getChildren('identity')[0].attrs).toMatchObject({ category: 'client', type: 'pc' });
    await h.messenger.close();
  });

  it('announces the own presence of a newly added account', async () => {
    const h = await open(':memory:');
    const id = await addAccount(h, 'me@x');
    await h.snapshot(); // flushes
    const own = h.events.filter((e) => e.type === 'presence.own' && e.accountId === id);
    expect(own.at(-1)).toMatchObject({ presence: { show: 'available', status: null, priority: 0, auto: false } });
    await h.messenger.close();
  });

  it('coalesces a flood into one view per contact per flush, most available first; MUC presence stays out', async () => {
    const h = await open(':memory:');
    const id = await addAccount(h, 'me@x');
    const session = h.sessions[0];
    session.answerRoster();
    await tick();
    h.messenger.presence.flushLastSeen();
    const inboundBefore = session.xmpp.streamManagement.inbound;
    for (let i = 0; i < 50; i++) {
      session.receive(
        `<presence from='bob@x/desk'><show>away</show><priority>10</priority><status>${i}</status></presence>`,
      );
      session.receive(`<presence from='bob@x/phone'><priority>9</priority></presence>`);
    }
    session.receive(`<presence from='room@conf.x/bob'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`);
    expect(session.xmpp.streamManagement.inbound - inboundBefore).toBe(100); // the MUC one took the normal path
    await h.snapshot(); // flushes
    const bob = h.contactEvents('bob@x');
    expect(bob).toHaveLength(1);
    expect(bob[0].resources.map((r) => [r.resource, r.show, r.priority, r.status])).toEqual([
      ['phone', 'available', 9, null],
      ['desk', 'away', 10, '49'],
    ]);
    expect(h.events.some((e) => e.type === 'presence.contact' && e.presence.jid.startsWith('room@'))).toBe(false);
    expect(h.messenger.presence.service.tracker(id)?.resources('room@conf.x')).toBeUndefined();
    await h.messenger.close();
  });

  it('sets own presence per account or for every enabled one, keeps the show on a status change, remembers it', async () => {
    const dir = tempDir();
    const secrets = createMemorySecretStore();
    let h = await open(dir, secrets);
    const a = await addAccount(h, 'a@x');
    const b = await addAccount(h, 'b@x');
    const c = await addAccount(h, 'c@x');
    await h.messenger.invoke('account.setEnabled', { id: c, enabled: false });
    for (const session of h.sessions) session.answerRoster();
    await tick();
    expect(await h.messenger.invoke('presence.set', { show: 'dnd', status: 'Busy', priority: 5 })).toEqual({
      ok: true,
      value: null,
    });
    expect(await h.messenger.invoke('presence.set', { accountId: a, status: 'Lunch' })).toEqual({
      ok: true,
      value: null,
    });
    for (let i = 0; i < 12; i++) await h.messenger.invoke('presence.set', { accountId: b, status: `s${i}` });
    await h.messenger.invoke('presence.set', { accountId: b, status: 'Lunch' });
    const last = presences(h.sessions[0]).at(-1)!;
    expect([last.getChildText('show'), last.getChildText('status'), last.getChildText('priority')]).toEqual([
      'dnd',
      'Lunch',
      '5',
    ]);
    let snapshot = await h.snapshot();
    expect(snapshot.ownPresence[a]).toEqual({ show: 'dnd', status: 'Lunch', priority: 5, auto: false });
    expect(snapshot.ownPresence[c]).toEqual({ show: 'available', status: null, priority: 0, auto: false });
    expect(snapshot.recentStatuses).toEqual(['Lunch', 's11', 's10', 's9', 's8', 's7', 's6', 's5', 's4', 's3']);
    const ownEvents = h.events.filter((e) => e.type === 'presence.own' && e.accountId === b);
    expect(ownEvents).toHaveLength(1); // coalesced per account
    expect(await h.messenger.invoke('presence.set', { accountId: 'nope', show: 'away' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // Offline sends unavailable and keeps the connection.
    await h.messenger.invoke('presence.set', { accountId: a, show: 'offline' });
    expect(presences(h.sessions[0]).at(-1)!.attrs.type).toBe('unavailable');
    await h.messenger.close();

    h = await open(dir, secrets);
    snapshot = await h.snapshot();
    expect(snapshot.ownPresence[a]).toEqual({ show: 'offline', status: 'Lunch', priority: 5, auto: false });
    expect(snapshot.ownPresence[b]).toEqual({ show: 'dnd', status: 'Lunch', priority: 5, auto: false });
    expect(snapshot.recentStatuses[0]).toBe('Lunch');
    // The remembered presence is what the new session announces (after its roster).
    const sessionB = h.sessions.find((s) => s.jid === 'b@x')!;
    sessionB.answerRoster();
    await tick();
    expect(presences(sessionB)[0].getChildText('show')).toBe('dnd');
    // An account set to offline announces nothing.
    const sessionA = h.sessions.find((s) => s.jid === 'a@x')!;
    sessionA.answerRoster();
    await tick();
    expect(presences(sessionA)).toEqual([]);
    await h.messenger.close();
  });

  it('stores last seen in batches and shows it after a restart, before connecting', async () => {
    const dir = tempDir();
    const secrets = createMemorySecretStore();
    let h = await open(dir, secrets);
    const id = await addAccount(h, 'me@x');
    const session = h.sessions[0];
    session.answerRoster();
    await tick();
    session.receive(`<presence from='bob@x/phone'/>`);
    session.receive(
      `<presence from='bob@x/phone' type='unavailable'><status>bye</status><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T10:00:00Z'/></presence>`,
    );
    const count = () => (h.messenger.db.prepare('SELECT count(*) AS n FROM last_seen').get() as { n: number }).n;
    expect(count()).toBe(0); // queued, not one write per stanza
    h.messenger.presence.flushLastSeen();
    expect(count()).toBe(1);
    await h.messenger.invoke('account.setEnabled', { id, enabled: false });
    await h.messenger.close();

    h = await open(dir, secrets);
    const bob = (await h.snapshot()).presence.find((p) => p.jid === 'bob@x')!;
    expect(bob.resources).toEqual([]);
    expect(bob.lastSeen).toEqual({
      resource: 'phone',
      at: Date.parse('2026-01-01T10:00:00Z'),
      status: 'bye',
      device: null,
    });
    await h.messenger.close();
  });

  it('idle goes away without storing it, comes back, and a user change takes over', async () => {
    const h = await open(':memory:');
    const id = await addAccount(h, 'me@x');
    const session = h.sessions[0];
    session.answerRoster();
    await tick();
    await h.messenger.invoke('presence.set', { status: 'Here' });
    h.idle.seconds = 30 * 60;
    await h.messenger.idle!.poll();
    expect((await h.snapshot()).ownPresence[id]).toEqual({ show: 'xa', status: 'Here', priority: 0, auto: true });
    expect(presences(session).at(-1)!.getChildText('show')).toBe('xa');
    const stored = () => h.messenger.db.prepare('SELECT show FROM own_presence').get() as { show: string };
    expect(stored().show).toBe('available');
    h.idle.seconds = 0;
    await h.messenger.idle!.poll();
    expect((await h.snapshot()).ownPresence[id]).toEqual({
      show: 'available',
      status: 'Here',
      priority: 0,
      auto: false,
    });

    // Away again, then the user picks a show: theirs, and nothing is restored over it.
    h.idle.seconds = 6 * 60;
    await h.messenger.idle!.poll();
    expect((await h.snapshot()).ownPresence[id].auto).toBe(true);
    await h.messenger.invoke('presence.set', { show: 'chat' });
    h.idle.seconds = 0;
    await h.messenger.idle!.poll();
    expect((await h.snapshot()).ownPresence[id]).toEqual({ show: 'chat', status: 'Here', priority: 0, auto: false });

    // The idle settings follow the preferences.
    await h.messenger.invoke('prefs.update', { idleEnabled: false });
    expect(h.messenger.idle!.getSettings().enabled).toBe(false);
    await h.messenger.close();
  });

  it('drives the tray: summary from accounts and own presence, setShow like presence.set', async () => {
    const h = await open(':memory:');
    const a = await addAccount(h, 'a@x');
    await addAccount(h, 'b@x');
    for (const session of h.sessions) session.answerRoster();
    await tick();
    let notified = 0;
    const unsubscribe = h.messenger.tray.subscribe(() => notified++);
    expect(h.messenger.tray.summary()).toMatchObject({ icon: 'available', commonShow: 'available' });
    await h.messenger.tray.setShow(a, 'dnd');
    await h.snapshot(); // flush: the tray hears about it
    expect(notified).toBeGreaterThan(0);
    expect(h.messenger.tray.summary()).toMatchObject({ icon: 'dnd', commonShow: null });
    await h.messenger.tray.setShow('all', 'away');
    expect(h.messenger.tray.summary()).toMatchObject({ icon: 'away', commonShow: 'away' });
    await expect(h.messenger.tray.setShow('nope', 'xa')).rejects.toThrow();
    unsubscribe();
    await h.messenger.close();
  });

  it('directed presence: needs a connection, is flagged on the contact, ended with unavailable', async () => {
    const h = await open(':memory:');
    const id = await addAccount(h, 'me@x');
    const session = h.sessions[0];
    session.answerRoster();
    await tick();
    expect(await h.messenger.invoke('presence.directed', { accountId: id, jid: 'Carol@Y', send: true })).toEqual({
      ok: true,
      value: null,
    });
    expect(presences(session).at(-1)!.attrs).toEqual({ to: 'carol@y' });
    await h.snapshot();
    expect(h.contactEvents('carol@y').at(-1)?.directed).toBe(true);
    await h.messenger.invoke('presence.directed', { accountId: id, jid: 'carol@y', send: false });
    expect(presences(session).at(-1)!.attrs).toEqual({ to: 'carol@y', type: 'unavailable' });
    await h.snapshot();
    expect(h.contactEvents('carol@y').at(-1)?.directed).toBe(false);
    await h.messenger.invoke('presence.set', { show: 'offline' });
    expect(await h.messenger.invoke('presence.directed', { accountId: id, jid: 'carol@y', send: true })).toMatchObject({
      ok: false,
      error: { code: 'not_connected' },
    });
    await h.messenger.close();
  });
});
