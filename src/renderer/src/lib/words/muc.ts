/**
 * Group chat in words: the commands' errors and why a join was refused (muc.*), removals from a
 * room, and the room's notices. What the room sent (its text, a moderator's reason) is quoted as it came.
 */
import type { RoomError } from '../../../../shared/contract';
import type {
  AppErrorOf,
  DomainReason,
  RoomDestroyed,
  RoomNotice,
  RoomRemoval,
  RoomRemovalCode,
} from '../../../../shared/errors';
import { t } from '../../i18n';

/** A refusal, with the room's own text after it if it sent one. */
function said(sentence: string, text: string | null): string {
  return text ? t('errors.muc.roomSaid', { sentence, text }) : sentence;
}

export function mucErrorText(error: AppErrorOf<DomainReason<'muc'>>): string {
  switch (error.reason) {
    case 'muc.notConnected':
      return t('errors.muc.notConnected');
    case 'muc.notInRoom':
      return t('errors.muc.notInRoom');
    case 'muc.accountRemoved':
      return t('errors.muc.accountRemoved');
    case 'muc.joinTimeout':
    case 'muc.nickTimeout':
      return t('errors.muc.timeout');
    case 'muc.joinNotSent':
      return t('errors.muc.joinNotSent');
    case 'muc.left':
      return t('errors.muc.left');
    case 'muc.nickChangePending':
      return t('errors.muc.nickChangePending');
    case 'muc.nickNotSent':
      return t('errors.muc.nickNotSent');
    case 'muc.subjectNotSent':
      return t('errors.muc.subjectNotSent');
    case 'muc.inviteNotSent':
      return t('errors.muc.inviteNotSent');
    case 'muc.inviteGone':
      return t('errors.muc.inviteGone');
    case 'muc.configurationGone':
      return t('muc.errors.configurationGone');
    case 'muc.voiceNotSent':
      return t('muc.errors.voiceNotSent');
    case 'muc.voiceRequestGone':
      return t('muc.errors.voiceRequestGone');
    case 'muc.destroyed':
      return destroyedText(error.params);
    case 'muc.addressHidden':
      return t('errors.muc.addressHidden', { nick: error.params.nick });
    case 'muc.nickInUse':
      return t('errors.muc.nickInUse', { nick: error.params.nick });
    case 'muc.passwordRequired':
      return said(t('errors.muc.passwordRequired'), error.params.text);
    case 'muc.membersOnly':
      return said(t('errors.muc.membersOnly'), error.params.text);
    case 'muc.joinBanned':
      return said(t('errors.muc.joinBanned'), error.params.text);
    case 'muc.noSuchRoom':
      return said(t('errors.muc.noSuchRoom'), error.params.text);
    case 'muc.cannotCreate':
      return said(t('errors.muc.cannotCreate'), error.params.text);
    case 'muc.nickRefused':
      return said(t('errors.muc.nickRefused', { nick: error.params.nick }), error.params.text);
    case 'muc.unavailable':
      return said(t('errors.muc.unavailable'), error.params.text);
    case 'muc.unreachable':
      return said(t('errors.muc.unreachable'), error.params.text);
    case 'muc.refused':
      return said(
        t('errors.muc.refused', { condition: error.params.condition ?? t('errors.muc.unknownCondition') }),
        error.params.text,
      );
    case 'muc.banned':
    case 'muc.kicked':
    case 'muc.removedAffiliation':
    case 'muc.removedMembersOnly':
    case 'muc.removedShutdown':
    case 'muc.removedTechnical':
      return removalText(error.reason, error.params);
  }
}

/** The room's destruction, its owner's reason and the room they named instead. */
export function destroyedText({ reason, venue }: RoomDestroyed): string {
  const what = reason ? t('muc.errors.destroyedBecause', { reason }) : t('muc.errors.destroyed');
  return venue ? t('muc.errors.venue', { what, room: venue }) : what;
}

/** A removal, of us ("You were kicked by …") or of an occupant ("Bob was kicked by …"). */
function removalText(code: RoomRemovalCode, { nick, actor, reason }: RoomRemoval): string {
  const who = nick === null ? 'self' : 'other';
  const what =
    actor && (code === 'muc.banned' || code === 'muc.kicked')
      ? t(`errors.removal.${code === 'muc.banned' ? 'banned' : 'kicked'}.${who}By`, { nick: nick ?? '', actor })
      : t(`errors.removal.${removalKey(code)}.${who}`, { nick: nick ?? '' });
  return reason ? t('errors.removal.because', { what, reason }) : t('errors.removal.plain', { what });
}

function removalKey(code: RoomRemovalCode) {
  return code.slice('muc.'.length) as
    'banned' | 'kicked' | 'removedAffiliation' | 'removedMembersOnly' | 'removedShutdown' | 'removedTechnical';
}

/** Why we are not in a room (the join's refusal or our removal). */
export function roomErrorText(error: RoomError): string {
  return mucErrorText(error as AppErrorOf<DomainReason<'muc'>>);
}

/** The nick a refused join suggests instead (the room said ours is taken). */
export function suggestedNick(error: { reason: string; params?: unknown } | null | undefined): string | null {
  return error?.reason === 'muc.nickInUse' ? (error.params as { suggestedNick: string }).suggestedNick : null;
}

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
      return t('roomNotice.nickAssigned', { nick: notice.nick });
    case 'muc.selfRenamed':
      return t('roomNotice.selfRenamed', { nick: notice.nick });
    case 'muc.renamed':
      return t('roomNotice.renamed', { from: notice.from, to: notice.to });
    case 'muc.rejoining':
      return t('roomNotice.rejoining');
    case 'muc.selfPingRejoining':
      return t('control.room.selfPingRejoining');
    case 'muc.moderatorGranted':
      return t('roomNotice.moderatorGranted', { nick: notice.nick });
    case 'muc.moderatorRevoked':
      return t('roomNotice.moderatorRevoked', { nick: notice.nick });
    case 'muc.voiceGranted':
      return t('roomNotice.voiceGranted', { nick: notice.nick });
    case 'muc.voiceRevoked':
      return t('roomNotice.voiceRevoked', { nick: notice.nick });
    case 'muc.affiliationChanged':
      return t(`roomNotice.affiliation.${notice.affiliation}`, { nick: notice.nick });
    case 'muc.subjectChanged':
      return t('roomNotice.subjectChanged', { nick: notice.nick });
    case 'muc.subjectCleared':
      return t('roomNotice.subjectCleared', { nick: notice.nick });
    case 'muc.created':
      return t('roomNotice.created');
    case 'muc.createdUnconfigured':
      return t('roomNotice.createdUnconfigured');
    case 'muc.destroyed':
      return destroyedText(notice);
    case 'muc.voiceRequested':
      return t('muc.notice.voiceRequested');
    case 'muc.configured':
      return t('muc.notice.configured');
  }
}
