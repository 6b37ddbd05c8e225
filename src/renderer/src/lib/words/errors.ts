/**
 * Errors in words: the one place the renderer turns an AppError (codes and parameters from the core,
 * src/shared/errors.ts) into the sentence it shows. A reason's sentence is the catalog's
 * `errors.<reason>` (src/renderer/src/locales) filled with its parameters; the few reasons that need
 * more have their own words, in their domain's file here (reason.ts says the rule).
 */
import type { AppError, AppErrorOf, DomainReason, ErrorReason } from '../../../../shared/errors';
import { APP_WORDS } from './app';
import { CONTROL_WORDS, controlRequestText, isControlRequest } from './control';
import { ENCRYPTION_WORDS } from './encryption';
import { FILE_WORDS } from './files';
import { inputErrorText, inputFieldErrors, type FieldErrors } from './input';
import { MUC_WORDS } from './muc';
import { reasonText, type OwnWords } from './reason';
import { REPLIES_WORDS } from './replies';
import { requestErrorText } from './requests';
import { t, type MessageKey } from '../../i18n';

/** A request refused, unanswered or dropped, in the words of the feature it was for. */
function requestText(error: AppErrorOf<DomainReason<'request'>>): string {
  return isControlRequest(error.params.action) ? controlRequestText(error) : requestErrorText(error);
}

/** Every domain's own words, and those of errors that carry another error (its cause). */
const OWN_WORDS = {
  ...APP_WORDS,
  ...CONTROL_WORDS,
  ...ENCRYPTION_WORDS,
  ...FILE_WORDS,
  ...MUC_WORDS,
  ...REPLIES_WORDS,
  'input.invalid': (error) => inputErrorText(error.params.issues),
  'request.timeout': requestText,
  'request.refused': requestText,
  'request.dropped': requestText,
  'roster.renamePartial': ({ params: { changed, total, cause } }) =>
    t('errors.roster.renamePartial', { changed, total, cause: errorText(cause) }),
  'subscription.notBlocked': (error) => t('errors.subscription.notBlocked', { cause: errorText(error.params.cause) }),
} satisfies OwnWords<AppError>;

/** Errors worded otherwise on the form field they concern ("This account is already set up."). */
const ON_FIELD: Partial<Record<ErrorReason, MessageKey>> = {
  'account.exists': 'errors.account.existsField',
  'account.jidTaken': 'errors.account.jidTakenField',
  'chat.invalidAddress': 'errors.chat.invalidAddressField',
  'subscription.ownAddress': 'errors.subscription.ownAddressField',
};

/** What went wrong, in one sentence. `inField`: the words for the form field it is about, where they differ. */
export function errorText(error: AppError, inField = false): string {
  const onField = inField ? ON_FIELD[error.reason] : undefined;
  return onField ? t(onField) : reasonText(error, OWN_WORDS);
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
