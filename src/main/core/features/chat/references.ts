/**
 * Incoming messages that act on another message rather than say something: reactions (XEP-0444),
 * retractions (XEP-0424) and moderations (XEP-0425). This part establishes who sent one, from the
 * stanza's sender only, before reactions.ts or retractions.ts apply it: in a room we are in, the
 * nick (or the room itself), the occupant-id where the room assigns them, and whether it is our own
 * reflected back; in a chat, the contact's bare JID, or our own bare JID for a reaction another of
 * our clients sent (its sent carbon, or our archive), kept as ours in the chat with its recipient.
 * Anything else is dropped.
 */
import type { Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import type { RateLimitedLogger } from '../../log';
import { NS_FASTEN, NS_MUC_USER, NS_OCCUPANT_ID, NS_REACTIONS, NS_RETRACT } from '../../xmpp/ns';
import type { AccountChat, JoinedRooms } from './accounts';
import { OWN_REACTOR } from '../../store/reactions-repo';
import type { Reactions } from './reactions';
import type { Retractions } from './retractions';

export class MessageReferences {
  constructor(
    private readonly rooms: JoinedRooms,
    private readonly reactions: Reactions,
    private readonly retractions: Retractions,
    private readonly floodLog: RateLimitedLogger,
  ) {}

  /**
   * True when the stanza was a reaction, retraction or moderation (applied or dropped); `older`: read
   * from an older archive page (a reaction set there never replaces one we have).
   */
  read(account: AccountChat, stanza: Element, from: string, bare: string, older = false): boolean {
    if (!refersToMessage(stanza)) return false;
    if (stanza.attrs.type === 'groupchat') return this.fromRoom(account, stanza, from, bare, older);
    // Private messages in rooms are not a place for these.
    if (stanza.getChild('x', NS_MUC_USER)) return false;
    if (bare === account.ownJid) return this.fromOwnClient(account, stanza, older);
    const conversation = bare;
    const sender = { conversation, kind: 'chat' as const };
    return (
      this.retractions.received(account, stanza, {
        ...sender,
        fromRoom: false,
        author: bare,
        occupantId: null,
        own: false,
      }) || this.reactions.received(account, stanza, { ...sender, key: bare, name: bare }, older)
    );
  }

  /**
   * From our own account (the caller checked the sender): a reaction set one of our clients sent,
   * ours in the chat with whom it went to. Anything else from ourselves (a retraction, one to
   * ourselves) is dropped.
   */
  private fromOwnClient(account: AccountChat, stanza: Element, older: boolean): boolean {
    const to = typeof stanza.attrs.to === 'string' ? normalizeJid(stanza.attrs.to) : null;
    const conversation = to === null ? null : bareJid(to);
    if (conversation === null || conversation === account.ownJid || !stanza.getChild('reactions', NS_REACTIONS)) {
      account.stats.dropped++;
      return true;
    }
    this.reactions.received(account, stanza, { conversation, kind: 'chat', key: OWN_REACTOR, name: '' }, older);
    return true;
  }

  private fromRoom(account: AccountChat, stanza: Element, from: string, room: string, older: boolean): boolean {
    const ownNick = this.rooms.joinedNick(account.accountId, room);
    if (ownNick === null) {
      account.stats.dropped++;
      this.floodLog.info('chat.stray-room-reference', 'reaction or retraction from a room we are not in dropped', {
        from: room,
      });
      return true;
    }
    const fromRoom = from === room;
    const nick = fromRoom ? '' : from.slice(room.length + 1);
    const own = !fromRoom && nick === ownNick;
    const occupantId = this.rooms.providesOccupantIds?.(account.accountId, room) ? occupantIdOf(stanza) : null;
    const sender = { conversation: room, kind: 'groupchat' as const };
    if (this.retractions.received(account, stanza, { ...sender, fromRoom, author: nick, occupantId, own })) return true;
    if (fromRoom) return true;
    const key = own ? OWN_REACTOR : occupantId !== null ? `occupant-id:${occupantId}` : `nick:${nick}`;
    this.reactions.received(account, stanza, { ...sender, key, name: nick }, older);
    return true;
  }
}

export function refersToMessage(stanza: Element): boolean {
  return (
    stanza.getChild('reactions', NS_REACTIONS) !== undefined ||
    stanza.getChild('retract', NS_RETRACT) !== undefined ||
    stanza.getChild('apply-to', NS_FASTEN) !== undefined
  );
}

/** The occupant-id the room put on the message (one; a room that assigns them replaces any other). */
export function occupantIdOf(stanza: Element): string | null {
  const ids = stanza.getChildren('occupant-id', NS_OCCUPANT_ID);
  const id = ids.length === 1 ? ids[0].attrs.id : undefined;
  return typeof id === 'string' && id !== '' && id.length <= 256 ? id : null;
}
