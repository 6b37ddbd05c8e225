/**
 * withoutFsync: the transaction's one commit runs with synchronous=NORMAL, and the level before is
 * back afterwards, also when the transaction throws (then nothing of it is stored).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../../../../src/main/core/store/db';
import { withoutFsync } from '../../../../../src/main/core/store/commit-without-fsync';
import { RosterRepository } from '../../../../../src/main/core/store/roster-repo';
import { IdentitiesRepository } from '../../../../../src/main/core/features/avatars/repo';

let dir: string;
let db: Db;
const level = () => db.pragma('synchronous', { simple: true });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-nofsync-'));
  db = openDatabase(path.join(dir, 'store.sqlite3'));
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('withoutFsync', () => {
  it('leaves the connection at synchronous=FULL when it is set up, and the repositories that use it', () => {
    withoutFsync(
      db,
      db.transaction(() => undefined),
    );
    expect(level()).toBe(2);
    new RosterRepository(db);
    new IdentitiesRepository(db);
    expect(level()).toBe(2);
  });

  it('commits with synchronous=NORMAL and restores FULL after it, also after a failure', () => {
    expect(level()).toBe(2);
    const seen: unknown[] = [];
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const write = withoutFsync(
      db,
      db.transaction((values: number[]) => {
        seen.push(level());
        for (const v of values) insert.run(v);
      }),
    );
    write([1, 2]);
    expect(seen).toEqual([1]);
    expect(level()).toBe(2);
    expect(() => write([3, null as unknown as number])).toThrow();
    expect(level()).toBe(2);
    const reader = new Database(path.join(dir, 'store.sqlite3'), { readonly: true });
    expect(reader.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 2]);
    reader.close();
  });
});
