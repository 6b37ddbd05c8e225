/**
 * What a room's refusals and removals mean: the error of a join or nick change (XEP-0045
 * §7.2.6–§7.2.11) and the status codes that remove an occupant (301 ban, 307 kick, 321, 322, 332, 333).
 */
import { MUC_NICK_MAX, type RoomErrorKind } from '../../../../shared/contract';
import type { ErrorCode } from '../../../../shared/result';

/** Why a join (or nick change) was refused, in words (XEP-0045 §7.2.6–§7.2.11). */
export function describeJoinError(
  condition: string | undefined,
  text: string | null,
  nick: string,
): { kind: RoomErrorKind; code: ErrorCode; message: string; suggestedNick?: string } {
  const said = text ? ` The room said: ${text.slice(0, 200)}` : '';
  switch (condition) {
    case 'conflict':
      return {
        kind: 'nick-conflict',
        code: 'conflict',
        message: `The nickname ${nick} is already taken in this room.`,
        suggestedNick: `${nick.slice(0, MUC_NICK_MAX - 1)}_`,
      };
    case 'not-authorized':
      return {
        kind: 'password',
        code: 'forbidden',
        message: `This room needs a password, or the one given is wrong.${said}`,
      };
    case 'registration-required':
      return { kind: 'members-only', code: 'forbidden', message: `Only members can enter this room.${said}` };
    case 'forbidden':
      return { kind: 'banned', code: 'forbidden', message: `You are banned from this room.${said}` };
    case 'item-not-found':
      return { kind: 'not-found', code: 'not_found', message: `There is no such room.${said}` };
    case 'not-allowed':
      return {
        kind: 'not-found',
        code: 'forbidden',
        message: `The room does not exist and this service does not let you create it.${said}`,
      };
    case 'jid-malformed':
    case 'not-acceptable':
      return {
        kind: 'nick-invalid',
        code: 'invalid_input',
        message: `The room does not accept the nickname ${nick}.${said}`,
      };
    case 'service-unavailable':
      return {
        kind: 'service-unavailable',
        code: 'not_connected',
        message: `The room is full or the service is unavailable.${said}`,
      };
    case 'remote-server-not-found':
    case 'remote-server-timeout':
      return {
        kind: 'service-unavailable',
        code: 'not_connected',
        message: `The room's server cannot be reached.${said}`,
      };
    default:
      return { kind: 'other', code: 'internal', message: `The room refused (${condition ?? 'unknown error'}).${said}` };
  }
}

/** How a removal is told, in the second person and in the third (XEP-0045 status codes). */
export function removalText(
  codes: Set<string>,
  reason: string | null,
  actor: string | null,
): { kind: RoomErrorKind; second: string; third: string } | null {
  const by = actor ? ` by ${actor}` : '';
  const because = reason ? `: ${reason.slice(0, 500)}` : '.';
  if (codes.has('301'))
    return { kind: 'banned', second: `were banned${by}${because}`, third: `was banned${by}${because}` };
  if (codes.has('307'))
    return { kind: 'other', second: `were kicked${by}${because}`, third: `was kicked${by}${because}` };
  if (codes.has('321'))
    return {
      kind: 'members-only',
      second: `were removed because your affiliation changed${because}`,
      third: `was removed because their affiliation changed${because}`,
    };
  if (codes.has('322'))
    return {
      kind: 'members-only',
      second: `were removed because the room is now members-only${because}`,
      third: `was removed because the room is now members-only${because}`,
    };
  if (codes.has('332'))
    return {
      kind: 'service-unavailable',
      second: `were removed because the service is shutting down${because}`,
      third: `was removed because the service is shutting down${because}`,
    };
  if (codes.has('333'))
    return {
      kind: 'service-unavailable',
      second: `were removed after a technical problem${because}`,
      third: `was removed after a technical problem${because}`,
    };
  return null;
}
