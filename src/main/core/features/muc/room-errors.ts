/**
 * What a room's refusals and removals mean: the error of a join or nick change (XEP-0045
 * §7.2.6–§7.2.11) and the status codes that remove an occupant (301 ban, 307 kick, 321, 322, 332,
 * 333). The room's own text and reason go with them, capped; the renderer words them.
 */
import { MUC_NICK_MAX, type RoomError, type RoomErrorKind } from '../../../../shared/contract';
import type { RoomRemoval, RoomRemovalCode } from '../../../../shared/errors';
import { appError } from '../../../../shared/result';

/** Why a join (or a change to `nick`) was refused. */
export function joinRefusal(condition: string | undefined, roomText: string | null, nick: string): RoomError {
  const said = { text: roomText ? roomText.slice(0, 200) : null };
  switch (condition) {
    case 'conflict':
      return {
        kind: 'nick-conflict',
        ...appError('conflict', 'muc.nickInUse', { nick, suggestedNick: `${nick.slice(0, MUC_NICK_MAX - 1)}_` }),
      };
    case 'not-authorized':
      return { kind: 'password', ...appError('forbidden', 'muc.passwordRequired', said) };
    case 'registration-required':
      return { kind: 'members-only', ...appError('forbidden', 'muc.membersOnly', said) };
    case 'forbidden':
      return { kind: 'banned', ...appError('forbidden', 'muc.joinBanned', said) };
    case 'item-not-found':
      return { kind: 'not-found', ...appError('not_found', 'muc.noSuchRoom', said) };
    case 'not-allowed':
      return { kind: 'not-found', ...appError('forbidden', 'muc.cannotCreate', said) };
    case 'jid-malformed':
    case 'not-acceptable':
      return { kind: 'nick-invalid', ...appError('invalid_input', 'muc.nickRefused', { ...said, nick }) };
    case 'service-unavailable':
      return { kind: 'service-unavailable', ...appError('not_connected', 'muc.unavailable', said) };
    case 'remote-server-not-found':
    case 'remote-server-timeout':
      return { kind: 'service-unavailable', ...appError('not_connected', 'muc.unreachable', said) };
    default:
      return { kind: 'other', ...appError('internal', 'muc.refused', { ...said, condition: condition ?? null }) };
  }
}

/** The removal a set of status codes tells of, if any, and the room error it is when it removes us. */
export function removalOf(codes: ReadonlySet<string>): { code: RoomRemovalCode; kind: RoomErrorKind } | null {
  if (codes.has('301')) return { code: 'muc.banned', kind: 'banned' };
  if (codes.has('307')) return { code: 'muc.kicked', kind: 'other' };
  if (codes.has('321')) return { code: 'muc.removedAffiliation', kind: 'members-only' };
  if (codes.has('322')) return { code: 'muc.removedMembersOnly', kind: 'members-only' };
  if (codes.has('332')) return { code: 'muc.removedShutdown', kind: 'service-unavailable' };
  if (codes.has('333')) return { code: 'muc.removedTechnical', kind: 'service-unavailable' };
  return null;
}

/** Who was removed (null: we were), by whom and why, as the room said it (the reason capped). */
export function removal(nick: string | null, actor: string | null, reason: string | null): RoomRemoval {
  return { nick, actor, reason: reason ? reason.slice(0, 500) : null };
}
