/** All SQL for accounts and their pinned certificates. */
import type { AccountView } from '../../../shared/contract';
import type { Db } from './db';

export type AccountRow = Pick<AccountView, 'id' | 'jid' | 'host' | 'port' | 'label' | 'color' | 'enabled'> & {
  resource: string;
  pinnedCertificates: string[];
};

type AccountRecord = Omit<AccountRow, 'enabled' | 'pinnedCertificates'> & { enabled: number };

export class AccountsRepository {
  private readonly selectAll;
  private readonly selectPins;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;
  private readonly insertPin;
  private readonly deletePin;
  private readonly nextPosition;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare<[], AccountRecord>(
      'SELECT id, jid, host, port, label, color, enabled, resource FROM accounts ORDER BY position, created_at',
    );
    this.selectPins = db.prepare<[], { account_id: string; fingerprint: string }>(
      'SELECT account_id, fingerprint FROM account_certificates ORDER BY added_at',
    );
    this.insertStatement = db.prepare(
      `INSERT INTO accounts (id, jid, host, port, label, color, enabled, resource, position, created_at)
       VALUES (@id, @jid, @host, @port, @label, @color, @enabled, @resource, @position, @createdAt)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE accounts SET jid = @jid, host = @host, port = @port, label = @label, color = @color,
       enabled = @enabled, resource = @resource WHERE id = @id`,
    );
    this.deleteStatement = db.prepare('DELETE FROM accounts WHERE id = ?');
    this.insertPin = db.prepare(
      'INSERT OR IGNORE INTO account_certificates (account_id, fingerprint, added_at) VALUES (?, ?, ?)',
    );
    this.deletePin = db.prepare('DELETE FROM account_certificates WHERE account_id = ? AND fingerprint = ?');
    this.nextPosition = db.prepare<[], { next: number }>('SELECT coalesce(max(position), 0) + 1 AS next FROM accounts');
  }

  list(): AccountRow[] {
    const pins = new Map<string, string[]>();
    for (const pin of this.selectPins.all()) {
      const list = pins.get(pin.account_id) ?? [];
      list.push(pin.fingerprint);
      pins.set(pin.account_id, list);
    }
    return this.selectAll.all().map((record) => ({
      ...record,
      enabled: record.enabled === 1,
      pinnedCertificates: pins.get(record.id) ?? [],
    }));
  }

  insert(row: Omit<AccountRow, 'pinnedCertificates'>): void {
    this.insertStatement.run({
      ...row,
      enabled: row.enabled ? 1 : 0,
      position: this.nextPosition.get()!.next,
      createdAt: Date.now(),
    });
  }

  update(row: Omit<AccountRow, 'pinnedCertificates'>): void {
    this.updateStatement.run({ ...row, enabled: row.enabled ? 1 : 0 });
  }

  delete(id: string): void {
    this.deleteStatement.run(id);
  }

  pinCertificate(id: string, fingerprint: string): void {
    this.insertPin.run(id, fingerprint, Date.now());
  }

  unpinCertificate(id: string, fingerprint: string): void {
    this.deletePin.run(id, fingerprint);
  }

  /** True when another account already uses this JID (unique in the table). */
  jidTaken(jid: string, exceptId?: string): boolean {
    const row = this.db.prepare<[string], { id: string }>('SELECT id FROM accounts WHERE jid = ?').get(jid);
    return row !== undefined && row.id !== exceptId;
  }
}
