/**
 * The PEP (XEP-0163) operations end-to-end encryption needs: read a node's items at a JID, publish
 * an item with publish-options (XEP-0223; the node is reconfigured when another client made it with
 * other options), delete a node. Replies are checked against the JID asked, in addition to the
 * session's IQ guard: a device list or bundle is only ever taken from its owner.
 */
import xml, { type Element } from '@xmpp/xml';
import { type SessionXmpp } from '../accounts/client';
import { hasApplicationCondition, stanzaCondition } from '../util/stanza-errors';
import { NS_DATA, NS_PUBSUB, NS_PUBSUB_OWNER } from '../xmpp/ns';
import { normalizeJid } from '../../../shared/jid';

const IQ_TIMEOUT_MS = 15_000;

export interface PepClient {
  /** The items of `node` at `jid`; null when the node or the account does not exist. */
  items(jid: string, node: string): Promise<Element[] | null>;
  /** Publishes one item to our own `node` with these node options (e.g. access_model open). */
  publish(node: string, itemId: string, payload: Element, options: Record<string, string>): Promise<void>;
  deleteNode(node: string): Promise<void>;
}

export class PepReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PepReplyError';
  }
}

function optionsForm(formType: string, options: Record<string, string>): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(options).map(([name, value]) => xml('field', { var: `pubsub#${name}` }, xml('value', {}, value))),
  );
}

export function createPepClient(xmpp: SessionXmpp, ownJid: string): PepClient {
  return {
    async items(jid, node) {
      const own = jid === ownJid;
      const request = xml(
        'iq',
        own ? { type: 'get' } : { type: 'get', to: jid },
        xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node })),
      );
      let reply: Element;
      try {
        reply = await xmpp.iqCaller.request(request, IQ_TIMEOUT_MS);
      } catch (error) {
        const condition = stanzaCondition(error);
        if (condition === 'item-not-found' || condition === 'service-unavailable') return null;
        throw error;
      }
      const from = typeof reply.attrs.from === 'string' ? normalizeJid(reply.attrs.from) : null;
      const fromOwner = own ? from === null || from === ownJid : from === jid;
      if (!fromOwner) throw new PepReplyError(`a reply for ${jid}'s ${node} came from ${String(reply.attrs.from)}`);
      const items = reply.getChild('pubsub', NS_PUBSUB)?.getChild('items');
      if (!items || items.attrs.node !== node) return [];
      return items.getChildren('item');
    },
    async publish(node, itemId, payload, options) {
      const publish = () =>
        xmpp.iqCaller.set(
          xml(
            'pubsub',
            { xmlns: NS_PUBSUB },
            xml('publish', { node }, xml('item', { id: itemId }, payload)),
            xml('publish-options', {}, optionsForm('http://jabber.org/protocol/pubsub#publish-options', options)),
          ),
          undefined,
          IQ_TIMEOUT_MS,
        );
      try {
        await publish();
      } catch (error) {
        if (!hasApplicationCondition(error, 'precondition-not-met')) throw error;
        // The node exists with other options (another client made it): set ours, then publish again.
        await xmpp.iqCaller.set(
          xml(
            'pubsub',
            { xmlns: NS_PUBSUB_OWNER },
            xml('configure', { node }, optionsForm('http://jabber.org/protocol/pubsub#node_config', options)),
          ),
          undefined,
          IQ_TIMEOUT_MS,
        );
        await publish();
      }
    },
    async deleteNode(node) {
      try {
        await xmpp.iqCaller.set(
          xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, xml('delete', { node })),
          undefined,
          IQ_TIMEOUT_MS,
        );
      } catch (error) {
        if (stanzaCondition(error) !== 'item-not-found') throw error;
      }
    },
  };
}
