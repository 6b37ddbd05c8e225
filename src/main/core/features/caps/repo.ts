/**
 * SQLite storage for XEP-0115 caps: one row per (hash algorithm, ver). A verified ver names the
 * same disco#info for everyone, so rows are global, not per account or contact. Written once per
 * newly verified ver (never per presence). The table is made by migration 3 (store/migrations.ts). A
 * row with verified = 0 is never trusted for any JID; the cache writes only verified rows (a
 * mismatching answer is kept in memory for the one JID that sent it, XEP-0115 §5.4).
 */
import type { Db } from '../../store/db';
import type { CapsHashAlgo, DiscoIdentity } from './hash';

export type Device = 'pc' | 'phone' | 'web' | 'bot' | 'console' | 'handheld' | 'unknown';

export const DEVICES: readonly Device[] = ['pc', 'phone', 'web', 'bot', 'console', 'handheld', 'unknown'];

export interface CapsRecord {
  hashAlgo: CapsHashAlgo;
  ver: string;
  identities: DiscoIdentity[];
  features: string[];
  clientName: string | null;
  device: Device;
  verified: boolean;
  fetchedAt: number;
}

interface CapsRow {
  hash_algo: string;
  ver: string;
  identities: string;
  features: string;
  client_name: string | null;
  device: string;
  verified: number;
  fetched_at: number;
}

export class CapsRepository {
  private readonly selectStatement;
  private readonly upsertStatement;
  private readonly countStatement;
  private readonly pruneStatement;

  constructor(db: Db) {
    this.selectStatement = db.prepare<[string, string], CapsRow>(
      'SELECT * FROM caps WHERE hash_algo = ? AND ver = ? AND verified = 1',
    );
    // A verified row is never downgraded by a later unverified write.
    this.upsertStatement = db.prepare(
      `INSERT INTO caps (hash_algo, ver, identities, features, client_name, device, verified, fetched_at)
       VALUES (@hash_algo, @ver, @identities, @features, @client_name, @device, @verified, @fetched_at)
       ON CONFLICT (hash_algo, ver) DO UPDATE SET
         identities = excluded.identities, features = excluded.features, client_name = excluded.client_name,
         device = excluded.device, verified = excluded.verified, fetched_at = excluded.fetched_at
       WHERE excluded.verified >= caps.verified`,
    );
    this.countStatement = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM caps');
    this.pruneStatement = db.prepare<[number]>(
      `DELETE FROM caps WHERE (hash_algo, ver) IN
         (SELECT hash_algo, ver FROM caps ORDER BY fetched_at DESC LIMIT -1 OFFSET ?)`,
    );
  }

  /** The verified record for (algo, ver), or undefined. */
  getVerified(hashAlgo: CapsHashAlgo, ver: string): CapsRecord | undefined {
    const row = this.selectStatement.get(hashAlgo, ver);
    return row ? fromRow(row) : undefined;
  }

  put(record: CapsRecord): void {
    this.upsertStatement.run({
      hash_algo: record.hashAlgo,
      ver: record.ver,
      identities: JSON.stringify(record.identities),
      features: JSON.stringify(record.features),
      client_name: record.clientName,
      device: record.device,
      verified: record.verified ? 1 : 0,
      fetched_at: record.fetchedAt,
    });
  }

  /** Keeps the `keep` most recently fetched rows (a flood of new vers must not grow the file forever). */
  prune(keep: number): number {
    return this.pruneStatement.run(keep).changes;
  }

  count(): number {
    return this.countStatement.get()?.n ?? 0;
  }
}

function fromRow(row: CapsRow): CapsRecord {
  return {
    hashAlgo: row.hash_algo as CapsHashAlgo,
    ver: row.ver,
    identities: JSON.parse(row.identities) as DiscoIdentity[],
    features: JSON.parse(row.features) as string[],
    clientName: row.client_name,
    device: DEVICES.includes(row.device as Device) ? (row.device as Device) : 'unknown',
    verified: row.verified === 1,
    fetchedAt: row.fetched_at,
  };
}
