/**
 * Chat markers (XEP-0333), "displayed" only: our messages ask for markers; a contact's displayed
 * marker for one of our messages in its own conversation marks ours up to it as read (markers are
 * cumulative). When the user reads a chat we send one displayed marker for the newest message that
 * asked, and only to a contact who may see our presence (a marker would tell a stranger we are here).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { Subscription } from '../../../../shared/contract';
import { onlineClient } from '../../accounts/client';
import type { EventBus } from '../../events';
import type { RateLimitedLogger } from '../../log';
import type { MessagesRepository } from '../../store/messages-repo';
import type { ReadStateRepository } from '../../store/read-state-repo';
import { NS_CHAT_MARKERS, NS_HINTS } from '../../xmpp/ns';
import type { AccountChat } from './accounts';

const MARKERS = ['received', 'displayed', 'acknowledged'];

export interface MarkersOptions {
  repo: MessagesRepository;
  readState: ReadStateRepository;
  bus: EventBus;
  floodLog: RateLimitedLogger;
  /** The roster subscription of a contact. */
  subscriptionOf(accountId: string, bare: string): Subscription | null;
}

export class ChatMarkers {
  constructor(private readonly options: MarkersOptions) {}

  /**
   * Reads a marker from `bare` (a one-to-one chat, never a room); returns true when the stanza carried
   * one and no body (consumed). Only a marker for our own message in the sender's conversation counts.
   */
  read(account: AccountChat, stanza: Element, bare: string): boolean {
    if (stanza.attrs.type === 'groupchat') return false;
    const marker = stanza.children.find(
      (child): child is Element =>
        typeof child !== 'string' && child.attrs.xmlns === NS_CHAT_MARKERS && MARKERS.includes(child.name),
    );
    if (!marker) return false;
    const consumed = !stanza.getChild('body');
    if (marker.name !== 'displayed' || typeof marker.attrs.id !== 'string') return consumed;
    const { repo, readState, bus, floodLog } = this.options;
    const id =
      repo.outgoingByStanzaId(account.accountId, bare, marker.attrs.id) ??
      repo.outgoingByOriginId(account.accountId, bare, marker.attrs.id);
    if (id === null) {
      floodLog.info('chat.stray-marker', 'displayed marker for no message of ours from that JID ignored', {
        from: bare,
      });
      return consumed;
    }
    if (readState.setPeerDisplayed(account.accountId, bare, id)) {
      const conversation = repo.conversation(account.accountId, bare);
      if (conversation) bus.emit({ type: 'conversation', conversation });
    }
    return consumed;
  }

  /** An incoming chat message asked for markers: it is owed one once the user reads the chat. */
  remember(account: AccountChat, stanza: Element, conversation: string): void {
    if (!stanza.getChild('markable', NS_CHAT_MARKERS) || typeof stanza.attrs.id !== 'string') return;
    this.options.readState.setMarkable(account.accountId, conversation, stanza.attrs.id);
  }

  /** The user read a chat: the newest message that asked gets its displayed marker. */
  displayed(account: AccountChat, conversation: string): void {
    const subscription = this.options.subscriptionOf(account.accountId, conversation);
    if (subscription !== 'from' && subscription !== 'both') return; // a marker would tell a stranger we are here
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return; // still owed: sent when the chat is read again online
    const id = this.options.readState.takeMarkable(account.accountId, conversation);
    if (id === null) return;
    void xmpp
      .send(
        xml(
          'message',
          { to: conversation, type: 'chat', id: randomUUID() },
          xml('displayed', { xmlns: NS_CHAT_MARKERS, id }),
          xml('store', { xmlns: NS_HINTS }),
        ),
      )
      .catch(() => {});
  }
}
