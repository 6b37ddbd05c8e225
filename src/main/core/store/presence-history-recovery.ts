/**
 * Presence history carried over when a damaged store is replaced (recovery.ts): the server cannot
 * give it back, so what of it the moved-aside file still holds intact goes into the fresh store.
 *
 * - The moved-aside file is opened read-only (it stays as it was, its `-wal` never checkpointed).
 * - Each table is checked first (PRAGMA integrity_check on the table and its indexes). The retention
 *   settings are carried over when their table passes: a user who turned recording off must not
 *   find it on again. The runs (coverage, contacts, devices, status texts, days) are carried over
 *   together or not at all: half of them would show gaps as offline.
 * - Only rows of accounts the fresh store kept, each through the fresh table's checks (a garbled
 *   row is left out). A day whose packed runs are damaged is skipped when read, as always.
 * - Whatever cannot be carried over starts empty, said once in the log.
 */
import Database from 'better-sqlite3';
import type { Logger } from '../log';
import type { Db } from './db';

const SETTINGS = { table: 'presence_history_settings', columns: ['account_id', 'retention_days'] };

type Kept = 'account' | 'contact' | 'device';

interface RunTable {
  table: string;
  columns: string[];
  /** The rows it names (its column `parentAt`): only those carried over are kept. */
  parent: Kept;
  parentAt: number;
  /** Its ids (first column) name rows of the tables after it. */
  ids?: Kept;
}

/** Parents first (foreign keys). */
const RUN_TABLES: RunTable[] = [
  { table: 'presence_history_coverage', columns: ['account_id', 'start', 'stop'], parent: 'account', parentAt: 0 },
  {
    table: 'presence_history_contacts',
    columns: ['id', 'account_id', 'jid'],
    parent: 'account',
    parentAt: 1,
    ids: 'contact',
  },
  {
    table: 'presence_history_devices',
    columns: ['id', 'contact', 'resource', 'client', 'kind'],
    parent: 'contact',
    parentAt: 1,
    ids: 'device',
  },
  {
    table: 'presence_history_statuses',
    columns: ['id', 'contact', 'hash', 'text', 'last_day'],
    parent: 'contact',
    parentAt: 1,
  },
  { table: 'presence_history_days', columns: ['device', 'day', 'runs', 'open'], parent: 'device', parentAt: 0 },
];

export interface HistoryCarriedOver {
  /** Accounts whose retention was carried over. */
  settings: number;
  /** Days of runs carried over (0 when the runs started empty). */
  days: number;
  /** Why the runs (or the settings) started empty; null when everything was carried over. */
  problem: string | null;
}

export function carryOverPresenceHistory(db: Db, keptAs: string, log: Logger): HistoryCarriedOver {
  let old: Database.Database | null = null;
  const result: HistoryCarriedOver = { settings: 0, days: 0, problem: null };
  try {
    old = new Database(keptAs, { readonly: true, fileMustExist: true });
    const present = new Set(
      (old.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
        (row) => row.name,
      ),
    );
    const damaged = [SETTINGS, ...RUN_TABLES]
      .map(({ table }) => table)
      .filter((table) => !present.has(table) || !intact(old!, table));
    const accounts = new Set<unknown>(
      (db.prepare('SELECT id FROM accounts').all() as { id: string }[]).map((row) => row.id),
    );
    db.transaction(() => {
      if (!damaged.includes(SETTINGS.table)) result.settings = copy(old!, db, SETTINGS, (row) => accounts.has(row[0]));
      if (RUN_TABLES.some(({ table }) => damaged.includes(table))) return;
      const kept: Record<Kept, Set<unknown>> = { account: accounts, contact: new Set(), device: new Set() };
      for (const spec of RUN_TABLES) {
        const parents = kept[spec.parent];
        const ids = spec.ids === undefined ? undefined : kept[spec.ids];
        const count = copy(old!, db, spec, (row) => parents.has(row[spec.parentAt]), ids);
        if (spec.table === 'presence_history_days') result.days = count;
      }
    })();
    if (damaged.length > 0) result.problem = `tables not intact or missing: ${damaged.join(', ')}`;
  } catch (error) {
    result.problem = error instanceof Error ? error.message : String(error);
  } finally {
    old?.close();
  }
  if (result.problem !== null) {
    log.warn('presence history could not all be carried over from the damaged store; what was not starts empty', {
      problem: result.problem.slice(0, 300),
      settings: result.settings,
      days: result.days,
    });
  } else {
    log.info('presence history carried over from the damaged store', { settings: result.settings, days: result.days });
  }
  return result;
}

/** The table and its indexes pass SQLite's integrity check (and can be read to the end). */
function intact(old: Database.Database, table: string): boolean {
  try {
    const rows = old.pragma(`integrity_check(${table})`) as { integrity_check: string }[];
    return rows.length === 1 && rows[0].integrity_check === 'ok';
  } catch {
    return false;
  }
}

/**
 * Copies the rows `keep` accepts, one INSERT OR IGNORE each (a row failing the fresh table's checks
 * is left out); the first column of those inserted goes to `ids`. Returns how many went in.
 */
function copy(
  old: Database.Database,
  db: Db,
  spec: { table: string; columns: readonly string[] },
  keep: (row: unknown[]) => boolean,
  ids?: Set<unknown>,
): number {
  const names = spec.columns.join(', ');
  const insert = db.prepare(
    `INSERT OR IGNORE INTO ${spec.table} (${names}) VALUES (${spec.columns.map(() => '?').join(', ')})`,
  );
  let count = 0;
  for (const row of old.prepare(`SELECT ${names} FROM ${spec.table}`).raw().iterate() as Iterable<unknown[]>) {
    if (!keep(row)) continue;
    if (insert.run(...row).changes === 1) {
      count++;
      ids?.add(row[0]);
    }
  }
  return count;
}
