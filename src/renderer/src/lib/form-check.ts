/** What a form checks before it sends: field errors from the contract's zod schemas. */

import { checkText, type FieldErrors } from './words/input';

export type { FieldErrors } from './words/input';

/** A command input built from a form, or why it cannot be sent. */
export type Checked<T> = { input: T; errors: null } | { input: null; errors: FieldErrors };

/** Field errors from zod issues: the first message per field, worded (a list item's goes to its list). */
export function issuesToErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= checkText(issue.message, issue as unknown as Record<string, unknown>);
  }
  return errors;
}
