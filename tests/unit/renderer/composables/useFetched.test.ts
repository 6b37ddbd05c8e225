/** A value read with one command when asked: loading while it runs, the value or the worded refusal, reset. */
import { createApp } from 'vue';
import { describe, expect, it } from 'vitest';
import { fail, ok, type Result } from '../../../../src/shared/result';
import { transportKey } from '../../../../src/renderer/src/api';
import type { Transport } from '../../../../src/renderer/src/api/types';
import { useFetched } from '../../../../src/renderer/src/composables/useFetched';
import { errorText } from '../../../../src/renderer/src/lib/words/errors';

/** useFetched inside an app whose transport answers each command with the next of `answers`. */
function setup(answers: Result<string>[]) {
  let release: () => void = () => {};
  const transport = {
    invoke: () => new Promise((resolve) => (release = () => resolve(answers.shift()!))),
  } as unknown as Transport;
  const app = createApp({});
  app.provide(transportKey, transport);
  const fetched = app.runWithContext(() => useFetched<string>((api) => api.invoke('app.snapshot', {}) as never));
  return { fetched, answer: () => release() };
}

describe('useFetched', () => {
  it('is loading while the command runs, then holds its value', async () => {
    const { fetched, answer } = setup([ok('the value')]);
    const loaded = fetched.load();
    expect(fetched.loading.value).toBe(true);
    answer();
    await loaded;
    expect(fetched.loading.value).toBe(false);
    expect(fetched.value.value).toBe('the value');
    expect(fetched.error.value).toBeNull();
  });

  it('words a refusal, clears it when asked again, and reset forgets the value', async () => {
    const refusal = fail('not_found', 'account.notFound');
    const { fetched, answer } = setup([refusal, ok('later')]);
    let loaded = fetched.load();
    answer();
    await loaded;
    expect(fetched.error.value).toBe(!refusal.ok && errorText(refusal.error));
    expect(fetched.value.value).toBeNull();
    loaded = fetched.load();
    expect(fetched.error.value).toBeNull();
    answer();
    await loaded;
    expect(fetched.value.value).toBe('later');
    fetched.reset();
    expect(fetched.value.value).toBeNull();
  });
});
