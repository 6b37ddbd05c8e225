import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, migrate, openDatabase } from '../../../../../src/main/core/store/db';
import { migrations } from '../../../../../src/main/core/store/migrations';
import { AccountsRepository } from '../../../../../src/main/core/store/accounts-repo';
import { SettingsRepository } from '../../../../../src/main/core/store/settings-repo';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-store-'));
  dirs.push(dir);
  return path.join(dir, 'test.sqlite3');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('store', () => {
  it('runs on an SQLite without the WAL-reset corruption bug (fixed in 3.51.3)', () => {
    const db = new Database(':memory:');
    const { version } = db.prepare('SELECT sqlite_version() AS version').get() as { version: string };
    db.close();
    const [major, minor, patch] = version.split('.').map(Number);
    expect(major * 1_000_000 + minor * 1_000 + patch).toBeGreaterThanOrEqual(3_051_003);
  });

  it("caps SQLite's page cache at its own default of 2 MB, not better-sqlite3's 16 MB", () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('cache_size', { simple: true })).toBe(-2000);
    db.close();
  });

  it('migrates an empty database from zero to the latest version, with WAL, foreign keys and synchronous=FULL', () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'account_certificates', 'settings']));
    db.close();
  });

  it('is idempotent: reopening applies nothing again and keeps data', () => {
    const file = tempFile();
    const db = openDatabase(file);
    new SettingsRepository(db).set('theme', 'dark');
    db.close();
    const again = openDatabase(file);
    expect(new SettingsRepository(again).get('theme', 'light')).toBe('dark');
    again.close();
  });

  it('refuses a database written by a newer version and changes nothing', () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length + 5);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('runs each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const db = new Database(':memory:');
    const list = [
      'CREATE TABLE a (x INTEGER) STRICT;',
      'CREATE TABLE b (y INTEGER) STRICT; SELECT * FROM missing_table;',
    ];
    expect(() => migrate(db, list)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(names).toEqual([{ name: 'a' }]);
    db.close();
  });

  it('enforces CHECK constraints and cascades pinned certificates with their account', () => {
    const db = openDatabase(':memory:');
    const repo = new AccountsRepository(db);
    const row = {
      id: 'a1',
      jid: 'alice@example.org',
      host: null,
      port: 5222,
      label: '',
      color: '#123456',
      enabled: true,
      resource: 'jabberwock-1',
    };
    repo.insert(row);
    expect(() => repo.insert({ ...row, id: 'a2', jid: 'bob@example.org', port: 70000 })).toThrow(/CHECK/);
    expect(() => repo.insert({ ...row, id: 'a3' })).toThrow(/UNIQUE/);
    const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':');
    repo.pinCertificate('a1', fingerprint);
    expect(repo.list()[0].pinnedCertificates).toEqual([fingerprint]);
    repo.delete('a1');
    expect(db.prepare('SELECT count(*) AS n FROM account_certificates').get()).toEqual({ n: 0 });
    db.close();
  });
});
