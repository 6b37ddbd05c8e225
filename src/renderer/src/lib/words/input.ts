/**
 * Refused input in words. The renderer checks a command's input with the contract's schema before
 * sending it, so a refusal carries the schema's own message; one from the core (the core sends no
 * text) is worded from zod's code and parameters.
 */
import type { InputIssue } from '../../../../shared/errors';

/** Field name → what is wrong with it ('form' for the input as a whole). */
export type FieldErrors = Record<string, string>;

export function inputIssueText(issue: InputIssue): string {
  if (issue.message) return issue.message;
  const params = issue.params ?? {};
  const origin = params.origin;
  switch (issue.code) {
    case 'too_small':
      if (origin === 'string')
        return params.minimum === 1 ? 'This cannot be empty.' : `Use at least ${params.minimum} characters.`;
      if (origin === 'array') return `Choose at least ${params.minimum}.`;
      return `The smallest allowed is ${params.minimum}.`;
    case 'too_big':
      if (origin === 'string') return `Keep it to ${params.maximum} characters.`;
      if (origin === 'array') return `Choose at most ${params.maximum}.`;
      return `The largest allowed is ${params.maximum}.`;
    case 'invalid_value':
      return Array.isArray(params.values)
        ? `Choose one of: ${params.values.join(', ')}.`
        : 'This value is not allowed.';
    case 'unrecognized_keys':
      return Array.isArray(params.keys) ? `Not expected: ${params.keys.join(', ')}.` : 'Something unexpected was sent.';
    case 'invalid_type':
      return params.expected === 'undefined' || params.expected === 'never'
        ? 'Not expected here.'
        : 'This has the wrong type.';
    case 'invalid_format':
      return 'This is not in the expected format.';
    default:
      return 'This is not valid.';
  }
}

/** One line for the whole input: the first issue, with where it is ("nick: Choose a nickname."). */
export function inputErrorText(issues: readonly InputIssue[]): string {
  const first = issues[0];
  if (!first) return 'Invalid input.';
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return `${where}${inputIssueText(first)}`;
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
