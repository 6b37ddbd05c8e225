/**
 * End-to-end encryption as the contract carries it (OMEMO in one-to-one chats): how a message
 * travelled, why one could not be read or sent, a conversation's setting, and a JID's devices with
 * their fingerprints and trust. Codes only; the renderer words them (lib/words/encryption.ts).
 */

/**
 * How far a device's identity key is trusted: 'blind' (trusted before the user verified any key of
 * that contact), 'verified' (compared by the user), 'undecided' (new after one was verified: it gets
 * no messages until the user decides), 'untrusted' (refused by the user).
 */
export type TrustState = 'verified' | 'blind' | 'undecided' | 'untrusted';

/** Why an encrypted message could not be read. */
export type UndecryptableReason =
  /** The encrypted element breaks the protocol's format. */
  | 'malformed'
  /** It carries no key for this device: the sender did not know this device yet. */
  | 'not-for-this-device'
  /** A follow-up message from a device we have no session with (it was lost, or never made). */
  | 'no-session'
  /** A copy of a message already read: its keys are used up. */
  | 'replayed'
  /** The ratchet message does not authenticate, or is not one. */
  | 'bad-key-material'
  /** The text's authentication tag does not verify (changed on the way). */
  | 'bad-tag'
  /** Our private identity key is not available in this run (kept for one run only, or the keychain failed). */
  | 'identity-unavailable'
  /** This device sent it, and its text was not kept here. */
  | 'own-device'
  /** A room message whose sender's real JID is not known (so neither is whose keys to read it with). */
  | 'unknown-sender';

/** How a stored message travelled, when it was encrypted. */
export interface MessageEncryption {
  protocol: 'omemo';
  /**
   * The device that sent it (the contact's, or another of ours) as it was when the message was
   * read; null for what this device sent.
   */
  device: { id: number; fingerprint: string | null; trust: TrustState | null } | null;
  /** Why it could not be read (its body is then empty); null when it was read. */
  undecryptable: UndecryptableReason | null;
}

/** Why an outgoing message that must be encrypted was not sent (it is never sent in the clear). */
export type EncryptFailureReason =
  /** The contact has published no device. */
  | 'no-devices'
  /** The contact has devices, but none we may encrypt to (undecided, untrusted, broken keys). */
  | 'no-usable-devices'
  /** The contact's device list could not be read. */
  | 'device-list-unavailable'
  /** Our private identity key is not available in this run. */
  | 'identity-unavailable'
  /** A room that does not allow encryption (not members-only, or anonymous). */
  | 'room-not-eligible'
  /** A room whose member list could not be read (whom to encrypt to is unknown). */
  | 'room-members-unknown';

/** Why a device was left out of an encrypted message. */
export type DeviceSkipReason =
  'untrusted' | 'undecided' | 'no-bundle' | 'bad-bundle' | 'bad-signature' | 'session-failed';

export interface EncryptionFailure {
  reason: EncryptFailureReason;
  /** The contact's devices left out, counted by why. */
  skipped: Partial<Record<DeviceSkipReason, number>>;
  /** In a room: the member the reason is about (e.g. the one without devices). */
  member?: string;
}

/**
 * Why a room's messages cannot be encrypted: it is not members-only, or it is (semi-)anonymous
 * (members' real JIDs are hidden), a member has no devices, or the room's configuration is not
 * known yet (not joined, or not read yet).
 */
export type RoomEncryptionBlock = 'not-members-only' | 'anonymous' | 'member-without-devices' | 'unknown';

/** A one-to-one conversation's encryption. */
export interface ConversationEncryptionView {
  accountId: string;
  conversation: string;
  /** Messages are encrypted: the user's choice, or (without one) because the contact has devices. */
  encrypted: boolean;
  /** The user chose it; otherwise it follows the contact's devices. */
  chosen: boolean;
  /** The contact has published devices, as far as we have read. */
  available: boolean;
  /** The contact's devices waiting for the user's decision (new after one was verified). */
  undecided: number;
  /** A room: why its messages cannot be encrypted now, or null when they can. */
  roomBlocked?: RoomEncryptionBlock | null;
  /** A room: its members without devices (as far as we have read). */
  withoutDevices?: string[];
  /**
   * A room whose configuration, members and their devices are still being read, without the user's
   * choice: whether it will be encrypted is not known yet, and messages wait until it is.
   */
  pending?: boolean;
}

export interface EncryptionDeviceView {
  deviceId: number;
  /** In the owner's device list now (a device that left stays known: old messages name it). */
  active: boolean;
  label: string | null;
  /** The identity key in hex (64 characters); null until a bundle or a message showed it. */
  fingerprint: string | null;
  trust: TrustState | null;
  /** The device this app runs as. */
  own: boolean;
}

/** A JID's devices (the contact's, or our own account's). */
export interface EncryptionDevicesView {
  accountId: string;
  jid: string;
  devices: EncryptionDeviceView[];
}

/** A fingerprint as the contract takes it: 64 hex characters (spaces allowed between blocks). */
export const FINGERPRINT_PATTERN = /^(?:[0-9a-fA-F]{8} ?){7}[0-9a-fA-F]{8}$/;

/** What a pasted verification link did (xmpp: with omemo-sid-<device>=<fingerprint> pairs). */
export interface LinkVerification {
  jid: string;
  /**
   * Per device the link names: 'verified' (known with that key, now verified), 'unseen' (not known
   * yet: its key is verified for when it appears), 'mismatch' (known with another key).
   */
  outcomes: { deviceId: number; fingerprint: string; result: 'verified' | 'unseen' | 'mismatch' }[];
  /** False when any device mismatched: then nothing was marked. */
  marked: boolean;
  devices: EncryptionDevicesView;
}
