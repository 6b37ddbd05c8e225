/**
 * All SQL for presence (migration 3): our own presence per account (what the user chose, remembered
 * across restarts) and when contacts' resources were last seen. Last-seen rows arrive in bursts (a
 * contact list going offline), so they are queued and written in one transaction per flush, never
 * one per stanza.
 */
import type { Device, LastSeenView } from '../../../shared/contract';
import type { Show } from '../../../shared/presence';
import type { Db } from './db';
import { withoutFsync } from './commit-without-fsync';

export interface StoredOwnPresence {
  show: Show | 'offline';
  status: string | null;
  priority: number;
}

export interface LastSeenRecord extends LastSeenView {
  accountId: string;
  jid: string;
}

/** Rows kept per contact: a flood of random resources must not grow the file without bound. */
export const LAST_SEEN_PER_JID = 8;

interface LastSeenRow {
  account_id: string;
  jid: string;
  resource: string;
  at: number;
  status: string | null;
  device: string | null;
}

export class PresenceRepository {
  private readonly selectOwn;
  private readonly upsertOwn;
  private readonly selectLatest;
  private readonly upsertSeen;
  private readonly pruneSeen;
  private readonly writeSeenTx;
  private queue: LastSeenRecord[] = [];

  constructor(private readonly db: Db) {
    this.selectOwn = db.prepare<[], { account_id: string; show: string; status: string | null; priority: number }>(
      'SELECT account_id, show, status, priority FROM own_presence',
    );
    this.upsertOwn = db.prepare<[string, string, string | null, number]>(
      `INSERT INTO own_presence (account_id, show, status, priority) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET show = excluded.show, status = excluded.status,
       priority = excluded.priority`,
    );
    // The most recent row per contact (SQLite's bare-column rule for max()).
    this.selectLatest = db.prepare<[], LastSeenRow>(
      'SELECT account_id, jid, resource, max(at) AS at, status, device FROM last_seen GROUP BY account_id, jid',
    );
    this.upsertSeen = db.prepare<[string, string, string, number, string | null, string | null]>(
      `INSERT INTO last_seen (account_id, jid, resource, at, status, device) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, jid, resource) DO UPDATE SET at = excluded.at, status = excluded.status,
       device = excluded.device WHERE excluded.at >= last_seen.at`,
    );
    // WITHOUT ROWID: rows are named by their key.
    this.pruneSeen = db.prepare<[number]>(
      `DELETE FROM last_seen WHERE (account_id, jid, resource) IN (
         SELECT account_id, jid, resource FROM (
           SELECT account_id, jid, resource,
                  row_number() OVER (PARTITION BY account_id, jid ORDER BY at DESC) AS n
           FROM last_seen)
         WHERE n > ?)`,
    );
    // A login's flood queues thousands of rows; a power cut may lose the newest of them (the contact is
    // seen again), never the database: no fsync of its own for each of these commits.
    this.writeSeenTx = withoutFsync(
      db,
      db.transaction((records: LastSeenRecord[]) => {
        for (const r of records) this.upsertSeen.run(r.accountId, r.jid, r.resource, r.at, r.status, r.device);
      }),
    );
  }

  loadOwn(): Map<string, StoredOwnPresence> {
    const own = new Map<string, StoredOwnPresence>();
    for (const row of this.selectOwn.all()) {
      own.set(row.account_id, { show: row.show as Show | 'offline', status: row.status, priority: row.priority });
    }
    return own;
  }

  saveOwn(accountId: string, presence: StoredOwnPresence): void {
    this.upsertOwn.run(accountId, presence.show, presence.status, presence.priority);
  }

  /** The latest last-seen of every contact of every account; prunes old resources first. */
  loadLastSeen(): LastSeenRecord[] {
    this.pruneSeen.run(LAST_SEEN_PER_JID);
    return this.selectLatest.all().map((row) => ({
      accountId: row.account_id,
      jid: row.jid,
      resource: row.resource,
      at: row.at,
      status: row.status,
      device: row.device as Device | null,
    }));
  }

  /** Queues a last-seen row; `flushLastSeen` writes the queue. */
  queueLastSeen(record: LastSeenRecord): void {
    this.queue.push(record);
  }

  get queuedLastSeen(): number {
    return this.queue.length;
  }

  /**
   * Writes the oldest `max` queued rows (every one unless told) in one transaction, skipping
   * accounts that no longer exist; the rest stay queued. Returns the rows written.
   */
  flushLastSeen(exists: (accountId: string) => boolean = () => true, max = Infinity): number {
    if (this.queue.length === 0) return 0;
    const taken = max >= this.queue.length ? this.queue : this.queue.slice(0, max);
    this.queue = taken === this.queue ? [] : this.queue.slice(max);
    const records = taken.filter((record) => exists(record.accountId));
    if (records.length > 0 && this.db.open) this.writeSeenTx(records);
    return records.length;
  }
}
