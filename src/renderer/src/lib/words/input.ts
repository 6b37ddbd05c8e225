/**
 * Refused input in words. The core checks every command's input with the contract's schema and
 * sends codes only: an issue with the schema's own check code ('check.nickEmpty') is worded from
 * it, any other from zod's code and parameters.
 */
import type { InputIssue } from '../../../../shared/errors';
import { MESSAGE_BODY_MAX } from '../../../../shared/limits';
import { i18n, t, type MessageKey } from '../../i18n';
import { formatNumber } from '../../i18n/format';

/** Field name → what is wrong with it ('form' for the input as a whole). */
export type FieldErrors = Record<string, string>;

/**
 * A schema's check code ('check.jidEmpty') worded from the catalog with the issue's limits
 * (`maximum`, `minimum`). A message that is no known code is shown as it came.
 */
export function checkText(message: string, params: Readonly<Record<string, unknown>> = {}): string {
  if (!isKnownCheck(message)) return message;
  const key = `errors.${message}`;
  const limit = (value: unknown, fallback?: number) =>
    typeof value === 'number' ? formatNumber(value) : fallback !== undefined ? formatNumber(fallback) : '';
  return t(key as MessageKey, {
    maximum: limit(params.maximum, REFINED_LIMITS[message]),
    minimum: limit(params.minimum),
  });
}

function isKnownCheck(message: string): boolean {
  return message.startsWith('check.') && i18n.global.te(`errors.${message}`, 'en');
}

/** The limits of checks made by a refinement, whose issue does not carry them. */
const REFINED_LIMITS: Readonly<Record<string, number>> = { 'check.bodyTooLong': MESSAGE_BODY_MAX };

export function inputIssueText(issue: InputIssue): string {
  const params = issue.params ?? {};
  if (issue.message && isKnownCheck(issue.message)) return checkText(issue.message, params);
  const origin = params.origin;
  const minimum = typeof params.minimum === 'number' ? formatNumber(params.minimum) : String(params.minimum);
  const maximum = typeof params.maximum === 'number' ? formatNumber(params.maximum) : String(params.maximum);
  switch (issue.code) {
    case 'too_small':
      if (origin === 'string')
        return params.minimum === 1 ? t('errors.input.empty') : t('errors.input.minLength', { minimum });
      if (origin === 'array') return t('errors.input.minItems', { minimum });
      return t('errors.input.minimum', { minimum });
    case 'too_big':
      if (origin === 'string') return t('errors.input.maxLength', { maximum });
      if (origin === 'array') return t('errors.input.maxItems', { maximum });
      return t('errors.input.maximum', { maximum });
    case 'invalid_value':
      return Array.isArray(params.values)
        ? t('errors.input.oneOf', { values: params.values.join(', ') })
        : t('errors.input.valueNotAllowed');
    case 'unrecognized_keys':
      return Array.isArray(params.keys)
        ? t('errors.input.unexpectedKeys', { keys: params.keys.join(', ') })
        : t('errors.input.unexpected');
    case 'invalid_type':
      return params.expected === 'undefined' || params.expected === 'never'
        ? t('errors.input.notExpected')
        : t('errors.input.wrongType');
    case 'invalid_format':
      return t('errors.input.format');
    default:
      return t('errors.input.invalid');
  }
}

/** One line for the whole input: the first issue, with where it is ("nick: Choose a nickname."). */
export function inputErrorText(issues: readonly InputIssue[]): string {
  const first = issues[0];
  if (!first) return t('errors.input.invalidInput');
  const issue = inputIssueText(first);
  return first.path.length > 0 ? t('errors.input.where', { path: first.path.join('.'), issue }) : issue;
}

/** The first issue per field (a list item's goes to its list); issues about the whole input go to 'form'. */
export function inputFieldErrors(issues: readonly InputIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= inputIssueText(issue);
  }
  return errors;
}
