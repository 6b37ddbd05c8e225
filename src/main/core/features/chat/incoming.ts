/**
 * Reading an incoming message stanza and handing it to the part that owns it: archive results,
 * carbons, error replies, receipts, chat states, corrections, room messages and chats.
 *
 * - The sender must be a valid JID; room messages only from rooms we are in (never the room
 *   itself); a forward outside a carbon or an archive result is the sender's quote, never the inner
 *   sender's message; our own bare JID is not a conversation (private messages aside).
 * - Our own message reflected by a room (our nick, its origin-id) is its delivery.
 * - An encrypted one-to-one message is read (decrypting.ts) before it is stored; a message in the
 *   clear waits for the encrypted ones of its conversation that came before it. An encrypted room
 *   message is read with its occupant's real JID (unknown: stored unreadable, with why).
 * - Bodies are capped; messages without one (markers, …) go on to other features.
 */
import type { Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import { MESSAGE_BODY_MAX, type ConversationKind } from '../../../../shared/contract';
import type { RateLimitedLogger } from '../../log';
import type { MessagesRepository } from '../../store/messages-repo';
import { capText } from '../../util/text';
import { NS_CORRECT, NS_FORWARD, NS_MAM, NS_MUC_USER, NS_SID } from '../../xmpp/ns';
import type { AccountChat, JoinedRooms } from './accounts';
import type { Archive } from './archive';
import type { Carbons } from './carbons';
import type { ChatStates } from './chat-states';
import type { Corrections } from './corrections';
import type { IncomingDecryption } from './decrypting';
import type { ChatMarkers } from './markers';
import { serverId, type Inbox } from './inbox';
import type { Outbox } from './outbox';
import type { Receipts } from './receipts';
import { occupantIdOf, type MessageReferences } from './references';
import { readReply } from './replies';
import type { MessageWrites } from './writes';

export interface IncomingParts {
  repo: MessagesRepository;
  rooms: JoinedRooms;
  writes: MessageWrites;
  inbox: Inbox;
  outbox: Outbox;
  archive: Archive;
  carbons: Carbons;
  receipts: Receipts;
  chatStates: ChatStates;
  corrections: Corrections;
  references: MessageReferences;
  floodLog: RateLimitedLogger;
  decryption?: IncomingDecryption;
  markers?: ChatMarkers;
}

export class IncomingMessages {
  constructor(private readonly parts: IncomingParts) {}

  /** Returns true when the message was handled (consumed). */
  receive(account: AccountChat, stanza: Element): boolean {
    const { archive, carbons, outbox, receipts, chatStates, floodLog } = this.parts;
    const result = stanza.getChild('result', NS_MAM);
    if (result) return archive.read(account, stanza, result);
    const from = typeof stanza.attrs.from === 'string' ? normalizeJid(stanza.attrs.from) : null;
    if (from === null) {
      account.stats.dropped++;
      floodLog.warn('chat.invalid-from', 'message from an invalid JID dropped', {
        from: String(stanza.attrs.from ?? '').slice(0, 200),
      });
      return true;
    }
    const bare = bareJid(from);

    const carbon = carbons.read(account, stanza, from);
    if (carbon.kind === 'received') return this.receive(account, carbon.inner);
    if (carbon.kind === 'handled') return true;

    // A forward outside a carbon or an archive result is the sender's quote: never the inner sender's message.
    if (stanza.getChild('forwarded', NS_FORWARD))
      floodLog.warn('chat.bare-forward', 'ignoring unencapsulated forwarded message', { from: from.slice(0, 200) });
    if (stanza.attrs.type === 'error') return outbox.errorReply(account, bare, stanza);
    if (receipts.read(account, stanza, bare)) return true;
    if (this.parts.markers?.read(account, stanza, bare)) return true;

    chatStates.read(account, stanza, from, bare);
    if (this.parts.references.read(account, stanza, from, bare)) return true;
    const bodyText = stanza.getChildText('body');
    const decryption = this.parts.decryption;
    const encrypted = decryption?.isEncrypted(stanza) ?? false;
    if (bodyText === null && !encrypted) return false; // markers, …: other features'
    const body = capText(bodyText ?? '', MESSAGE_BODY_MAX);

    if (stanza.attrs.type === 'groupchat') return this.roomMessage(account, stanza, from, bare, body);

    const slash = from.indexOf('/');
    const isPm =
      stanza.getChild('x', NS_MUC_USER) !== undefined &&
      this.parts.rooms.joinedNick(account.accountId, bare) !== null &&
      slash !== -1;
    if (bare === account.ownJid && !isPm) {
      // Keys from another of our devices (its answer to our pre-key message) complete its session.
      if (decryption && encrypted && !decryption.hasText(stanza))
        decryption.live(account, stanza, { conversation: bare, direction: 'in', author: bare, receiptTo: null });
      else account.stats.dropped++;
      return true;
    }
    if (decryption && encrypted && !isPm) {
      decryption.live(account, stanza, { conversation: bare, direction: 'in', author: bare, receiptTo: from });
      return true;
    }
    if (bodyText === null) return false;
    const kind: ConversationKind = isPm ? 'pm' : 'chat';
    const conversation = isPm ? from : bare;
    const sender = isPm ? from.slice(slash + 1) : bare;
    const store = () => {
      const replace = stanza.getChild('replace', NS_CORRECT)?.attrs.id;
      if (typeof replace === 'string' && this.parts.corrections.received(account, conversation, sender, replace, body))
        return;
      const self = isPm ? this.parts.rooms.joinedNick(account.accountId, bare) : account.ownJid;
      const replied = readReply(this.parts.repo, stanza, body, {
        accountId: account.accountId,
        conversation,
        kind,
        self,
      });
      this.parts.inbox.store(account, stanza, {
        conversation,
        kind,
        direction: 'in',
        sender,
        body: replied.body,
        reply: replied.reply,
        state: 'received',
        serverId: serverId(stanza, account.ownJid),
      });
      receipts.answer(account, stanza, from, bare);
      if (kind === 'chat') this.parts.markers?.remember(account, stanza, conversation);
    };
    if (decryption) decryption.inOrder(account, conversation, store);
    else store();
    return true;
  }

  private roomMessage(account: AccountChat, stanza: Element, from: string, bare: string, body: string): boolean {
    const { rooms, repo, writes, floodLog } = this.parts;
    const slash = from.indexOf('/');
    const ownNick = rooms.joinedNick(account.accountId, bare);
    if (ownNick === null || slash === -1) {
      account.stats.dropped++;
      floodLog.info(
        'chat.stray-room-message',
        'room message from a room we are not in (or from the room itself) dropped',
        {
          from: bare,
        },
      );
      return true;
    }
    const nick = from.slice(slash + 1);
    const originId = stanza.getChild('origin-id', NS_SID)?.attrs.id;
    // Our own message reflected by the room: that is its delivery.
    if (nick === ownNick && typeof originId === 'string') {
      const own = repo.outgoingByOriginId(account.accountId, bare, originId);
      if (own !== null) {
        // Others refer to it by the stanza-id the room gave it (replies, reactions, retraction).
        const assigned = serverId(stanza, bare);
        if (assigned !== null) repo.reactions.setServerId(own, assigned);
        writes.setState(own, 'delivered');
        return true;
      }
    }
    const occupantId = rooms.providesOccupantIds?.(account.accountId, bare) ? occupantIdOf(stanza) : null;
    if (this.parts.decryption?.isEncrypted(stanza)) {
      // Read with the keys of the occupant's real JID, as the room's presence shows it.
      const author = rooms.occupantJid?.(account.accountId, bare, nick) ?? null;
      this.parts.decryption.room(account, stanza, { room: bare, nick, author, occupantId });
      return true;
    }
    const store = () => {
      const replace = stanza.getChild('replace', NS_CORRECT)?.attrs.id;
      if (typeof replace === 'string' && this.parts.corrections.received(account, bare, nick, replace, body)) return;
      const context = { accountId: account.accountId, conversation: bare, kind: 'groupchat' as const, self: ownNick };
      const replied = readReply(repo, stanza, body, context);
      this.parts.inbox.store(account, stanza, {
        conversation: bare,
        kind: 'groupchat',
        direction: 'in',
        sender: nick,
        body: replied.body,
        reply: replied.reply,
        occupantId,
        state: 'received',
        serverId: serverId(stanza, bare),
      });
    };
    // A message in the clear waits for the room's encrypted ones that arrived before it.
    if (this.parts.decryption) this.parts.decryption.inOrder(account, bare, store);
    else store();
    return true;
  }
}
