/** Requests the server refused or did not answer, in words (request.timeout, request.refused, request.dropped). */
import type { AppErrorOf, ControlRequestAction, DomainReason, RequestParams } from '../../../../shared/errors';

/** Control and discovery words their own requests (control.ts). */
const WHAT: Readonly<Record<Exclude<RequestParams['action'], ControlRequestAction>, (room: string) => string>> = {
  'roster.change': () => 'the change',
  'roster.removal': () => 'the removal',
  'roster.rename': () => 'the rename',
  'muc.roomList': () => 'the room list',
  'muc.change': () => 'this change',
  'muc.readList': () => 'reading the list',
  'subscription.block': () => 'the block',
  'bookmark.save': (room) => `the bookmark for ${room}`,
  'bookmark.removal': (room) => `the removal of the bookmark for ${room}`,
  'profile.read': () => 'reading the profile',
  'profile.save': () => 'saving the profile',
  'avatar.publish': () => 'the new avatar',
};

type Words = (what: string, condition: string) => string;

const notAllowed: Words = (what) => `The server does not allow ${what}.`;
const invalid: Words = (what, condition) => `The server refused ${what} as invalid (${condition}).`;
const overLimits: Words = (what, condition) => `The server's limits do not allow ${what} (${condition}).`;

/** The conditions every request words the same way. */
const CONDITIONS: Readonly<Record<string, Words>> = {
  forbidden: notAllowed,
  'not-allowed': notAllowed,
  'not-acceptable': invalid,
  'bad-request': invalid,
  'jid-malformed': invalid,
  'item-not-found': () => 'That contact is not in the roster.',
  conflict: () => 'The server reported a conflict.',
  'resource-constraint': overLimits,
  'policy-violation': overLimits,
};

const noBookmarkStorage: Words = (what) => `The server does not store bookmarks, so ${what} was not saved.`;

/** What a refused bookmark request means, where it differs from other requests. */
const BOOKMARK_CONDITIONS: Readonly<Record<string, Words>> = {
  'not-authorized': notAllowed,
  'item-not-found': (what) => `The server does not have ${what}.`,
  conflict: (what) => `The server reported a conflict with ${what}.`,
  'service-unavailable': noBookmarkStorage,
  'feature-not-implemented': noBookmarkStorage,
};

export function requestErrorText(error: AppErrorOf<DomainReason<'request'>>): string {
  const what = WHAT[error.params.action as keyof typeof WHAT](error.params.room ?? '');
  switch (error.reason) {
    case 'request.timeout':
      return `The server did not answer in time; ${what} may not have been saved.`;
    case 'request.dropped':
      return `The connection dropped before the server confirmed ${what}.`;
    case 'request.refused': {
      const { condition, text } = error.params;
      const detail = text ? ` The server said: ${text}` : '';
      const special = error.params.action.startsWith('bookmark.') ? BOOKMARK_CONDITIONS : {};
      const words = condition === null ? undefined : (special[condition] ?? CONDITIONS[condition]);
      if (words) return `${words(what, condition!)}${detail}`;
      return `The server refused ${what} (${condition ?? 'unknown error'}).${detail}`;
    }
  }
}
