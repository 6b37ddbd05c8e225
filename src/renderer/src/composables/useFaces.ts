/**
 * Whose face and colour a room occupant or a message's sender shows. An occupant whose real JID the
 * room shows is that person: their own avatar when we know one (a contact's, or an account's), and
 * their XEP-0392 colour by bare JID; otherwise the avatar the room presence announced (XEP-0153, kept
 * under room@service/nick) and the colour of the nick they chose.
 */
import type { MessageView } from '../../../shared/contract';
import { colourKeyOf } from '../lib/avatar';
import { useIdentitiesStore } from '../stores/identities';
import { useMucStore } from '../stores/muc';

export interface Face {
  /** The JID whose identity (avatar) to show. */
  jid: string;
  /** The XEP-0392 identifier of their colour. */
  colourKey: string;
}

export function useFaces() {
  const identities = useIdentitiesStore();
  const muc = useMucStore();

  function occupantFace(accountId: string, room: string, nick: string, realJid: string | null): Face {
    const occupantJid = `${room}/${nick}`;
    const bare = realJid ? realJid.split('/')[0] : null;
    const jid = bare && identities.get(accountId, bare)?.avatar ? bare : occupantJid;
    return { jid, colourKey: colourKeyOf(occupantJid, bare) };
  }

  /** A message's sender, given the JID the message list shows them by. */
  function senderFace(message: MessageView, senderJid: string): Face {
    if (message.kind !== 'groupchat' || message.direction === 'out') {
      return { jid: senderJid, colourKey: colourKeyOf(senderJid) };
    }
    const realJid = muc.occupantsOf(message.accountId, message.conversation)?.get(message.from)?.view.jid ?? null;
    return occupantFace(message.accountId, message.conversation, message.from, realJid);
  }

  return { occupantFace, senderFace };
}
