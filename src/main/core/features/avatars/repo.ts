/**
 * SQLite storage for who-is-who (migration 7, store/migrations.ts): per account and JID the avatar's
 * SHA-1 and where it was announced, and the nickname. Written when one of them changes, never per
 * presence; read once at start so avatars show before any connection.
 */
import type { Db } from '../../store/db';
import { withoutFsync } from '../../store/commit-without-fsync';

export type AvatarSource = 'pep' | 'vcard';

export interface IdentityRecord {
  accountId: string;
  jid: string;
  /** Undefined: not known; null: its owner has none. */
  avatarHash: string | null | undefined;
  source: AvatarSource | null;
  nick: string | null;
}

interface IdentityRow {
  account_id: string;
  jid: string;
  avatar_hash: string | null;
  source: AvatarSource | null;
  nick: string | null;
}

export class IdentitiesRepository {
  private readonly allStatement;
  private readonly upsertStatement;
  private readonly deleteStatement;
  private readonly pruneOccupantsStatement;
  private readonly saveManyTx: (records: readonly IdentityRecord[], now: number) => void;

  constructor(db: Db) {
    this.allStatement = db.prepare<[], IdentityRow>(
      'SELECT account_id, jid, avatar_hash, source, nick FROM identities',
    );
    this.upsertStatement = db.prepare<[string, string, string | null, AvatarSource | null, string | null, number]>(
      `INSERT INTO identities (account_id, jid, avatar_hash, source, nick, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, jid) DO UPDATE SET
         avatar_hash = excluded.avatar_hash, source = excluded.source, nick = excluded.nick,
         updated_at = excluded.updated_at`,
    );
    this.deleteStatement = db.prepare<[string, string]>('DELETE FROM identities WHERE account_id = ? AND jid = ?');
    // Room occupants are room@service/nick: the only identities with a resource.
    this.pruneOccupantsStatement = db.prepare<[number]>(
      "DELETE FROM identities WHERE instr(jid, '/') > 0 AND updated_at < ?",
    );
    // Announced hashes and nicks, written a turn at a time while a room of thousands is joined: a
    // power cut may lose the newest of them (they are announced again), never the database.
    this.saveManyTx = withoutFsync(
      db,
      db.transaction((records: readonly IdentityRecord[], now: number) => {
        for (const record of records) this.save(record, now);
      }),
    );
  }

  all(): IdentityRecord[] {
    return this.allStatement.all().map((row) => ({
      accountId: row.account_id,
      jid: row.jid,
      // A row without a source never announced an avatar: only its nick is known.
      avatarHash: row.source === null ? undefined : row.avatar_hash,
      source: row.source,
      nick: row.nick,
    }));
  }

  save(record: IdentityRecord, now: number): void {
    // Bound by position: no object of named parameters per row (a flood writes thousands).
    this.upsertStatement.run(
      record.accountId,
      record.jid,
      record.avatarHash ?? null,
      record.avatarHash === undefined ? null : record.source,
      record.nick,
      now,
    );
  }

  /** Several records in one transaction (one commit instead of one per record). */
  saveMany(records: readonly IdentityRecord[], now: number): void {
    this.saveManyTx(records, now);
  }

  delete(accountId: string, jid: string): void {
    this.deleteStatement.run(accountId, jid);
  }

  /** Forgets room occupants whose avatar or nick last changed before `before`; how many. */
  pruneOccupants(before: number): number {
    return this.pruneOccupantsStatement.run(before).changes;
  }
}
