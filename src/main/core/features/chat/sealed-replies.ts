/**
 * Replies (XEP-0461) in encrypted chats, as Conversations sends them: OMEMO 0.3 encrypts only the
 * body, so the <reply/> reference travels in the clear beside the encrypted element, and the
 * fallback quote only inside the encrypted body. No fallback range goes in the clear: it would
 * point into the clear "this message is encrypted" body that clients without OMEMO show.
 *
 * On receipt the reference is read as in the clear; the quote is cut off the decrypted body by a
 * fallback range when the sender put one beside it, else as the leading lines that start with ">".
 */
import xml, { type Element } from '@xmpp/xml';
import type { MessagesRepository, StoredMessage } from '../../store/messages-repo';
import { NS_FALLBACK, NS_FALLBACK_LEGACY, NS_REPLY } from '../../xmpp/ns';
import { quoted, readReply, REPLY_QUOTE_MAX, type ReadReply, type ReplyContext } from './replies';

/** The text to encrypt: the fallback quote first, when the message is a reply. */
export function sealedBody(message: StoredMessage): string {
  if (!message.reply || message.replyId === null || message.reply.quote === '') return message.body;
  return quoted(message.reply.quote) + message.body;
}

/** The <reply/> reference to send in the clear beside the encrypted body (none for other messages). */
export function sealedReference(message: StoredMessage): Element[] {
  if (!message.reply || message.replyId === null || message.kind !== 'chat') return [];
  return [xml('reply', { xmlns: NS_REPLY, to: message.reply.to, id: message.replyId })];
}

/** Reads the reply of a decrypted message; `body` comes back without the fallback quote. */
export function readSealedReply(
  repo: MessagesRepository,
  stanza: Element,
  body: string,
  context: ReplyContext,
): ReadReply {
  const read = readReply(repo, stanza, body, context);
  const ranged = stanza.getChild('fallback', NS_FALLBACK) ?? stanza.getChild('fallback', NS_FALLBACK_LEGACY);
  if (!read.reply || ranged) return read;
  const lead = /^(?:>[^\n]*(?:\n|$))+/.exec(body);
  if (!lead) return read;
  const quote = lead[0]
    .split('\n')
    .map((line) => line.replace(/^>\s?/, ''))
    .join('\n')
    .trim()
    .slice(0, REPLY_QUOTE_MAX);
  return { body: body.slice(lead[0].length).replace(/^\n+/, ''), reply: { ...read.reply, quote } };
}
