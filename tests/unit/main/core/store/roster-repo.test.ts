import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../../../../src/shared/contract';
import { openDatabase, type Db } from '../../../../../src/main/core/store/db';
import { AccountsRepository } from '../../../../../src/main/core/store/accounts-repo';
import { RosterRepository } from '../../../../../src/main/core/store/roster-repo';

let db: Db;
let accounts: AccountsRepository;
let roster: RosterRepository;

function addAccount(id: string): void {
  accounts.insert({
    id,
    jid: `${id}@example.org`,
    host: null,
    port: null,
    label: '',
    color: '#000000',
    enabled: true,
    resource: 'r',
  });
}

const view = (accountId: string, jid: string, extra: Partial<RosterItemView> = {}): RosterItemView => ({
  accountId,
  jid,
  name: null,
  subscription: 'none',
  pendingOut: false,
  groups: [],
  ...extra,
});

beforeEach(() => {
  db = openDatabase(':memory:');
  accounts = new AccountsRepository(db);
  roster = new RosterRepository(db);
  addAccount('a');
  addAccount('b');
});
afterEach(() => db.close());

describe('roster repository', () => {
  it('stores a sync (items + version) and loads it back per account', () => {
    roster.applySync(
      'a',
      [view('a', 'x@y', { name: 'X', subscription: 'both', pendingOut: true, groups: ['G1', 'G2'] }), view('a', 'z@y')],
      [],
      '12',
      1000,
    );
    roster.applySync('b', [view('b', 'x@y', { groups: ['Other'] })], [], null, 2000, 'b@example.org');
    const loaded = roster.loadAll();
    expect(loaded.get('a')).toMatchObject({
      items: expect.arrayContaining([
        view('a', 'x@y', { name: 'X', subscription: 'both', pendingOut: true, groups: ['G1', 'G2'] }),
        view('a', 'z@y'),
      ]),
      version: '12',
      syncedAt: 1000,
    });
    expect(loaded.get('b')).toEqual({
      items: [view('b', 'x@y', { groups: ['Other'] })],
      jid: 'b@example.org',
      version: null,
      syncedAt: 2000,
    });
    expect(loaded.get('a')?.jid).toBeNull();
  });

  it('a sync removes vanished items and overwrites changed ones in one transaction', () => {
    roster.applySync('a', [view('a', 'x@y'), view('a', 'z@y')], [], '1', 1);
    roster.applySync('a', [view('a', 'x@y', { name: 'new' })], ['z@y'], '2', 2);
    expect(roster.loadAll().get('a')).toMatchObject({
      items: [view('a', 'x@y', { name: 'new' })],
      version: '2',
      syncedAt: 2,
    });
  });

  it('a failing sync changes nothing (one transaction)', () => {
    roster.applySync('a', [view('a', 'x@y')], [], '1', 1);
    const bad = { ...view('a', 'q@y'), subscription: 'banana' } as unknown as RosterItemView;
    expect(() => roster.applySync('a', [view('a', 'w@y'), bad], ['x@y'], '2', 2)).toThrow(/CHECK/);
    expect(roster.loadAll().get('a')).toMatchObject({ items: [view('a', 'x@y')], version: '1', syncedAt: 1 });
  });

  it('pushes set and remove single items and keep the version when the push has none', () => {
    roster.applySync('a', [view('a', 'x@y')], [], '1', 1);
    roster.applyPush('a', { item: view('a', 'n@y', { name: 'N' }) }, '2');
    roster.applyPush('a', { removed: 'x@y' }, null);
    expect(roster.loadAll().get('a')).toMatchObject({
      items: [view('a', 'n@y', { name: 'N' })],
      version: '2',
      syncedAt: 1,
    });
  });

  it('enforces the enumerations and JSON groups with CHECK constraints', () => {
    const insert = db.prepare(
      'INSERT INTO roster_items (account_id, jid, name, subscription, ask_subscribe, groups) VALUES (?, ?, ?, ?, ?, ?)',
    );
    expect(() => insert.run('a', 'x@y', null, 'remove', 0, '[]')).toThrow(/CHECK/);
    expect(() => insert.run('a', 'x@y', null, 'both', 2, '[]')).toThrow(/CHECK/);
    expect(() => insert.run('a', 'x@y', null, 'both', 0, '{"a":1}')).toThrow(/CHECK/);
    expect(() => insert.run('a', 'x@y', null, 'both', 0, 'not json')).toThrow(/CHECK/);
    expect(() => insert.run('a', 'x@y', Buffer.from('x'), 'both', 0, '[]')).toThrow(/cannot store BLOB/); // STRICT
    expect(() => insert.run('nobody', 'x@y', null, 'both', 0, '[]')).toThrow(/FOREIGN KEY/);
  });

  it('removing the account removes its roster and version (ON DELETE CASCADE)', () => {
    roster.applySync('a', [view('a', 'x@y')], [], '1', 1);
    roster.applySync('b', [view('b', 'x@y')], [], '1', 1);
    accounts.delete('a');
    const loaded = roster.loadAll();
    expect(loaded.has('a')).toBe(false);
    expect(loaded.get('b')?.items).toHaveLength(1);
  });

  it('large syncs (multi-row statements) overwrite existing rows and roll back as a whole', () => {
    const make = (n: number, name: string) =>
      Array.from({ length: n }, (_, i) =>
        view('a', `c${i}@example.org`, { name: `${name} ${i}`, groups: [`g${i % 3}`] }),
      );
    roster.applySync('a', make(250, 'old'), [], '1', 1);
    roster.applySync('a', make(250, 'new'), [], '2', 2);
    const loaded = roster.loadAll().get('a')!;
    expect(loaded.items).toHaveLength(250);
    expect(loaded.items.every((item) => item.name?.startsWith('new '))).toBe(true);
    const bad = make(250, 'bad');
    bad[150] = { ...bad[150], subscription: 'banana' } as unknown as RosterItemView;
    expect(() => roster.applySync('a', bad, [], '3', 3)).toThrow(/CHECK/);
    const after = roster.loadAll().get('a')!;
    expect(after.version).toBe('2');
    expect(after.items.every((item) => item.name?.startsWith('new '))).toBe(true);
  });

  it('writes and reads 10,000 items', () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      view('a', `contact${i}@example.org`, { name: `Contact ${i}`, groups: [`group${i % 500}`] }),
    );
    roster.applySync('a', items, [], '1', 1);
    expect(roster.loadAll().get('a')?.items).toHaveLength(10_000);
  });
});
