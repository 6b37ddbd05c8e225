/**
 * Group chat in words: the commands' errors and why a join was refused (muc.*), removals from a
 * room, and the room's notices. What the room sent (its text, a moderator's reason) is quoted as it came.
 */
import type { RoomError } from '../../../../shared/contract';
import type {
  AppErrorOf,
  DomainReason,
  MucAffiliation,
  RoomNotice,
  RoomRemoval,
  RoomRemovalCode,
} from '../../../../shared/errors';

/** The room's own text after a refusal, if it sent one. */
function said(text: string | null): string {
  return text ? ` The room said: ${text}` : '';
}

export function mucErrorText(error: AppErrorOf<DomainReason<'muc'>>): string {
  switch (error.reason) {
    case 'muc.notConnected':
      return 'This account is not connected; connect it to use group chats.';
    case 'muc.notInRoom':
      return 'You are not in that room.';
    case 'muc.accountRemoved':
      return 'The account was removed.';
    case 'muc.joinTimeout':
    case 'muc.nickTimeout':
      return 'The room did not answer in time.';
    case 'muc.joinNotSent':
      return 'The connection dropped before the join was sent.';
    case 'muc.left':
      return 'You left the room.';
    case 'muc.nickChangePending':
      return 'A nickname change is already under way.';
    case 'muc.nickNotSent':
      return 'The connection dropped before the change was sent.';
    case 'muc.subjectNotSent':
      return 'The connection dropped before the subject was sent.';
    case 'muc.inviteNotSent':
      return 'The connection dropped before the invitation was sent.';
    case 'muc.inviteGone':
      return 'That invitation is gone (it may have been answered).';
    case 'muc.addressHidden':
      return `The room does not show ${error.params.nick}'s address; use the address instead.`;
    case 'muc.nickInUse':
      return `The nickname ${error.params.nick} is already taken in this room.`;
    case 'muc.passwordRequired':
      return `This room needs a password, or the one given is wrong.${said(error.params.text)}`;
    case 'muc.membersOnly':
      return `Only members can enter this room.${said(error.params.text)}`;
    case 'muc.joinBanned':
      return `You are banned from this room.${said(error.params.text)}`;
    case 'muc.noSuchRoom':
      return `There is no such room.${said(error.params.text)}`;
    case 'muc.cannotCreate':
      return `The room does not exist and this service does not let you create it.${said(error.params.text)}`;
    case 'muc.nickRefused':
      return `The room does not accept the nickname ${error.params.nick}.${said(error.params.text)}`;
    case 'muc.unavailable':
      return `The room is full or the service is unavailable.${said(error.params.text)}`;
    case 'muc.unreachable':
      return `The room's server cannot be reached.${said(error.params.text)}`;
    case 'muc.refused':
      return `The room refused (${error.params.condition ?? 'unknown error'}).${said(error.params.text)}`;
    case 'muc.banned':
    case 'muc.kicked':
    case 'muc.removedAffiliation':
    case 'muc.removedMembersOnly':
    case 'muc.removedShutdown':
    case 'muc.removedTechnical':
      return removalText(error.reason, error.params);
  }
}

/** A removal, of us ("You were kicked by …") or of an occupant ("Bob was kicked by …"). */
function removalText(code: RoomRemovalCode, { nick, actor, reason }: RoomRemoval): string {
  const who = nick === null ? 'You were' : `${nick} was`;
  const by = actor ? ` by ${actor}` : '';
  const because = reason ? `: ${reason}` : '.';
  switch (code) {
    case 'muc.banned':
      return `${who} banned${by}${because}`;
    case 'muc.kicked':
      return `${who} kicked${by}${because}`;
    case 'muc.removedAffiliation':
      return `${who} removed because ${nick === null ? 'your' : 'their'} affiliation changed${because}`;
    case 'muc.removedMembersOnly':
      return `${who} removed because the room is now members-only${because}`;
    case 'muc.removedShutdown':
      return `${who} removed because the service is shutting down${because}`;
    case 'muc.removedTechnical':
      return `${who} removed after a technical problem${because}`;
  }
}

/** Why we are not in a room (the join's refusal or our removal). */
export function roomErrorText(error: RoomError): string {
  return mucErrorText(error as AppErrorOf<DomainReason<'muc'>>);
}

/** The nick a refused join suggests instead (the room said ours is taken). */
export function suggestedNick(error: { reason: string; params?: unknown } | null | undefined): string | null {
  return error?.reason === 'muc.nickInUse' ? (error.params as { suggestedNick: string }).suggestedNick : null;
}

const AFFILIATION_NOTICE: Readonly<Record<MucAffiliation, string>> = {
  owner: 'an owner',
  admin: 'an admin',
  member: 'a member',
  outcast: 'banned',
  none: 'without affiliation',
};

/** A line the room shows about what happened. */
export function roomNoticeText(notice: RoomNotice): string {
  switch (notice.code) {
    case 'muc.banned':
    case 'muc.kicked':
    case 'muc.removedAffiliation':
    case 'muc.removedMembersOnly':
    case 'muc.removedShutdown':
    case 'muc.removedTechnical':
      return removalText(notice.code, notice);
    case 'muc.nickAssigned':
      return `The room changed your nickname to ${notice.nick}.`;
    case 'muc.selfRenamed':
      return `You are now known as ${notice.nick}.`;
    case 'muc.renamed':
      return `${notice.from} is now known as ${notice.to}.`;
    case 'muc.rejoining':
      return 'The room lost track of you; joining again.';
    case 'muc.moderatorGranted':
      return `${notice.nick} is now a moderator.`;
    case 'muc.moderatorRevoked':
      return `${notice.nick} is no longer a moderator.`;
    case 'muc.voiceGranted':
      return `${notice.nick} can speak now (voice granted).`;
    case 'muc.voiceRevoked':
      return `${notice.nick} can no longer speak (voice revoked).`;
    case 'muc.affiliationChanged':
      return `${notice.nick} is now ${AFFILIATION_NOTICE[notice.affiliation]}.`;
    case 'muc.subjectChanged':
      return `${notice.nick} changed the subject.`;
    case 'muc.subjectCleared':
      return `${notice.nick} cleared the subject.`;
    case 'muc.created':
      return 'You created this room; it uses the default configuration.';
    case 'muc.createdUnconfigured':
      return 'You created this room, but it did not accept the default configuration.';
  }
}
