/**
 * History that reaches back past what is stored: per conversation, whether older pages are being
 * asked from the server's archive (history.older), failed (with the words, until the user retries)
 * or the archive has no more; and the message a search result asked to show (opened at it,
 * highlighted, with the messages before it loaded as context).
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef, watch } from 'vue';
import type { ConversationKind } from '../../../shared/contract';
import type { Transport } from '../api/types';
import { errorText } from '../lib/words/errors';
import { conversationKey, findById, useChatStore, type MessagePage } from './chat';

export type ReachBackState = 'idle' | 'loading' | 'failed' | 'complete';

export interface ReachBack {
  state: ReachBackState;
  error: string | null;
}

/** A message to show in its conversation; `n` tells repeated requests apart. */
export interface MessageTarget {
  accountId: string;
  conversation: string;
  id: number;
  n: number;
}

/** Store pages (of chat's PAGE_SIZE) read while looking for a search result's message. */
const MAX_PAGES_TO_TARGET = 50;
/** Messages loaded before a search result's message, for context. */
export const TARGET_CONTEXT = 10;

/** Resolves once the page is not loading. */
function settled(page: MessagePage): Promise<void> {
  if (!page.loading) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watch(
      () => page.loading,
      (loading) => {
        if (loading) return;
        stop();
        resolve();
      },
    );
  });
}

const IDLE: ReachBack = { state: 'idle', error: null };

export const useHistoryStore = defineStore('history', () => {
  const chat = useChatStore();
  /** By conversationKey. */
  const reach = shallowRef(new Map<string, ReachBack>());
  const target = shallowRef<MessageTarget | null>(null);
  let requests = 0;

  function of(accountId: string, conversation: string): ReachBack {
    return reach.value.get(conversationKey(accountId, conversation)) ?? IDLE;
  }

  function set(key: string, value: ReachBack) {
    reach.value.set(key, value);
    triggerRef(reach);
  }

  /**
   * The next older page from the server's archive, once the store has nothing older: none while
   * one is on its way, after it failed (until `retry`), or once the archive said it has no more.
   */
  async function older(
    api: Transport,
    accountId: string,
    conversation: string,
    kind: ConversationKind,
    retry = false,
  ): Promise<number> {
    const key = conversationKey(accountId, conversation);
    const now = of(accountId, conversation).state;
    if (kind === 'pm' || now === 'loading' || now === 'complete' || (now === 'failed' && !retry)) return 0;
    set(key, { state: 'loading', error: null });
    const result = await api.invoke('history.older', { accountId, conversation, kind });
    if (!result.ok) {
      set(key, { state: 'failed', error: errorText(result.error) });
      return 0;
    }
    chat.putOlder(accountId, conversation, result.value.messages);
    set(key, { state: result.value.complete ? 'complete' : 'idle', error: null });
    return result.value.messages.length;
  }

  /** Shows `id` in its conversation (a search result): the view opens at it. */
  function show(accountId: string, conversation: string, id: number) {
    target.value = { accountId, conversation, id, n: ++requests };
  }

  /**
   * Loads the conversation back to the target message and a few before it (from the store, then
   * the archive); resolves to whether the message is loaded.
   */
  async function loadTo(api: Transport, wanted: MessageTarget, kind: ConversationKind): Promise<boolean> {
    const { accountId, conversation, id } = wanted;
    await chat.open(api, accountId, conversation);
    for (let i = 0; i < MAX_PAGES_TO_TARGET; i++) {
      const page = chat.page(accountId, conversation);
      if (!page || target.value !== wanted) return false;
      await settled(page); // a page on its way (the view's own, or its first) comes first
      const at = findById(page.messages, id);
      const found = at >= 0;
      if (found && at >= TARGET_CONTEXT) return true;
      let added = 0;
      if (page.hasOlder) added = await chat.loadOlder(api, accountId, conversation);
      else if (found) added = await older(api, accountId, conversation, kind);
      if (added === 0 && !page.hasOlder) return found;
    }
    return false;
  }

  return { reach, target, of, older, show, loadTo };
});
