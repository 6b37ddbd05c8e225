/**
 * The bookmark requests to our server: where the bookmarks live (XEP-0402 §5.3: with '#compat' on
 * our account, XEP-0402 alone keeps every client in step), and reading either store. Reading what
 * comes back is items.ts's; what it means for the list is the service's.
 */
import xml, { type Element } from '@xmpp/xml';
import type { SessionXmpp } from '../../accounts/client';
import { isTimeout, stanzaCondition } from '../../util/stanza-errors';
import { NS_BOOKMARKS, NS_BOOKMARKS_COMPAT, NS_LEGACY_BOOKMARKS, NS_PRIVATE, NS_PUBSUB } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { ownAccountFeatures } from '../../xmpp/own-features';

/**
 * Whether our account offers XEP-0402 with '#compat' (then PEP) or not (private storage). A failed
 * query means private storage too (`failed` says why); a timeout is thrown (the read is retried).
 */
export async function discoverStorage(
  xmpp: SessionXmpp,
  own: string,
  failed: (error: unknown) => void,
): Promise<'pep' | 'private'> {
  try {
    return (await ownAccountFeatures(xmpp, own)).has(NS_BOOKMARKS_COMPAT) ? 'pep' : 'private';
  } catch (error) {
    if (isTimeout(error)) throw error;
    failed(error);
    return 'private';
  }
}

/** The <items/> of the XEP-0402 node; undefined when there is no node yet (no bookmarks yet). */
export async function fetchPepItems(xmpp: SessionXmpp): Promise<Element | undefined> {
  try {
    const pubsub = await iqGet(xmpp, xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_BOOKMARKS })));
    return pubsub?.getChild('items');
  } catch (error) {
    if (stanzaCondition(error) === 'item-not-found') return undefined;
    throw error;
  }
}

/**
 * The XEP-0048 <storage/> in private XML storage (undefined when empty), or null when the server has
 * no private storage at all.
 */
export async function fetchLegacyStorage(xmpp: SessionXmpp): Promise<Element | undefined | null> {
  try {
    const query = await iqGet(
      xmpp,
      xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_LEGACY_BOOKMARKS })),
    );
    return query?.getChild('storage', NS_LEGACY_BOOKMARKS);
  } catch (error) {
    const condition = stanzaCondition(error);
    if (condition === 'service-unavailable' || condition === 'feature-not-implemented') return null;
    throw error;
  }
}
