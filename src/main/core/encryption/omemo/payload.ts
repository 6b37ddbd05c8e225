/**
 * The message layer of OMEMO 0.3 around the ratchet: the body is encrypted once with AES-128-GCM
 * under a fresh key and 12-byte IV; the key and the 16-byte authentication tag (32 bytes together)
 * are what the ratchet encrypts for each device. Early 0.3 clients sent a 16-byte key with the tag
 * at the end of the payload instead; both are read.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 16;
const TAG_BYTES = 16;
const IV_BYTES = 12;

export interface SealedPayload {
  /** Key followed by the tag: what each device's ratchet message carries. */
  keyMaterial: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

export function sealPayload(plaintext: Buffer): SealedPayload {
  const key = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-128-gcm', key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyMaterial: Buffer.concat([key, cipher.getAuthTag()]), iv, ciphertext };
}

/** Key material for a key transport element: a key and a tag of nothing. */
export function keyTransportMaterial(): { keyMaterial: Buffer; iv: Buffer } {
  const sealed = sealPayload(Buffer.alloc(0));
  return { keyMaterial: sealed.keyMaterial, iv: sealed.iv };
}

export type OpenResult = { ok: true; plaintext: Buffer } | { ok: false; reason: 'bad-key-material' | 'bad-tag' };

export function openPayload(keyMaterial: Buffer, iv: Buffer, payload: Buffer): OpenResult {
  let key: Buffer;
  let tag: Buffer;
  let ciphertext: Buffer;
  if (keyMaterial.length === KEY_BYTES + TAG_BYTES) {
    key = keyMaterial.subarray(0, KEY_BYTES);
    tag = keyMaterial.subarray(KEY_BYTES);
    ciphertext = payload;
  } else if (keyMaterial.length === KEY_BYTES && payload.length >= TAG_BYTES) {
    key = keyMaterial;
    tag = payload.subarray(payload.length - TAG_BYTES);
    ciphertext = payload.subarray(0, payload.length - TAG_BYTES);
  } else {
    return { ok: false, reason: 'bad-key-material' };
  }
  try {
    const decipher = createDecipheriv('aes-128-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return { ok: true, plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]) };
  } catch {
    return { ok: false, reason: 'bad-tag' };
  }
}
