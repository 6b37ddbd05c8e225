/**
 * The Signal library's Curve25519 runs as asm.js on the main thread (≈ 3–20 ms per operation here).
 * Key agreement and key pairs are plain X25519, which Node's crypto does natively (well under a
 * millisecond): the library is given those, and keeps its own code for the XEdDSA-compatible
 * signatures, which Node does not offer. Private keys are clamped exactly as the library does, so
 * keys made either way sign and agree alike.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import type { AsyncCurve } from '@privacyresearch/curve25519-typescript';
import type * as Signal from '@privacyresearch/libsignal-protocol-typescript';

/**
 * Raw keys go in and out as JWK, not DER: OpenSSL 3 looks for a decoder on every DER key it parses
 * (≈ 0.6 ms of CPU a key, ten times the JWK path), and a new identity makes a hundred pre-keys.
 * A private JWK is read from `d` alone (`x` must be a string, and is not used).
 */
function privateKeyObject(raw: Uint8Array): KeyObject {
  const d = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

class NodeX25519Curve implements AsyncCurve {
  constructor(private readonly signatures: AsyncCurve) {}

  async keyPair(privKey: ArrayBuffer): Promise<{ pubKey: ArrayBuffer; privKey: ArrayBuffer }> {
    const priv = new Uint8Array(privKey.slice(0));
    priv[0] &= 248;
    priv[31] &= 127;
    priv[31] |= 64;
    return { pubKey: toArrayBuffer(rawPublicKey(createPublicKey(privateKeyObject(priv)))), privKey: priv.buffer };
  }

  async sharedSecret(pubKey: ArrayBuffer, privKey: ArrayBuffer): Promise<ArrayBuffer> {
    const publicKey = publicKeyObject(new Uint8Array(pubKey));
    return toArrayBuffer(diffieHellman({ privateKey: privateKeyObject(new Uint8Array(privKey)), publicKey }));
  }

  sign(privKey: ArrayBuffer, message: ArrayBuffer): Promise<ArrayBuffer> {
    return this.signatures.sign(privKey, message);
  }

  verify(pubKey: ArrayBuffer, message: ArrayBuffer, sig: ArrayBuffer): Promise<boolean> {
    return this.signatures.verify(pubKey, message, sig);
  }
}

/**
 * The library's asm.js module is an Emscripten build: when it loads under Node it adds process-wide
 * handlers that abort the whole process on any unhandled promise rejection and rethrow any uncaught
 * exception, whoever caused them. Those handlers are not ours to keep; they are recognised by their
 * Emscripten code and removed.
 */
export function removeEmscriptenProcessHandlers(): number {
  let removed = 0;
  const emscripten = (listener: unknown) => /ASSERTIONS=1|ExitStatus/.test(Function.prototype.toString.call(listener));
  for (const listener of process.listeners('unhandledRejection').filter(emscripten)) {
    process.removeListener('unhandledRejection', listener);
    removed++;
  }
  for (const listener of process.listeners('uncaughtException').filter(emscripten)) {
    process.removeListener('uncaughtException', listener);
    removed++;
  }
  return removed;
}

let loading: Promise<typeof Signal> | null = null;

/**
 * The Signal library, loaded on first use (once per process) with Node's X25519 given to it and the
 * handlers its module added dropped. Loading it instantiates its asm.js Curve25519 with a 16 MB heap
 * (≈ 14 MB resident): a session that never signs a key, builds or opens an OMEMO session does without.
 */
export function signalLibrary(): Promise<typeof Signal> {
  loading ??= Promise.all([
    import('@privacyresearch/libsignal-protocol-typescript'),
    import('@privacyresearch/curve25519-typescript'),
  ]).then(([library, curve]) => {
    library.setCurve(new NodeX25519Curve(new curve.AsyncCurve25519Wrapper()));
    removeEmscriptenProcessHandlers();
    return library;
  });
  return loading;
}
