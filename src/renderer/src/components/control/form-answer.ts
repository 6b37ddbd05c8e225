/**
 * The state of a dialog that answers a data form (an ad-hoc command's step, a registration, a
 * room's configuration): the values, each field's problem, the line for the whole form, and
 * whether the answer is on its way. Bind `body` as the form's ref, or hand `form` to FormDialog
 * (`:form`): the first field with a problem gets the focus.
 */
import { ref } from 'vue';
import type { Result } from '../../../../shared/result';
import type { DataForm, FormValues } from '../../../../shared/forms';
import type { FormState } from '../../composables/useFormState';
import { FORM_WORDS } from '../../lib/words/control-views';
import { errorText } from '../../lib/words/errors';
import { checkFormValues, refusedFields } from './form-issues';

export function useFormAnswer() {
  const values = ref<FormValues>({});
  const errors = ref(new Map<string, string>());
  const error = ref<string | null>(null);
  const busy = ref(false);
  const body = ref<HTMLElement | null>(null);

  async function focusInvalid() {
    // A task later: after every field (nested components included) has shown its problem.
    await new Promise((resolve) => setTimeout(resolve));
    body.value?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  /**
   * The form's own checks on the values, as the core makes them: false when a field has a problem
   * (then shown on it, `summary` for the form, the first such field focused).
   */
  function check(form: DataForm, summary: (count: number) => string = FORM_WORDS.fixIssues): boolean {
    const { fieldErrors } = checkFormValues(form, values.value);
    errors.value = fieldErrors;
    if (fieldErrors.size === 0) return true;
    error.value = summary(fieldErrors.size);
    void focusInvalid();
    return false;
  }

  /** Sends the answer with busy set; a refusal is the form's line, and each field it names shows its problem. */
  async function send<T>(command: () => Promise<Result<T>>): Promise<Result<T>> {
    busy.value = true;
    error.value = null;
    const result = await command();
    busy.value = false;
    if (result.ok) return result;
    error.value = errorText(result.error);
    const refused = refusedFields(result.error);
    if (refused) {
      errors.value = refused;
      void focusInvalid();
    }
    return result;
  }

  /** What FormDialog reads: busy, the line for the whole form, and the form to focus the fields in. */
  const form: FormState = {
    busy,
    formError: error,
    attach: (element) => {
      body.value = element;
    },
  };

  return { values, errors, error, busy, body, form, focusInvalid, check, send };
}
