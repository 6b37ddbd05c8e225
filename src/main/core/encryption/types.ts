/**
 * The namespace-independent face of end-to-end encryption: what the chat feature calls and what it
 * gets back. A protocol (OMEMO 0.3 today, urn:xmpp:omemo:2 later) implements EncryptionProtocol;
 * results carry codes, never words (the renderer words them).
 */
import type { Element } from '@xmpp/xml';
import type { EncryptionDeviceView, TrustState, UndecryptableReason } from '../../../shared/encryption';
import type { IdentityKeeping } from './identity-vault';

export type { UndecryptableReason } from '../../../shared/encryption';

/** Which protocol handled a message: its namespace. */
export type ProtocolNamespace = string;

export interface DeviceRef {
  jid: string;
  deviceId: number;
}

export interface SenderDevice extends DeviceRef {
  /** 64 hex characters of the device's identity key. */
  fingerprint: string;
  trust: TrustState;
}

export type DecryptResult =
  /** Carries no encryption we know. */
  | { kind: 'plain' }
  /**
   * `preKey`: the message started (or restarted) the sender's session with us. Until we write back
   * the sender keeps sending pre-key messages; when nothing else goes out soon, send a key transport.
   */
  | { kind: 'decrypted'; protocol: ProtocolNamespace; body: string; device: SenderDevice; preKey: boolean }
  /** Keys without a body: it completes or refreshes a session, there is nothing to show. */
  | { kind: 'key-transport'; protocol: ProtocolNamespace; device: SenderDevice; preKey: boolean }
  | {
      kind: 'undecryptable';
      protocol: ProtocolNamespace;
      reason: UndecryptableReason;
      device: DeviceRef | null;
    };

/** How a message reached us, after the chat feature checked its envelope. */
export interface IncomingContext {
  /**
   * The author's bare JID as verified: the sender of a live message, the inner sender of a
   * 'received' carbon or of an archived message; our own bare JID for a 'sent' carbon or our own
   * archived message.
   */
  sender: string;
  via: 'live' | 'carbon' | 'archive';
}

export type SkipReason = 'untrusted' | 'undecided' | 'no-bundle' | 'bad-bundle' | 'bad-signature' | 'session-failed';

export type EncryptFailure =
  /** The contact has published no device. */
  | 'no-devices'
  /** The contact has devices, but none we may encrypt to (untrusted, undecided, broken bundles). */
  | 'no-usable-devices'
  /** The contact's device list could not be read (e.g. only contacts who share presence may). */
  | 'device-list-unavailable'
  | 'identity-unavailable'
  | 'not-connected'
  /** A room that is not members-only or not non-anonymous. */
  | 'room-not-eligible'
  /** A room whose member list could not be read. */
  | 'room-members-unknown';

export type EncryptResult =
  | {
      ok: true;
      protocol: ProtocolNamespace;
      /** Children for the <message/>: the encrypted element, hints and a fallback body. */
      children: Element[];
      devices: DeviceRef[];
      skipped: { device: DeviceRef; reason: SkipReason }[];
    }
  | {
      ok: false;
      reason: EncryptFailure;
      skipped: { device: DeviceRef; reason: SkipReason }[];
      /** Whose devices the reason is about, when a message went to several JIDs (a room's members). */
      jid?: string;
    };

export type EncryptionState =
  /** Identity loaded; device list and bundle published (or waiting to be). */
  | 'ready'
  /** An identity exists but its private key is not available in this run; a reset makes a new one. */
  | 'identity-unavailable';

export interface EncryptionStatus {
  state: EncryptionState;
  deviceId: number;
  fingerprint: string;
  keeping: IdentityKeeping | 'missing';
  /** True once this session published our device list and bundle. */
  published: boolean;
}

/** A device as the views show it, with the JID it belongs to. */
export interface DeviceView extends DeviceRef, EncryptionDeviceView {}

export type VerifyOutcome =
  | { deviceId: number; result: 'verified' }
  /** The fingerprint is marked verified; no device with it is known yet. */
  | { deviceId: number; result: 'verified-unseen' }
  /** The device is known with another key: nothing marked. */
  | { deviceId: number; result: 'mismatch' };

/** One protocol's engine for one account. */
export interface EncryptionProtocol {
  readonly namespace: ProtocolNamespace;
  status(): EncryptionStatus;
  /** The encrypted element this protocol owns in `message`, if any. */
  owns(message: Element): boolean;
  encrypt(to: string, body: string): Promise<EncryptResult>;
  decrypt(message: Element, context: IncomingContext): Promise<DecryptResult>;
  devices(jid: string): DeviceView[];
}
