/**
 * Asks for a stream management ack (XEP-0198 `<r/>`) at most `maxWaitMs` after a stanza went out,
 * however busy the stream is. @xmpp/stream-management asks only after 250 ms without any outgoing
 * stanza: a steady stream of messages (or presences, receipts, chat states) with shorter gaps never
 * gets an `<r/>`, so nothing is acknowledged and a message stays "queued" in the UI, and is sent again
 * after a restart, although the server had it long ago. The ack itself is handled by the plugin.
 */
import xml from '@xmpp/xml';
import { NS_SM } from '../xmpp/ns';

interface Filterable {
  filter(fn: (ctx: { stanza: { name: string } }, next: () => unknown) => unknown): void;
}

interface Sender {
  send(element: ReturnType<typeof xml>): Promise<unknown>;
  on(event: 'disconnect', listener: () => void): unknown;
}

export function requestAcksUnderLoad(
  entity: Sender,
  middleware: Filterable,
  sm: { enabled: boolean; outbound_q: unknown[] },
  maxWaitMs = 500,
): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  middleware.filter((ctx, next) => {
    if (sm.enabled && timer === null && ['message', 'presence', 'iq'].includes(ctx.stanza.name)) {
      timer = setTimeout(() => {
        timer = null;
        if (sm.enabled && sm.outbound_q.length > 0) entity.send(xml('r', { xmlns: NS_SM })).catch(() => {});
      }, maxWaitMs);
    }
    return next();
  });
  entity.on('disconnect', () => {
    if (timer) clearTimeout(timer);
    timer = null;
  });
}
