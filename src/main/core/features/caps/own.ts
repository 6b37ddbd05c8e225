/**
 * What we advertise about ourselves (XEP-0115 §6.1, XEP-0030 §3.1): the <c/> for our presence and
 * the disco#info answer behind it. The same DiscoInfo feeds both, so our ver always verifies.
 * `OwnCaps` answers disco#info on every client and hands the presence feature the <c/> to append to
 * every available presence we send.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionXmpp } from '../../accounts/client';
import { stanzaErrorElement } from '../../util/stanza-errors';
import {
  NS_AVATAR_METADATA_NOTIFY,
  NS_NICK_NOTIFY,
  NS_BOOKMARKS_NOTIFY,
  NS_CAPS,
  NS_CHAT_MARKERS,
  NS_CHATSTATES,
  NS_CONFERENCE,
  NS_CORRECT,
  NS_DISCO_INFO,
  NS_MDS_NOTIFY,
  NS_MUC,
  NS_PING,
  NS_REACTIONS,
  NS_RECEIPTS,
  NS_REPLY,
  NS_RETRACT,
} from '../../xmpp/ns';
import { capsHash, discoInfoElement, ownCapsElement, type CapsHashAlgo, type DiscoInfo } from './hash';

export { ownCapsElement } from './hash';

/** The project's homepage (package.json), as XEP-0115 §4 recommends for the caps node. */
export const JABBERWOCK_CAPS_NODE = 'https://jabberwock.im';

/** Features every session has today; add one here when a feature module starts handling it. */
export const BASE_FEATURES: readonly string[] = [
  NS_DISCO_INFO,
  NS_CAPS,
  NS_PING,
  // XEP-0402 §3.1: other clients' bookmark changes reach us as PEP events (features/bookmarks.ts).
  NS_BOOKMARKS_NOTIFY,
  // XEP-0045 rooms and XEP-0249 direct invitations (features/muc.ts).
  NS_MUC,
  NS_CONFERENCE,
  // Messaging (features/chat.ts): receipts, chat states and corrections, each of which its XEP
  // says a client advertises.
  NS_RECEIPTS,
  NS_CHATSTATES,
  NS_CORRECT,
  // Displayed markers (features/chat/markers.ts) and our other clients' read positions as PEP
  // events (features/chat/displayed-sync.ts).
  NS_CHAT_MARKERS,
  NS_MDS_NOTIFY,
  // Replies, reactions and retraction (features/chat/replies.ts, reactions.ts, retractions.ts).
  NS_REPLY,
  NS_REACTIONS,
  NS_RETRACT,
  // Contacts' avatars and nicknames reach us as PEP events (features/avatars/).
  NS_AVATAR_METADATA_NOTIFY,
  NS_NICK_NOTIFY,
];

export function ownDiscoInfo(features: readonly string[] = BASE_FEATURES, name = 'Jabberwock'): DiscoInfo {
  return {
    identities: [{ category: 'client', type: 'pc', lang: null, name }],
    features: [...new Set(features)],
    forms: [],
  };
}

/**
 * An iqCallee handler for disco#info gets: answers without a node, and for `node#ver` of our
 * current caps; any other node → item-not-found (XEP-0030 §3.1). Returns the element the callee
 * puts in the result (or an <error/>, which it turns into an error reply).
 */
export function discoInfoResponder(
  own: DiscoInfo | (() => DiscoInfo),
  node: string = JABBERWOCK_CAPS_NODE,
  algo: CapsHashAlgo = 'sha-1',
): (ctx: { element: Element }) => Element {
  return (ctx) => {
    const info = typeof own === 'function' ? own() : own;
    const asked = ctx.element.attrs.node;
    if (asked === undefined || asked === '') return discoInfoElement(info);
    if (asked === `${node}#${capsHash(info, algo)}`) return discoInfoElement(info, asked);
    return stanzaErrorElement('cancel', 'item-not-found');
  };
}

/** Our disco#info on every client, and our <c/> for the presence we send. */
export class OwnCaps implements AccountLifecycleListener {
  readonly info: DiscoInfo;
  private readonly caps: Element;

  constructor(
    info: DiscoInfo = ownDiscoInfo(),
    private readonly node = JABBERWOCK_CAPS_NODE,
  ) {
    this.info = info;
    this.caps = ownCapsElement(info, node);
  }

  /** A fresh <c/> (an element has one parent: each presence gets its own). */
  element(): Element {
    return xml('c', { ...this.caps.attrs });
  }

  onClient(_accountId: string, xmpp: SessionXmpp): void {
    xmpp.iqCallee.get(NS_DISCO_INFO, 'query', discoInfoResponder(this.info, this.node));
  }
}
