/**
 * Errors in words: the one place the renderer turns an AppError (codes and parameters from the core,
 * src/shared/errors.ts) into the sentence it shows, by the reason's domain. Each domain's words are in
 * its own file here, one function each, looking its sentences up in the catalogs (src/renderer/src/locales).
 */
import type { AppError, AppErrorOf, DomainReason } from '../../../../shared/errors';
import { accountErrorText } from './accounts';
import { appErrorText } from './app';
import { bookmarkErrorText } from './bookmarks';
import { chatErrorText } from './chat';
import { controlErrorText, controlRequestText, isControlRequest, type ControlError } from './control';
import { encryptionErrorText } from './encryption';
import { fileErrorText } from './files';
import { historyErrorText } from './history';
import { inputErrorText, inputFieldErrors, type FieldErrors } from './input';
import { mucErrorText } from './muc';
import { presenceErrorText } from './presence';
import { profileErrorText } from './profile';
import { repliesErrorText } from './replies';
import { requestErrorText } from './requests';
import { rosterErrorText } from './roster';
import { spellcheckErrorText } from './spellcheck';
import { subscriptionErrorText } from './subscriptions';
import { t } from '../../i18n';

export type { FieldErrors } from './input';

/** What went wrong, in one sentence. `inField`: the words for the form field it is about, where they differ. */
export function errorText(error: AppError, inField = false): string {
  const domain = error.reason.slice(0, error.reason.indexOf('.'));
  switch (domain) {
    case 'app':
    case 'store':
      return appErrorText(error as AppErrorOf<DomainReason<'app'> | DomainReason<'store'>>);
    case 'input':
      return inputErrorText((error as AppErrorOf<'input.invalid'>).params.issues);
    case 'request': {
      const request = error as AppErrorOf<DomainReason<'request'>>;
      return isControlRequest(request.params.action) ? controlRequestText(request) : requestErrorText(request);
    }
    case 'account':
      return accountErrorText(error as AppErrorOf<DomainReason<'account'>>, inField);
    case 'presence':
      return presenceErrorText(error as AppErrorOf<DomainReason<'presence'>>);
    case 'roster':
      return rosterErrorText(error as AppErrorOf<DomainReason<'roster'>>, (cause) => errorText(cause));
    case 'subscription':
      return subscriptionErrorText(
        error as AppErrorOf<DomainReason<'subscription'>>,
        (cause) => errorText(cause),
        inField,
      );
    case 'bookmark':
      return bookmarkErrorText(error as AppErrorOf<DomainReason<'bookmark'>>);
    case 'muc':
      return mucErrorText(error as AppErrorOf<DomainReason<'muc'>>);
    case 'chat':
      return chatErrorText(error as AppErrorOf<DomainReason<'chat'>>, inField);
    case 'upload':
    case 'transfer':
    case 'file':
    case 'http':
    case 'media':
      return fileErrorText(error as Parameters<typeof fileErrorText>[0]);
    case 'form':
    case 'blocking':
    case 'registration':
    case 'disco':
    case 'adhoc':
    case 'console':
      return controlErrorText(error as ControlError);
    case 'profile':
      return profileErrorText(error as AppErrorOf<DomainReason<'profile'>>);
    case 'encryption':
      return encryptionErrorText(error as AppErrorOf<DomainReason<'encryption'>>);
    case 'replies':
      return repliesErrorText(error as AppErrorOf<DomainReason<'replies'>>);
    case 'history':
      return historyErrorText(error as AppErrorOf<DomainReason<'history'>>);
    case 'spellcheck':
      return spellcheckErrorText(error as AppErrorOf<DomainReason<'spellcheck'>>);
    default:
      // A reason this renderer does not know (a newer core): say so rather than nothing.
      return t('errors.unknown', { reason: error.reason });
  }
}

/** The error on the fields it concerns: each refused input field, or the field the error names. */
export function errorFields(error: AppError): FieldErrors {
  if (error.reason === 'input.invalid') return inputFieldErrors(error.params.issues);
  return error.field ? { [error.field]: errorText(error, true) } : {};
}

/** The error shown on one field when it concerns that field, else the sentence. */
export function errorTextFor(error: AppError, field: string): string {
  return errorFields(error)[field] ?? errorText(error);
}
