import { nextTick, ref, shallowRef, type Ref } from 'vue';
import type { Result } from '../../../shared/result';
import type { FieldErrors } from '../lib/form-check';
import { errorFields, errorText } from '../lib/words/errors';

/** What a form's state needs besides its fields: the fields it shows errors on, and how its dialog closes. */
export interface FormStateOptions {
  /** The fields the form shows errors on; without them, every refusal is the form's. */
  fields?: readonly string[];
  /** The message stands beside the fields' errors instead of only when no field explains a refusal. */
  messageWithFields?: boolean;
  /** Closes the dialog the form stands in (Cancel and Esc in FormDialog). */
  close?: () => void;
}

/**
 * The state a dialog's form shares: errors per field, an error for the form as a whole, and
 * whether a command is on its way (the action shows it and a second submit is ignored). Bound to a
 * FormDialog (`:form`), it also gives the dialog its busy state, error and way out, and knows the
 * fields to focus: a refusal that names a field moves the focus to it.
 */
export function useFormState(options: FormStateOptions = {}) {
  const errors = ref<FieldErrors>({});
  const formError = ref<string | null>(null);
  const busy = ref(false);
  const element = shallowRef<HTMLFormElement | null>(null);

  /** FormDialog hands its <form> here, so that focusInvalid finds the fields. */
  function attach(form: HTMLFormElement | null) {
    element.value = form;
  }

  /**
   * After the errors are rendered, opens every collapsed section (<details>) that holds a field with
   * one, and focuses the first such field (or what `selector` names).
   */
  async function focusInvalid(selector = '[aria-invalid="true"]') {
    await nextTick();
    const root = element.value;
    if (!root) return;
    for (const field of root.querySelectorAll('[aria-invalid="true"]')) {
      const section = field.closest('details');
      if (section) section.open = true;
    }
    root.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Clears the errors and runs `command` (one api.invoke) with busy set; a refusal is shown as refuse shows it. */
  async function send<T>(command: () => Promise<Result<T>>): Promise<Result<T>> {
    errors.value = {};
    formError.value = null;
    busy.value = true;
    const result = await command();
    busy.value = false;
    if (!result.ok) await refuse(errorFields(result.error), errorText(result.error));
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

  /** Shows refused input (as showErrors) and focuses the first field it names. */
  function refuse(fields: FieldErrors = {}, message: string | null = null): Promise<void> {
    showErrors(fields, message);
    return focusInvalid();
  }

  return { errors, formError, busy, close: options.close, send, showErrors, refuse, focusInvalid, attach };
}

/** What FormDialog and ConfirmDialog read of a form's state (useFormState). */
export interface FormState {
  busy: Ref<boolean>;
  formError: Ref<string | null>;
  close?: () => void;
  attach(form: HTMLFormElement | null): void;
}
