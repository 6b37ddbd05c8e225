/** Requests the server refused or did not answer, in words (request.timeout, request.refused, request.dropped). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t, type MessageKey } from '../../i18n';

type Words = (what: string, condition: string) => string;

const notAllowed: Words = (what) => t('errors.request.notAllowed', { what });
const invalid: Words = (what, condition) => t('errors.request.invalid', { what, condition });
const overLimits: Words = (what, condition) => t('errors.request.overLimits', { what, condition });

/** The conditions every request words the same way (Maps: a condition is the server's element name). */
const CONDITIONS: ReadonlyMap<string, Words> = new Map<string, Words>([
  ['forbidden', notAllowed],
  ['not-allowed', notAllowed],
  ['not-acceptable', invalid],
  ['bad-request', invalid],
  ['jid-malformed', invalid],
  ['item-not-found', () => t('errors.request.notInRoster')],
  ['conflict', () => t('errors.request.conflict')],
  ['resource-constraint', overLimits],
  ['policy-violation', overLimits],
]);

const noBookmarkStorage: Words = (what) => t('errors.request.bookmark.noStorage', { what });

/** What a refused bookmark request means, where it differs from other requests. */
const BOOKMARK_CONDITIONS: ReadonlyMap<string, Words> = new Map<string, Words>([
  ['not-authorized', notAllowed],
  ['item-not-found', (what) => t('errors.request.bookmark.notFound', { what })],
  ['conflict', (what) => t('errors.request.bookmark.conflict', { what })],
  ['service-unavailable', noBookmarkStorage],
  ['feature-not-implemented', noBookmarkStorage],
]);

export function requestErrorText(error: AppErrorOf<DomainReason<'request'>>): string {
  const what = t(`errors.request.what.${error.params.action}` as MessageKey, { room: error.params.room ?? '' });
  switch (error.reason) {
    case 'request.timeout':
      return t('errors.request.timeout', { what });
    case 'request.dropped':
      return t('errors.request.dropped', { what });
    case 'request.refused': {
      const { condition, text } = error.params;
      const special = error.params.action.startsWith('bookmark.') ? BOOKMARK_CONDITIONS : undefined;
      const words = condition === null ? undefined : (special?.get(condition) ?? CONDITIONS.get(condition));
      const sentence = words
        ? words(what, condition!)
        : t('errors.request.refused', { what, condition: condition ?? t('errors.request.unknownCondition') });
      // What the server said is quoted as it came.
      return text ? `${sentence} ${t('errors.request.serverSaid', { text })}` : sentence;
    }
  }
}
