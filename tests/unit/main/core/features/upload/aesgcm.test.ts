/**
 * Encrypted files (aesgcm:) on their way in: the address read (https only, a key and a 12- or
 * 16-byte IV in the fragment), the bytes decrypted as they stream into the download folder or the
 * media store, and kept only when the tag verifies. A wrong tag, a truncated file, a bad fragment,
 * an http: address and an oversized file each end in an error with nothing kept.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AesgcmError,
  aesgcmUrl,
  encrypting,
  fileSource,
  isAesgcmFile,
  newSecret,
  uploadName,
  type AesgcmSecret,
} from '../../../../../../src/main/core/features/upload/aesgcm';
import { downloadToFolder } from '../../../../../../src/main/core/features/upload/download';
import { HttpError, HttpsClient } from '../../../../../../src/main/core/media/https-client';
import { PreviewService } from '../../../../../../src/main/core/media/previews';
import { MediaStore } from '../../../../../../src/main/core/media/store';
import { createLogger } from '../../../../../../src/main/core/log';
import { png } from '../../../../../support/media-samples';
import { startScriptedHttps, type ScriptedHttps } from '../../../../../support/https-server';

const log = createLogger(() => {}, 'error');
let server: ScriptedHttps;
let client: HttpsClient;
let dir: string;
/** What the server answers for GET /file. */
let served: Buffer;

beforeAll(async () => {
  server = await startScriptedHttps();
  client = new HttpsClient({ ca: server.caPem, idleTimeoutMs: 2000 });
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-aesgcm-'));
  server.handle = (_req, res) => {
    res.writeHead(200, { 'Content-Length': served.length, 'Content-Type': 'application/octet-stream' });
    res.end(served);
  };
});

function seal(plain: Buffer, secret: AesgcmSecret): Buffer {
  const cipher = createCipheriv('aes-256-gcm', secret.key, secret.iv);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

const address = (secret: AesgcmSecret, name = 'file.bin') => aesgcmUrl(`${server.origin}/${name}`, secret);

async function save(url: string, maxBytes = 10_000_000) {
  const source = fileSource(url);
  if ('error' in source) throw new Error(source.error.reason);
  return downloadToFolder(client, source.url, path.join(dir, 'Downloads'), 'file.bin', {
    signal: new AbortController().signal,
    maxBytes,
    secret: source.secret,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const kept = () => fs.readdirSync(path.join(dir, 'Downloads'));

describe('aesgcm: addresses', () => {
  it('reads the key and a 12- or 16-byte IV from the fragment, and the https: address to fetch', () => {
    for (const ivBytes of [12, 16]) {
      const secret = { key: randomBytes(32), iv: randomBytes(ivBytes) };
      const url = `aesgcm://up.example/a%20b/c.png#${secret.iv.toString('hex')}${secret.key.toString('hex')}`;
      expect(fileSource(url)).toEqual({ url: 'https://up.example/a%20b/c.png', secret });
    }
    const secret = newSecret();
    expect(aesgcmUrl('https://up.example:5281/x/y.jpg', secret)).toBe(
      `aesgcm://up.example:5281/x/y.jpg#${secret.iv.toString('hex')}${secret.key.toString('hex')}`,
    );
  });

  it('refuses a bad fragment: missing, not hex, of the wrong length', () => {
    const key = 'ab'.repeat(32);
    for (const bad of [
      'aesgcm://up.example/a.png',
      'aesgcm://up.example/a.png#',
      `aesgcm://up.example/a.png#${'zz'.repeat(12)}${key}`,
      `aesgcm://up.example/a.png#${'00'.repeat(11)}${key}`,
      `aesgcm://up.example/a.png#${'00'.repeat(12)}${key}00`,
    ]) {
      expect(fileSource(bad), bad).toEqual({ error: { reason: 'file.encryptedKey' } });
    }
  });

  it('fetches only over https: an http: address, credentials or another scheme are refused', () => {
    const fragment = `#${'00'.repeat(12)}${'ab'.repeat(32)}`;
    for (const bad of [
      `http://up.example/a.png${fragment}`,
      `aesgcm://user:pw@up.example/a.png${fragment}`,
      `file:///etc/passwd${fragment}`,
      'aesgcm://',
    ]) {
      expect(fileSource(bad), bad).toEqual({ error: { reason: 'http.insecureUrl', params: {} } });
    }
  });

  it('is a file only when the whole body is one aesgcm: address', () => {
    expect(isAesgcmFile(`aesgcm://up.example/a.png#${'00'.repeat(44)}`)).toBe(true);
    expect(isAesgcmFile(`look: aesgcm://up.example/a.png#${'00'.repeat(44)}`)).toBe(false);
    expect(isAesgcmFile('https://up.example/a.png')).toBe(false);
  });

  it('names the upload at random, keeping a short extension only', () => {
    expect(uploadName('Holiday photo.JPG')).toMatch(/^[0-9a-f]{32}\.jpg$/);
    expect(uploadName('notes')).toMatch(/^[0-9a-f]{32}$/);
    expect(uploadName('x.<script>')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('encrypted downloads', () => {
  it('encrypts as it streams (tag last) and saves the decrypted bytes, 12- and 16-byte IVs', async () => {
    const plain = randomBytes(700_000);
    for (const ivBytes of [12, 16]) {
      const secret = { key: randomBytes(32), iv: randomBytes(ivBytes) };
      const chunks: Buffer[] = [];
      for await (const chunk of encrypting(Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]), secret))
        chunks.push(chunk as Buffer);
      served = Buffer.concat(chunks);
      expect(served.equals(seal(plain, secret))).toBe(true);
      const saved = await save(address(secret));
      expect(fs.readFileSync(saved.file).equals(plain)).toBe(true);
    }
  });

  it('a tag that does not verify: an error in words, nothing kept', async () => {
    const secret = newSecret();
    served = seal(randomBytes(100_000), secret);
    served[served.length - 1] ^= 1;
    const error = await failure(save(address(secret)));
    expect(error).toBeInstanceOf(AesgcmError);
    expect((error as AesgcmError).error).toEqual({ reason: 'file.encryptedTag' });
    expect(kept()).toEqual([]);
  });

  it('a changed byte in the middle, or the wrong key: nothing kept', async () => {
    const secret = newSecret();
    served = seal(randomBytes(50_000), secret);
    served[20_000] ^= 0x80;
    expect(((await failure(save(address(secret)))) as AesgcmError).error.reason).toBe('file.encryptedTag');
    served = seal(randomBytes(50_000), secret);
    const other = { ...newSecret(), iv: secret.iv };
    expect(((await failure(save(address(other)))) as AesgcmError).error.reason).toBe('file.encryptedTag');
    expect(kept()).toEqual([]);
  });

  it('a truncated file (the server stores less): nothing kept', async () => {
    const secret = newSecret();
    const whole = seal(randomBytes(80_000), secret);
    served = whole.subarray(0, whole.length - 100);
    expect(((await failure(save(address(secret)))) as AesgcmError).error.reason).toBe('file.encryptedTag');
    served = whole.subarray(0, 10);
    expect(((await failure(save(address(secret)))) as AesgcmError).error.reason).toBe('file.encryptedShort');
    expect(kept()).toEqual([]);
  });

  it('an oversized file is refused at the cap, nothing kept', async () => {
    const secret = newSecret();
    served = seal(randomBytes(200_000), secret);
    const error = await failure(save(address(secret), 100_000));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('too-large');
    expect(kept()).toEqual([]);
  });

  it('a redirect of the address to http: is refused', async () => {
    const secret = newSecret();
    server.handle = (_req, res) => {
      res.writeHead(302, { Location: `${server.plainOrigin}/file.bin` });
      res.end();
    };
    const error = await failure(save(address(secret)));
    expect((error as HttpError).code).toBe('redirect');
    expect(kept()).toEqual([]);
  });
});

describe('encrypted previews', () => {
  let store: MediaStore;

  beforeEach(async () => {
    store = await MediaStore.open({ dir: path.join(dir, 'media'), log });
  });

  it('a picture is decrypted into the store; a wrong tag keeps nothing and says why', async () => {
    const secret = newSecret();
    const picture = png(64, 48, { seed: 5 });
    served = seal(picture, secret);
    const previews = new PreviewService(store, client, log);
    const shown = await previews.preview(address(secret, 'a.png'));
    expect(shown).toMatchObject({ ok: true, ref: { mime: 'image/png', width: 64, height: 48 } });

    const other = newSecret();
    served = seal(png(64, 48, { seed: 6 }), other);
    served[served.length - 3] ^= 1;
    const refused = await previews.preview(address(other, 'b.png'));
    expect(refused).toEqual({ ok: false, refusal: { reason: 'file.encryptedTag' } });
    expect(store.usage().files).toBe(1);
  });

  it('a bad fragment is refused before anything is fetched', async () => {
    const previews = new PreviewService(store, client, log);
    server.requests.length = 0;
    const refused = await previews.preview(`aesgcm://127.0.0.1:1/a.png#00`);
    expect(refused).toEqual({ ok: false, refusal: { reason: 'file.encryptedKey' } });
    expect(server.requests).toEqual([]);
  });
});
