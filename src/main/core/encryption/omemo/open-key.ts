/**
 * Reading our key element of an incoming OMEMO 0.3 message with the ratchet: a pre-key message
 * (which may start a session) or a follow-up on a session we have. A session is stored only after
 * the message's MAC verified; a pre-key message whose one-time pre-key is used up is refused first.
 */
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record';
import type { Logger } from '../../log';
import type { OmemoRepository } from '../../store/omemo-repo';
import type { UndecryptableReason } from '../types';
import { signalLibrary } from './native-curve';
import { readPreKeyMessage } from './prekey-message';
import { rawPublic, toArrayBuffer, type SignalStore } from './signal-store';
import { NS_OMEMO_03, type EncryptedKey } from './stanzas';

/** The account's ratchet state: where sessions and pre-keys are kept. */
export interface RatchetContext {
  repo: OmemoRepository;
  accountId: string;
  store: SignalStore;
  log: Logger;
}

/** Runs the ratchet on our key element; returns the key material and the sender's identity key. */
export async function openKey(
  ratchet: RatchetContext,
  sender: string,
  deviceId: number,
  key: EncryptedKey,
): Promise<{ keyMaterial: Buffer; identityKey: Buffer } | { reason: UndecryptableReason }> {
  const { SessionCipher, SignalProtocolAddress } = await signalLibrary();
  const address = new SignalProtocolAddress(sender, deviceId);
  const cipher = new SessionCipher(ratchet.store, address);
  const stored = ratchet.repo.session(ratchet.accountId, NS_OMEMO_03, sender, deviceId);
  const record = stored === null ? null : SessionRecord.deserialize(stored);
  let identityKey: Buffer;
  let plain: ArrayBuffer;
  try {
    if (key.preKey) {
      const header = readPreKeyMessage(key.data);
      if (header === null) return { reason: 'malformed' };
      const known = record?.getSessionByBaseKey(toArrayBuffer(header.baseKey));
      // Its one-time pre-key is gone and no session grew from it: a replay of a used pre-key message.
      if (!known && header.preKeyId !== null && !ratchet.repo.preKey(ratchet.accountId, NS_OMEMO_03, header.preKeyId))
        return { reason: 'replayed' };
      identityKey = rawPublic(header.identityKey);
      plain = await cipher.decryptPreKeyWhisperMessage(toArrayBuffer(key.data));
    } else {
      if (!record || record.getSessions().length === 0) return { reason: 'no-session' };
      plain = await cipher.decryptWhisperMessage(toArrayBuffer(key.data));
      // The session that read it is now the open one (the MAC covers both identity keys).
      const after = ratchet.repo.session(ratchet.accountId, NS_OMEMO_03, sender, deviceId);
      const open = after === null ? undefined : SessionRecord.deserialize(after).getOpenSession();
      if (!open) return { reason: 'no-session' };
      identityKey = rawPublic(open.indexInfo.remoteIdentityKey);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'MessageCounterError') return { reason: 'replayed' };
    ratchet.log.info('ratchet message refused', { sender, deviceId, error: String(error).slice(0, 200) });
    return { reason: 'bad-key-material' };
  }
  return { keyMaterial: Buffer.from(plain), identityKey };
}
