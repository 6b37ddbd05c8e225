/**
 * Our own key material: the identity (created once, never replaced behind the user's back), the
 * signed pre-key and the one-time pre-keys, topped up to 100 as they are used. Keys are made with
 * Node's crypto (native-keys.ts); a signed pre-key of an identity made in an earlier run is signed
 * with the Signal library's XEdDSA, the only step here that loads it.
 */
import { randomInt } from 'node:crypto';
import type { OmemoRepository } from '../../store/omemo-repo';
import type { IdentityVault } from '../identity-vault';
import { rawPublic, serializedPublic, toArrayBuffer, type IdentityKeyPair } from './signal-store';
import { signalLibrary } from './native-curve';
import { newIdentity, newKeyPair } from './native-keys';
import { MAX_DEVICE_ID, type Bundle } from './stanzas';

export const PREKEY_COUNT = 100;
/** A new signed pre-key every week (libsignal's and Conversations' habit)… */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 3600_000;
/** …and the replaced one kept four more weeks. */
export const SIGNED_PREKEY_GRACE_MS = 28 * 24 * 3600_000;

export interface LoadedIdentity {
  deviceId: number;
  registrationId: number;
  pair: IdentityKeyPair;
  /** Signs with the identity key without the library: an identity made in this run only. */
  sign?(message: Buffer): Buffer;
}

export type IdentityLoad =
  | { state: 'ready'; identity: LoadedIdentity }
  /** An identity exists (others may have verified it) but its private key is not here. */
  | { state: 'identity-unavailable'; deviceId: number; publicKey: Buffer };

/**
 * Loads the account's identity, creating one only when the account never had one. A stored public
 * key without its private key stays unavailable: replacing it is the user's decision (resetIdentity).
 */
export async function loadIdentity(
  repo: OmemoRepository,
  vault: IdentityVault,
  accountId: string,
): Promise<IdentityLoad> {
  const row = repo.identity(accountId);
  if (row) {
    const privateKey = vault.load(accountId);
    if (privateKey === undefined)
      return { state: 'identity-unavailable', deviceId: row.deviceId, publicKey: row.publicKey };
    return {
      state: 'ready',
      identity: {
        deviceId: row.deviceId,
        registrationId: row.registrationId,
        pair: { publicKey: row.publicKey, privateKey },
      },
    };
  }
  return { state: 'ready', identity: await createIdentity(repo, vault, accountId, []) };
}

/** A new identity and device id (avoiding `takenDeviceIds`); old pre-keys and sessions go with the old one. */
export async function createIdentity(
  repo: OmemoRepository,
  vault: IdentityVault,
  accountId: string,
  takenDeviceIds: number[],
): Promise<LoadedIdentity> {
  const { pair, sign } = newIdentity();
  let deviceId: number;
  do deviceId = randomInt(1, MAX_DEVICE_ID + 1);
  while (takenDeviceIds.includes(deviceId));
  const registrationId = randomInt(1, 16381);
  // The private key first: a stored identity row without a reachable key reads as "unavailable".
  vault.save(accountId, pair.privateKey);
  repo.replaceIdentity(accountId, { deviceId, registrationId, publicKey: pair.publicKey });
  return { deviceId, registrationId, pair, sign };
}

/** Makes sure there is a signed pre-key and 100 one-time pre-keys; true when anything was added. */
export async function topUpKeys(
  repo: OmemoRepository,
  accountId: string,
  namespace: string,
  identity: LoadedIdentity,
): Promise<boolean> {
  let changed = false;
  const signedKeys = repo.signedPreKeys(accountId, namespace);
  const now = Date.now();
  if (signedKeys.length === 0 || now - signedKeys[0].createdAt > SIGNED_PREKEY_ROTATION_MS) {
    const used = new Set(signedKeys.map((k) => k.keyId));
    let keyId: number;
    do keyId = randomInt(1, 0x1000000);
    while (used.has(keyId));
    repo.putSignedPreKey(accountId, namespace, { keyId, ...(await signedPreKey(identity)) });
    changed = true;
  }
  // Replaced signed pre-keys stay a while for pre-key messages written before the change arrived.
  for (const old of signedKeys.slice(changed ? 0 : 1)) {
    if (now - old.createdAt > SIGNED_PREKEY_ROTATION_MS + SIGNED_PREKEY_GRACE_MS)
      repo.deleteSignedPreKey(accountId, namespace, old.keyId);
  }
  const missing = PREKEY_COUNT - repo.preKeys(accountId, namespace).length;
  if (missing > 0) {
    let next = repo.maxPreKeyId(accountId, namespace) + 1;
    if (next + missing > MAX_DEVICE_ID) next = 1; // ids wrap around after 2^31 (never in practice)
    const fresh = [];
    for (let i = 0; i < missing; i++) {
      // Key generation is synchronous: let the event loop breathe between keys.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
      fresh.push({ keyId: next + i, ...newKeyPair() });
    }
    repo.addPreKeys(accountId, namespace, fresh);
    changed = true;
  }
  return changed;
}

/** A new signed pre-key pair and its signature by the identity key. */
async function signedPreKey(
  identity: LoadedIdentity,
): Promise<{ publicKey: Buffer; privateKey: Buffer; signature: Buffer }> {
  if (identity.sign) {
    const pair = newKeyPair();
    // What is signed is the key's serialized form (type byte 0x05 and the 32 bytes), as Signal does.
    return { ...pair, signature: identity.sign(Buffer.from(serializedPublic(pair.publicKey))) };
  }
  // An identity from an earlier run: only its Curve25519 private key is kept, which XEdDSA signs with.
  const { KeyHelper } = await signalLibrary();
  const signed = await KeyHelper.generateSignedPreKey(
    { pubKey: serializedPublic(identity.pair.publicKey), privKey: toArrayBuffer(identity.pair.privateKey) },
    1, // the id is not part of what is signed
  );
  return {
    publicKey: rawPublic(signed.keyPair.pubKey),
    privateKey: Buffer.from(signed.keyPair.privKey),
    signature: Buffer.from(signed.signature),
  };
}

/** What we publish: the newest signed pre-key and every unused one-time pre-key. */
export function ownBundle(
  repo: OmemoRepository,
  accountId: string,
  namespace: string,
  identity: LoadedIdentity,
): Bundle {
  const [signed] = repo.signedPreKeys(accountId, namespace);
  return {
    identityKey: identity.pair.publicKey,
    signedPreKeyId: signed.keyId,
    signedPreKey: signed.publicKey,
    signature: signed.signature,
    preKeys: repo.preKeys(accountId, namespace).map((k) => ({ keyId: k.keyId, publicKey: k.publicKey })),
  };
}
