import { ref } from 'vue';
import type { Result } from '../../../shared/result';
import type { FieldErrors } from '../lib/form-check';
import { errorFields, errorText } from '../lib/words/errors';

/**
 * The state a dialog's form shares: errors per field, an error for the form as a whole, and
 * whether a command is on its way (the action shows it and a second submit is ignored).
 * `fields` are the fields the form shows errors on; without them, every refusal is the form's.
 */
export function useFormState(options: { fields?: readonly string[]; messageWithFields?: boolean } = {}) {
  const errors = ref<FieldErrors>({});
  const formError = ref<string | null>(null);
  const busy = ref(false);

  /** Clears the errors and runs `command` (one api.invoke) with busy set; a refusal is shown as showErrors does. */
  async function send<T>(command: () => Promise<Result<T>>): Promise<Result<T>> {
    errors.value = {};
    formError.value = null;
    busy.value = true;
    const result = await command();
    busy.value = false;
    if (!result.ok) showErrors(errorFields(result.error), errorText(result.error));
    return result;
  }

  /**
   * Shows refused input: each error on its field; errors about fields the form does not show, else
   * the message, for the whole form. The message stands only when no field explains the refusal,
   * unless `messageWithFields`.
   */
  function showErrors(fields: FieldErrors = {}, message: string | null = null) {
    if (!options.fields) {
      formError.value = message ?? (Object.values(fields).join(' ') || null);
      return;
    }
    const shown = options.fields;
    const own = Object.entries(fields).filter(([field]) => shown.includes(field));
    const other = Object.entries(fields)
      .filter(([field]) => !shown.includes(field))
      .map(([, text]) => text);
    errors.value = Object.fromEntries(own);
    formError.value =
      other.length > 0 ? other.join(' ') : own.length > 0 && !options.messageWithFields ? null : message;
  }

  return { errors, formError, busy, send, showErrors };
}
