/** Presence history fixtures: a run as the recorder hands it to the store, and a store in memory. */
import { PresenceHistoryRepository, Stored, type HistoryRun } from '../../src/main/core/store/presence-history-repo';
import type { Db } from '../../src/main/core/store/db';
import { memoryDbWithAccount } from './db';

/** A run of one resource: available, no status, priority 0, no client, not stored yet, unless told. */
export function historyRun(
  fields: Pick<HistoryRun, 'bare' | 'resource' | 'start' | 'end'> & Partial<HistoryRun>,
): HistoryRun {
  return {
    show: 'available',
    status: null,
    priority: 0,
    clientName: null,
    kind: null,
    idleSince: null,
    device: 0,
    stored: Stored.No,
    firstDay: 0,
    ...fields,
  };
}

/** The presence history store over an in-memory database with one account, and a table's row count. */
export function memoryHistoryStore(accountId: string): {
  db: Db;
  repo: PresenceHistoryRepository;
  count: (table: string) => number;
} {
  const db = memoryDbWithAccount(accountId, 'me@x');
  const repo = new PresenceHistoryRepository(db);
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { db, repo, count };
}
