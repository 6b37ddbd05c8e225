/**
 * Reads the outer fields of a Signal v3 PreKeyWhisperMessage (a version byte, then protobuf) before
 * the ratchet library sees it: which one-time pre-key it consumes, its base key and the sender's
 * identity key. That lets a replay be told from a forgery without touching any session.
 */

export interface PreKeyMessageHeader {
  preKeyId: number | null;
  signedPreKeyId: number;
  /** Serialized (33-byte) keys, as the library keeps them. */
  baseKey: Buffer;
  identityKey: Buffer;
}

const VERSION_3 = 0x33;

/** Null when the bytes are not a well-formed v3 pre-key message. */
export function readPreKeyMessage(bytes: Buffer): PreKeyMessageHeader | null {
  if (bytes.length < 2 || bytes[0] !== VERSION_3) return null;
  let offset = 1;
  let preKeyId: number | null = null;
  let signedPreKeyId: number | null = null;
  let baseKey: Buffer | null = null;
  let identityKey: Buffer | null = null;
  let message = false;

  const varint = (): number | null => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (offset >= bytes.length) return null;
      const byte = bytes[offset++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return null;
  };

  while (offset < bytes.length) {
    const tag = varint();
    if (tag === null) return null;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      const value = varint();
      if (value === null || value > 0xffffffff) return null;
      if (field === 1) preKeyId = value;
      else if (field === 6) signedPreKeyId = value;
    } else if (wire === 2) {
      const length = varint();
      if (length === null || offset + length > bytes.length) return null;
      const value = bytes.subarray(offset, offset + length);
      offset += length;
      if (field === 2) baseKey = value;
      else if (field === 3) identityKey = value;
      else if (field === 4) message = value.length > 0;
    } else {
      return null; // no other wire types in this message
    }
  }
  const isKey = (key: Buffer | null): key is Buffer => key !== null && key.length === 33 && key[0] === 0x05;
  if (!isKey(baseKey) || !isKey(identityKey) || signedPreKeyId === null || !message) return null;
  return { preKeyId: preKeyId === 0 ? null : preKeyId, signedPreKeyId, baseKey, identityKey };
}
