/**
 * Last-seen rows of a flood into the real store (SQLite in memory): written a chunk a turn, so that
 * a thousand contacts going offline at once do not hold the loop in one transaction; closing writes
 * every row at once; rows of removed accounts are not written.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../../../src/main/core/log';
import {
  LAST_SEEN_FLUSH_MS,
  LAST_SEEN_WRITE_CHUNK,
  LastSeenStore,
} from '../../../../../../src/main/core/features/presence/last-seen';
import { PresenceRepository } from '../../../../../../src/main/core/store/presence-repo';
import { memoryDbWithAccount } from '../../../../../support/db';

const AT = Date.parse('2026-12-07T08:00:00Z');

function setup() {
  const db = memoryDbWithAccount('acc', 'me@x');
  const repo = new PresenceRepository(db);
  const store = new LastSeenStore(repo, silentLogger, () => ['acc']);
  const rows = () => (db.prepare('SELECT count(*) AS n FROM last_seen').get() as { n: number }).n;
  const goOffline = (contacts: number) => {
    for (let i = 0; i < contacts; i++) {
      store.seen('acc', `c${i}@x`, { resource: 'r', at: AT + i, status: null, client: null });
    }
  };
  return { db, repo, store, rows, goOffline };
}

/** The next timer or turn (the clock is the test's: each step runs one callback). */
const step = () => vi.advanceTimersToNextTimer();
const afterFlushWindow = () => vi.advanceTimersByTime(LAST_SEEN_FLUSH_MS);

describe('last seen', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a flood of rows a chunk a turn, every row in the end', () => {
    const { repo, rows, goOffline } = setup();
    const contacts = LAST_SEEN_WRITE_CHUNK * 2 + 10;
    goOffline(contacts);
    step();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK);
    step();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK * 2);
    step();
    expect(rows()).toBe(contacts);
    expect(repo.queuedLastSeen).toBe(0);
  });

  it('writes rows queued while a flood is written in the next flush window', () => {
    const { repo, rows, goOffline, store } = setup();
    goOffline(LAST_SEEN_WRITE_CHUNK + 1);
    step();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK);
    store.seen('acc', 'late@x', { resource: 'r', at: AT, status: null, client: null });
    step();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK + 1);
    expect(repo.queuedLastSeen).toBe(1);
    afterFlushWindow();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK + 2);
  });

  it('writes every queued row at once when flushed (closing)', () => {
    const { store, rows, goOffline } = setup();
    goOffline(LAST_SEEN_WRITE_CHUNK * 3);
    store.flush();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK * 3);
    afterFlushWindow();
    expect(rows()).toBe(LAST_SEEN_WRITE_CHUNK * 3);
  });

  it('keeps the newest time per contact in memory and in the store', () => {
    const { db, store } = setup();
    store.seen('acc', 'bob@x', { resource: 'r', at: AT + 10, status: 'later', client: null });
    store.seen('acc', 'bob@x', { resource: 'r', at: AT, status: 'earlier', client: null });
    expect(store.get('acc', 'bob@x')).toMatchObject({ at: AT + 10, status: 'later' });
    afterFlushWindow();
    expect(db.prepare('SELECT at, status FROM last_seen').all()).toEqual([{ at: AT + 10, status: 'later' }]);
  });
});
