/** Shared fixture for the message row tests: a numbered message on a fixed calendar, and rows as text. */
import type { MessageView } from '../../../../../src/shared/contract';
import type { Row } from '../../../../../src/renderer/src/components/chat/message-rows';

export const DAY = 86_400_000;
export const START = new Date(2026, 0, 10, 9, 0).getTime();

export function message(id: number, extra: Partial<MessageView> = {}): MessageView {
  // Ten messages a day, a minute apart, alternating senders every three.
  const at = START + Math.floor(id / 10) * DAY + (id % 10) * 60_000;
  const out = Math.floor(id / 3) % 2 === 0;
  return {
    accountId: 'a1',
    id,
    conversation: 'bob@x',
    kind: 'chat',
    direction: out ? 'out' : 'in',
    from: out ? 'me@x' : 'bob@x',
    body: `message ${id}`,
    at,
    state: out ? 'delivered' : 'received',
    corrected: false,
    error: null,
    ...extra,
  };
}

/** Each row as one line of text: the day separator's label, or the message's head mark and body. */
export const shape = (rows: readonly Row[]) =>
  rows.map((r) => (r.kind === 'day' ? `${r.key} ${r.label}` : `${r.key}${r.head ? ' head' : ''} ${r.message.body}`));
