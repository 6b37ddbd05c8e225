/**
 * Message Displayed Synchronization (XEP-0490): the user's read position per conversation lives in
 * the account's own PEP node, one item per conversation (its JID) naming the stanza-id of the last
 * message read. When the user reads a conversation we publish it; a push from our other clients,
 * and the node read after a new session, mark our stored messages read up to that message, so the
 * unread counts agree on every device.
 *
 * Only our own account's PEP speaks for us: an event from any other JID is dropped. A position is
 * believed only with the stanza-id of the archive that assigned it (our account for chats, the room
 * for room messages). A position naming a message we do not hold yet (a room not caught up yet, a
 * message still on its way) waits, the latest per conversation, until that message is stored live
 * or from the archive.
 */
import xml, { type Element } from '@xmpp/xml';
import { normalizeJid } from '../../../../shared/jid';
import type { ConversationKind } from '../../../../shared/contract';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import { createPepClient } from '../../encryption/pep';
import type { EventBus } from '../../events';
import type { Logger, RateLimitedLogger } from '../../log';
import type { MessagesRepository, StoredMessage } from '../../store/messages-repo';
import type { ReadStateRepository } from '../../store/read-state-repo';
import { NS_MDS, NS_PUBSUB_EVENT, NS_SID } from '../../xmpp/ns';
import type { AccountChat } from './accounts';

/**
 * XEP-0490 §4's node configuration: kept, one item per conversation without limit, visible to us only,
 * never pushed on presence. Prosody 0.12 accepts each (max_items "max" included).
 */
export const MDS_NODE_OPTIONS: Record<string, string> = {
  persist_items: 'true',
  max_items: 'max',
  send_last_published_item: 'never',
  access_model: 'whitelist',
};

/** Conversations whose read position waits for its message; the longest waiting is forgotten beyond this. */
export const WAITING_POSITIONS_MAX = 1000;

export interface DisplayedSyncOptions {
  repo: MessagesRepository;
  readState: ReadStateRepository;
  bus: EventBus;
  log: Logger;
  floodLog: RateLimitedLogger;
}

export class DisplayedSync {
  /** The stanza-id of a read position whose message we do not hold yet, by account and conversation. */
  private readonly waiting = new Map<string, string>();

  constructor(private readonly options: DisplayedSyncOptions) {}

  /** Messages were stored (live or from the archive): a position waiting for one of them applies now. */
  arrived(account: AccountChat, stored: readonly (StoredMessage | null)[]): void {
    if (this.waiting.size === 0) return;
    for (const message of stored) {
      if (!message || message.serverId === null) continue;
      const key = waitingKey(account.accountId, message.conversation);
      if (this.waiting.get(key) !== message.serverId) continue;
      this.waiting.delete(key);
      this.options.readState.markReadUpTo(account.accountId, message.conversation, message.serverId);
    }
  }

  /** Reads a PEP event of our MDS node; returns true when the stanza was one (consumed). */
  receive(account: AccountChat, stanza: Element): boolean {
    const items = stanza
      .getChild('event', NS_PUBSUB_EVENT)
      ?.getChildren('items')
      .find((child) => child.attrs.node === NS_MDS);
    if (!items) return false;
    const raw = stanza.attrs.from;
    const from = typeof raw === 'string' ? normalizeJid(raw) : null;
    // Our own PEP's events come from our bare JID (or without a from); anyone else's are forged.
    if (account.ownJid === null || (raw !== undefined && from !== account.ownJid)) {
      this.options.floodLog.warn('chat.forged-mds', 'read position from another JID than our own dropped', {
        from: String(raw ?? '').slice(0, 200),
      });
      return true;
    }
    for (const item of items.getChildren('item')) this.apply(account, item);
    return true;
  }

  /** The user read a conversation: publish the stanza-id of its newest message that has one. */
  async publish(account: AccountChat, conversation: string, kind: ConversationKind): Promise<void> {
    if (kind === 'pm') return; // a private message's conversation is an occupant, not a JID with an archive
    const xmpp = onlineClient(account.xmpp);
    const ownJid = account.ownJid;
    if (!xmpp || ownJid === null) return;
    const serverId = this.options.readState.lastServerId(account.accountId, conversation);
    if (serverId === null) return;
    const by = kind === 'groupchat' ? conversation : ownJid;
    const payload = xml('displayed', { xmlns: NS_MDS }, xml('stanza-id', { xmlns: NS_SID, id: serverId, by }));
    await createPepClient(xmpp, ownJid).publish(NS_MDS, conversation, payload, MDS_NODE_OPTIONS);
  }

  /** A new session: read the positions our other clients published while we were away. */
  async catchUp(account: AccountChat, xmpp: SessionXmpp): Promise<void> {
    const ownJid = account.ownJid;
    if (ownJid === null) return;
    const items = await createPepClient(xmpp, ownJid).items(ownJid, NS_MDS);
    for (const item of items ?? []) this.apply(account, item);
  }

  private apply(account: AccountChat, item: Element): void {
    const conversation = typeof item.attrs.id === 'string' ? normalizeJid(item.attrs.id) : null;
    const stanzaId = item.getChild('displayed', NS_MDS)?.getChild('stanza-id', NS_SID);
    const id = stanzaId?.attrs.id;
    const by = typeof stanzaId?.attrs.by === 'string' ? normalizeJid(stanzaId.attrs.by) : null;
    if (conversation === null || typeof id !== 'string') return;
    // Our archive names chat messages, the room its own; another `by` names an id we never stored.
    if (by !== account.ownJid && by !== conversation) return;
    const { repo, readState, bus } = this.options;
    const changed = readState.markReadUpTo(account.accountId, conversation, id);
    const key = waitingKey(account.accountId, conversation);
    // The latest position of a conversation replaces one still waiting.
    this.waiting.delete(key);
    if (changed === null) {
      this.options.floodLog.info('chat.mds-waiting', 'read position for a message we do not hold yet kept', {
        conversation: conversation.slice(0, 200),
      });
      this.waiting.set(key, id.slice(0, 256));
      if (this.waiting.size > WAITING_POSITIONS_MAX) this.waiting.delete(this.waiting.keys().next().value!);
      return;
    }
    if (changed === 0) return;
    const view = repo.conversation(account.accountId, conversation);
    if (view) bus.emit({ type: 'conversation', conversation: view });
  }
}

function waitingKey(accountId: string, conversation: string): string {
  return `${accountId}\n${conversation}`;
}
