/**
 * New key material made with Node's crypto alone, so that a new identity, its signed pre-key and its
 * hundred one-time pre-keys do not load the Signal library (its module and its asm.js Curve25519 hold
 * the event loop for a few hundred ms, in one block, right where a session starts).
 *
 * Key pairs are plain X25519. The one signature a new identity needs (its signed pre-key's) is
 * XEdDSA-compatible without XEdDSA: the identity is made from an Ed25519 key whose public point has
 * the sign bit 0. Its Curve25519 private key is the Ed25519 secret scalar (SHA-512 of the seed,
 * clamped as X25519 clamps) and its Curve25519 public key that point's Montgomery form; an XEdDSA
 * verifier turns the Montgomery key back into the Edwards point with sign bit 0 — the very key the
 * Ed25519 signature was made with. Later signatures (a rotated signed pre-key) use the library's
 * XEdDSA with the stored private key, which signs alike.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { IdentityKeyPair } from './signal-store';

/** Clamps a Curve25519 private key in place, as the library and X25519 do. */
function clamp(key: Buffer): Buffer {
  key[0] &= 248;
  key[31] &= 127;
  key[31] |= 64;
  return key;
}

function x25519Public(privateKey: Buffer): Buffer {
  const d = privateKey.toString('base64url');
  const key = createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' }));
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
}

/** A Curve25519 key pair (raw 32-byte keys, the private one clamped). */
export function newKeyPair(): IdentityKeyPair {
  // Exported as JWK, not DER: OpenSSL 3 looks for a decoder for every DER key (see native-curve.ts).
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'),
    privateKey: clamp(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url')),
  };
}

export interface NewIdentity {
  pair: IdentityKeyPair;
  /** An XEdDSA-compatible signature by the identity key (the Ed25519 key stays in memory only). */
  sign(message: Buffer): Buffer;
}

/** A new identity key pair, and a way to sign with it in this run. */
export function newIdentity(): NewIdentity {
  for (;;) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const edwards = Buffer.from(jwk.x ?? '', 'base64url');
    // Half the keys have the sign bit set: an XEdDSA verifier would look for the other point.
    if ((edwards[31] & 0x80) !== 0) continue;
    const scalar = clamp(
      createHash('sha512')
        .update(Buffer.from(jwk.d ?? '', 'base64url'))
        .digest()
        .subarray(0, 32),
    );
    return {
      pair: { publicKey: x25519Public(scalar), privateKey: Buffer.from(scalar) },
      sign: (message) => sign(null, message, privateKey),
    };
  }
}
