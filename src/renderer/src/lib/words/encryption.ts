/**
 * End-to-end encryption in words: the commands' errors (encryption.*), why a message could not be
 * sent encrypted or read, trust states, the lock, the device panel and the new-device prompt.
 */
import type { EncryptionFailure, TrustState, UndecryptableReason } from '../../../../shared/contract';
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import type { DeviceSkipReason, EncryptFailureReason } from '../../../../shared/encryption';

export function encryptionErrorText(error: AppErrorOf<DomainReason<'encryption'>>): string {
  switch (error.reason) {
    case 'encryption.chatOnly':
      return 'End-to-end encryption is for one-to-one chats.';
    case 'encryption.unavailable':
      return 'Encryption for this account has not started yet. Connect it once first.';
    case 'encryption.unknownDevice':
      return 'No device of this contact has that fingerprint (any more).';
    case 'encryption.notEncrypted':
      return 'Only a message that could not be encrypted can be sent without encryption.';
    case 'encryption.notSent':
      return `The correction was not sent: ${failureReasonText(error.params.reason)}`;
  }
}

function failureReasonText(reason: EncryptFailureReason): string {
  switch (reason) {
    case 'no-devices':
      return 'the contact has no device that can read encrypted messages.';
    case 'no-usable-devices':
      return 'none of the contact’s devices can be encrypted for.';
    case 'device-list-unavailable':
      return 'the contact’s devices could not be read (their server may not let you see them yet).';
    case 'identity-unavailable':
      return 'your encryption key is not available in this run; sign in with a kept password, or make a new key.';
  }
}

const SKIPPED: Record<DeviceSkipReason, (n: number) => string> = {
  undecided: (n) => (n === 1 ? 'one new device is not verified' : `${n} new devices are not verified`),
  untrusted: (n) => (n === 1 ? 'one device is distrusted' : `${n} devices are distrusted`),
  'no-bundle': (n) => (n === 1 ? 'one device published no keys' : `${n} devices published no keys`),
  'bad-bundle': (n) => (n === 1 ? 'one device’s keys are broken' : `${n} devices’ keys are broken`),
  'bad-signature': (n) =>
    n === 1 ? 'one device’s keys are not signed right' : `${n} devices’ keys are not signed right`,
  'session-failed': (n) => (n === 1 ? 'one device could not be reached' : `${n} devices could not be reached`),
};

/** Why an outgoing message could not be encrypted (it was not sent). */
export function encryptFailureText(failure: EncryptionFailure): string {
  const skipped = Object.entries(failure.skipped)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([reason, n]) => SKIPPED[reason as DeviceSkipReason](n!));
  const detail = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
  return `It could not be encrypted: ${failureReasonText(failure.reason).replace(/\.$/, '')}${detail}.`;
}

/** Why an incoming encrypted message could not be read, and what fixes it. */
export function undecryptableText(reason: UndecryptableReason): string {
  switch (reason) {
    case 'malformed':
      return 'This encrypted message is damaged and could not be read.';
    case 'not-for-this-device':
      return 'This message was encrypted without this device: the sender’s app did not know it yet. Ask them to send it again.';
    case 'no-session':
      return 'This message could not be read: there is no session with the sending device. Its next message starts one.';
    case 'replayed':
      return 'This message was already read once (a copy came again); it cannot be read a second time.';
    case 'bad-key-material':
      return 'This message could not be read: its key did not check out.';
    case 'bad-tag':
      return 'This message was changed on the way and is not shown.';
    case 'identity-unavailable':
      return 'This message could not be read: your encryption key is not available in this run.';
    case 'own-device':
      return 'You sent this message from this device; its text was not kept.';
  }
}

export const TRUST_LABELS: Record<TrustState, string> = {
  verified: 'Verified',
  blind: 'Trusted (not verified)',
  undecided: 'New — not verified',
  untrusted: 'Distrusted',
};

/** The lock in a conversation's header. */
export function lockLabel(encrypted: boolean): string {
  return encrypted ? 'Encrypted (OMEMO)' : 'Not encrypted';
}

export function lockTitle(encrypted: boolean, available: boolean): string {
  if (encrypted) return 'Messages are end-to-end encrypted. Turn off to send in the clear.';
  return available
    ? 'Messages are sent in the clear. Turn on to encrypt them end to end.'
    : 'Messages are sent in the clear; this contact has published no device for encryption.';
}

/** The mark beside a message in a conversation. */
export function messageMark(encrypted: boolean, trust: TrustState | null): string {
  if (!encrypted) return 'Not encrypted';
  if (trust === 'untrusted') return 'Encrypted, from a distrusted device';
  if (trust === 'undecided') return 'Encrypted, from a device that is not verified';
  if (trust === 'verified') return 'Encrypted, from a verified device';
  return 'Encrypted';
}

/** The prompt when a contact's new device waits for a decision. */
export function newDevicesText(name: string, count: number): string {
  return count === 1
    ? `${name} has a new device that is not verified. Messages are not encrypted for it until you decide.`
    : `${name} has ${count} new devices that are not verified. Messages are not encrypted for them until you decide.`;
}

/** A fingerprint in blocks of eight characters (64 hex characters: eight blocks). */
export function fingerprintBlocks(fingerprint: string): string[] {
  return fingerprint.toLowerCase().match(/.{1,8}/g) ?? [];
}

export const SEND_UNENCRYPTED_CONFIRM =
  'Send this message without encryption? The server and anyone who can read your connection there can read it.';
