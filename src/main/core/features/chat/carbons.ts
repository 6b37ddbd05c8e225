/**
 * Message carbons (XEP-0280): enabled with each new session; a carbon counts only when its outer
 * `from` is our own bare JID (CVE-2017-5589 class). A 'received' carbon is read as the message it
 * wraps; a 'sent' one is a message another of our clients sent, stored in the conversation with its
 * recipient (decrypted first when it is encrypted: our devices encrypt for each other), or a
 * reaction it sent, applied as ours when the wrapped message's sender is our own account too.
 */
import xml, { type Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import { MESSAGE_BODY_MAX } from '../../../../shared/contract';
import type { SessionXmpp } from '../../accounts/client';
import type { Logger, RateLimitedLogger } from '../../log';
import { capText } from '../../util/text';
import { NS_CARBONS, NS_FORWARD, NS_MUC_USER } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { AccountChat } from './accounts';
import type { IncomingDecryption } from './decrypting';
import type { Inbox } from './inbox';
import { refersToMessage, type MessageReferences } from './references';

/** What a message was as a carbon: none, handled here, or the received message it wraps. */
export type CarbonRead = { kind: 'none' } | { kind: 'handled' } | { kind: 'received'; inner: Element };

export class Carbons {
  constructor(
    private readonly inbox: Inbox,
    private readonly log: Logger,
    private readonly floodLog: RateLimitedLogger,
    private readonly decryption?: IncomingDecryption,
    private readonly references?: MessageReferences,
  ) {}

  async enable(account: AccountChat, xmpp: SessionXmpp): Promise<void> {
    try {
      await xmpp.iqCaller.set(xml('enable', { xmlns: NS_CARBONS }), undefined, IQ_TIMEOUT_MS);
    } catch (error) {
      this.log.info('carbons not enabled', { accountId: account.accountId, error });
    }
  }

  /** Reads a carbon from `from` (its sender, normalized): forged ones are dropped. */
  read(account: AccountChat, stanza: Element, from: string): CarbonRead {
    const carbon = stanza.getChild('received', NS_CARBONS) ?? stanza.getChild('sent', NS_CARBONS);
    if (!carbon) return { kind: 'none' };
    const bare = bareJid(from);
    if (bare !== account.ownJid || from !== bare) {
      account.stats.dropped++;
      this.floodLog.warn('chat.forged-carbon', 'forged carbon dropped', { from: from.slice(0, 200) });
      return { kind: 'handled' };
    }
    const inner = carbon.getChild('forwarded', NS_FORWARD)?.getChild('message');
    if (!inner) return { kind: 'handled' };
    if (carbon.name === 'received') return { kind: 'received', inner };
    this.ownCarbon(account, inner);
    return { kind: 'handled' };
  }

  /** A message another of our clients sent (carbon 'sent'): it belongs to the conversation with its recipient. */
  private ownCarbon(account: AccountChat, inner: Element): void {
    const to = typeof inner.attrs.to === 'string' ? normalizeJid(inner.attrs.to) : null;
    const bodyText = inner.getChildText('body');
    if (to === null || inner.attrs.type === 'groupchat') return;
    if (refersToMessage(inner)) {
      const from = typeof inner.attrs.from === 'string' ? normalizeJid(inner.attrs.from) : null;
      if (from !== null && account.ownJid !== null && bareJid(from) === account.ownJid)
        this.references?.read(account, inner, from, account.ownJid);
      else account.stats.dropped++;
      return;
    }
    const isPm = inner.getChild('x', NS_MUC_USER) !== undefined && to.includes('/');
    if (!isPm && account.ownJid !== null && this.decryption?.isEncrypted(inner)) {
      const conversation = bareJid(to);
      if (conversation === account.ownJid) return; // keys for our own devices: nothing to show
      this.decryption.live(account, inner, {
        conversation,
        direction: 'out',
        author: account.ownJid,
        receiptTo: null,
      });
      return;
    }
    if (bodyText === null) return;
    this.inbox.store(account, inner, {
      conversation: isPm ? to : bareJid(to),
      kind: isPm ? 'pm' : 'chat',
      direction: 'out',
      sender: account.ownJid ?? '',
      body: capText(bodyText, MESSAGE_BODY_MAX),
      state: 'sent',
      serverId: null,
    });
  }
}
