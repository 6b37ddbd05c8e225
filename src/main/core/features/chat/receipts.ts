/**
 * Delivery receipts (XEP-0184): a receipt from the conversation's JID makes our message 'delivered';
 * we answer a request only to a contact who may see our presence (a receipt would tell a stranger we
 * are here).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { Subscription } from '../../../../shared/contract';
import { onlineClient } from '../../accounts/client';
import type { RateLimitedLogger } from '../../log';
import type { MessagesRepository } from '../../store/messages-repo';
import { NS_RECEIPTS } from '../../xmpp/ns';
import type { AccountChat } from './accounts';
import type { MessageWrites } from './writes';

export class Receipts {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly writes: MessageWrites,
    private readonly floodLog: RateLimitedLogger,
    /** The roster subscription of a contact. */
    private readonly subscriptionOf: (accountId: string, bare: string) => Subscription | null,
  ) {}

  /** Reads a receipt; returns true when the stanza carried one and nothing else (consumed). */
  read(account: AccountChat, stanza: Element, bare: string): boolean {
    const receipt = stanza.getChild('received', NS_RECEIPTS);
    if (!receipt || typeof receipt.attrs.id !== 'string') return false;
    const id = this.repo.outgoingByStanzaId(account.accountId, bare, receipt.attrs.id);
    if (id !== null) this.writes.setState(id, 'delivered');
    else
      this.floodLog.info('chat.stray-receipt', 'receipt for no message of ours from that JID ignored', {
        from: bare,
      });
    return !stanza.getChild('body');
  }

  /** Answers a receipt request of a message we stored. */
  answer(account: AccountChat, stanza: Element, from: string, bare: string): void {
    if (!stanza.getChild('request', NS_RECEIPTS) || typeof stanza.attrs.id !== 'string') return;
    const subscription = this.subscriptionOf(account.accountId, bare);
    if (subscription !== 'from' && subscription !== 'both') return; // a receipt would tell a stranger we are here
    const xmpp = onlineClient(account.xmpp);
    void xmpp
      ?.send(
        xml('message', { to: from, id: randomUUID() }, xml('received', { xmlns: NS_RECEIPTS, id: stanza.attrs.id })),
      )
      .catch(() => {});
  }
}
