/**
 * Text an `xmpp:` link asks to put into a conversation's composer (`?message;body=…`): kept until
 * the composer of that conversation takes it, once. It is only ever prefilled: the user sends it.
 */
import { reactive, watch, type Ref } from 'vue';

const waiting = reactive(new Map<string, string>());
const keyOf = (accountId: string, conversation: string) => `${accountId}\n${conversation}`;

export function prefillComposer(accountId: string, conversation: string, body: string): void {
  waiting.set(keyOf(accountId, conversation), body);
}

/** For a composer: puts text waiting for its conversation into `text`, now and whenever some arrives. */
export function useComposerPrefill(target: () => { accountId: string; conversation: string }, text: Ref<string>) {
  watch(
    () => {
      const { accountId, conversation } = target();
      const key = keyOf(accountId, conversation);
      return waiting.has(key) ? key : null;
    },
    (key) => {
      if (key === null) return;
      text.value = waiting.get(key) ?? text.value;
      waiting.delete(key);
    },
    { immediate: true },
  );
}
