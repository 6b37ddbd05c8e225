/**
 * Encrypted files as OMEMO clients share them (XEP-0454, what Conversations, Dino and Gajim do):
 * the file is encrypted with AES-256-GCM under a fresh key and a 12-byte IV, uploaded with its
 * 16-byte tag appended, and shared as `aesgcm://host/path#<iv hex><key hex>` in the body of an
 * encrypted message. On receipt the address is fetched over https (the same host and path), the
 * bytes are decrypted as they stream in, and the tag is checked at the end: until it verified,
 * nothing counts as stored (the caller writes beside the final name and removes it on error).
 * 16-byte IVs, as older clients sent, are read too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { TransferError } from '../../../../shared/errors';
import { parseHttpsUrl } from '../../media/https-client';

export const AESGCM_TAG_BYTES = 16;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const LEGACY_IV_BYTES = 16;
const SCHEME = /^aesgcm:\/\//i;

export interface AesgcmSecret {
  key: Buffer;
  iv: Buffer;
}

/** Where a shared file's bytes are fetched, and the secret to decrypt them with (aesgcm: only). */
export interface FileSource {
  url: string;
  secret: AesgcmSecret | null;
}

/** Why a file cannot be read or its bytes were refused. */
export class AesgcmError extends Error {
  constructor(readonly error: TransferError) {
    super(error.reason);
    this.name = 'AesgcmError';
  }
}

/** A fresh key and IV for one file. */
export function newSecret(): AesgcmSecret {
  return { key: randomBytes(KEY_BYTES), iv: randomBytes(IV_BYTES) };
}

/** The aesgcm: address of an uploaded file: the https: address with the IV and key as fragment. */
export function aesgcmUrl(httpsUrl: string, secret: AesgcmSecret): string {
  const url = new URL(httpsUrl);
  url.hash = '';
  const plain = url.href.replace(/^https:\/\//i, '');
  return `aesgcm://${plain}#${secret.iv.toString('hex')}${secret.key.toString('hex')}`;
}

/** A body that is exactly one aesgcm: address (what an encrypted message sharing a file carries). */
export function isAesgcmFile(body: string): boolean {
  const text = body.trim();
  return SCHEME.test(text) && !/[\s\p{Cc}]/u.test(text) && text.length <= 8192;
}

/**
 * Where to fetch a shared file from: an https: address as it is; an aesgcm: address as https: with
 * its secret. Anything else (http:, file:, a broken or missing fragment) is refused with the reason.
 */
export function fileSource(address: string): FileSource | { error: TransferError } {
  const text = address.trim();
  if (!SCHEME.test(text)) {
    const url = parseHttpsUrl(text);
    return url ? { url: url.href, secret: null } : { error: { reason: 'http.insecureUrl', params: {} } };
  }
  const hash = text.indexOf('#');
  const url = parseHttpsUrl(`https://${text.slice('aesgcm://'.length, hash === -1 ? undefined : hash)}`);
  if (!url) return { error: { reason: 'http.insecureUrl', params: {} } };
  const fragment = hash === -1 ? '' : text.slice(hash + 1);
  const ivBytes = fragment.length / 2 - KEY_BYTES;
  if (!/^[0-9a-f]+$/i.test(fragment) || (ivBytes !== IV_BYTES && ivBytes !== LEGACY_IV_BYTES)) {
    return { error: { reason: 'file.encryptedKey' } };
  }
  const bytes = Buffer.from(fragment, 'hex');
  return { url: url.href, secret: { iv: bytes.subarray(0, ivBytes), key: bytes.subarray(ivBytes) } };
}

/** The name the upload service sees: random, keeping a short extension (the real name stays private). */
export function uploadName(name: string): string {
  const extension = path.extname(name).toLowerCase();
  return `${randomBytes(16).toString('hex')}${/^\.[a-z0-9]{1,8}$/.test(extension) ? extension : ''}`;
}

/** `plain` encrypted as it streams, the tag after the last byte. */
export function encrypting(plain: Readable, secret: AesgcmSecret): Readable {
  const cipher = createCipheriv('aes-256-gcm', secret.key, secret.iv, { authTagLength: AESGCM_TAG_BYTES });
  const sealed = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, cipher.update(chunk));
    },
    flush(done) {
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
  // An error on either side ends both (a file that cannot be read stops the upload).
  return pipeline(plain, sealed, () => {});
}

/**
 * Decrypts as the bytes stream through, holding back the last 16 (the tag). At the end the tag is
 * checked: a file changed on the way, truncated or encrypted with another key ends in an error,
 * and whoever wrote the bytes out removes them.
 */
export function decrypting(secret: AesgcmSecret): Transform {
  const decipher = createDecipheriv('aes-256-gcm', secret.key, secret.iv, { authTagLength: AESGCM_TAG_BYTES });
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const joined = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      const keep = joined.length - AESGCM_TAG_BYTES;
      // A copy: the tail must not hold on to the whole chunk.
      tail = Buffer.from(joined.subarray(Math.max(0, keep)));
      done(null, keep > 0 ? decipher.update(joined.subarray(0, keep)) : undefined);
    },
    flush(done) {
      if (tail.length < AESGCM_TAG_BYTES) {
        done(new AesgcmError({ reason: 'file.encryptedShort' }));
        return;
      }
      decipher.setAuthTag(tail);
      let rest: Buffer;
      try {
        rest = decipher.final();
      } catch {
        done(new AesgcmError({ reason: 'file.encryptedTag' }));
        return;
      }
      done(null, rest);
    },
  });
}

/** The plain size of an encrypted file of `size` bytes on the server. */
export function plainSize(size: number | null, secret: AesgcmSecret | null): number | null {
  if (size === null || secret === null) return size;
  return Math.max(0, size - AESGCM_TAG_BYTES);
}
