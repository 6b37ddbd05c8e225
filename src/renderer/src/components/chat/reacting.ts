/**
 * Our reactions to a message: XEP-0444 sends the whole set each time, so a toggle is our current
 * set with the emoji added or taken out. The stored message comes back with its reactions.
 */
import type { MessageView } from '../../../../shared/contract';
import { REACTIONS_PER_REACTOR_MAX } from '../../../../shared/limits';
import type { useApi } from '../../api';
import type { useChatStore } from '../../stores/chat';
import { countUse } from '../../lib/emoji-list';
import { errorText } from '../../lib/words/errors';

export function ownReactions(message: MessageView): string[] {
  return (message.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji);
}

/** Adds or removes our `emoji`; the error in words, or null. */
export async function toggleReaction(
  api: ReturnType<typeof useApi>,
  chat: ReturnType<typeof useChatStore>,
  message: MessageView,
  emoji: string,
): Promise<string | null> {
  const own = ownReactions(message);
  const adding = !own.includes(emoji);
  const emojis = adding ? [...own, emoji].slice(-REACTIONS_PER_REACTOR_MAX) : own.filter((e) => e !== emoji);
  const result = await api.invoke('message.react', { accountId: message.accountId, id: message.id, emojis });
  if (!result.ok) return errorText(result.error);
  if (adding) countUse(emoji);
  chat.putMessage(result.value);
  return null;
}
