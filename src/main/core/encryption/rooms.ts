/**
 * What the encryption layer needs of rooms (features/muc/room-encryption.ts answers): whether a
 * conversation is a room, and, for a room whose configuration allows end-to-end encryption
 * (members-only and non-anonymous, so every member's real JID is known), its members.
 */
import type { RoomEncryptionBlock } from '../../../shared/encryption';

export type RoomRecipients =
  /** The members' bare JIDs, without our own (messages go to their devices and our others). */
  | { members: string[] }
  /** Why the room does not allow encryption (member-without-devices is decided by the encryption layer). */
  | {
      blocked: Exclude<RoomEncryptionBlock, 'member-without-devices'>;
      /** 'unknown' because the room is being joined or read: messages wait for it. */
      pending?: boolean;
    };

export interface EncryptedRooms {
  /** Whether `jid` is a room of the account (joined or being joined). */
  isRoom(accountId: string, jid: string): boolean;
  recipients(accountId: string, room: string): RoomRecipients;
  /** The rooms of the account that have `member` among their members. */
  roomsOf(accountId: string, member: string): string[];
}
