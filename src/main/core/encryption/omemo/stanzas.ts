/**
 * The wire format of XEP-0384 version 0.3 (namespace eu.siacs.conversations.axolotl), the one
 * Conversations, Dino, Gajim, Monal and Profanity interoperate on: the device list and bundle PEP
 * items and the <encrypted/> message element. Parsers are strict (exact base64, key lengths,
 * bounded counts) and return null or a reason instead of throwing.
 */
import xml, { type Element } from '@xmpp/xml';

import { NS_OMEMO_03 } from '../../xmpp/ns';

export { NS_OMEMO_03 };
export const NODE_DEVICELIST = `${NS_OMEMO_03}.devicelist`;
export const NODE_BUNDLES_PREFIX = `${NS_OMEMO_03}.bundles:`;
/** XEP-0163 §4: ask the server for device list changes of everyone whose presence we see. */
export const FEATURE_DEVICELIST_NOTIFY = `${NODE_DEVICELIST}+notify`;

/** A device id is a positive 31-bit integer (libsignal-protocol-c's range). */
export const MAX_DEVICE_ID = 0x7fffffff;
const MAX_DEVICES = 200;
const MAX_PREKEYS = 200;
const MAX_KEYS_PER_MESSAGE = 1000;
const MAX_KEY_BYTES = 4096;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const KEY_TYPE_DJB = 0x05;

export function bundleNode(deviceId: number): string {
  return `${NODE_BUNDLES_PREFIX}${deviceId}`;
}

/** Decodes canonical base64 (whitespace allowed); null for anything else. */
export function strictBase64(text: string | null | undefined, maxBytes = MAX_PAYLOAD_BYTES): Buffer | null {
  if (typeof text !== 'string') return null;
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || compact.length > ((maxBytes + 2) / 3) * 4 + 4) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.length <= maxBytes ? bytes : null;
}

/** A serialized public key (0x05 + 32 bytes) as its raw 32 bytes; null when it is not one. */
export function readPublicKey(text: string | null | undefined): Buffer | null {
  const bytes = strictBase64(text, 64);
  if (bytes === null || bytes.length !== 33 || bytes[0] !== KEY_TYPE_DJB) return null;
  return bytes.subarray(1);
}

export function writePublicKey(raw: Uint8Array): string {
  return Buffer.concat([Buffer.from([KEY_TYPE_DJB]), raw]).toString('base64');
}

export function parseDeviceId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= MAX_DEVICE_ID ? id : null;
}

// ---------- device list ----------

export interface ListedDevice {
  deviceId: number;
  label: string | null;
}

/** The devices of a <list/>; invalid entries are skipped, null when there is no list at all. */
export function parseDeviceList(list: Element | undefined): ListedDevice[] | null {
  if (!list || list.name !== 'list' || list.attrs.xmlns !== NS_OMEMO_03) return null;
  const devices = new Map<number, ListedDevice>();
  for (const child of list.getChildren('device')) {
    const deviceId = parseDeviceId(child.attrs.id);
    if (deviceId === null || devices.has(deviceId)) continue;
    const label = typeof child.attrs.label === 'string' ? child.attrs.label.slice(0, 256) : null;
    devices.set(deviceId, { deviceId, label });
    if (devices.size >= MAX_DEVICES) break;
  }
  return [...devices.values()];
}

export function deviceListElement(devices: ListedDevice[]): Element {
  return xml(
    'list',
    { xmlns: NS_OMEMO_03 },
    ...devices.map((d) =>
      xml('device', d.label ? { id: String(d.deviceId), label: d.label } : { id: String(d.deviceId) }),
    ),
  );
}

// ---------- bundle ----------

export interface Bundle {
  identityKey: Buffer;
  signedPreKeyId: number;
  signedPreKey: Buffer;
  signature: Buffer;
  preKeys: { keyId: number; publicKey: Buffer }[];
}

export function parseBundle(bundle: Element | undefined): Bundle | { error: string } {
  if (!bundle || bundle.name !== 'bundle' || bundle.attrs.xmlns !== NS_OMEMO_03) return { error: 'no-bundle' };
  const spk = bundle.getChild('signedPreKeyPublic');
  const signedPreKeyId = Number(spk?.attrs.signedPreKeyId);
  const signedPreKey = readPublicKey(spk?.text());
  const signature = strictBase64(bundle.getChildText('signedPreKeySignature'), 64);
  const identityKey = readPublicKey(bundle.getChildText('identityKey'));
  if (!spk || !/^\d{1,10}$/.test(String(spk.attrs.signedPreKeyId)) || signedPreKeyId > MAX_DEVICE_ID)
    return { error: 'bad-signed-prekey-id' };
  if (signedPreKey === null) return { error: 'bad-signed-prekey' };
  if (signature === null || signature.length !== 64) return { error: 'bad-signature' };
  if (identityKey === null) return { error: 'bad-identity-key' };
  const preKeys: Bundle['preKeys'] = [];
  for (const preKey of bundle.getChild('prekeys')?.getChildren('preKeyPublic') ?? []) {
    const keyId = parseDeviceId(preKey.attrs.preKeyId);
    const publicKey = readPublicKey(preKey.text());
    if (keyId !== null && publicKey !== null) preKeys.push({ keyId, publicKey });
    if (preKeys.length >= MAX_PREKEYS) break;
  }
  if (preKeys.length === 0) return { error: 'no-prekeys' };
  return { identityKey, signedPreKeyId, signedPreKey, signature, preKeys };
}

export function bundleElement(bundle: Bundle): Element {
  return xml(
    'bundle',
    { xmlns: NS_OMEMO_03 },
    xml('signedPreKeyPublic', { signedPreKeyId: String(bundle.signedPreKeyId) }, writePublicKey(bundle.signedPreKey)),
    xml('signedPreKeySignature', {}, bundle.signature.toString('base64')),
    xml('identityKey', {}, writePublicKey(bundle.identityKey)),
    xml(
      'prekeys',
      {},
      ...bundle.preKeys.map((k) => xml('preKeyPublic', { preKeyId: String(k.keyId) }, writePublicKey(k.publicKey))),
    ),
  );
}

// ---------- <encrypted/> ----------

export interface EncryptedKey {
  rid: number;
  preKey: boolean;
  data: Buffer;
}

export interface EncryptedMessage {
  sid: number;
  keys: EncryptedKey[];
  iv: Buffer;
  /** Absent in a key transport element. */
  payload: Buffer | null;
}

export function findEncrypted(message: Element): Element | undefined {
  return message.getChild('encrypted', NS_OMEMO_03);
}

export function parseEncrypted(encrypted: Element): EncryptedMessage | { error: string } {
  const header = encrypted.getChild('header');
  const sid = parseDeviceId(header?.attrs.sid);
  if (!header || sid === null) return { error: 'bad-header' };
  const iv = strictBase64(header.getChildText('iv'), 64);
  if (iv === null || (iv.length !== 12 && iv.length !== 16)) return { error: 'bad-iv' };
  const keys: EncryptedKey[] = [];
  for (const key of header.getChildren('key')) {
    if (keys.length >= MAX_KEYS_PER_MESSAGE) return { error: 'too-many-keys' };
    const rid = parseDeviceId(key.attrs.rid);
    if (rid === null) continue;
    const data = strictBase64(key.text(), MAX_KEY_BYTES);
    const preKey = key.attrs.prekey === 'true' || key.attrs.prekey === '1';
    // An unreadable key for another device is not ours to judge; one for us is kept and reported.
    keys.push({ rid, preKey, data: data ?? Buffer.alloc(0) });
  }
  const payloadElement = encrypted.getChild('payload');
  let payload: Buffer | null = null;
  if (payloadElement) {
    payload = strictBase64(payloadElement.text());
    if (payload === null) return { error: 'bad-payload' };
  }
  return { sid, keys, iv, payload };
}

export function encryptedElement(message: EncryptedMessage): Element {
  return xml(
    'encrypted',
    { xmlns: NS_OMEMO_03 },
    xml(
      'header',
      { sid: String(message.sid) },
      ...message.keys.map((k) =>
        xml(
          'key',
          k.preKey ? { prekey: 'true', rid: String(k.rid) } : { rid: String(k.rid) },
          k.data.toString('base64'),
        ),
      ),
      xml('iv', {}, message.iv.toString('base64')),
    ),
    ...(message.payload ? [xml('payload', {}, message.payload.toString('base64'))] : []),
  );
}
