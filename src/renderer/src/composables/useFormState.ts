import { ref } from 'vue';

/** Field name → what is wrong with it. */
export type FieldErrors = Record<string, string>;

/**
 * The state a dialog's form shares: errors per field, an error for the form as a whole, and
 * whether a command is on its way (the submit button shows it and a second submit is ignored).
 */
export function useFormState() {
  const errors = ref<FieldErrors>({});
  const formError = ref<string | null>(null);
  const busy = ref(false);

  /** Clears the errors and runs `command` (one api.invoke) with busy set; resolves to its result. */
  async function send<T>(command: () => Promise<T>): Promise<T> {
    errors.value = {};
    formError.value = null;
    busy.value = true;
    const result = await command();
    busy.value = false;
    return result;
  }

  /** Shows a refused command: on its fields when it names any, else for the whole form. */
  function showFailure(error: { message: string; fields?: FieldErrors }) {
    if (error.fields) errors.value = error.fields;
    else formError.value = error.message;
  }

  return { errors, formError, busy, send, showFailure };
}
