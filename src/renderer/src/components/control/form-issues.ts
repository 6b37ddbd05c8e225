/**
 * A data form's problems in words, for the dialogs that fill one in (ad-hoc commands,
 * registration): what the form's own checks find before sending, and what the server refused.
 */
import type { AppError } from '../../../../shared/contract';
import type { DataForm, FormValues } from '../../../../shared/forms';
import { formIssueText } from '../../lib/words/control';
import { FORM_WORDS } from '../../lib/words/control-views';
import { issuesByField } from './form-model';

/** Each field's problem in `values`, and the line for the whole form (null when there is none). */
export function checkFormValues(
  form: DataForm,
  values: FormValues,
): { fieldErrors: Map<string, string>; summary: string | null } {
  const found = issuesByField(form, values);
  const fieldErrors = new Map([...found].map(([name, issue]) => [name, formIssueText(issue)]));
  return { fieldErrors, summary: found.size > 0 ? FORM_WORDS.fixIssues(found.size) : null };
}

/** Each field a `form.invalid` refusal names, with its problem; null for any other refusal. */
export function refusedFields(error: AppError): Map<string, string> | null {
  if (error.reason !== 'form.invalid') return null;
  return new Map(error.params.issues.map((issue) => [issue.var, formIssueText(issue)]));
}
