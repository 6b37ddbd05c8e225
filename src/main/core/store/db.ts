/**
 * Opens the SQLite store: WAL, foreign keys on, a short busy timeout and synchronous=FULL (what the user
 * typed must survive a crash), then the numbered migrations on user_version.
 */
import Database from 'better-sqlite3';
import { migrations } from './migrations';
import { isCorruption } from './store-check';

export type Db = Database.Database;

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This data was written by a newer version of Jabberwock (schema ${found}; this version knows up to ${supported}). ` +
        'Update Jabberwock to open it; nothing was changed.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export function openDatabase(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Short busy wait: the main process must never block for seconds on a lock.
    db.pragma('busy_timeout = 250');
    // Accounts and settings are things the user typed: make every commit durable.
    db.pragma('synchronous = FULL');
    // SQLite's own default page cache (2 MB) instead of better-sqlite3's 16 MB: during a login's presence
    // flood the cache grew to ~5 MB of the peak RSS (bench/RESULTS.md, 2026-12-07, branch mem2).
    db.pragma('cache_size = -2000');
    migrate(db);
    return db;
  } catch (error) {
    if (isCorruption(error)) closeKeepingWal(db, file);
    else db.close();
    throw error;
  }
}

/**
 * Closes a connection that failed on a damaged file without checkpointing its `-wal` into it: the
 * last connection to close checkpoints, so a read-only one (which never does) stays open meanwhile.
 */
export function closeKeepingWal(db: Db, file: string): void {
  let reader: Db | null = null;
  if (file !== ':memory:') {
    try {
      reader = new Database(file, { readonly: true, fileMustExist: true });
      // Only a connection that has read holds the lock that keeps a closing one from checkpointing.
      reader.pragma('schema_version');
    } catch {
      // Unreadable: nothing to keep apart.
    }
  }
  db.close();
  reader?.close();
}

/** A store file that exists but cannot be used (locked, unreadable, not writable): nothing was changed. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `Jabberwock cannot open its data file ${file}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Check that the file and its folder can be read and written, and that no other Jabberwock uses them; nothing was changed.',
    );
    this.name = 'StoreUnavailableError';
  }
}

/** Applies every migration above the database's user_version, each in its own transaction. */
export function migrate(db: Db, list: readonly string[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > list.length) throw new DatabaseTooNewError(current, list.length);
  for (let version = current + 1; version <= list.length; version++) {
    db.transaction(() => {
      db.exec(list[version - 1]);
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) throw new Error(`Migration ${version} left foreign key violations.`);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return list.length;
}
