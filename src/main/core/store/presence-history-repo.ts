/**
 * All SQL for presence history (migration 7): each device's runs packed per UTC day
 * (presence-history-codec.ts), the dictionaries they hang on (contacts, devices, status texts), when
 * we were listening, and the retention per account. Times are epoch ms in memory and whole seconds in the
 * file. Writes come in batches, one transaction each, one read and one write per device and day;
 * reads serve one contact's timeline.
 */
import type { Device, HistoryRetention } from '../../../shared/contract';
import type { Show } from '../../../shared/presence';
import type { Db } from './db';
import { DayDecodeError, decodeDay, encodeDay, type DayRun } from './presence-history-codec';

export type { HistoryRetention } from '../../../shared/contract';
export const DEFAULT_HISTORY_RETENTION: HistoryRetention = 30;

/** The show of a run as stored. */
export const SHOW_CODES: Readonly<Record<Show, number>> = { available: 0, chat: 1, away: 2, xa: 3, dnd: 4 };
const SHOW_OF_CODE: readonly Show[] = ['available', 'chat', 'away', 'xa', 'dnd'];

/** A run has not ended yet. */
export const OPEN = -1;

/** Where a run is: only in memory, stored while it lasts, or stored with its end. */
export const Stored = { No: 0, Open: 1, Ended: 2 } as const;
export type Stored = (typeof Stored)[keyof typeof Stored];

const DAY_S = 86_400;
const seconds = (ms: number) => Math.floor(ms / 1000);
const dayOf = (s: number) => Math.floor(s / DAY_S);

/**
 * One device of one contact in one state, from `start` to `end` (epoch ms; OPEN while it lasts).
 * The recorder keeps it in memory and hands it here to be stored; `device`, `stored` and
 * `firstDay` are kept here.
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
  /** XEP-0319: the user idle since then (epoch ms) in this state; null: not said. */
  idleSince: number | null;
  /** The device's row id once known (0: not yet). */
  device: number;
  stored: Stored;
  /** The first day whose piece of this run may still change (days before it are written for good). */
  firstDay: number;
}

export interface StoredDevice {
  id: number;
  resource: string;
  client: string | null;
  kind: Device | null;
}

/** One stored piece of a run (a run crossing midnight is a piece per day). */
export interface StoredRun {
  device: number;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while it lasts (the open day's last run). */
  end: number | null;
  /** Epoch ms: its end, or how far it had lasted when it was written. */
  until: number;
  show: Show;
  status: string | null;
  priority: number;
  /** XEP-0319, epoch ms (whole seconds); null or absent: not said. */
  idleSince?: number | null;
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

/** A run piece of one day as the write merges it (open: it lasts). */
interface Piece extends DayRun {
  open: boolean;
}

/** The pieces of one device's day gathered by a write. */
interface DayPieces {
  day: number;
  device: number;
  pieces: Piece[];
}

/**
 * A contact's row as this process knows it: an account's contacts are read once, at its first
 * write, so that a first presence looks no row up; its devices at the first run that needs them
 * (one query for all of them), its status texts as they are named.
 */
interface KnownContact {
  id: number;
  accountId: string;
  jid: string;
  /** Its device rows; null: not read yet. A few each: a list costs less than a Map per contact. */
  devices: KnownDevice[] | null;
  /** Status texts named this session and their rows; null: none yet. */
  statuses: KnownStatus[] | null;
}

interface KnownDevice {
  resource: string;
  id: number;
  client: string | null;
  kind: string | null;
}

interface KnownStatus {
  text: string;
  id: number;
  lastDay: number;
}

/** Status texts kept in memory per contact; one whose text changes all the time starts over beyond it. */
const KNOWN_STATUSES_PER_CONTACT = 16;

function findDevice(devices: readonly KnownDevice[], resource: string): KnownDevice | undefined {
  for (const device of devices) if (device.resource === resource) return device;
  return undefined;
}

function findStatus(statuses: readonly KnownStatus[], text: string): KnownStatus | undefined {
  for (const status of statuses) if (status.text === text) return status;
  return undefined;
}

/** One number per day and device (days and row ids stay far below 2^21 and 2^31). */
const dayKey = (day: number, device: number) => day * 2 ** 31 + device;

/** 32-bit FNV-1a over the UTF-16 code units: finds a status text's row (texts are compared too). */
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

export class PresenceHistoryRepository {
  private readonly selectRetention;
  private readonly upsertRetention;
  private readonly selectContacts;
  private readonly insertContact;
  private readonly selectContactDevices;
  private readonly insertDevice;
  private readonly updateClient;
  private readonly selectStatus;
  private readonly insertStatus;
  private readonly selectStatuses;
  private readonly touchStatus;
  private readonly pruneStatuses;
  private readonly selectDay;
  private readonly upsertDay;
  private readonly upsertCoverageStatement;
  private readonly selectDevices;
  private readonly selectDays;
  private readonly selectCoverage;
  private readonly deleteContact;
  private readonly deleteAccountContacts;
  private readonly deleteAccountCoverage;
  private readonly selectContactIds;
  private readonly pruneDays;
  private readonly pruneDevices;
  private readonly pruneContact;
  private readonly pruneCoverageStatement;
  private readonly selectOpenDays;
  private readonly writeTx;
  private readonly pruneTx;
  /** Days that could not be read, once each (a damaged blob is skipped, not fatal). */
  readonly damaged: { day: number; device: number; reason: string }[] = [];
  /** Per account, its contacts' rows by JID once read (every contact of the account: one missing has no row). */
  private readonly known = new Map<string, Map<string, KnownContact>>();
  /** The same contacts by row id (a prune names them so). */
  private readonly knownIds = new Map<number, KnownContact>();
  /** Devices inserted by the running write: none of their days is stored yet. */
  private readonly fresh = new Set<number>();

  constructor(private readonly db: Db) {
    this.selectRetention = db.prepare<[], { account_id: string; retention_days: number }>(
      'SELECT account_id, retention_days FROM presence_history_settings',
    );
    this.upsertRetention = db.prepare<[string, number]>(
      `INSERT INTO presence_history_settings (account_id, retention_days) VALUES (?, ?)
       ON CONFLICT (account_id) DO UPDATE SET retention_days = excluded.retention_days`,
    );
    this.selectContacts = db.prepare<[string], { id: number; jid: string }>(
      'SELECT id, jid FROM presence_history_contacts WHERE account_id = ?',
    );
    this.insertContact = db.prepare<[string, string]>(
      'INSERT INTO presence_history_contacts (account_id, jid) VALUES (?, ?)',
    );
    this.selectContactDevices = db.prepare<
      [number],
      { id: number; resource: string; client: string | null; kind: string | null }
    >('SELECT id, resource, client, kind FROM presence_history_devices WHERE contact = ?');
    this.insertDevice = db.prepare<[number, string, string | null, string | null]>(
      'INSERT INTO presence_history_devices (contact, resource, client, kind) VALUES (?, ?, ?, ?)',
    );
    this.updateClient = db.prepare<[{ client: string; kind: string | null; id: number }]>(
      `UPDATE presence_history_devices SET client = @client, kind = @kind
       WHERE id = @id AND (client IS NOT @client OR kind IS NOT @kind)`,
    );
    this.selectStatus = db.prepare<[number, number, string], { id: number; lastDay: number }>(
      'SELECT id, last_day AS lastDay FROM presence_history_statuses WHERE contact = ? AND hash = ? AND text = ?',
    );
    this.insertStatus = db.prepare<[number, number, string, number]>(
      'INSERT INTO presence_history_statuses (contact, hash, text, last_day) VALUES (?, ?, ?, ?)',
    );
    this.touchStatus = db.prepare<[number, number]>('UPDATE presence_history_statuses SET last_day = ? WHERE id = ?');
    this.pruneStatuses = db.prepare<[{ contact: number; cutoff: number }]>(
      'DELETE FROM presence_history_statuses WHERE contact = @contact AND last_day < @cutoff',
    );
    this.selectStatuses = db.prepare<[number], { id: number; text: string }>(
      'SELECT id, text FROM presence_history_statuses WHERE contact = ?',
    );
    this.selectDay = db.prepare<[number, number], { runs: Buffer; open: number }>(
      'SELECT runs, open FROM presence_history_days WHERE day = ? AND device = ?',
    );
    this.upsertDay = db.prepare<[number, number, Buffer, number]>(
      `INSERT INTO presence_history_days (day, device, runs, open) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, device) DO UPDATE SET runs = excluded.runs, open = excluded.open`,
    );
    this.upsertCoverageStatement = db.prepare<[string, number, number]>(
      `INSERT INTO presence_history_coverage (account_id, start, stop) VALUES (?, ?, ?)
       ON CONFLICT (account_id, start) DO UPDATE SET stop = max(stop, excluded.stop)`,
    );
    this.selectDevices = db.prepare<[string, string], StoredDevice & { contact: number }>(
      `SELECT d.id, d.contact, d.resource, d.client, d.kind FROM presence_history_devices d
       JOIN presence_history_contacts c ON c.id = d.contact WHERE c.account_id = ? AND c.jid = ?`,
    );
    this.selectDays = db.prepare<[number, number], { day: number; runs: Buffer; open: number }>(
      'SELECT day, runs, open FROM presence_history_days WHERE device = ? AND day >= ? ORDER BY day',
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
    // Days before the cutoff; a day whose last run still lasts is never pruned.
    this.pruneDays = db.prepare<[{ contact: number; cutoff: number }]>(
      `DELETE FROM presence_history_days WHERE device IN (SELECT id FROM presence_history_devices WHERE contact = @contact)
       AND day < @cutoff AND open = 0`,
    );
    this.pruneDevices = db.prepare<[{ contact: number }]>(
      `DELETE FROM presence_history_devices WHERE contact = @contact
       AND NOT EXISTS (SELECT 1 FROM presence_history_days r WHERE r.device = presence_history_devices.id)`,
    );
    this.pruneContact = db.prepare<[{ contact: number }]>(
      `DELETE FROM presence_history_contacts WHERE id = @contact
       AND NOT EXISTS (SELECT 1 FROM presence_history_devices WHERE contact = @contact)`,
    );
    this.pruneCoverageStatement = db.prepare<[string, number]>(
      'DELETE FROM presence_history_coverage WHERE account_id = ? AND stop < ?',
    );
    this.selectOpenDays = db.prepare<[], { day: number; device: number; runs: Buffer; stop: number | null }>(
      `SELECT r.day, r.device, r.runs,
              (SELECT max(stop) FROM presence_history_coverage v WHERE v.account_id = c.account_id) AS stop
       FROM presence_history_days r
       JOIN presence_history_devices d ON d.id = r.device
       JOIN presence_history_contacts c ON c.id = d.contact
       WHERE r.open = 1`,
    );
    this.writeTx = db.transaction((accountId: string, runs: readonly HistoryRun[], now: number) => {
      const contacts = this.known.get(accountId) ?? this.readContacts(accountId);
      const days = new Map<number, DayPieces>();
      for (const run of runs) this.cut(contacts, accountId, run, seconds(now), days);
      for (const { day, device, pieces } of days.values()) this.mergeDay(day, device, pieces);
    });
    this.pruneTx = db.transaction((contactIds: readonly number[], cutoffDay: number) => {
      let removed = 0;
      for (const contact of contactIds) {
        const days = this.pruneDays.run({ contact, cutoff: cutoffDay }).changes;
        removed += days;
        if (days === 0) continue;
        this.pruneStatuses.run({ contact, cutoff: cutoffDay });
        this.pruneDevices.run({ contact });
        const gone = this.pruneContact.run({ contact }).changes > 0;
        // Its devices and texts may be gone: read again when next needed.
        const known = this.knownIds.get(contact);
        if (known === undefined) continue;
        known.devices = null;
        known.statuses = null;
        if (gone) this.forgetContact(known);
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
   * Stores runs in one transaction: each run's pieces from its `firstDay` to the day it ended (or
   * today, `now`, while it lasts). Sets each run's `device`, `stored` and `firstDay`.
   */
  write(accountId: string, runs: readonly HistoryRun[], now: number): void {
    if (runs.length === 0 || !this.db.open) return;
    try {
      this.writeTx(accountId, runs, now);
    } catch (error) {
      // Rolled back: rows it inserted do not exist; what is known of the account is read again.
      this.forget(accountId);
      throw error;
    } finally {
      this.fresh.clear();
    }
  }

  /** Forgets what is known of the account's rows (they are read again at its next write). */
  forget(accountId: string): void {
    const contacts = this.known.get(accountId);
    if (contacts === undefined) return;
    for (const contact of contacts.values()) this.knownIds.delete(contact.id);
    this.known.delete(accountId);
  }

  private forgetContact(contact: KnownContact): void {
    this.knownIds.delete(contact.id);
    this.known.get(contact.accountId)?.delete(contact.jid);
  }

  /** Every contact row of the account, once (one query instead of one per contact first seen). */
  private readContacts(accountId: string): Map<string, KnownContact> {
    const contacts = new Map<string, KnownContact>();
    for (const { id, jid } of this.selectContacts.all(accountId)) {
      const contact: KnownContact = { id, accountId, jid, devices: null, statuses: null };
      contacts.set(jid, contact);
      this.knownIds.set(id, contact);
    }
    this.known.set(accountId, contacts);
    return contacts;
  }

  private contactOf(contacts: Map<string, KnownContact>, accountId: string, jid: string): KnownContact {
    let contact = contacts.get(jid);
    if (contact === undefined) {
      const id = Number(this.insertContact.run(accountId, jid).lastInsertRowid);
      contact = { id, accountId, jid, devices: [], statuses: null };
      contacts.set(jid, contact);
      this.knownIds.set(id, contact);
    }
    return contact;
  }

  /** The run's device row (made when new); its client is brought up to date when the run knows it. */
  private deviceOf(contact: KnownContact, run: HistoryRun): number {
    const devices = (contact.devices ??= this.selectContactDevices.all(contact.id));
    let known = findDevice(devices, run.resource);
    if (known === undefined || (run.device !== 0 && known.id !== run.device)) {
      if (run.device !== 0) {
        // A row this process no longer knows by the resource (read again since): only its client.
        if (run.clientName !== null) this.setClient(run);
        return run.device;
      }
      const id = Number(this.insertDevice.run(contact.id, run.resource, run.clientName, run.kind).lastInsertRowid);
      known = { resource: run.resource, id, client: run.clientName, kind: run.kind };
      devices.push(known);
      this.fresh.add(id);
      return id;
    }
    if (run.clientName !== null && (known.client !== run.clientName || known.kind !== run.kind)) {
      this.updateClient.run({ client: run.clientName, kind: run.kind, id: known.id });
      known.client = run.clientName;
      known.kind = run.kind;
    }
    return known.id;
  }

  /** A run's pieces, one per day it touches that may still change, added to `days`. */
  private cut(
    contacts: Map<string, KnownContact>,
    accountId: string,
    run: HistoryRun,
    now: number,
    days: Map<number, DayPieces>,
  ): void {
    const contact = this.contactOf(contacts, accountId, run.bare);
    run.device = this.deviceOf(contact, run);
    const start = seconds(run.start);
    const lasts = run.end === OPEN;
    // An end rounds up: a device that came and went within a second still shows that it came.
    const end = lasts ? Math.max(now, start) : Math.max(Math.ceil(run.end / 1000), start);
    const lastDay = lasts || end === start ? dayOf(end) : dayOf(end - 1);
    const status = run.status === null ? 0 : this.statusId(contact, run.status, lastDay);
    for (let day = Math.max(run.firstDay, dayOf(start)); day <= lastDay; day++) {
      const from = Math.max(start, day * DAY_S);
      const to = Math.min(end, (day + 1) * DAY_S);
      const key = dayKey(day, run.device);
      let entry = days.get(key);
      if (!entry) {
        entry = { day, device: run.device, pieces: [] };
        days.set(key, entry);
      }
      entry.pieces.push({
        offset: from - day * DAY_S,
        duration: to - from,
        show: SHOW_CODES[run.show],
        status,
        priority: run.priority,
        idle: run.idleSince === null ? null : from - seconds(run.idleSince),
        open: lasts && day === lastDay,
      });
    }
    run.firstDay = lastDay;
    run.stored = lasts ? Stored.Open : Stored.Ended;
  }

  /** The status text's row (made when new), marked as named on `day`. */
  private statusId(contact: KnownContact, text: string, day: number): number {
    const statuses = (contact.statuses ??= []);
    let known = findStatus(statuses, text);
    if (known === undefined) {
      const hash = textHash(text);
      const row = this.selectStatus.get(contact.id, hash, text);
      known = {
        text,
        id: row?.id ?? Number(this.insertStatus.run(contact.id, hash, text, day).lastInsertRowid),
        lastDay: row?.lastDay ?? day,
      };
      if (statuses.length >= KNOWN_STATUSES_PER_CONTACT) statuses.length = 0;
      statuses.push(known);
    }
    if (known.lastDay < day) {
      this.touchStatus.run(day, known.id);
      known.lastDay = day;
    }
    return known.id;
  }

  private setClient(run: HistoryRun): void {
    this.updateClient.run({ client: run.clientName!, kind: run.kind, id: run.device });
  }

  /** The day's stored runs with these pieces in (a piece replaces the run starting at its offset). */
  private mergeDay(day: number, device: number, pieces: Piece[]): void {
    // A device made by this write has no day stored yet.
    const row = this.fresh.has(device) ? undefined : this.selectDay.get(day, device);
    const merged = new Map<number, Piece>();
    if (row) {
      const stored = this.decode(row.runs, day, device);
      stored.forEach((run, i) => merged.set(run.offset, { ...run, open: row.open === 1 && i === stored.length - 1 }));
    }
    for (const piece of pieces) merged.set(piece.offset, piece);
    const runs = [...merged.values()].sort((a, b) => a.offset - b.offset);
    // Only the last run of a day can last: a later start means an earlier one has ended.
    const open = runs.at(-1)!.open;
    this.upsertDay.run(day, device, encodeDay(runs), open ? 1 : 0);
  }

  private decode(blob: Buffer, day: number, device: number): DayRun[] {
    try {
      return decodeDay(blob);
    } catch (error) {
      if (!(error instanceof DayDecodeError)) throw error;
      if (this.damaged.length < 100) this.damaged.push({ day, device, reason: error.message });
      return [];
    }
  }

  /** We listened to the account's contacts from `start` to `stop` (a row per listening stretch). */
  cover(accountId: string, start: number, stop: number): void {
    if (this.db.open)
      this.upsertCoverageStatement.run(accountId, seconds(start), Math.max(seconds(start), seconds(stop)));
  }

  /** One contact's devices and their run pieces of the days from `from` on. */
  contact(accountId: string, jid: string, from: number): StoredContactHistory {
    const rows = this.selectDevices.all(accountId, jid);
    const devices = rows.map(({ id, resource, client, kind }) => ({ id, resource, client, kind }));
    const runs: StoredRun[] = [];
    if (rows.length === 0) return { devices, runs };
    const texts = new Map<number, string>();
    for (const row of this.selectStatuses.all(rows[0].contact)) texts.set(row.id, row.text);
    const firstDay = dayOf(seconds(from));
    for (const device of devices) {
      for (const row of this.selectDays.all(device.id, firstDay)) {
        const dayRuns = this.decode(row.runs, row.day, device.id);
        dayRuns.forEach((run, i) => {
          const start = (row.day * DAY_S + run.offset) * 1000;
          const lasts = row.open === 1 && i === dayRuns.length - 1;
          runs.push({
            device: device.id,
            start,
            end: lasts ? null : start + run.duration * 1000,
            until: start + run.duration * 1000,
            show: SHOW_OF_CODE[run.show] ?? 'available',
            status: texts.get(run.status) ?? null,
            priority: run.priority,
            idleSince: run.idle == null ? null : start - run.idle * 1000,
          });
        });
      }
    }
    return { devices, runs };
  }

  coverage(accountId: string, from: number): Coverage[] {
    return this.selectCoverage
      .all(accountId, seconds(from))
      .map((row) => ({ start: row.start * 1000, stop: row.stop * 1000 }));
  }

  /** Forgets one contact's history (its devices and their days, status texts with them). */
  clearContact(accountId: string, jid: string): void {
    this.deleteContact.run(accountId, jid);
    const known = this.known.get(accountId)?.get(jid);
    if (known) this.forgetContact(known);
  }

  /** Forgets everything recorded for the account, coverage included. */
  clearAccount(accountId: string): void {
    this.db.transaction(() => {
      this.deleteAccountContacts.run(accountId);
      this.deleteAccountCoverage.run(accountId);
    })();
    this.forget(accountId);
  }

  contactIds(accountId: string): number[] {
    return this.selectContactIds.all(accountId).map((row) => row.id);
  }

  /**
   * Deletes the days of these contacts before the cutoff's day (epoch ms), then the status texts
   * no later day names and the devices and contacts nothing is kept of any more; one transaction.
   * Returns the days deleted.
   */
  prune(contactIds: readonly number[], cutoff: number): number {
    return this.db.open ? this.pruneTx(contactIds, dayOf(seconds(cutoff))) : 0;
  }

  pruneCoverage(accountId: string, cutoff: number): void {
    this.pruneCoverageStatement.run(accountId, seconds(cutoff));
  }

  /**
   * Runs still lasting from an earlier process (it stopped without ending them) end where that
   * process last knew it was listening (never before what was written). Returns the days closed.
   */
  endRunsLeftOpen(): number {
    const rows = this.selectOpenDays.all();
    if (rows.length === 0) return 0;
    this.db.transaction(() => {
      for (const row of rows) {
        const runs = this.decode(row.runs, row.day, row.device);
        const last = runs.at(-1);
        if (last && row.stop !== null) {
          const start = row.day * DAY_S + last.offset;
          const stop = Math.min(row.stop, (row.day + 1) * DAY_S);
          last.duration = Math.max(last.duration, stop - start);
        }
        this.upsertDay.run(row.day, row.device, encodeDay(runs), 0);
      }
    })();
    return rows.length;
  }
}
