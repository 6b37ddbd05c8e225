/**
 * A room's lock in words: while the room is being read (and the user has not chosen) it is neither
 * on nor off, and says that messages wait; a room that could not be read says it is off.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEncryptionView } from '../../../../../src/shared/encryption';
import { roomBlockedText, roomPendingLabel } from '../../../../../src/renderer/src/lib/words/omemo-room';
import { lockLabel } from '../../../../../src/renderer/src/lib/words/encryption';

const room = (extra: Partial<ConversationEncryptionView>): ConversationEncryptionView => ({
  accountId: 'acc-1',
  conversation: 'secret@conference.example.com',
  encrypted: false,
  chosen: false,
  available: false,
  undecided: 0,
  roomBlocked: 'unknown',
  withoutDevices: [],
  ...extra,
});

describe('a room’s lock while the room is being read', () => {
  it('says it is being checked and that messages wait, not that encryption is off', () => {
    expect(roomPendingLabel()).not.toBe(lockLabel(false));
    expect(roomBlockedText(room({ pending: true }))).toBe(
      'Checking this room’s settings: messages wait until it is known whether they can be encrypted.',
    );
    expect(roomBlockedText(room({ pending: false }))).toBe(
      'Encryption is off: this room’s settings or member list could not be read.',
    );
  });
});
