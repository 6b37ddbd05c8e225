/**
 * Opening the store, and the way out of a damaged one.
 *
 * A damaged file is moved aside together with its `-wal` and `-shm` (they are part of the database:
 * separated, the kept copy would be a different database), named with the date, and a fresh store is
 * created in its place. What the user typed and the server cannot give back is read out of the damaged
 * file first and kept where it can still be read: accounts (their passwords live in the secret store,
 * keyed by account id), pinned certificates, settings, own presence and subscription policies, and
 * presence history where it is intact (presence-history-recovery.ts). Roster, bookmarks and messages
 * come back from the server.
 *
 * Files are only moved while no connection of ours has them open.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log';
import { DatabaseTooNewError, openDatabase, StoreUnavailableError, type Db } from './db';
import { carryOverPresenceHistory } from './presence-history-recovery';
import { isCorruption, quickCheck } from './store-check';

/** Tables read out of a damaged file, parents first (foreign keys). */
const KEPT_TABLES = ['accounts', 'account_certificates', 'settings', 'own_presence', 'subscription_policies'] as const;

export interface RecoveryReport {
  /** Where the damaged file was moved (its -wal and -shm beside it with the same name plus suffix). */
  keptAs: string;
  /** What SQLite said about the file. */
  problem: string;
  /** Accounts read out of the damaged file and kept. */
  accountsKept: number;
  /** Accounts kept, by id (their archives are fetched deeper than a first session's). */
  accountIds: string[];
}

export interface OpenedStore {
  db: Db;
  /** Set when the file was damaged and replaced by a fresh one. */
  recovered: RecoveryReport | null;
}

/** Beside the store: "check this file before using it" (a check found damage, or a recovery was cut short). */
export function checkMarkerPath(file: string): string {
  return `${file}.check`;
}

/** Asks the next start to check (and if need be repair) the store before anything reads it. */
export function markForCheck(file: string): void {
  if (file === ':memory:') return;
  try {
    fs.writeFileSync(checkMarkerPath(file), `${new Date().toISOString()}\n`);
  } catch {
    // The disk may be what failed; the next start's background check finds the damage again.
  }
}

/**
 * Opens the store at `file`. A damaged file (SQLite says so while opening, or a check the previous run
 * asked for fails) is moved aside and replaced; any other failure (newer schema, locked, unreadable)
 * is thrown for the shell to refuse with its message.
 */
export function openStore(file: string, log: Logger, now: () => number = Date.now): OpenedStore {
  if (file === ':memory:') return { db: openDatabase(file), recovered: null };
  const marker = checkMarkerPath(file);
  let problem: string | null = null;
  if (fs.existsSync(marker)) {
    // Slow on a large store, but only after a run found damage or a recovery was cut short.
    let checked;
    try {
      checked = quickCheck(file);
    } catch (error) {
      throw new StoreUnavailableError(file, error);
    }
    if (!checked.ok) problem = checked.problem;
  }
  problem ??= probe(file);
  if (problem === null) {
    try {
      const db = openDatabase(file);
      fs.rmSync(marker, { force: true });
      return { db, recovered: null };
    } catch (error) {
      if (error instanceof DatabaseTooNewError) throw error;
      if (!isCorruption(error)) throw new StoreUnavailableError(file, error);
      problem = (error as Error).message;
    }
  }
  return { ...recoverStore(file, problem, log, now) };
}

/**
 * Reads the header and the schema on a read-only connection: damage there is found before any
 * read-write connection exists (whose close would checkpoint the `-wal` into the damaged file).
 */
function probe(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('user_version', { simple: true });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return null;
  } catch (error) {
    if (isCorruption(error)) return (error as Error).message;
    // Not damage (locked, unreadable, …): the read-write open says what it is.
    return null;
  } finally {
    db?.close();
  }
}

/**
 * Moves the damaged `file` aside, creates a fresh store and puts back what could be read. `open`, if
 * given, is the caller's read-write connection to the damaged file: it is closed here, while a
 * read-only one is still open, so closing it does not checkpoint the `-wal` into the damaged file.
 */
export function recoverStore(
  file: string,
  problem: string,
  log: Logger,
  now: () => number = Date.now,
  open?: Db,
): { db: Db; recovered: RecoveryReport } {
  markForCheck(file);
  const reader = openReader(file);
  open?.close();
  let kept = reader ? readKeptRows(reader, log) : null;
  reader?.close();
  const keptAs = moveAside(file, now());
  if (kept === null || [...kept.values()].every((rows) => rows.length === 0)) {
    kept = readTruncated(keptAs, log) ?? kept ?? new Map();
  }
  const db = openDatabase(file);
  const accountIds = restoreRows(db, kept, log);
  carryOverPresenceHistory(db, keptAs, log);
  fs.rmSync(checkMarkerPath(file), { force: true });
  log.error('the store was damaged: moved aside and replaced by a fresh one', {
    problem: problem.slice(0, 500),
    keptAs,
    accountsKept: accountIds.length,
  });
  return { db, recovered: { keptAs, problem, accountsKept: accountIds.length, accountIds } };
}

function openReader(file: string): Database.Database | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    // Only a connection that has read holds the lock that keeps a closing one from checkpointing.
    db.pragma('schema_version');
    return db;
  } catch {
    // Unreadable beyond its header: nothing to read rows from, and nothing to keep apart.
    return db;
  }
}

/** Every row of each kept table that can still be read (a damaged page ends that table's rows). */
function readKeptRows(db: Database.Database, log: Logger): Map<string, Record<string, unknown>[]> {
  const kept = new Map<string, Record<string, unknown>[]>();
  for (const table of KEPT_TABLES) {
    const rows: Record<string, unknown>[] = [];
    try {
      for (const row of db.prepare(`SELECT * FROM ${table}`).iterate()) rows.push(row as Record<string, unknown>);
    } catch (error) {
      log.warn('part of a table could not be read from the damaged store', { table, read: rows.length, error });
    }
    kept.set(table, rows);
  }
  return kept;
}

/**
 * SQLite refuses a whole file that is shorter than its header says. Its rows are read from a copy
 * (of the moved-aside, closed file) whose header gives the pages it really has and no `-wal`.
 */
function readTruncated(keptAs: string, log: Logger): Map<string, Record<string, unknown>[]> | null {
  const copy = `${keptAs}.reading`;
  try {
    const header = Buffer.alloc(100);
    const fd = fs.openSync(keptAs, 'r');
    const read = fs.readSync(fd, header, 0, 100, 0);
    fs.closeSync(fd);
    if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return null;
    const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
    const pages = Math.floor(fs.statSync(keptAs).size / pageSize);
    if (pages === 0 || pages >= header.readUInt32BE(28)) return null;
    header.writeUInt32BE(pages, 28);
    header.writeUInt8(1, 18); // rollback journal: the copy has no -wal to look for
    header.writeUInt8(1, 19);
    fs.copyFileSync(keptAs, copy);
    const out = fs.openSync(copy, 'r+');
    fs.writeSync(out, header, 0, 100, 0);
    fs.closeSync(out);
    const db = new Database(copy, { readonly: true, fileMustExist: true });
    try {
      return readKeptRows(db, log);
    } finally {
      db.close();
    }
  } catch (error) {
    log.warn('nothing could be read from the truncated store', { error });
    return null;
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(copy + suffix, { force: true });
  }
}

/**
 * Inserts the kept rows into the fresh store: only columns the fresh table has, each row on its own,
 * so a row the damage garbled (a CHECK or a foreign key fails) is left out and the others stay.
 */
function restoreRows(db: Db, kept: Map<string, Record<string, unknown>[]>, log: Logger): string[] {
  const accountIds: string[] = [];
  let skipped = 0;
  db.transaction(() => {
    for (const table of KEPT_TABLES) {
      const columns = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name));
      for (const row of kept.get(table) ?? []) {
        const names = Object.keys(row).filter((name) => columns.has(name));
        if (names.length === 0) continue;
        try {
          const result = db
            .prepare(`INSERT OR IGNORE INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
            .run(...names.map((name) => row[name]));
          if (table === 'accounts' && result.changes === 1) accountIds.push(String(row.id));
          if (result.changes === 0) skipped++;
        } catch {
          skipped++;
        }
      }
    }
  })();
  if (skipped > 0) log.warn('rows of the damaged store that could not be kept', { skipped });
  return accountIds;
}

/**
 * Renames `file` to `file.damaged-<date>` (a number added if that exists), its `-wal` and `-shm`
 * first: a fresh store must never find the old `-wal` beside it, or SQLite would replay it.
 */
function moveAside(file: string, at: number): string {
  const stamp = new Date(at).toISOString().slice(0, 19).replace(/:/g, '-');
  let target = `${file}.damaged-${stamp}`;
  for (let n = 2; ['', '-wal', '-shm'].some((suffix) => fs.existsSync(target + suffix)); n++) {
    target = `${file}.damaged-${stamp}-${n}`;
  }
  for (const suffix of ['-wal', '-shm', '-journal', '']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return path.resolve(target);
}
