import { nextTick, reactive, ref } from 'vue';
import type { Result } from '../../../shared/result';
import { errorTextFor } from '../lib/words/errors';

/** The field an inline form focuses when it opens (a TextField). */
interface Focusable {
  focus(): void;
}

export interface InlineEditOptions {
  /** The value the form starts from. */
  current: () => string;
  /** Sends the trimmed value; a refusal is shown under the field. */
  save: (value: string) => Promise<Result<unknown>>;
  /** The field a refusal may name (its error is worded for it). */
  field: string;
}

/**
 * A value edited in place (a room's subject, our nick in it): the form opens filled with the
 * current value and focused, shows a refusal under its field, and closes once the value is saved.
 * The state is reactive (read it as `edit.editing`, `edit.value`); a field binds `:ref="edit.bindInput"`
 * and its value through `update`.
 */
export function useInlineEdit(options: InlineEditOptions) {
  const editing = ref(false);
  const value = ref('');
  const error = ref<string | null>(null);
  const busy = ref(false);
  let input: Focusable | null = null;

  function bindInput(field: unknown) {
    input = field as Focusable | null;
  }

  async function start() {
    value.value = options.current();
    error.value = null;
    editing.value = true;
    await nextTick();
    input?.focus();
  }

  async function submit() {
    busy.value = true;
    const result = await options.save(value.value.trim());
    busy.value = false;
    if (!result.ok) error.value = errorTextFor(result.error, options.field);
    else editing.value = false;
  }

  function update(next: string | number) {
    value.value = String(next);
  }

  function close() {
    editing.value = false;
  }

  return reactive({ editing, value, error, busy, bindInput, update, start, submit, close });
}
