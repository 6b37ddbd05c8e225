/**
 * Presence history's background pruning: nothing at once, then what ended before the account's
 * retention, a few contacts a transaction, and again every PRUNE_INTERVAL_MS; a shorter retention
 * is pruned soon.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rateLimited, silentLogger } from '../../../../../../src/main/core/log';
import {
  HistoryPruner,
  PRUNE_CHUNK,
  PRUNE_FIRST_MS,
  PRUNE_INTERVAL_MS,
} from '../../../../../../src/main/core/features/presence/history-prune';
import {
  PresenceHistoryRepository,
  type HistoryRetention,
} from '../../../../../../src/main/core/store/presence-history-repo';
import { historyRun, memoryHistoryStore } from '../../../../../support/presence-history';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function store(contacts: number, endedDaysAgo: number) {
  const { repo, count } = memoryHistoryStore('acc');
  const start = NOW - endedDaysAgo * DAY - 3_600_000;
  repo.write(
    'acc',
    Array.from({ length: contacts }, (_, i) =>
      historyRun({ bare: `c${i}@x`, resource: 'r', start, end: start + 60_000 }),
    ),
    NOW,
  );
  return { repo, count: () => count('presence_history_days') };
}

function pruner(repo: PresenceHistoryRepository, retention: { days: HistoryRetention }) {
  return new HistoryPruner({
    repo,
    log: rateLimited(silentLogger),
    now: () => NOW,
    accounts: () => [{ accountId: 'acc', retention: retention.days }],
    background: true,
  });
}

describe('background pruning of presence history', () => {
  it('waits after start, then prunes a chunk of contacts a step, and again later', () => {
    const { repo, count } = store(PRUNE_CHUNK + 50, 40);
    const p = pruner(repo, { days: 30 });
    expect(count()).toBe(PRUNE_CHUNK + 50);
    vi.advanceTimersByTime(PRUNE_FIRST_MS);
    expect(count()).toBe(50);
    vi.advanceTimersByTime(1000);
    expect(count()).toBe(0);
    vi.advanceTimersByTime(PRUNE_INTERVAL_MS);
    p.close();
  });

  it('keeps what the retention keeps, and prunes soon when it gets shorter', () => {
    const { repo, count } = store(10, 10);
    const retention: { days: HistoryRetention } = { days: 30 };
    const p = pruner(repo, retention);
    vi.advanceTimersByTime(PRUNE_FIRST_MS + 1000);
    expect(count()).toBe(10);
    retention.days = 7;
    p.soon('acc', 7);
    vi.advanceTimersByTime(1);
    expect(count()).toBe(0);
    p.close();
  });
});
