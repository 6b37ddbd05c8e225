/**
 * A transaction committed without its own fsync: synchronous=NORMAL for its one commit, the level
 * before restored in the same turn, so no other write shares it. In WAL mode that keeps the database
 * consistent; a power cut may only lose the newest such commits, and the WAL is replayed in order, so
 * a later commit with synchronous=FULL (whose fsync makes every earlier one durable with it) is never
 * kept without those before it. For writes that are large and frequent and may be lost (a part of a
 * roster stored again if the version is missing, avatars announced again): one fsync each cost
 * 20–90 ms of blocked main thread on a busy disk.
 */
import type { Db } from './db';

const NORMAL = 1;

export function withoutFsync<A extends unknown[], R>(db: Db, transaction: (...args: A) => R): (...args: A) => R {
  const readSynchronous = db.prepare('PRAGMA synchronous').pluck();
  // Compiled at each use, never prepared ahead: SQLite sets the level while it compiles the pragma
  // (running a prepared one does nothing), so preparing `PRAGMA synchronous = 3` sets EXTRA there and then.
  const setSynchronous = (level: number) => db.pragma(`synchronous = ${level}`);
  return (...args: A): R => {
    const previous = readSynchronous.get() as number;
    setSynchronous(NORMAL);
    try {
      return transaction(...args);
    } finally {
      setSynchronous(previous);
    }
  };
}
