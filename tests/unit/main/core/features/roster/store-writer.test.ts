/**
 * The roster's store writer on a real SQLite database: writes land in the order they were queued
 * (a push after a large sync is stored after it), a large sync is stored over several transactions
 * with its version written only with its last rows, a failed write leaves no version and drops the
 * account's later writes, flush() writes everything at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../../../../../src/shared/contract';
import type { Db } from '../../../../../../src/main/core/store/db';
import { memoryDbWithAccount } from '../../../../../support/db';
import { RosterRepository } from '../../../../../../src/main/core/store/roster-repo';
import { LARGE_WRITE, RosterStoreWriter, SORT_RUN } from '../../../../../../src/main/core/features/roster/store-writer';
import { silentLogger } from '../../../../../../src/main/core/log';

let db: Db;
let repo: RosterRepository;
let failed: string[];
let writer: RosterStoreWriter;

const view = (jid: string, name: string | null = null): RosterItemView => ({
  accountId: 'a',
  jid,
  name,
  subscription: 'both',
  pendingOut: false,
  groups: [],
});
const items = (count: number, name: string) => Array.from({ length: count }, (_, k) => view(`c${k}@x`, name));

function storedVersion(): string | null | undefined {
  const row = db.prepare('SELECT version FROM roster_versions WHERE account_id = ?').get('a') as
    { version: string | null } | undefined;
  return row?.version;
}
const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM roster_items').get() as { n: number }).n;
const nameOf = (jid: string) =>
  (db.prepare('SELECT name FROM roster_items WHERE jid = ?').get(jid) as { name: string | null } | undefined)?.name;
const turn = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  db = memoryDbWithAccount('a', 'a@x');
  repo = new RosterRepository(db);
  failed = [];
  writer = new RosterStoreWriter(repo, silentLogger, (accountId) => failed.push(accountId));
});
afterEach(() => db.close());

const sync = (upserts: RosterItemView[], version: string) =>
  writer.sync({ accountId: 'a', upserts, removed: [], version, syncedAt: 1, jid: 'a@x' });

describe('roster store writer', () => {
  it('writes a small sync and a push at once when nothing is queued', async () => {
    sync(items(LARGE_WRITE, 'A'), '1');
    expect(writer.busy).toBe(false);
    expect(rows()).toBe(LARGE_WRITE);
    expect(storedVersion()).toBe('1');
    const stored = writer.push({ accountId: 'a', version: '2', item: view('c0@x', 'Pushed') });
    expect(nameOf('c0@x')).toBe('Pushed');
    expect(storedVersion()).toBe('2');
    await expect(stored).resolves.toBeUndefined();
  });

  it('stores a large sync over several transactions, the version with the last; a push after it waits', async () => {
    sync(items(2000, 'Old'), '1');
    while (writer.busy) await turn();
    expect(storedVersion()).toBe('1');
    sync(items(12_000, 'New'), '2');
    let pushStored = false;
    const push = writer
      .push({ accountId: 'a', version: '3', item: view('c5@x', 'Pushed') })
      .then(() => (pushStored = true));
    // Nothing written in the caller's turn: the old roster and its version are still stored.
    expect(writer.busy).toBe(true);
    expect(storedVersion()).toBe('1');
    expect(nameOf('c5@x')).toBe('Old');

    const seen: { version: string | null | undefined; rows: number; pushed: boolean }[] = [];
    while (writer.busy) {
      await turn();
      seen.push({ version: storedVersion(), rows: rows(), pushed: nameOf('c5@x') === 'Pushed' });
    }
    await push;
    expect(pushStored).toBe(true);
    // Several transactions with no version in between; '2' only with all 12,000 rows; the push last.
    expect(seen.filter((s) => s.version === null).length).toBeGreaterThan(0);
    for (const s of seen) if (s.version === null) expect(s.pushed).toBe(false);
    expect(seen.find((s) => s.version === '2')?.rows ?? 12_000).toBe(12_000);
    expect(seen.at(-1)).toEqual({ version: '3', rows: 12_000, pushed: true });
  });

  it('writes a large sync in key order over all its transactions, not only within each', async () => {
    // Document order is the reverse of key order: a part of document order would hold the largest keys.
    const upserts = items(3000, 'N').reverse();
    sync(upserts, '1');
    const keys = upserts.map((item) => item.jid).sort();
    const storedJids = () =>
      (db.prepare('SELECT jid FROM roster_items ORDER BY jid').all() as { jid: string }[]).map((row) => row.jid);
    while (writer.busy) {
      await turn();
      const stored = storedJids();
      // Whatever is stored so far is the smallest keys: each part appends after the one before.
      expect(stored).toEqual(keys.slice(0, stored.length));
    }
    expect(storedJids()).toEqual(keys);
    expect(storedVersion()).toBe('1');
  });

  it('puts a large sync in key order a run at a time: no turn compares more than a run needs', async () => {
    // Every comparison of the sort reads two JIDs: count the reads of each turn until the rows are written.
    let reads = 0;
    const counted = items(12_000, 'N')
      .reverse()
      .map((item) => {
        const { jid, ...rest } = item;
        return Object.defineProperty(rest, 'jid', {
          get: () => {
            reads++;
            return jid;
          },
          enumerable: true,
        }) as RosterItemView;
      });
    sync(counted, '1');
    const readsPerTurn: number[] = [];
    while (rows() === 0) {
      reads = 0;
      await turn();
      readsPerTurn.push(reads);
    }
    // Sorting 12,000 at once reads a JID ~300,000 times in one turn; a run of SORT_RUN ~20,000, and
    // the first part (500 rows merged from 12 runs, then written) about as many.
    expect(readsPerTurn.length).toBeGreaterThanOrEqual(12_000 / SORT_RUN);
    expect(Math.max(...readsPerTurn)).toBeLessThan(SORT_RUN * 40);
    while (writer.busy) await turn();
    expect(rows()).toBe(12_000);
    expect(storedVersion()).toBe('1');
  });

  it('flush() writes everything queued at once, in order', () => {
    sync(items(6000, 'New'), '1');
    void writer.push({ accountId: 'a', version: '2', item: view('c1@x', 'Pushed') });
    writer.flush();
    expect(writer.busy).toBe(false);
    expect(rows()).toBe(6000);
    expect(nameOf('c1@x')).toBe('Pushed');
    expect(storedVersion()).toBe('2');
  });

  it('a failed write leaves no version, drops the later writes of the account and says so', async () => {
    sync(items(10, 'Old'), '1');
    const bad = { ...view('bad@x'), subscription: 'bogus' } as unknown as RosterItemView;
    sync([...items(3000, 'New'), bad], '2');
    const push = writer.push({ accountId: 'a', version: '3', item: view('c1@x', 'Pushed') });
    while (writer.busy) await turn();
    await push;
    expect(failed).toEqual(['a']);
    expect(storedVersion()).toBeNull();
    expect(nameOf('c1@x')).not.toBe('Pushed');
  });
});
