/**
 * Real store files with data, and the ways they get damaged (overwritten b-tree pages, a truncated
 * file, a `-wal` from another database), for the tests of the check at start and the recovery.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { PresenceHistoryRepository, Stored } from '../../src/main/core/store/presence-history-repo';

export const SEED_ACCOUNT = { id: 'acc-alice', jid: 'alice@localhost' };
export const SEED_PIN = Array.from({ length: 32 }, () => 'AB').join(':');

/**
 * A store like a user's after a while: one account with a pinned certificate and a setting, a
 * roster of `contacts` and `messages` messages (with their search index), all in the main file.
 */
export function seedStore(file: string, contacts = 2_000, messages = 3_000): void {
  const db = openDatabase(file);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO accounts (id, jid, color, resource, position, created_at) VALUES (?, ?, '#336699', 'jw', 0, 0)`,
    ).run(SEED_ACCOUNT.id, SEED_ACCOUNT.jid);
    db.prepare('INSERT INTO account_certificates (account_id, fingerprint, added_at) VALUES (?, ?, 0)').run(
      SEED_ACCOUNT.id,
      SEED_PIN,
    );
    db.prepare(`INSERT INTO settings (key, value) VALUES ('prefs', ?)`).run(JSON.stringify({ rosterSort: 'name' }));
    const contact = db.prepare(
      `INSERT INTO roster_items (account_id, jid, name, subscription, groups) VALUES (?, ?, ?, 'both', '["Friends"]')`,
    );
    for (let i = 0; i < contacts; i++) contact.run(SEED_ACCOUNT.id, `contact${i}@example.org`, `Contact ${i}`);
    db.prepare(`INSERT INTO roster_versions (account_id, jid, version, synced_at) VALUES (?, ?, 'v1', 0)`).run(
      SEED_ACCOUNT.id,
      SEED_ACCOUNT.jid,
    );
    const message = db.prepare(
      `INSERT INTO messages (account_id, conversation, kind, direction, sender, body, at, state, stanza_id, origin_id)
       VALUES (?, ?, 'chat', 'in', ?, ?, ?, 'received', ?, ?)`,
    );
    for (let i = 0; i < messages; i++) {
      const peer = `contact${i % 50}@example.org`;
      message.run(SEED_ACCOUNT.id, peer, peer, `message number ${i} about lunch and the release`, i, `s${i}`, `o${i}`);
    }
  })();
  db.close();
}

/**
 * Presence history in a seeded store: `contacts` of the seed account (roster contacts 0…) each with
 * a device online an hour a day with a status, for `days` days up to `until`, and the retention set
 * to `retention` days; coverage over all of it.
 */
export function seedPresenceHistory(file: string, contacts: number, days: number, until: number, retention = 30): void {
  const db = openDatabase(file);
  const repo = new PresenceHistoryRepository(db);
  repo.setRetention(SEED_ACCOUNT.id, retention as 0 | 7 | 30 | 90);
  const runs = [];
  for (let c = 0; c < contacts; c++) {
    for (let d = days; d >= 1; d--) {
      const start = until - d * 86_400_000;
      runs.push({
        bare: `contact${c}@example.org`,
        resource: 'phone',
        start,
        end: start + 3_600_000,
        show: d % 2 === 0 ? ('away' as const) : ('available' as const),
        status: `status ${c}`,
        priority: 1,
        clientName: 'Conversations',
        kind: 'phone' as const,
        idleSince: d % 2 === 0 ? start - 60_000 : null,
        device: 0,
        stored: Stored.No,
        firstDay: 0,
      });
    }
  }
  repo.write(SEED_ACCOUNT.id, runs, until);
  repo.cover(SEED_ACCOUNT.id, until - days * 86_400_000 - 60_000, until);
  db.close();
}

/**
 * Runs `write` on the store and leaves what it wrote in the `-wal` (with its `-shm`), as a crash
 * would: a read-only connection stays open while the writer closes, so nothing is checkpointed.
 */
export function writeIntoWal(file: string, write: (db: Db) => void): void {
  const db = openDatabase(file);
  write(db);
  const reader = new Database(file, { readonly: true });
  reader.pragma('schema_version'); // a connection that has read keeps the closing one from checkpointing
  db.close();
  reader.close();
  if (!fs.existsSync(`${file}-wal`)) throw new Error('writeIntoWal: no -wal was left');
}

/** Leaf pages of `table` in the main file (page numbers from 1). */
export function leafPages(file: string, table: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).all(table) as {
        pageno: number;
      }[]
    ).map((row) => row.pageno);
  } finally {
    db.close();
  }
}

/** Overwrites the middle of each page with bytes no b-tree page holds (cell pointers and cells). */
export function overwritePages(file: string, pages: number[], pageSize = 4096): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const junk = Buffer.alloc(pageSize / 2, 0xa5);
    for (const page of pages) fs.writeSync(fd, junk, 0, junk.length, (page - 1) * pageSize + 8);
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts the main file to `fraction` of its size, on a page boundary. */
export function truncateFile(file: string, fraction: number, pageSize = 4096): void {
  const size = fs.statSync(file).size;
  fs.truncateSync(file, Math.floor((size * fraction) / pageSize) * pageSize);
}

/** Account ids in a store file, read on a connection of its own. */
export function accountIdsIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM accounts').all() as { id: string }[]).map((row) => row.id);
  } finally {
    db.close();
  }
}
