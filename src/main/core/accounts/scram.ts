/**
 * The client side of SCRAM (RFC 5802; SCRAM-SHA-256 in RFC 7677) without channel binding, with
 * Node's crypto: the salted password comes from native PBKDF2 off the main thread (thousands of
 * HMACs in JavaScript took ≈1 s per sign-in), and the server must prove it knows the password too
 * (its signature in the final message), which xmpp.js's mechanism does not check.
 *
 * Usernames are escaped as RFC 5802 §5.1 says ('=' → '=3D', ',' → '=2C'); names and passwords are
 * sent as they are, without SASLprep, as xmpp.js did.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export type ScramHash = 'sha1' | 'sha256';

/** The SCRAM mechanisms we speak, by their SASL names, strongest first. */
export const SCRAM_MECHANISMS: ReadonlyArray<{ name: string; hash: ScramHash }> = [
  { name: 'SCRAM-SHA-256', hash: 'sha256' },
  { name: 'SCRAM-SHA-1', hash: 'sha1' },
];

const KEY_LENGTH: Record<ScramHash, number> = { sha1: 20, sha256: 32 };

/** Far above what servers use (Prosody 10,000), low enough that a hostile value cannot stall us. */
export const MAX_SCRAM_ITERATIONS = 1_000_000;

/** "n,,": no channel binding, no authorization identity. */
const GS2_HEADER = 'n,,';

/** Why an exchange cannot go on: the challenge is unusable, or the server did not prove itself. */
export class ScramError extends Error {
  constructor(
    readonly reason: 'unusable-challenge' | 'server-signature' | 'server-error',
    message: string,
    /** With 'server-error': the server's own error value (RFC 5802 §7 server-error-value). */
    readonly serverError: string | null = null,
  ) {
    super(message);
    this.name = 'ScramError';
  }
}

function escapeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The attributes of a SCRAM message (`a=value,b=value`); a value may contain '='. */
function attributes(message: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length >= 2 && part[1] === '=') values.set(part[0], part.slice(2));
  }
  return values;
}

/** A printable nonce without ',' (base64 of random bytes). */
function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/** One SCRAM exchange: clientFirst, then clientFinal(serverFirst), then verifyServerFinal(serverFinal). */
export class ScramClient {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly hash: ScramHash,
    username: string,
    private readonly password: string,
    private readonly nonce: string = newNonce(),
  ) {
    this.clientFirstBare = `n=${escapeName(username)},r=${nonce}`;
  }

  /** client-first-message. */
  clientFirst(): string {
    return GS2_HEADER + this.clientFirstBare;
  }

  /** client-final-message for the server-first-message (RFC 5802 §3). */
  async clientFinal(serverFirst: string): Promise<string> {
    const values = attributes(serverFirst);
    const serverNonce = values.get('r');
    const salt = Buffer.from(values.get('s') ?? '', 'base64');
    const iterations = Number(values.get('i'));
    if (
      values.has('m') ||
      !serverNonce ||
      // The server's nonce extends ours: anything else answers another exchange.
      !serverNonce.startsWith(this.nonce) ||
      salt.length === 0 ||
      !Number.isInteger(iterations) ||
      iterations < 1 ||
      iterations > MAX_SCRAM_ITERATIONS
    ) {
      throw new ScramError('unusable-challenge', 'The server sent an unusable SCRAM challenge.');
    }
    const salted = await pbkdf2Async(this.password, salt, iterations, KEY_LENGTH[this.hash], this.hash);
    const clientKey = this.hmac(salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = this.hmac(storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
    this.expectedServerSignature = this.hmac(this.hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server-final-message: the server proves it knows the password (RFC 5802 §3). */
  verifyServerFinal(serverFinal: string): void {
    const values = attributes(serverFinal);
    const error = values.get('e');
    if (error !== undefined) throw new ScramError('server-error', `The server refused the sign-in (${error}).`, error);
    const signature = Buffer.from(values.get('v') ?? '', 'base64');
    const expected = this.expectedServerSignature;
    if (!expected || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ScramError(
        'server-signature',
        'The server could not prove it knows the password (SCRAM server signature mismatch).',
      );
    }
  }

  private hmac(key: Buffer, data: string | Buffer): Buffer {
    return createHmac(this.hash, key).update(data).digest();
  }
}
