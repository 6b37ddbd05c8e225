/**
 * PEP as a server keeps it, in memory, for unit tests and benchmarks of the encryption layer: each
 * account publishes to its own nodes, anyone reads them, and a device list change is pushed as the
 * PEP event stanza a server sends to everyone listening (XEP-0163 +notify). Integration tests use
 * a real Prosody instead.
 */
import xml, { type Element } from '@xmpp/xml';
import type { PepClient } from '../../src/main/core/encryption/pep';
import { parseStanza } from './xml';

const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';

export class MemoryPep {
  private readonly nodes = new Map<string, Map<string, Element>>();
  private readonly listeners = new Map<string, (stanza: Element) => void>();
  /** Every publish, in order: [jid, node]. */
  readonly published: [string, string][] = [];

  /** `listener` gets the PEP events an account subscribed with +notify would get. */
  listen(jid: string, listener: (stanza: Element) => void): void {
    this.listeners.set(jid, listener);
  }

  item(jid: string, node: string): Element | undefined {
    return this.nodes.get(`${jid} ${node}`)?.get('current');
  }

  /** Writes an item as `jid`'s server would (tests use it to play another client of the account). */
  put(jid: string, node: string, payload: Element, notify = true): void {
    const key = `${jid} ${node}`;
    const items = this.nodes.get(key) ?? new Map<string, Element>();
    items.set('current', xml('item', { id: 'current' }, payload));
    this.nodes.set(key, items);
    this.published.push([jid, node]);
    if (!notify || !node.endsWith('.devicelist')) return;
    for (const listener of this.listeners.values()) {
      listener(
        xml(
          'message',
          { from: jid, type: 'headline' },
          xml('event', { xmlns: NS_PUBSUB_EVENT }, xml('items', { node }, xml('item', { id: 'current' }, payload))),
        ),
      );
    }
  }

  clientFor(jid: string): PepClient {
    return {
      items: async (owner, node) => {
        const items = this.nodes.get(`${owner} ${node}`);
        return items ? [...items.values()].map((item) => parseStanza(item.toString())) : null;
      },
      publish: async (node, _itemId, payload, options) => {
        if (options.access_model !== 'open') throw new Error('OMEMO nodes must be open');
        this.put(jid, node, parseStanza(payload.toString()));
      },
      deleteNode: async (node) => {
        this.nodes.delete(`${jid} ${node}`);
      },
    };
  }
}
