/**
 * The identity writer after a flood: a write that began with a chunk's worth of changes or more
 * makes the next one wait five seconds (a login that announces new hashes stanza after stanza is
 * written once it calmed, not every second while it lasts); a small write keeps the one second.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdentitiesRepository } from '../../../../../../src/main/core/features/avatars/repo';
import {
  IdentityWriter,
  SAVE_CHUNK,
  type WrittenIdentity,
} from '../../../../../../src/main/core/features/avatars/identity-writer';
import type { Db } from '../../../../../../src/main/core/store/db';
import { memoryDbWithAccount } from '../../../../../support/db';

const ACCOUNT = 'acc';

let db: Db;
let written: number[];
let writer: IdentityWriter<WrittenIdentity>;
let clock: ReturnType<typeof vi.spyOn>;

const turn = () => new Promise((resolve) => setImmediate(resolve));
const entries = (count: number, hash: string, from = 0): WrittenIdentity[] =>
  Array.from({ length: count }, (_, k) => ({
    accountId: ACCOUNT,
    jid: `c${from + k}@example.org`,
    hash,
    source: 'vcard' as const,
    nick: null,
  }));
const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM identities').get() as { n: number }).n;

beforeEach(() => {
  db = memoryDbWithAccount(ACCOUNT, 'me@example.org');
  const repo = new IdentitiesRepository(db);
  const saveMany = repo.saveMany.bind(repo);
  written = [];
  repo.saveMany = (records, now) => {
    written.push(records.length);
    saveMany(records, now);
  };
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  clock = vi.spyOn(performance, 'now').mockReturnValue(1_000_000);
  writer = new IdentityWriter(
    repo,
    () => 1_000_000,
    (error) => {
      throw error;
    },
  );
});

afterEach(() => {
  writer.close();
  clock.mockRestore();
  vi.useRealTimers();
  db.close();
});

function change(list: WrittenIdentity[]): void {
  for (const entry of list) writer.changed(entry);
}

describe('identity writes after a flood', () => {
  it("waits five seconds after a flood's write, and writes the latest values then", async () => {
    const flood = entries(SAVE_CHUNK + 1, 'a'.repeat(40));
    change(flood);
    await vi.waitUntil(() => written.length === 2, { timeout: 10_000 });
    expect(written).toEqual([SAVE_CHUNK, 1]);
    // The flood goes on: the same contacts announce new hashes.
    for (const entry of flood.slice(0, 10)) entry.hash = 'b'.repeat(40);
    change(flood.slice(0, 10));
    await turn();
    vi.advanceTimersByTime(1_000);
    await turn();
    await turn();
    expect(written).toEqual([SAVE_CHUNK, 1]);
    vi.advanceTimersByTime(3_999);
    await turn();
    expect(written).toEqual([SAVE_CHUNK, 1]);
    vi.advanceTimersByTime(1);
    await vi.waitUntil(() => written.length === 3, { timeout: 10_000 });
    expect(written).toEqual([SAVE_CHUNK, 1, 10]);
    expect(stored()).toBe(SAVE_CHUNK + 1);
    const hashes = db.prepare('SELECT COUNT(*) AS n FROM identities WHERE avatar_hash = ?').get('b'.repeat(40));
    expect(hashes).toEqual({ n: 10 });
  });

  it('keeps one second after a small write', async () => {
    const few = entries(10, 'a'.repeat(40));
    change(few);
    await vi.waitUntil(() => written.length === 1, { timeout: 10_000 });
    change(entries(5, 'c'.repeat(40), 100));
    await turn();
    vi.advanceTimersByTime(1_000);
    await vi.waitUntil(() => written.length === 2, { timeout: 10_000 });
    expect(written).toEqual([10, 5]);
  });
});
