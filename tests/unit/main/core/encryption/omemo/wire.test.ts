/**
 * The OMEMO 0.3 wire format and the trust helpers, fed directly: strict parsing of device lists,
 * bundles, <encrypted/> elements and pre-key messages; fingerprints and Conversations' xmpp: URIs.
 */
import { randomBytes } from 'node:crypto';
import { Curve25519Wrapper } from '@privacyresearch/curve25519-typescript';
import { KeyHelper, type KeyPairType } from '@privacyresearch/libsignal-protocol-typescript';
import * as Internal from '@privacyresearch/libsignal-protocol-typescript/lib/internal';
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { signalLibrary } from '../../../../../../src/main/core/encryption/omemo/native-curve';
import { newIdentity, newKeyPair } from '../../../../../../src/main/core/encryption/omemo/native-keys';
import { serializedPublic } from '../../../../../../src/main/core/encryption/omemo/signal-store';
import { readPreKeyMessage } from '../../../../../../src/main/core/encryption/omemo/prekey-message';
import {
  NS_OMEMO_03,
  parseBundle,
  parseDeviceList,
  parseEncrypted,
  strictBase64,
} from '../../../../../../src/main/core/encryption/omemo/stanzas';
import { openPayload, sealPayload } from '../../../../../../src/main/core/encryption/omemo/payload';
import {
  formatFingerprint,
  parseFingerprint,
  parseVerificationUri,
} from '../../../../../../src/main/core/encryption/trust';

const key33 = (fill: number) => Buffer.concat([Buffer.from([5]), Buffer.alloc(32, fill)]).toString('base64');

function bundle(overrides: { identityKey?: string; signature?: string; preKey?: string; spkId?: string } = {}) {
  return xml(
    'bundle',
    { xmlns: NS_OMEMO_03 },
    xml('signedPreKeyPublic', { signedPreKeyId: overrides.spkId ?? '7' }, key33(1)),
    xml('signedPreKeySignature', {}, overrides.signature ?? Buffer.alloc(64, 2).toString('base64')),
    xml('identityKey', {}, overrides.identityKey ?? key33(3)),
    xml('prekeys', {}, xml('preKeyPublic', { preKeyId: '1' }, overrides.preKey ?? key33(4))),
  );
}

describe('OMEMO 0.3 wire format', () => {
  it('reads device ids in 1..2^31-1 once each and skips the rest', () => {
    const list = xml(
      'list',
      { xmlns: NS_OMEMO_03 },
      ...['12', '0', '-5', '2147483648', 'abc', '12', '2147483647', ' 3'].map((id) => xml('device', { id })),
    );
    expect(parseDeviceList(list)?.map((d) => d.deviceId)).toEqual([12, 2147483647]);
    expect(parseDeviceList(xml('list', { xmlns: 'urn:xmpp:omemo:2' }))).toBeNull();
  });

  it('takes a bundle only with well-formed keys and signature', () => {
    expect(parseBundle(bundle())).toMatchObject({ signedPreKeyId: 7, preKeys: [{ keyId: 1 }] });
    const raw32 = Buffer.alloc(32, 3).toString('base64');
    expect(parseBundle(bundle({ identityKey: raw32 }))).toEqual({ error: 'bad-identity-key' });
    const wrongType = Buffer.concat([Buffer.from([6]), Buffer.alloc(32, 3)]).toString('base64');
    expect(parseBundle(bundle({ identityKey: wrongType }))).toEqual({ error: 'bad-identity-key' });
    expect(parseBundle(bundle({ signature: Buffer.alloc(63).toString('base64') }))).toEqual({ error: 'bad-signature' });
    expect(parseBundle(bundle({ signature: 'not base64!' }))).toEqual({ error: 'bad-signature' });
    expect(parseBundle(bundle({ preKey: 'AAAA' }))).toEqual({ error: 'no-prekeys' });
    expect(parseBundle(bundle({ spkId: 'x' }))).toEqual({ error: 'bad-signed-prekey-id' });
    expect(parseBundle(xml('bundle', { xmlns: 'other' }))).toEqual({ error: 'no-bundle' });
  });

  it('reads an <encrypted/> element strictly', () => {
    const element = (iv: string, keyText = 'AAAA', sid = '5') =>
      xml(
        'encrypted',
        { xmlns: NS_OMEMO_03 },
        xml('header', { sid }, xml('key', { rid: '9', prekey: 'true' }, keyText), xml('iv', {}, iv)),
        xml('payload', {}, 'AAAA'),
      );
    const iv12 = Buffer.alloc(12).toString('base64');
    expect(parseEncrypted(element(iv12))).toMatchObject({ sid: 5, keys: [{ rid: 9, preKey: true }] });
    expect(parseEncrypted(element(Buffer.alloc(16).toString('base64')))).toMatchObject({ sid: 5 });
    expect(parseEncrypted(element(Buffer.alloc(8).toString('base64')))).toEqual({ error: 'bad-iv' });
    expect(parseEncrypted(element(iv12, 'AAAA', '0'))).toEqual({ error: 'bad-header' });
    // A key that is not base64 stays, empty, so the recipient it names learns it was unreadable.
    expect(parseEncrypted(element(iv12, '%%%'))).toMatchObject({ keys: [{ rid: 9, data: Buffer.alloc(0) }] });
    expect(parseEncrypted(xml('encrypted', { xmlns: NS_OMEMO_03 }))).toEqual({ error: 'bad-header' });
  });

  it('accepts only canonical base64', () => {
    expect(strictBase64('aGk=')).toEqual(Buffer.from('hi'));
    expect(strictBase64(' aG\nk= ')).toEqual(Buffer.from('hi'));
    for (const bad of ['aGk', 'a=Gk', 'aGk=!', '', '====']) expect(strictBase64(bad)).toBeNull();
  });

  it('refuses pre-key messages that are not well-formed v3', () => {
    expect(readPreKeyMessage(Buffer.from([0x33]))).toBeNull();
    expect(readPreKeyMessage(Buffer.from([0x22, 0x08, 0x01]))).toBeNull();
    expect(readPreKeyMessage(Buffer.from([0x33, 0x12, 0x40, 0x01]))).toBeNull(); // length past the end
    expect(readPreKeyMessage(Buffer.from([0x33, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBeNull();
    const key = Buffer.concat([Buffer.from([5]), Buffer.alloc(32, 7)]);
    const field = (n: number, bytes: Buffer) => Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
    const good = Buffer.concat([
      Buffer.from([0x33, 0x08, 0x2a, 0x30, 0x07]),
      field(2, key),
      field(3, key),
      field(4, Buffer.from([1, 2, 3])),
    ]);
    expect(readPreKeyMessage(good)).toMatchObject({ preKeyId: 42, signedPreKeyId: 7 });
  });

  it('seals a body with AES-128-GCM and the tag after the key, and reads the early 16-byte form too', () => {
    const sealed = sealPayload(Buffer.from('secret'));
    expect(sealed.keyMaterial).toHaveLength(32);
    expect(sealed.iv).toHaveLength(12);
    expect(openPayload(sealed.keyMaterial, sealed.iv, sealed.ciphertext)).toEqual({
      ok: true,
      plaintext: Buffer.from('secret'),
    });
    const early = Buffer.concat([sealed.ciphertext, sealed.keyMaterial.subarray(16)]);
    expect(openPayload(sealed.keyMaterial.subarray(0, 16), sealed.iv, early)).toMatchObject({ ok: true });
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[0] ^= 1;
    expect(openPayload(sealed.keyMaterial, sealed.iv, tampered)).toEqual({ ok: false, reason: 'bad-tag' });
    expect(openPayload(Buffer.alloc(20), sealed.iv, sealed.ciphertext)).toEqual({
      ok: false,
      reason: 'bad-key-material',
    });
  });
});

describe('fingerprints and verification URIs', () => {
  const key = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex');

  it('shows a fingerprint in eight blocks of eight hexadecimal characters', () => {
    expect(formatFingerprint(key)).toBe('a1b2c3d4 e5f60718 293a4b5c 6d7e8f90 a1b2c3d4 e5f60718 293a4b5c 6d7e8f90');
  });

  it('reads fingerprints as people write them, with or without the key type byte', () => {
    expect(parseFingerprint(formatFingerprint(key).toUpperCase())).toEqual(key);
    expect(parseFingerprint(`05${key.toString('hex')}`)).toEqual(key);
    expect(parseFingerprint(key.toString('hex').replace(/(..)/g, '$1:').slice(0, -1))).toEqual(key);
    expect(parseFingerprint('a1b2')).toBeNull();
    expect(parseFingerprint(`${key.toString('hex').slice(0, 63)}g`)).toBeNull();
  });

  it("parses Conversations' QR URI with one or more devices", () => {
    const fp = key.toString('hex');
    expect(parseVerificationUri(`xmpp:Alice@Example.com?omemo-sid-1234=${fp};omemo-sid-99=05${fp}`)).toEqual({
      jid: 'alice@example.com',
      devices: [
        { deviceId: 1234, identityKey: key },
        { deviceId: 99, identityKey: key },
      ],
    });
    expect(parseVerificationUri(`xmpp:bob%40example.com?message&omemo-sid-7=${fp}`)).toMatchObject({
      jid: 'bob@example.com',
      devices: [{ deviceId: 7 }],
    });
    expect(parseVerificationUri('https://example.com')).toEqual({ error: 'not-an-xmpp-uri' });
    expect(parseVerificationUri('xmpp:alice@example.com')).toEqual({ error: 'no-fingerprints' });
    expect(parseVerificationUri(`xmpp:alice@example.com?omemo-sid-1=abc`)).toEqual({ error: 'bad-fingerprint' });
    expect(parseVerificationUri(`xmpp:alice@example.com?omemo-sid-0=${fp}`)).toEqual({ error: 'bad-fingerprint' });
    expect(parseVerificationUri(`xmpp:@@?omemo-sid-1=${fp}`)).toEqual({ error: 'bad-jid' });
  });
});

describe("Node's X25519 for the Signal library", () => {
  it('makes the same key pairs and shared secrets as the library’s own Curve25519', async () => {
    await signalLibrary();
    const asm = await Curve25519Wrapper.create();
    for (let i = 0; i < 8; i++) {
      const a = new Uint8Array(randomBytes(32));
      const b = new Uint8Array(randomBytes(32));
      const native = await KeyHelper.generateIdentityKeyPair(); // through the installed curve
      expect(native.pubKey.byteLength).toBe(33);
      const mine = await (
        Internal.crypto as unknown as { createKeyPair(p: ArrayBuffer): Promise<KeyPairType> }
      ).createKeyPair(a.slice().buffer);
      const theirs = asm.keyPair(a.slice().buffer);
      expect(Buffer.from(mine.privKey)).toEqual(Buffer.from(theirs.privKey));
      expect(Buffer.from(mine.pubKey).subarray(1)).toEqual(Buffer.from(theirs.pubKey));
      const other = asm.keyPair(b.slice().buffer);
      const agreed = await Internal.crypto.ECDHE(mine.pubKey, other.privKey);
      expect(Buffer.from(agreed)).toEqual(Buffer.from(asm.sharedSecret(theirs.pubKey, other.privKey)));
      // Signatures stay the library's: one made with a natively made key verifies there.
      const signature = await Internal.crypto.Ed25519Sign(mine.privKey, new Uint8Array([1, 2, 3]).buffer);
      expect(asm.verify(theirs.pubKey, new Uint8Array([1, 2, 3]).buffer, signature)).toBe(false); // false = valid
    }
  });
});

describe('keys made without the Signal library', () => {
  const buffer = (bytes: Uint8Array) => new Uint8Array(bytes).buffer; // a copy: a Buffer may view a shared pool

  it('a new identity signs as XEdDSA verifies, and its stored private key signs and agrees as the library does', async () => {
    await signalLibrary();
    const asm = await Curve25519Wrapper.create();
    for (let i = 0; i < 16; i++) {
      const identity = newIdentity();
      const { publicKey, privateKey } = identity.pair;
      // The stored pair is one Curve25519 key pair…
      expect(Buffer.from(asm.keyPair(buffer(privateKey)).pubKey)).toEqual(publicKey);
      const signed = Buffer.from(serializedPublic(newKeyPair().publicKey));
      const signature = identity.sign(signed);
      // …whose signature (made with Node's Ed25519) XEdDSA accepts (false = valid) for that message only…
      expect(asm.verify(buffer(publicKey), buffer(signed), buffer(signature))).toBe(false);
      const other = Buffer.from(signed);
      other[5] ^= 1;
      expect(asm.verify(buffer(publicKey), buffer(other), buffer(signature))).toBe(true);
      // …and the library's own XEdDSA, signing later with the stored private key, is accepted too.
      const later = await Internal.crypto.Ed25519Sign(buffer(privateKey), buffer(signed));
      expect(asm.verify(buffer(publicKey), buffer(signed), later)).toBe(false);
    }
  });

  it('makes pre-key pairs the library agrees with', async () => {
    await signalLibrary();
    const asm = await Curve25519Wrapper.create();
    const a = newKeyPair();
    const b = newKeyPair();
    expect(Buffer.from(asm.keyPair(buffer(a.privateKey)).pubKey)).toEqual(a.publicKey);
    expect(Buffer.from(asm.sharedSecret(buffer(b.publicKey), buffer(a.privateKey)))).toEqual(
      Buffer.from(asm.sharedSecret(buffer(a.publicKey), buffer(b.privateKey))),
    );
    expect(a.privateKey[0] & 7).toBe(0); // clamped, as the library stores them
  });
});

describe('the Signal library in our process', () => {
  it('leaves no handler that would abort the process on any unhandled rejection', async () => {
    await import('../../../../../../src/main/core/encryption/omemo/omemo03');
    const emscripten = (listener: unknown) =>
      /ASSERTIONS=1|ExitStatus/.test(Function.prototype.toString.call(listener));
    expect(process.listeners('unhandledRejection').filter(emscripten)).toEqual([]);
    expect(process.listeners('uncaughtException').filter(emscripten)).toEqual([]);
  });
});
