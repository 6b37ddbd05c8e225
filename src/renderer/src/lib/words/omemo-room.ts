/**
 * Encryption in rooms, in words: why a room's lock is off (not members-only, anonymous, members
 * without OMEMO, not checked yet).
 */
import type { ConversationEncryptionView } from '../../../../shared/encryption';
import { t } from '../../i18n';
import { formatList } from '../../i18n/format';

/** The lock's label while the room is being read (neither on nor off yet). */
export function roomPendingLabel(): string {
  return t('omemoRoom.lock.pending');
}

/** Why the room's messages cannot be encrypted now, or null when they can. */
export function roomBlockedText(view: ConversationEncryptionView): string | null {
  switch (view.roomBlocked ?? null) {
    case null:
      return null;
    case 'not-members-only':
      return t('omemoRoom.blocked.notMembersOnly');
    case 'anonymous':
      return t('omemoRoom.blocked.anonymous');
    case 'member-without-devices':
      return t('omemoRoom.blocked.memberWithoutDevices', { members: formatList(view.withoutDevices ?? []) });
    case 'unknown':
      // Still being read (and not chosen): not off, undecided; messages wait for it.
      return view.pending ? t('omemoRoom.blocked.pending') : t('omemoRoom.blocked.unknown');
  }
}
