/**
 * The window's first screen is built on its own (src/main/core/snapshot.ts), not by narrowing the
 * whole snapshot: it must still be exactly what the narrowed whole snapshot was, for rosters with
 * groups, collapsed groups, nicknames, presence (online, offline with a last-seen time, an error,
 * a directed presence), hidden offline contacts and several accounts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountView, Prefs, RosterItemView, Snapshot } from '../../../../src/shared/contract';
import { rosterFirstScreen } from '../../../../src/shared/roster-first-screen';
import { fromRosterTable, toRosterTable } from '../../../../src/shared/roster-table';
import { identitiesOf } from '../../../../src/shared/identity-table';
import { createMessenger, DATABASE_FILE, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';
import { AccountsRepository } from '../../../../src/main/core/store/accounts-repo';
import { openDatabase } from '../../../../src/main/core/store/db';
import { RosterRepository } from '../../../../src/main/core/store/roster-repo';
import { IdentitiesRepository } from '../../../../src/main/core/features/avatars/repo';
import { AVATAR_LIMITS } from '../../../../src/main/core/media/limits';
import { MediaStore } from '../../../../src/main/core/media/store';
import { DEFAULT_PREFS } from '../../../../src/shared/limits';
import { png } from '../../../support/media-samples';
import type { MessengerSession } from '../../../support/fake-session';
import { fakeMessenger } from '../../../support/fake-messenger';

const NS_NICK = 'http://jabber.org/protocol/nick';
// Group "Team 0" (16 contacts in both accounts) and the head of the next one.
const ROWS = 20;

const open: Messenger[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const messenger of open.splice(0)) await messenger.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The first screen as the core gave it before it was built on its own: the whole snapshot (with the
 * roster as items) narrowed to the first rows' contacts.
 */
function narrowed(whole: Snapshot, rows: number): Snapshot {
  const items = whole.roster;
  const anyoneOnline = whole.presence.some((view) => view.resources.length > 0);
  const nicks = new Map<string, string | null>();
  for (const identity of whole.identities ?? []) nicks.set(`${identity.accountId}|${identity.jid}`, identity.nick);
  const nickOf = (accountId: string, jid: string) => nicks.get(`${accountId}|${jid}`);
  const first = rosterFirstScreen(items, whole.prefs, nickOf, anyoneOnline, rows);
  const shown = new Set(first?.items.map((item) => `${item.accountId}|${item.jid}`));
  const isShown = (view: { accountId: string; jid: string }) => shown.has(`${view.accountId}|${view.jid}`);
  return {
    ...whole,
    roster: [],
    rosterTable: toRosterTable(first?.items ?? []),
    ...(first ? { rosterFirstScreen: first.screen } : {}),
    presence: whole.presence.filter(isShown),
    identities: whole.identities?.filter(isShown),
    xmppUri: null,
  };
}

/** Presence and identities are keyed lists (the stores index them): compared in one order. */
function normalized(snapshot: Snapshot): Snapshot {
  const byKey = <T extends { accountId: string; jid: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => `${a.accountId}|${a.jid}`.localeCompare(`${b.accountId}|${b.jid}`));
  return { ...snapshot, presence: byKey(snapshot.presence), identities: byKey(snapshot.identities ?? []) };
}

async function value(messenger: Messenger, input: object): Promise<Snapshot> {
  const result = await messenger.invoke('app.snapshot', input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as Snapshot;
}

/** The first screen, then the whole snapshot (items) it must equal once narrowed; both at one seq. */
async function expectFirstScreenAsNarrowed(messenger: Messenger, rows = ROWS): Promise<Snapshot> {
  const first = await value(messenger, { compactRoster: true, firstScreen: rows });
  const whole = await value(messenger, {});
  expect(first.seq).toBe(whole.seq);
  expect(normalized(first)).toEqual(normalized(narrowed(whole, rows)));
  return first;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function addAccount(messenger: Messenger, jid: string): Promise<string> {
  const added = await messenger.invoke('account.add', { jid, password: 'pw' });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  return (added.value as AccountView).id;
}

function rosterItems(count: number, domain: string): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const name = i % 4 === 0 ? '' : ` name='Contact ${(i * 37) % 101}'`;
    const groups =
      i % 9 === 0 ? '' : `<group>Team ${i % 5}</group>${i % 3 === 0 ? `<group>Team ${(i + 2) % 5}</group>` : ''}`;
    out += `<item jid='user${i}@${domain}' subscription='both'${name}>${groups}</item>`;
  }
  return out;
}

const nick = (from: string, text: string) =>
  `<message from='${from}'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${NS_NICK}'><item id='current'><nick xmlns='${NS_NICK}'>${text}</nick></item></items></event></message>`;

describe('the first screen built on its own', () => {
  it('is the narrowed whole snapshot: groups, nicknames, presence, collapsed groups, views, hidden offline', async () => {
    const { messenger, sessions } = await fakeMessenger();
    open.push(messenger);
    const a = await addAccount(messenger, 'me@a.example');
    const b = await addAccount(messenger, 'me@b.example');
    const [sa, sb] = sessions as [MessengerSession, MessengerSession];
    sa.answerRoster(rosterItems(40, 'a.example'));
    sb.answerRoster(rosterItems(25, 'b.example'));
    await tick();
    // Nicknames reorder contacts without a roster name; one is given to a contact with one.
    sa.receive(nick('user20@a.example', 'Aardvark'));
    sa.receive(nick('user10@a.example', 'Ten'));
    sa.receive(nick('user0@a.example', 'Zero'));
    sb.receive(nick('user8@b.example', 'Bee'));
    // Offline with a last-seen time, an error, a directed presence.
    sa.receive(`<presence from='user10@a.example/desk'/>`);
    sa.receive(`<presence from='user10@a.example/desk' type='unavailable'/>`);
    sb.receive(
      `<presence from='user10@b.example' type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`,
    );
    await messenger.invoke('presence.directed', { accountId: a, jid: 'user5@a.example', send: true });
    await expect
      .poll(() =>
        messenger.presence
          .views()
          .map((view) => view.jid)
          .sort(),
      )
      .toEqual(['user10@a.example', 'user10@b.example', 'user5@a.example']);

    const first = await expectFirstScreenAsNarrowed(messenger);
    expect(first.rosterFirstScreen).toMatchObject({ view: '*', total: 65, rows: ROWS });
    expect(fromRosterTable(first.rosterTable!).length).toBeGreaterThan(0);
    expect(first.identities?.map((identity) => identity.nick).sort()).toEqual(['Aardvark', 'Ten']);
    expect(first.presence.map((view) => view.jid).sort()).toEqual([
      'user10@a.example',
      'user10@b.example',
      'user5@a.example',
    ]);

    // A collapsed group, then one account's view, then more rows than there are.
    const prefs = (input: Partial<Prefs>) => messenger.invoke('prefs.update', input);
    await prefs({ rosterCollapsed: ['*|Team 0'] });
    await expectFirstScreenAsNarrowed(messenger);
    await prefs({ rosterView: b, rosterCollapsed: [`${b}|Team 1`] });
    expect((await expectFirstScreenAsNarrowed(messenger)).rosterFirstScreen?.view).toBe(b);
    await expectFirstScreenAsNarrowed(messenger, 500);
    // Hidden offline contacts: no first screen, nothing of the roster column.
    await prefs({ rosterView: 'all', rosterHideOffline: true });
    expect((await expectFirstScreenAsNarrowed(messenger)).rosterFirstScreen).toBeUndefined();
    // Someone online: no first screen either.
    await prefs({ rosterHideOffline: false });
    sb.receive(`<presence from='user3@b.example/phone'><show>away</show></presence>`);
    const online = await expectFirstScreenAsNarrowed(messenger);
    expect(online.rosterFirstScreen).toBeUndefined();
    expect(online.presence).toEqual([]);
  });
});

describe('the first screen kept ready from start-up', () => {
  function contacts(): RosterItemView[] {
    const items: RosterItemView[] = [];
    for (let i = 0; i < 300; i++) {
      const groups = i % 11 === 0 ? [] : [`Group ${i % 7}`];
      items.push({
        accountId: 'c',
        jid: `c${i}@example.org`,
        name: `C ${i}`,
        subscription: 'both',
        pendingOut: false,
        groups,
      });
    }
    return items;
  }

  function seeded(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-first-screen-'));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, DATABASE_FILE));
    const items = contacts();
    new AccountsRepository(db).insert({
      ...{ id: 'c', jid: 'me@example.org', host: null, port: null, label: 'c', color: '#3a5bd9' },
      ...{ enabled: false, resource: 'r' },
    });
    new RosterRepository(db).applySync('c', items, [], 'v1', Date.now());
    db.close();
    return dir;
  }

  /** A kept avatar (stored and indexed, as a run of the app leaves it) for each of `jids`. */
  async function keepAvatars(dir: string, jids: string[]): Promise<void> {
    const store = await MediaStore.open({ dir: path.join(dir, 'media', 'store'), log: silentLogger });
    const kept = await store.ingest(png(10, 10), 'sha1', AVATAR_LIMITS);
    if (!kept.ok) throw new Error(kept.reason);
    await store.settle();
    const db = openDatabase(path.join(dir, DATABASE_FILE));
    const repo = new IdentitiesRepository(db);
    for (const jid of jids) repo.save({ accountId: 'c', jid, avatarHash: kept.key.hash, source: 'pep', nick: null }, 1);
    db.close();
  }

  async function start(dataDir = seeded(), connectAfterFirstSnapshotMs?: number): Promise<Messenger> {
    const messenger = await createMessenger({
      dataDir,
      connectAfterFirstSnapshotMs,
      secrets: createMemorySecretStore(),
      log: silentLogger,
      storeCheckFallbackMs: 60_000,
      flushMs: 1_000_000,
      sessionFactory: () => ({ start() {}, stop: async () => {}, reconnectNow() {}, checkAlive() {} }),
    });
    open.push(messenger);
    await tick(); // the idle turn that readies it
    return messenger;
  }

  it('answers from what it computed in the idle turn, without reading the roster again', async () => {
    const messenger = await start();
    const items = vi.spyOn(messenger.roster, 'items');
    const first = await value(messenger, { compactRoster: true, firstScreen: 60 });
    expect(items).not.toHaveBeenCalled();
    expect(first.rosterFirstScreen).toMatchObject({ total: 300, rows: 60 });
    items.mockRestore();
    const whole = await value(messenger, {});
    expect(normalized(first)).toEqual(normalized(narrowed(whole, 60)));
  });

  it('keeps it through the kept avatars loaded after it, putting in those of the contacts shown', async () => {
    const shown = new Set(rosterFirstScreen(contacts(), DEFAULT_PREFS, () => null, false, 60)!.items.map((c) => c.jid));
    const notShown = contacts()
      .map((c) => c.jid)
      .filter((jid) => !shown.has(jid));
    const [aShown] = shown;
    for (const avatars of [notShown.slice(0, 50), [...notShown.slice(0, 50), aShown]]) {
      const dir = seeded();
      await keepAvatars(dir, avatars);
      const messenger = await start(dir);
      // Loaded after the idle turn: their events wait in the bus until the answer's flush.
      await vi.waitFor(() => expect(messenger.identities.view('c', avatars.at(-1)!).avatar).not.toBeNull());
      const items = vi.spyOn(messenger.roster, 'items');
      const first = await value(messenger, { compactRoster: true, firstScreen: 60 });
      // The order is not computed again: a face does not move a contact.
      expect(items).not.toHaveBeenCalled();
      items.mockRestore();
      expect(first.identities?.map((identity) => identity.jid)).toEqual(avatars.includes(aShown) ? [aShown] : []);
      expect(normalized(first)).toEqual(normalized(narrowed(await value(messenger, {}), 60)));
    }
  });

  it('loads the kept avatars, in a shell with a window, only once the whole snapshot has been served', async () => {
    const [first] = rosterFirstScreen(contacts(), DEFAULT_PREFS, () => null, false, 60)!.items;
    const dir = seeded();
    await keepAvatars(dir, [first.jid]);
    const messenger = await start(dir, 60_000);
    // Neither the idle turn nor the first screen's answer loads them: the window's start has the CPU.
    const screen = await value(messenger, { compactRoster: true, firstScreen: 60 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(screen.identities).toEqual([]);
    expect(messenger.identities.view('c', first.jid).avatar).toBeNull();
    await value(messenger, { compactRoster: true });
    await vi.waitFor(() => expect(messenger.identities.view('c', first.jid).avatar).not.toBeNull());
  });

  it('gives the window’s whole snapshot the identities as a table of what it draws, the same identities', async () => {
    const jids = contacts()
      .slice(0, 30)
      .map((c) => c.jid);
    const dir = seeded();
    await keepAvatars(dir, jids);
    const messenger = await start(dir);
    await vi.waitFor(() => expect(messenger.identities.views()).toHaveLength(30));
    const views = (await value(messenger, {})).identities;
    const compact = await value(messenger, { compactRoster: true });
    expect(compact.identities).toEqual([]);
    expect(identitiesOf(compact)).toEqual(views.map((view) => ({ ...view, avatar: { id: view.avatar!.id } })));
    expect(JSON.stringify(compact)).not.toContain('image/png');
  });

  it('computes it again after any change the window would be told of', async () => {
    const messenger = await start();
    await messenger.invoke('prefs.update', { rosterCollapsed: ['*|Group 0'] });
    const items = vi.spyOn(messenger.roster, 'items');
    const first = await value(messenger, { compactRoster: true, firstScreen: 60 });
    expect(items).toHaveBeenCalled();
    items.mockRestore();
    expect(normalized(first)).toEqual(normalized(narrowed(await value(messenger, {}), 60)));
  });
});
