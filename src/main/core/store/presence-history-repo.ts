/**
 * All SQL for presence history (migration 7): runs of one device in one state, the dictionaries
 * they name (contacts, devices, status texts), when we were listening, and the retention per
 * account. Times are epoch ms in memory and whole seconds in the file (four bytes a time instead of
 * six). Writes come in batches, one transaction each; reads serve one contact's timeline.
 */
import type { Device, HistoryRetention } from '../../../shared/contract';
import type { Show } from '../../../shared/presence';
import type { Db } from './db';

export type { HistoryRetention } from '../../../shared/contract';
export const HISTORY_RETENTIONS: readonly HistoryRetention[] = [0, 7, 30, 90];
export const DEFAULT_HISTORY_RETENTION: HistoryRetention = 30;

/** The show of a run as stored (one byte, or none for 0). */
export const SHOW_CODES: Readonly<Record<Show, number>> = { available: 0, chat: 1, away: 2, xa: 3, dnd: 4 };
const SHOW_OF_CODE: readonly Show[] = ['available', 'chat', 'away', 'xa', 'dnd'];

/** A run has not ended yet. */
export const OPEN = -1;

/** Where a run is: only in memory, stored while it lasts (duration NULL), or stored ended. */
export const Stored = { No: 0, Open: 1, Ended: 2 } as const;
export type Stored = (typeof Stored)[keyof typeof Stored];

/**
 * One device of one contact in one state, from `start` to `end` (epoch ms; OPEN while it lasts).
 * The recorder keeps it in memory and hands it here to be stored; `device` and `stored` are set here.
 */
export interface HistoryRun {
  readonly bare: string;
  readonly resource: string;
  start: number;
  end: number;
  show: Show;
  status: string | null;
  priority: number;
  clientName: string | null;
  kind: Device | null;
  /** The device's row id once known (0: not yet). */
  device: number;
  stored: Stored;
}

export interface StoredDevice {
  id: number;
  resource: string;
  client: string | null;
  kind: Device | null;
}

export interface StoredRun {
  device: number;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while it lasts. */
  end: number | null;
  show: Show;
  status: string | null;
  priority: number;
}

export interface StoredContactHistory {
  devices: StoredDevice[];
  /** Oldest first per device. */
  runs: StoredRun[];
}

/** When we were listening to one account's contacts (epoch ms). */
export interface Coverage {
  start: number;
  stop: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export class PresenceHistoryRepository {
  private readonly selectRetention;
  private readonly upsertRetention;
  private readonly selectContact;
  private readonly insertContact;
  private readonly selectDevice;
  private readonly insertDevice;
  private readonly updateClient;
  private readonly selectStatus;
  private readonly insertStatus;
  private readonly upsertRun;
  private readonly endRun;
  private readonly upsertCoverageStatement;
  private readonly selectDevices;
  private readonly selectRuns;
  private readonly selectCoverage;
  private readonly deleteContact;
  private readonly deleteAccountContacts;
  private readonly deleteAccountCoverage;
  private readonly selectContactIds;
  private readonly pruneRuns;
  private readonly pruneDevices;
  private readonly pruneStatuses;
  private readonly pruneContact;
  private readonly pruneCoverageStatement;
  private readonly selectAccountsWithOpenRuns;
  private readonly closeOpenRunsStatement;
  private readonly writeTx;
  private readonly pruneTx;

  constructor(private readonly db: Db) {
    this.selectRetention = db.prepare<[], { account_id: string; retention_days: number }>(
      'SELECT account_id, retention_days FROM presence_history_settings',
    );
    this.upsertRetention = db.prepare<[string, number]>(
      `INSERT INTO presence_history_settings (account_id, retention_days) VALUES (?, ?)
       ON CONFLICT (account_id) DO UPDATE SET retention_days = excluded.retention_days`,
    );
    this.selectContact = db.prepare<[string, string], { id: number }>(
      'SELECT id FROM presence_history_contacts WHERE account_id = ? AND jid = ?',
    );
    this.insertContact = db.prepare<[string, string]>(
      'INSERT INTO presence_history_contacts (account_id, jid) VALUES (?, ?)',
    );
    this.selectDevice = db.prepare<[number, string], { id: number }>(
      'SELECT id FROM presence_history_devices WHERE contact = ? AND resource = ?',
    );
    this.insertDevice = db.prepare<[number, string, string | null, string | null]>(
      'INSERT INTO presence_history_devices (contact, resource, client, kind) VALUES (?, ?, ?, ?)',
    );
    this.updateClient = db.prepare<[{ client: string; kind: string | null; id: number }]>(
      `UPDATE presence_history_devices SET client = @client, kind = @kind
       WHERE id = @id AND (client IS NOT @client OR kind IS NOT @kind)`,
    );
    this.selectStatus = db.prepare<[number, string], { id: number }>(
      'SELECT id FROM presence_history_statuses WHERE contact = ? AND text = ?',
    );
    this.insertStatus = db.prepare<[number, string]>(
      'INSERT INTO presence_history_statuses (contact, text) VALUES (?, ?)',
    );
    // Two runs of one device starting in the same second: the later state stands.
    this.upsertRun = db.prepare<[number, number, number | null, number, number | null, number]>(
      `INSERT INTO presence_history_runs (device, start, duration, show, status, priority) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device, start) DO UPDATE SET duration = excluded.duration, show = excluded.show,
       status = excluded.status, priority = excluded.priority`,
    );
    this.endRun = db.prepare<[number, number, number]>(
      'UPDATE presence_history_runs SET duration = ? WHERE device = ? AND start = ?',
    );
    this.upsertCoverageStatement = db.prepare<[string, number, number]>(
      `INSERT INTO presence_history_coverage (account_id, start, stop) VALUES (?, ?, ?)
       ON CONFLICT (account_id, start) DO UPDATE SET stop = max(stop, excluded.stop)`,
    );
    this.selectDevices = db.prepare<[string, string], StoredDevice>(
      `SELECT d.id, d.resource, d.client, d.kind FROM presence_history_devices d
       JOIN presence_history_contacts c ON c.id = d.contact WHERE c.account_id = ? AND c.jid = ?`,
    );
    this.selectRuns = db.prepare<
      [string, string, number],
      { device: number; start: number; duration: number | null; show: number; status: string | null; priority: number }
    >(
      `SELECT r.device, r.start, r.duration, r.show, s.text AS status, r.priority
       FROM presence_history_contacts c
       JOIN presence_history_devices d ON d.contact = c.id
       JOIN presence_history_runs r ON r.device = d.id
       LEFT JOIN presence_history_statuses s ON s.id = r.status
       WHERE c.account_id = ? AND c.jid = ? AND (r.duration IS NULL OR r.start + r.duration >= ?)
       ORDER BY r.device, r.start`,
    );
    this.selectCoverage = db.prepare<[string, number], Coverage>(
      'SELECT start, stop FROM presence_history_coverage WHERE account_id = ? AND stop >= ? ORDER BY start',
    );
    this.deleteContact = db.prepare<[string, string]>(
      'DELETE FROM presence_history_contacts WHERE account_id = ? AND jid = ?',
    );
    this.deleteAccountContacts = db.prepare<[string]>('DELETE FROM presence_history_contacts WHERE account_id = ?');
    this.deleteAccountCoverage = db.prepare<[string]>('DELETE FROM presence_history_coverage WHERE account_id = ?');
    this.selectContactIds = db.prepare<[string], { id: number }>(
      'SELECT id FROM presence_history_contacts WHERE account_id = ? ORDER BY id',
    );
    // Runs that ended before the cutoff; a run that lasts is never pruned.
    this.pruneRuns = db.prepare<[{ contact: number; cutoff: number }]>(
      `DELETE FROM presence_history_runs WHERE device IN (SELECT id FROM presence_history_devices WHERE contact = @contact)
       AND start < @cutoff AND duration IS NOT NULL AND start + duration < @cutoff`,
    );
    this.pruneDevices = db.prepare<[{ contact: number }]>(
      `DELETE FROM presence_history_devices WHERE contact = @contact
       AND NOT EXISTS (SELECT 1 FROM presence_history_runs r WHERE r.device = presence_history_devices.id)`,
    );
    this.pruneStatuses = db.prepare<[{ contact: number }]>(
      `DELETE FROM presence_history_statuses WHERE contact = @contact AND id NOT IN (
         SELECT r.status FROM presence_history_devices d JOIN presence_history_runs r ON r.device = d.id
         WHERE d.contact = @contact AND r.status IS NOT NULL)`,
    );
    this.pruneContact = db.prepare<[{ contact: number }]>(
      `DELETE FROM presence_history_contacts WHERE id = @contact
       AND NOT EXISTS (SELECT 1 FROM presence_history_devices WHERE contact = @contact)`,
    );
    this.pruneCoverageStatement = db.prepare<[string, number]>(
      'DELETE FROM presence_history_coverage WHERE account_id = ? AND stop < ?',
    );
    this.selectAccountsWithOpenRuns = db.prepare<[], { account_id: string; stop: number | null }>(
      `SELECT c.account_id, (SELECT max(stop) FROM presence_history_coverage v WHERE v.account_id = c.account_id) AS stop
       FROM presence_history_runs r
       JOIN presence_history_devices d ON d.id = r.device
       JOIN presence_history_contacts c ON c.id = d.contact
       WHERE r.duration IS NULL GROUP BY c.account_id`,
    );
    this.closeOpenRunsStatement = db.prepare<[number, string]>(
      `UPDATE presence_history_runs SET duration = max(0, ? - start)
       WHERE duration IS NULL AND device IN (
         SELECT d.id FROM presence_history_devices d JOIN presence_history_contacts c ON c.id = d.contact
         WHERE c.account_id = ?)`,
    );
    this.writeTx = db.transaction((accountId: string, runs: readonly HistoryRun[]) => {
      // Ids met in this batch: a login's runs name the same contacts and texts over and over.
      const contacts = new Map<string, number>();
      const statuses = new Map<string, number>();
      for (const run of runs) this.writeOne(accountId, run, contacts, statuses);
    });
    this.pruneTx = db.transaction((contactIds: readonly number[], cutoff: number) => {
      let removed = 0;
      for (const contact of contactIds) {
        removed += this.pruneRuns.run({ contact, cutoff }).changes;
        this.pruneStatuses.run({ contact });
        this.pruneDevices.run({ contact });
        this.pruneContact.run({ contact });
      }
      return removed;
    });
  }

  retentions(): Map<string, HistoryRetention> {
    const map = new Map<string, HistoryRetention>();
    for (const row of this.selectRetention.all()) map.set(row.account_id, row.retention_days as HistoryRetention);
    return map;
  }

  setRetention(accountId: string, days: HistoryRetention): void {
    this.upsertRetention.run(accountId, days);
  }

  /**
   * Stores runs in one transaction: a run not stored yet is inserted (with its duration when it
   * ended), a run stored while it lasted gets its duration. Sets each run's `device` and `stored`.
   */
  write(accountId: string, runs: readonly HistoryRun[]): void {
    if (runs.length > 0 && this.db.open) this.writeTx(accountId, runs);
  }

  private writeOne(accountId: string, run: HistoryRun, contacts: Map<string, number>, statuses: Map<string, number>) {
    const start = seconds(run.start);
    const duration = run.end === OPEN ? null : Math.max(0, seconds(run.end) - start);
    if (run.stored === Stored.Open) {
      if (duration !== null) this.endRun.run(duration, run.device, start);
      run.stored = duration === null ? Stored.Open : Stored.Ended;
      if (run.clientName !== null) this.updateClient.run({ client: run.clientName, kind: run.kind, id: run.device });
      return;
    }
    let contact = contacts.get(run.bare);
    if (contact === undefined) {
      contact =
        this.selectContact.get(accountId, run.bare)?.id ??
        Number(this.insertContact.run(accountId, run.bare).lastInsertRowid);
      contacts.set(run.bare, contact);
    }
    if (run.device === 0) {
      const known = this.selectDevice.get(contact, run.resource)?.id;
      run.device =
        known ?? Number(this.insertDevice.run(contact, run.resource, run.clientName, run.kind).lastInsertRowid);
      if (known !== undefined && run.clientName !== null)
        this.updateClient.run({ client: run.clientName, kind: run.kind, id: known });
    } else if (run.clientName !== null) {
      this.updateClient.run({ client: run.clientName, kind: run.kind, id: run.device });
    }
    let status: number | null = null;
    if (run.status !== null) {
      const key = `${contact}\n${run.status}`;
      status = statuses.get(key) ?? null;
      if (status === null) {
        status =
          this.selectStatus.get(contact, run.status)?.id ??
          Number(this.insertStatus.run(contact, run.status).lastInsertRowid);
        statuses.set(key, status);
      }
    }
    this.upsertRun.run(run.device, start, duration, SHOW_CODES[run.show], status, run.priority);
    run.stored = duration === null ? Stored.Open : Stored.Ended;
  }

  /** We listened to the account's contacts from `start` to `stop` (a row per listening stretch). */
  cover(accountId: string, start: number, stop: number): void {
    if (this.db.open)
      this.upsertCoverageStatement.run(accountId, seconds(start), Math.max(seconds(start), seconds(stop)));
  }

  /** One contact's devices, the runs that lasted into `from` or later, and nothing else. */
  contact(accountId: string, jid: string, from: number): StoredContactHistory {
    const devices = this.selectDevices.all(accountId, jid);
    if (devices.length === 0) return { devices, runs: [] };
    const runs = this.selectRuns.all(accountId, jid, seconds(from)).map((row): StoredRun => ({
      device: row.device,
      start: row.start * 1000,
      end: row.duration === null ? null : (row.start + row.duration) * 1000,
      show: SHOW_OF_CODE[row.show] ?? 'available',
      status: row.status,
      priority: row.priority,
    }));
    return { devices, runs };
  }

  coverage(accountId: string, from: number): Coverage[] {
    return this.selectCoverage
      .all(accountId, seconds(from))
      .map((row) => ({ start: row.start * 1000, stop: row.stop * 1000 }));
  }

  /** Forgets one contact's history (its devices, runs and status texts). */
  clearContact(accountId: string, jid: string): void {
    this.deleteContact.run(accountId, jid);
  }

  /** Forgets everything recorded for the account, coverage included. */
  clearAccount(accountId: string): void {
    this.db.transaction(() => {
      this.deleteAccountContacts.run(accountId);
      this.deleteAccountCoverage.run(accountId);
    })();
  }

  contactIds(accountId: string): number[] {
    return this.selectContactIds.all(accountId).map((row) => row.id);
  }

  /**
   * Deletes the runs of these contacts that ended before `cutoff` (epoch ms), then the status
   * texts, devices and contacts nothing refers to any more; one transaction. Returns the runs deleted.
   */
  prune(contactIds: readonly number[], cutoff: number): number {
    return this.db.open ? this.pruneTx(contactIds, seconds(cutoff)) : 0;
  }

  pruneCoverage(accountId: string, cutoff: number): void {
    this.pruneCoverageStatement.run(accountId, seconds(cutoff));
  }

  /**
   * Runs still open from an earlier process (it stopped without ending them) end where that
   * process last knew it was listening. Returns the number of runs ended.
   */
  endRunsLeftOpen(): number {
    let ended = 0;
    this.db.transaction(() => {
      for (const row of this.selectAccountsWithOpenRuns.all()) {
        // No coverage at all: the run ends where it began (zero length), nothing is assumed.
        ended += this.closeOpenRunsStatement.run(row.stop ?? 0, row.account_id).changes;
      }
    })();
    return ended;
  }
}
