/**
 * Trust in other devices' identity keys, the same for every end-to-end protocol:
 *
 * - Blind trust before verification: a contact's new key is trusted ('blind') until the user
 *   verifies one of that contact's keys; from then on a new key waits for a decision ('undecided').
 *   Keys trusted blindly before the first verification stay trusted.
 * - 'verified' (compared by the user, or scanned), 'untrusted' (refused by the user).
 * - Only 'verified' and 'blind' keys receive our messages.
 *
 * Fingerprints are the 32-byte Curve25519 identity key in hexadecimal, shown in blocks of 8.
 */
import type { OmemoRepository, TrustState } from '../store/omemo-repo';
import { normalizeBareJid } from '../../../shared/jid';

const KEY_BYTES = 32;

/** Lower-case hexadecimal of the raw 32-byte identity key. */
export function fingerprintOf(identityKey: Uint8Array): string {
  return Buffer.from(identityKey).toString('hex');
}

/** "05a1b2…" → "a1b2c3d4 e5f6…": eight blocks of eight characters. */
export function formatFingerprint(identityKey: Uint8Array): string {
  return fingerprintOf(identityKey)
    .match(/.{1,8}/g)!
    .join(' ');
}

/**
 * Reads a fingerprint as people and other clients write it: any case, with spaces, colons or dashes
 * between blocks, with or without the 0x05 key-type byte in front. Null when it is not one.
 */
export function parseFingerprint(text: string): Buffer | null {
  let hex = text.replace(/[\s:-]/g, '').toLowerCase();
  if (hex.length === 66 && hex.startsWith('05')) hex = hex.slice(2);
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

export function isUsable(state: TrustState): boolean {
  return state === 'verified' || state === 'blind';
}

export interface VerificationUri {
  jid: string;
  devices: { deviceId: number; identityKey: Buffer }[];
}

/**
 * Parses the `xmpp:` URI that Conversations puts in its QR codes:
 * `xmpp:alice@example.com?omemo-sid-1234=<fingerprint>;omemo-sid-5678=<fingerprint>`
 * (pairs separated by ";" as RFC 5122 has it, or "&"). Other query parts are ignored.
 */
export function parseVerificationUri(uri: string): VerificationUri | { error: string } {
  const text = uri.trim();
  if (text.length > 8192) return { error: 'too-long' };
  if (!/^xmpp:/i.test(text)) return { error: 'not-an-xmpp-uri' };
  const rest = text.slice(5).replace(/^\/\/[^/]*\//, ''); // an authority part names an account to use: skip it
  const question = rest.indexOf('?');
  const rawJid = question === -1 ? rest : rest.slice(0, question);
  let decodedJid: string;
  try {
    decodedJid = decodeURIComponent(rawJid);
  } catch {
    return { error: 'bad-jid' };
  }
  const jid = normalizeBareJid(decodedJid);
  if (jid === null) return { error: 'bad-jid' };
  const devices: VerificationUri['devices'] = [];
  const query = question === -1 ? '' : rest.slice(question + 1);
  for (const part of query.split(/[;&]/)) {
    const match = /^omemo-sid-(\d{1,10})=(.*)$/.exec(part);
    if (!match) continue;
    const deviceId = Number(match[1]);
    const identityKey = parseFingerprint(decodeURIComponent(match[2]));
    if (deviceId < 1 || deviceId > 0x7fffffff || identityKey === null) return { error: 'bad-fingerprint' };
    devices.push({ deviceId, identityKey });
  }
  if (devices.length === 0) return { error: 'no-fingerprints' };
  return { jid, devices };
}

/** The trust decisions of one account, kept in the store. */
export class TrustBook {
  constructor(
    private readonly repo: OmemoRepository,
    private readonly accountId: string,
  ) {}

  /** The state of `jid`'s key; a key seen for the first time gets its initial state and keeps it. */
  evaluate(jid: string, identityKey: Buffer): TrustState {
    if (identityKey.length !== KEY_BYTES) return 'untrusted';
    const known = this.repo.trust(this.accountId, jid, identityKey);
    if (known) return known.state;
    const state: TrustState = this.repo.hasVerified(this.accountId, jid) ? 'undecided' : 'blind';
    this.repo.setTrust(this.accountId, jid, identityKey, state);
    return state;
  }

  /** The state without recording anything (for views). */
  peek(jid: string, identityKey: Buffer): TrustState {
    return (
      this.repo.trust(this.accountId, jid, identityKey)?.state ??
      (this.repo.hasVerified(this.accountId, jid) ? 'undecided' : 'blind')
    );
  }

  /** The user's decision. 'blind' and 'undecided' are not decisions a user makes. */
  decide(jid: string, identityKey: Buffer, state: 'verified' | 'untrusted'): void {
    this.repo.setTrust(this.accountId, jid, identityKey, state);
  }
}
