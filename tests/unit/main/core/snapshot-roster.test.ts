/**
 * The window's first snapshot asks for the roster in its compact form: the same items as the full
 * snapshot's, read back from a cached realistic roster.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RosterItemView, Snapshot } from '../../../../src/shared/contract';
import { fromRosterTable } from '../../../../src/shared/roster-table';
import { createMessenger, DATABASE_FILE, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';
import { AccountsRepository } from '../../../../src/main/core/store/accounts-repo';
import { openDatabase } from '../../../../src/main/core/store/db';
import { RosterRepository } from '../../../../src/main/core/store/roster-repo';
import { realisticContacts } from '../../../../bench/realistic-data.mjs';

let dir: string;
let messenger: Messenger | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-snapshot-roster-'));
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  const accounts = new AccountsRepository(db);
  const roster = new RosterRepository(db);
  for (const id of ['a1', 'a2']) {
    accounts.insert({
      id,
      jid: `${id}@example.invalid`,
      host: null,
      port: null,
      label: id,
      color: '#3a5bd9',
      enabled: false,
      resource: 'r',
    });
    const items: RosterItemView[] = realisticContacts(id === 'a1' ? 1500 : 200).map((contact) => ({
      accountId: id,
      jid: contact.jid,
      name: contact.name,
      subscription: contact.subscription,
      pendingOut: contact.ask,
      groups: contact.groups,
    }));
    roster.applySync(id, items, [], 'v1', Date.now());
  }
  db.close();
});

afterEach(async () => {
  await messenger?.close();
  messenger = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The messenger over the stored roster, its sessions never connecting. */
function openOffline(): Promise<Messenger> {
  return createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: silentLogger,
    storeCheckFallbackMs: 60_000,
    sessionFactory: () => ({ start() {}, stop: async () => {}, reconnectNow() {}, checkAlive() {} }),
  });
}

it('sends the cached roster as a compact table when asked, holding exactly the items of the full snapshot', async () => {
  messenger = await openOffline();
  const full = await messenger.invoke('app.snapshot', {});
  const compact = await messenger.invoke('app.snapshot', { compactRoster: true });
  if (!full.ok || !compact.ok) throw new Error('no snapshot');
  const { roster, rosterTable } = compact.value as Snapshot;
  expect((full.value as Snapshot).roster).toHaveLength(1700);
  expect((full.value as Snapshot).rosterTable).toBeUndefined();
  expect(roster).toEqual([]);
  expect(fromRosterTable(rosterTable!)).toEqual((full.value as Snapshot).roster);
});

it('answers a first screen with the first rows’ contacts and the counts, leaving the link for the whole snapshot', async () => {
  messenger = await openOffline();
  messenger.control.openXmppUri('xmpp:romeo@montague.example?message;body=Hi');
  const first = await messenger.invoke('app.snapshot', { compactRoster: true, firstScreen: 40 });
  const whole = await messenger.invoke('app.snapshot', { compactRoster: true });
  if (!first.ok || !whole.ok) throw new Error('no snapshot');
  const screen = first.value as Snapshot;
  const all = fromRosterTable((whole.value as Snapshot).rosterTable!);
  const shown = fromRosterTable(screen.rosterTable!);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThanOrEqual(40);
  for (const item of shown) expect(all).toContainEqual(item);
  expect(screen.rosterFirstScreen).toMatchObject({ view: '*', total: 1700, rows: 40 });
  const groups = screen.rosterFirstScreen!.groups;
  expect(groups.reduce((sum, group) => sum + group.size, 0)).toBe(
    all.reduce((sum, item) => sum + Math.max(1, new Set(item.groups).size), 0),
  );
  // The link opened before the window asked is the whole snapshot's, not the first screen's.
  expect(screen.xmppUri).toBeNull();
  expect((whole.value as Snapshot).xmppUri).toMatchObject({ ok: true });
});
