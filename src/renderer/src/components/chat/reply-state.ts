/**
 * What the message rows and the composer share about replies: the message being answered (one
 * conversation is on screen at a time; the composer shows it only for its own conversation), a
 * request to focus the composer, and a request to the list to show a quoted message.
 */
import { ref, shallowRef } from 'vue';
import type { MessageView } from '../../../../shared/contract';

export const replyingTo = shallowRef<MessageView | null>(null);
/** Bumped when a row asks the composer to take the focus (after choosing Reply). */
export const composerFocus = ref(0);
/** The message the list should scroll to, with a counter so the same one can be asked again. */
export const jumpRequest = shallowRef<{ id: number; n: number } | null>(null);
let jumps = 0;

export function startReply(message: MessageView): void {
  replyingTo.value = message;
  composerFocus.value++;
}

export function jumpTo(id: number): void {
  jumpRequest.value = { id, n: ++jumps };
}
