/**
 * Messages that act on another message of the conversation (a correction, a reaction, a
 * retraction, a reply's reference): each goes to that message's conversation as the same kind
 * (chat or groupchat).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { SessionXmpp } from '../../accounts/client';
import type { StoredMessage } from '../../store/messages-repo';

/** What a message is known by to others: the room's stanza-id in rooms, its origin-id (or id) in chats. */
export function referenceOf(message: StoredMessage): string | null {
  return message.kind === 'groupchat' ? message.serverId : (message.originId ?? message.stanzaId);
}

/** Sends a message about `target` carrying `children`; false when it did not go out. */
export async function sendAbout(xmpp: SessionXmpp, target: StoredMessage, children: Element[]): Promise<boolean> {
  const type = target.kind === 'groupchat' ? 'groupchat' : 'chat';
  const stanza = xml('message', { to: target.conversation, type, id: randomUUID() }, ...children);
  try {
    await xmpp.send(stanza);
    return true;
  } catch {
    return false;
  }
}
