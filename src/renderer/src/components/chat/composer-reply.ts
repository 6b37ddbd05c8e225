/**
 * The composer's side of replies: which message of this conversation it answers (chosen from a
 * message's menu, or with Alt+Up and Alt+Down from the composer: earlier and later messages), the
 * `replyTo` it sends, Esc to cancel, and the focus when a row asks for it.
 */
import { computed, watch, type Ref } from 'vue';
import type { ConversationKind, MessageView } from '../../../../shared/contract';
import { useChatStore } from '../../stores/chat';
import { composerFocus, replyingTo } from './reply-state';

interface Where {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
}

export function useComposerReply(where: () => Where, input: Ref<HTMLTextAreaElement | null>) {
  const chat = useChatStore();
  const replying = computed<MessageView | null>(() => {
    const m = replyingTo.value;
    const { accountId, conversation } = where();
    return m && m.accountId === accountId && m.conversation === conversation ? m : null;
  });

  watch(composerFocus, () => input.value?.focus());

  function cancel() {
    replyingTo.value = null;
  }

  /** Moves the reply to an earlier (-1) or later (+1) message; past the newest it ends the reply. */
  function step(direction: -1 | 1): void {
    const { accountId, conversation } = where();
    // A chat's reply names the original by its origin-id, ours from the moment it is queued; a room's
    // names the room's stanza-id, which our own message has only once the room reflected it.
    const messages = (chat.page(accountId, conversation)?.messages ?? []).filter(
      (m) => !m.retracted && m.state !== 'failed' && !(m.state === 'queued' && m.kind === 'groupchat'),
    );
    const current = replying.value ? messages.findIndex((m) => m.id === replying.value!.id) : messages.length;
    const next = current + direction;
    if (next >= messages.length || messages.length === 0) cancel();
    else replyingTo.value = messages[Math.max(0, next)];
  }

  /** True when the key was the reply's (Alt+Up, Alt+Down, Esc while replying). */
  function onKeydown(event: KeyboardEvent): boolean {
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      step(event.key === 'ArrowUp' ? -1 : 1);
      return true;
    }
    if (event.key === 'Escape' && replying.value) {
      event.preventDefault();
      event.stopPropagation();
      cancel();
      return true;
    }
    return false;
  }

  /** What message.send takes for it. */
  function fields(): { replyTo?: number } {
    return replying.value ? { replyTo: replying.value.id } : {};
  }

  return { replying, cancel, onKeydown, fields };
}
