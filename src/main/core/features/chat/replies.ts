/**
 * Replies (XEP-0461) with their fallback (XEP-0428): an outgoing reply names the message it answers
 * (the room's stanza-id in rooms, the message's id in chats) and its author, and starts its body
 * with a quote that clients without replies show; an incoming one loses that quote from its body
 * and keeps it to show while the original is not here. The original counts only when it is in the
 * same conversation and came from the author the reply names: a reply cannot pin a quote on
 * someone who did not write it (it shows its own fallback then).
 */
import xml, { type Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import type { ConversationKind } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import type { MessagesRepository, StoredMessage, StoredReply } from '../../store/messages-repo';
import { NS_FALLBACK, NS_FALLBACK_LEGACY, NS_REPLY } from '../../xmpp/ns';
import { referenceOf } from './message-about';

/** Characters of the original kept as the quote (ours and the fallback we read). */
export const REPLY_QUOTE_MAX = 300;
const REFERENCE_MAX = 256;

/** Where the incoming reply sits: its conversation, and whose view "us" is. */
export interface ReplyContext {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
  /** Our bare JID (chats) or our nick (rooms): an original of ours is written by it. */
  self: string | null;
}

/** An incoming message's body without the fallback quote, and the reply it carries. */
export interface ReadReply {
  body: string;
  reply: StoredReply | null;
}

/** Reads an incoming message's reply; `body` comes back without the fallback quote. */
export function readReply(repo: MessagesRepository, stanza: Element, body: string, context: ReplyContext): ReadReply {
  const element = stanza.getChild('reply', NS_REPLY);
  const id = element?.attrs.id;
  if (!element || typeof id !== 'string' || id === '' || id.length > REFERENCE_MAX) return { body, reply: null };
  const { quote, rest } = splitFallback(stanza, body);
  const to = authorOf(element.attrs.to, context.kind);
  let target: number | null = null;
  const original = repo.reactions.referenced(context.accountId, context.conversation, context.kind, id);
  if (original) {
    const author = original.direction === 'out' ? context.self : original.sender;
    if (to === null || to === author) target = original.id;
  }
  return { body: rest, reply: { id, to: to ?? '', quote, target } };
}

/** The reply a message of ours will carry: what the original is known by, whom it quotes. */
export function replyTo(
  original: StoredMessage | null,
  accountId: string,
  conversation: string,
  self: string,
): Result<StoredReply> {
  if (!original || original.accountId !== accountId || original.conversation !== conversation)
    return fail('not_found', 'chat.noSuchMessage');
  const id = referenceOf(original);
  if (id === null) return fail('conflict', 'replies.noReference');
  const to = original.direction === 'out' ? self : original.from;
  const quote = original.retracted ? '' : original.body.slice(0, REPLY_QUOTE_MAX);
  return ok({ id, to, quote, target: original.id });
}

/** The body (fallback quote first) and the elements of an outgoing reply. */
export function replyParts(message: StoredMessage): Element[] | null {
  if (!message.reply || message.replyId === null) return null;
  const fallback = message.reply.quote === '' ? '' : quoted(message.reply.quote);
  const to = message.kind === 'groupchat' ? `${message.conversation}/${message.reply.to}` : message.reply.to;
  return [
    xml('body', {}, fallback + message.body),
    xml('reply', { xmlns: NS_REPLY, to, id: message.replyId }),
    fallback === ''
      ? null
      : xml(
          'fallback',
          { xmlns: NS_FALLBACK, for: NS_REPLY },
          xml('body', { start: '0', end: String([...fallback].length) }),
        ),
  ].filter((part): part is Element => part !== null);
}

/** `> ` before each line of the quote, and a line after it. */
export function quoted(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n') + '\n'
  );
}

/** The reply's author as we store senders: a bare JID in chats, the nick in rooms. */
function authorOf(raw: unknown, kind: ConversationKind): string | null {
  if (typeof raw !== 'string') return null;
  const jid = normalizeJid(raw);
  if (jid === null) return null;
  if (kind === 'chat') return bareJid(jid);
  const slash = jid.indexOf('/');
  return slash === -1 ? null : jid.slice(slash + 1);
}

/**
 * The fallback quote of a reply (XEP-0428, either namespace) and the body without it. Positions
 * count code points; a range outside the body, or a second one, is ignored and the body kept whole.
 */
function splitFallback(stanza: Element, body: string): { quote: string; rest: string } {
  const ranges = [...stanza.getChildren('fallback', NS_FALLBACK), ...stanza.getChildren('fallback', NS_FALLBACK_LEGACY)]
    .filter((fallback) => fallback.attrs.for === NS_REPLY)
    .flatMap((fallback) => fallback.getChildren('body'));
  if (ranges.length !== 1) return { quote: '', rest: body };
  const chars = [...body];
  const start = Number(ranges[0].attrs.start);
  const end = Number(ranges[0].attrs.end);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > chars.length)
    return { quote: '', rest: body };
  const quote = chars
    .slice(start, end)
    .join('')
    .split('\n')
    .map((line) => line.replace(/^>\s?/, ''))
    .join('\n')
    .trim()
    .slice(0, REPLY_QUOTE_MAX);
  const rest = (chars.slice(0, start).join('') + chars.slice(end).join('')).replace(/^\n+/, '');
  return { quote, rest };
}
