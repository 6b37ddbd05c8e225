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

const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function privateKeyObject(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
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
    const spki = createPublicKey(privateKeyObject(priv)).export({ format: 'der', type: 'spki' });
    return { pubKey: toArrayBuffer(spki.subarray(SPKI_X25519_PREFIX.length)), privKey: priv.buffer };
  }

  async sharedSecret(pubKey: ArrayBuffer, privKey: ArrayBuffer): Promise<ArrayBuffer> {
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_X25519_PREFIX, new Uint8Array(pubKey)]),
      format: 'der',
      type: 'spki',
    });
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
