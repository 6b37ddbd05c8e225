import { ref, shallowRef, type Ref } from 'vue';
import type { Result } from '../../../shared/result';
import { useApi } from '../api';
import type { Transport } from '../api/types';
import { errorText } from '../lib/words/errors';

/**
 * A value read from the core with one command when asked (`load`): the value once read, the worded
 * error of a refusal, and whether the command is on its way. `reset` forgets both, for a panel that
 * now shows another subject.
 */
export function useFetched<T>(command: (api: Transport) => Promise<Result<T>>) {
  const api = useApi();
  const value: Ref<T | null> = shallowRef(null);
  const error = ref<string | null>(null);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    const result = await command(api);
    loading.value = false;
    if (result.ok) value.value = result.value;
    else error.value = errorText(result.error);
  }

  function reset(): void {
    value.value = null;
    error.value = null;
  }

  return { value, error, loading, load, reset };
}
