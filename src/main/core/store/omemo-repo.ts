/**
 * All SQL for end-to-end encryption: our identity (public half; the private key lives in the secret
 * store), pre-keys, the device lists we read, sessions and trust. Keys are raw 32-byte Curve25519
 * values; the wire's 0x05 type prefix is added and removed at the protocol edge.
 */
import type { TrustState } from '../../../shared/encryption';
import type { Db } from './db';

export type { TrustState } from '../../../shared/encryption';

export interface IdentityRow {
  deviceId: number;
  registrationId: number;
  publicKey: Buffer;
  createdAt: number;
}

export interface PreKeyRow {
  keyId: number;
  publicKey: Buffer;
  privateKey: Buffer;
}

export interface SignedPreKeyRow extends PreKeyRow {
  signature: Buffer;
  createdAt: number;
}

export interface DeviceRow {
  jid: string;
  deviceId: number;
  active: boolean;
  label: string | null;
  identityKey: Buffer | null;
}

export interface TrustRow {
  jid: string;
  identityKey: Buffer;
  state: TrustState;
  decidedAt: number;
}

interface DeviceRecord {
  jid: string;
  device_id: number;
  active: number;
  label: string | null;
  identity_key: Buffer | null;
}

export class OmemoRepository {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      identity: db.prepare<
        [string],
        { device_id: number; registration_id: number; public_key: Buffer; created_at: number }
      >('SELECT device_id, registration_id, public_key, created_at FROM omemo_identity WHERE account_id = ?'),
      putIdentity: db.prepare(
        `INSERT OR REPLACE INTO omemo_identity (account_id, device_id, registration_id, public_key, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      signedPreKeys: db.prepare<
        [string, string],
        { key_id: number; public_key: Buffer; private_key: Buffer; signature: Buffer; created_at: number }
      >(
        `SELECT key_id, public_key, private_key, signature, created_at FROM omemo_signed_prekeys
         WHERE account_id = ? AND namespace = ? ORDER BY created_at DESC, key_id DESC`,
      ),
      putSignedPreKey: db.prepare(
        `INSERT OR REPLACE INTO omemo_signed_prekeys (account_id, namespace, key_id, public_key, private_key, signature, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteSignedPreKey: db.prepare(
        'DELETE FROM omemo_signed_prekeys WHERE account_id = ? AND namespace = ? AND key_id = ?',
      ),
      preKey: db.prepare<[string, string, number], { public_key: Buffer; private_key: Buffer }>(
        'SELECT public_key, private_key FROM omemo_prekeys WHERE account_id = ? AND namespace = ? AND key_id = ?',
      ),
      preKeys: db.prepare<[string, string], { key_id: number; public_key: Buffer; private_key: Buffer }>(
        'SELECT key_id, public_key, private_key FROM omemo_prekeys WHERE account_id = ? AND namespace = ? ORDER BY key_id',
      ),
      maxPreKeyId: db.prepare<[string, string], { max: number | null }>(
        'SELECT max(key_id) AS max FROM omemo_prekeys WHERE account_id = ? AND namespace = ?',
      ),
      putPreKey: db.prepare(
        'INSERT INTO omemo_prekeys (account_id, namespace, key_id, public_key, private_key) VALUES (?, ?, ?, ?, ?)',
      ),
      deletePreKey: db.prepare('DELETE FROM omemo_prekeys WHERE account_id = ? AND namespace = ? AND key_id = ?'),
      devices: db.prepare<[string, string, string], DeviceRecord>(
        `SELECT jid, device_id, active, label, identity_key FROM omemo_devices
         WHERE account_id = ? AND namespace = ? AND jid = ? ORDER BY device_id`,
      ),
      device: db.prepare<[string, string, string, number], DeviceRecord>(
        `SELECT jid, device_id, active, label, identity_key FROM omemo_devices
         WHERE account_id = ? AND namespace = ? AND jid = ? AND device_id = ?`,
      ),
      deactivateDevices: db.prepare(
        'UPDATE omemo_devices SET active = 0 WHERE account_id = ? AND namespace = ? AND jid = ?',
      ),
      upsertDevice: db.prepare(
        `INSERT INTO omemo_devices (account_id, namespace, jid, device_id, active, label, first_seen)
         VALUES (?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT (account_id, namespace, jid, device_id) DO UPDATE SET active = 1, label = excluded.label`,
      ),
      ensureDevice: db.prepare(
        `INSERT OR IGNORE INTO omemo_devices (account_id, namespace, jid, device_id, active, first_seen)
         VALUES (?, ?, ?, ?, 0, ?)`,
      ),
      setDeviceIdentity: db.prepare(
        'UPDATE omemo_devices SET identity_key = ? WHERE account_id = ? AND namespace = ? AND jid = ? AND device_id = ?',
      ),
      listRead: db.prepare<[string, string, string], { read_at: number }>(
        'SELECT read_at FROM omemo_device_lists WHERE account_id = ? AND namespace = ? AND jid = ?',
      ),
      putListRead: db.prepare(
        'INSERT OR REPLACE INTO omemo_device_lists (account_id, namespace, jid, read_at) VALUES (?, ?, ?, ?)',
      ),
      session: db.prepare<[string, string, string, number], { record: string }>(
        'SELECT record FROM omemo_sessions WHERE account_id = ? AND namespace = ? AND jid = ? AND device_id = ?',
      ),
      putSession: db.prepare(
        `INSERT OR REPLACE INTO omemo_sessions (account_id, namespace, jid, device_id, record, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      deleteSession: db.prepare(
        'DELETE FROM omemo_sessions WHERE account_id = ? AND namespace = ? AND jid = ? AND device_id = ?',
      ),
      trust: db.prepare<[string, string, Buffer], { state: TrustState; decided_at: number }>(
        'SELECT state, decided_at FROM encryption_trust WHERE account_id = ? AND jid = ? AND identity_key = ?',
      ),
      trustOf: db.prepare<[string, string], { identity_key: Buffer; state: TrustState; decided_at: number }>(
        'SELECT identity_key, state, decided_at FROM encryption_trust WHERE account_id = ? AND jid = ?',
      ),
      hasVerified: db.prepare<[string, string], { found: number }>(
        "SELECT 1 AS found FROM encryption_trust WHERE account_id = ? AND jid = ? AND state = 'verified' LIMIT 1",
      ),
      putTrust: db.prepare(
        `INSERT OR REPLACE INTO encryption_trust (account_id, jid, identity_key, state, decided_at)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      clearAccountKeys: [
        db.prepare('DELETE FROM omemo_prekeys WHERE account_id = ?'),
        db.prepare('DELETE FROM omemo_signed_prekeys WHERE account_id = ?'),
        db.prepare('DELETE FROM omemo_sessions WHERE account_id = ?'),
      ],
    };
  }

  identity(accountId: string): IdentityRow | null {
    const row = this.s.identity.get(accountId);
    return row
      ? {
          deviceId: row.device_id,
          registrationId: row.registration_id,
          publicKey: row.public_key,
          createdAt: row.created_at,
        }
      : null;
  }

  /**
   * Sets our identity. A new identity makes every pre-key and session of the old one useless, so
   * they go in the same transaction.
   */
  replaceIdentity(accountId: string, identity: Omit<IdentityRow, 'createdAt'>): void {
    this.db.transaction(() => {
      for (const statement of this.s.clearAccountKeys) statement.run(accountId);
      this.s.putIdentity.run(accountId, identity.deviceId, identity.registrationId, identity.publicKey, this.now());
    })();
  }

  signedPreKeys(accountId: string, namespace: string): SignedPreKeyRow[] {
    return this.s.signedPreKeys.all(accountId, namespace).map((row) => ({
      keyId: row.key_id,
      publicKey: row.public_key,
      privateKey: row.private_key,
      signature: row.signature,
      createdAt: row.created_at,
    }));
  }

  putSignedPreKey(accountId: string, namespace: string, key: Omit<SignedPreKeyRow, 'createdAt'>): void {
    this.s.putSignedPreKey.run(
      accountId,
      namespace,
      key.keyId,
      key.publicKey,
      key.privateKey,
      key.signature,
      this.now(),
    );
  }

  deleteSignedPreKey(accountId: string, namespace: string, keyId: number): void {
    this.s.deleteSignedPreKey.run(accountId, namespace, keyId);
  }

  preKey(accountId: string, namespace: string, keyId: number): PreKeyRow | null {
    const row = this.s.preKey.get(accountId, namespace, keyId);
    return row ? { keyId, publicKey: row.public_key, privateKey: row.private_key } : null;
  }

  preKeys(accountId: string, namespace: string): PreKeyRow[] {
    return this.s.preKeys
      .all(accountId, namespace)
      .map((row) => ({ keyId: row.key_id, publicKey: row.public_key, privateKey: row.private_key }));
  }

  maxPreKeyId(accountId: string, namespace: string): number {
    return this.s.maxPreKeyId.get(accountId, namespace)?.max ?? 0;
  }

  addPreKeys(accountId: string, namespace: string, keys: PreKeyRow[]): void {
    this.db.transaction(() => {
      for (const key of keys) this.s.putPreKey.run(accountId, namespace, key.keyId, key.publicKey, key.privateKey);
    })();
  }

  removePreKey(accountId: string, namespace: string, keyId: number): boolean {
    return this.s.deletePreKey.run(accountId, namespace, keyId).changes > 0;
  }

  devices(accountId: string, namespace: string, jid: string): DeviceRow[] {
    return this.s.devices.all(accountId, namespace, jid).map(deviceRow);
  }

  device(accountId: string, namespace: string, jid: string, deviceId: number): DeviceRow | null {
    const row = this.s.device.get(accountId, namespace, jid, deviceId);
    return row ? deviceRow(row) : null;
  }

  /** Replaces the active device list of `jid`; devices no longer listed stay known, inactive. */
  setDeviceList(
    accountId: string,
    namespace: string,
    jid: string,
    devices: { deviceId: number; label: string | null }[],
  ): void {
    const now = this.now();
    this.db.transaction(() => {
      this.s.deactivateDevices.run(accountId, namespace, jid);
      for (const device of devices)
        this.s.upsertDevice.run(accountId, namespace, jid, device.deviceId, device.label, now);
      this.s.putListRead.run(accountId, namespace, jid, now);
    })();
  }

  /** When we last read `jid`'s device list, or null when never. */
  deviceListReadAt(accountId: string, namespace: string, jid: string): number | null {
    return this.s.listRead.get(accountId, namespace, jid)?.read_at ?? null;
  }

  /** Records the identity key a device proved (bundle signature or a session built on it). */
  setDeviceIdentity(accountId: string, namespace: string, jid: string, deviceId: number, identityKey: Buffer): void {
    this.db.transaction(() => {
      this.s.ensureDevice.run(accountId, namespace, jid, deviceId, this.now());
      this.s.setDeviceIdentity.run(identityKey, accountId, namespace, jid, deviceId);
    })();
  }

  session(accountId: string, namespace: string, jid: string, deviceId: number): string | null {
    return this.s.session.get(accountId, namespace, jid, deviceId)?.record ?? null;
  }

  putSession(accountId: string, namespace: string, jid: string, deviceId: number, record: string): void {
    this.s.putSession.run(accountId, namespace, jid, deviceId, record, this.now());
  }

  deleteSession(accountId: string, namespace: string, jid: string, deviceId: number): void {
    this.s.deleteSession.run(accountId, namespace, jid, deviceId);
  }

  trust(accountId: string, jid: string, identityKey: Buffer): TrustRow | null {
    const row = this.s.trust.get(accountId, jid, identityKey);
    return row ? { jid, identityKey, state: row.state, decidedAt: row.decided_at } : null;
  }

  trustOf(accountId: string, jid: string): TrustRow[] {
    return this.s.trustOf
      .all(accountId, jid)
      .map((row) => ({ jid, identityKey: row.identity_key, state: row.state, decidedAt: row.decided_at }));
  }

  hasVerified(accountId: string, jid: string): boolean {
    return this.s.hasVerified.get(accountId, jid) !== undefined;
  }

  setTrust(accountId: string, jid: string, identityKey: Buffer, state: TrustState): void {
    this.s.putTrust.run(accountId, jid, identityKey, state, this.now());
  }
}

function deviceRow(row: DeviceRecord): DeviceRow {
  return {
    jid: row.jid,
    deviceId: row.device_id,
    active: row.active === 1,
    label: row.label,
    identityKey: row.identity_key,
  };
}
