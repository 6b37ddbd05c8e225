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
import { t, type MessageKey } from '../../i18n';
import { reasonText, sentenceParams, type OwnWords } from './reason';

/** A refusal, with the room's own text after it if it sent one. */
function said(sentence: string, text: string | null): string {
  return text ? t('errors.muc.roomSaid', { sentence, text }) : sentence;
}

type RefusalReason =
  | 'muc.passwordRequired'
  | 'muc.membersOnly'
  | 'muc.joinBanned'
  | 'muc.noSuchRoom'
  | 'muc.cannotCreate'
  | 'muc.nickRefused'
  | 'muc.unavailable'
  | 'muc.unreachable';

/** A refused join in its catalog sentence, with the room's own text after it. */
function refusalText(error: { reason: RefusalReason; params: { text: string | null; nick?: string } }): string {
  const { text, ...params } = error.params;
  return said(t(`errors.${error.reason}`, sentenceParams(params)), text);
}

const removal = (error: AppErrorOf<RoomRemovalCode>) => removalText(error.reason, error.params);

/** Group chat errors whose catalog sentence needs more: the room's text, a removal, a destruction (muc.*). */
export const MUC_WORDS = {
  'muc.joinTimeout': () => t('errors.muc.timeout'),
  'muc.nickTimeout': () => t('errors.muc.timeout'),
  'muc.destroyed': (error) => destroyedText(error.params),
  'muc.passwordRequired': refusalText,
  'muc.membersOnly': refusalText,
  'muc.joinBanned': refusalText,
  'muc.noSuchRoom': refusalText,
  'muc.cannotCreate': refusalText,
  'muc.nickRefused': refusalText,
  'muc.unavailable': refusalText,
  'muc.unreachable': refusalText,
  'muc.refused': (error) =>
    said(
      t('errors.muc.refused', { condition: error.params.condition ?? t('errors.muc.unknownCondition') }),
      error.params.text,
    ),
  'muc.banned': removal,
  'muc.kicked': removal,
  'muc.removedAffiliation': removal,
  'muc.removedMembersOnly': removal,
  'muc.removedShutdown': removal,
  'muc.removedTechnical': removal,
} satisfies OwnWords<AppErrorOf<DomainReason<'muc'>>>;

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
  return reasonText(error as AppErrorOf<DomainReason<'muc'>>, MUC_WORDS);
}

/** The nick a refused join suggests instead (the room said ours is taken). */
export function suggestedNick(error: { reason: string; params?: unknown } | null | undefined): string | null {
  return error?.reason === 'muc.nickInUse' ? (error.params as { suggestedNick: string }).suggestedNick : null;
}

/** The notices worded by their catalog sentence, filled with the notice's names. */
const NOTICES: Readonly<Partial<Record<RoomNotice['code'], MessageKey>>> = {
  'muc.nickAssigned': 'roomNotice.nickAssigned',
  'muc.selfRenamed': 'roomNotice.selfRenamed',
  'muc.renamed': 'roomNotice.renamed',
  'muc.rejoining': 'roomNotice.rejoining',
  'muc.selfPingRejoining': 'control.room.selfPingRejoining',
  'muc.moderatorGranted': 'roomNotice.moderatorGranted',
  'muc.moderatorRevoked': 'roomNotice.moderatorRevoked',
  'muc.voiceGranted': 'roomNotice.voiceGranted',
  'muc.voiceRevoked': 'roomNotice.voiceRevoked',
  'muc.subjectChanged': 'roomNotice.subjectChanged',
  'muc.subjectCleared': 'roomNotice.subjectCleared',
  'muc.created': 'roomNotice.created',
  'muc.createdUnconfigured': 'roomNotice.createdUnconfigured',
  'muc.voiceRequested': 'muc.notice.voiceRequested',
  'muc.configured': 'muc.notice.configured',
};

/** A line the room shows about what happened. */
export function roomNoticeText(notice: RoomNotice): string {
  const plain = NOTICES[notice.code];
  if (plain) return t(plain, sentenceParams(notice));
  switch (notice.code) {
    case 'muc.affiliationChanged':
      return t(`roomNotice.affiliation.${notice.affiliation}`, { nick: notice.nick });
    case 'muc.destroyed':
      return destroyedText(notice);
    default:
      return removalText(notice.code as RoomRemovalCode, notice as RoomRemoval);
  }
}
