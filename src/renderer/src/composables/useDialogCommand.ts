import type { Result } from '../../../shared/result';
import { useApi } from '../api';
import type { Transport } from '../api/types';
import { useFormState, type FormStateOptions } from './useFormState';

/**
 * A dialog that sends one command and closes when it succeeds: the form state (useFormState) and
 * `run`, which sends the command with busy set and calls `close` on success. A refusal stays in the
 * dialog, shown as useFormState shows it.
 */
export function useDialogCommand(close: () => void, options: Omit<FormStateOptions, 'close'> = {}) {
  const api = useApi();
  const form = useFormState({ ...options, close });

  async function run<T>(command: (api: Transport) => Promise<Result<T>>): Promise<Result<T>> {
    const result = await form.send(() => command(api));
    if (result.ok) close();
    return result;
  }

  return { ...form, run };
}
