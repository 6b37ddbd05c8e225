/**
 * End-to-end encryption in words: the commands' errors that need more than their catalog sentence, why a message could not be
 * sent encrypted or read, trust states, the lock, the device panel and the new-device prompt.
 */
import type { EncryptionFailure, TrustState, UndecryptableReason } from '../../../../shared/contract';
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import type { DeviceSkipReason, EncryptFailureReason } from '../../../../shared/encryption';
import { t, type MessageKey } from '../../i18n';
import { liveWords } from './live';
import type { OwnWords } from './reason';

/** Encryption errors whose catalog sentence needs more: why nothing could be encrypted (encryption.*). */
export const ENCRYPTION_WORDS = {
  'encryption.notSent': (error) => t('errors.encryption.notSent', { reason: failureReasonText(error.params.reason) }),
} satisfies OwnWords<AppErrorOf<DomainReason<'encryption'>>>;

const FAILURES: Readonly<Record<EncryptFailureReason, MessageKey>> = {
  'no-devices': 'encryption.failure.noDevices',
  'no-usable-devices': 'encryption.failure.noUsableDevices',
  'device-list-unavailable': 'encryption.failure.deviceListUnavailable',
  'identity-unavailable': 'encryption.failure.identityUnavailable',
  'room-not-eligible': 'omemoRoom.roomNotEligible',
  'room-members-unknown': 'omemoRoom.membersUnknown',
};

/** Why nothing could be encrypted, as a clause without its full stop. */
function failureReasonText(reason: EncryptFailureReason): string {
  return t(FAILURES[reason]);
}

const SKIPPED: Record<DeviceSkipReason, MessageKey> = {
  undecided: 'encryption.skipped.undecided',
  untrusted: 'encryption.skipped.untrusted',
  'no-bundle': 'encryption.skipped.noBundle',
  'bad-bundle': 'encryption.skipped.badBundle',
  'bad-signature': 'encryption.skipped.badSignature',
  'session-failed': 'encryption.skipped.sessionFailed',
};

/** Why an outgoing message could not be encrypted (it was not sent). */
export function encryptFailureText(failure: EncryptionFailure): string {
  const skipped = Object.entries(failure.skipped)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([reason, n]) => t(SKIPPED[reason as DeviceSkipReason], n!));
  const clause = failureReasonText(failure.reason);
  const reason = failure.member ? t('omemoRoom.memberFailure', { reason: clause, member: failure.member }) : clause;
  return skipped.length > 0
    ? t('encryption.failure.notEncryptedDetail', {
        reason,
        detail: skipped.join(t('encryption.failure.detailSeparator')),
      })
    : t('encryption.failure.notEncrypted', { reason });
}

const UNDECRYPTABLE: Readonly<Record<UndecryptableReason, MessageKey>> = {
  malformed: 'encryption.undecryptable.malformed',
  'not-for-this-device': 'encryption.undecryptable.notForThisDevice',
  'no-session': 'encryption.undecryptable.noSession',
  replayed: 'encryption.undecryptable.replayed',
  'bad-key-material': 'encryption.undecryptable.badKeyMaterial',
  'bad-tag': 'encryption.undecryptable.badTag',
  'identity-unavailable': 'encryption.undecryptable.identityUnavailable',
  'own-device': 'encryption.undecryptable.ownDevice',
  'unknown-sender': 'omemoRoom.unknownSender',
};

/** Why an incoming encrypted message could not be read, and what fixes it. */
export function undecryptableText(reason: UndecryptableReason): string {
  return t(UNDECRYPTABLE[reason]);
}

/** A trust state's label, in the current language whenever it is read. */
export const TRUST_LABELS: Readonly<Record<TrustState, string>> = liveWords({
  verified: 'encryption.trust.verified',
  blind: 'encryption.trust.blind',
  undecided: 'encryption.trust.undecided',
  untrusted: 'encryption.trust.untrusted',
});

/** The lock in a conversation's header. */
export function lockLabel(encrypted: boolean): string {
  return encrypted ? t('encryption.lock.on') : t('encryption.lock.off');
}

export function lockTitle(encrypted: boolean, available: boolean): string {
  if (encrypted) return t('encryption.lock.onTitle');
  return available ? t('encryption.lock.offTitle') : t('encryption.lock.unavailableTitle');
}

/** The mark beside a message in a conversation. */
export function messageMark(encrypted: boolean, trust: TrustState | null): string {
  if (!encrypted) return t('encryption.mark.plain');
  if (trust === 'untrusted') return t('encryption.mark.untrusted');
  if (trust === 'undecided') return t('encryption.mark.undecided');
  if (trust === 'verified') return t('encryption.mark.verified');
  return t('encryption.mark.encrypted');
}

/** The prompt when a contact's new device waits for a decision. */
export function newDevicesText(name: string, count: number): string {
  return t('encryption.newDevices', count, { name });
}

/** A fingerprint in blocks of eight characters (64 hex characters: eight blocks). */
export function fingerprintBlocks(fingerprint: string): string[] {
  return fingerprint.toLowerCase().match(/.{1,8}/g) ?? [];
}

/** The warning before a message that could not be encrypted is sent in the clear. */
export function sendUnencryptedConfirm(): string {
  return t('encryption.sendUnencrypted.confirm');
}
