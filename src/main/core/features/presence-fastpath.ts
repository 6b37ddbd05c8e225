/**
 * A fast path for incoming <presence/> (security.md test 53, the flood budget): xmpp.js runs every
 * stanza through koa-compose with a fresh context object and two @xmpp/jid parses, which costs more
 * than everything the presence feature does. Presence the feature owns skips that chain; anything
 * else (subscription and MUC presence, every other stanza, anything before the stream is online)
 * takes the normal path.
 *
 * Stream management must still count the stanza (XEP-0198 'h'): the SM middleware would have added
 * one, so the fast path does. Installed per client before its first connection: the connection
 * binds `_onElement` to each new parser.
 */
import type { Element } from '@xmpp/xml';

export interface FastPathClient {
  status: string;
  streamManagement: { enabled: boolean; inbound: number };
  _onElement(element: Element): void;
}

/** `handle` returns true when it consumed the presence; it may throw (logged, still counted). */
export function installPresenceFastPath(
  client: FastPathClient,
  handle: (stanza: Element) => boolean,
  onError: (error: unknown) => void = () => {},
): void {
  const original = client._onElement;
  client._onElement = function (this: FastPathClient, element: Element): void {
    if (element.name === 'presence' && this.status === 'online') {
      let handled: boolean;
      try {
        handled = handle(element);
      } catch (error) {
        // Taken out of the stream like any stanza a handler failed on: counted, not re-run.
        onError(error);
        handled = true;
      }
      if (handled) {
        if (this.streamManagement.enabled) this.streamManagement.inbound += 1;
        return;
      }
    }
    original.call(this, element);
  };
}
