/**
 * Stream management acks under a steady stream of stanzas: @xmpp/stream-management asks for an ack
 * only after 250 ms without outgoing stanzas, so messages sent every 100 ms were never acknowledged
 * (found by `npm run torture`). requestAcksUnderLoad asks within 500 ms of a stanza going out.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestAcksUnderLoad } from '../../../../../src/main/core/accounts/sm-ack-request';

type Filter = (ctx: { stanza: { name: string } }, next: () => unknown) => unknown;

describe('requestAcksUnderLoad', () => {
  let filter: Filter;
  let sent: Element[];
  let entity: EventEmitter & { send(element: Element): Promise<void> };
  let sm: { enabled: boolean; outbound_q: unknown[] };

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    sm = { enabled: true, outbound_q: [] };
    entity = Object.assign(new EventEmitter(), { send: async (element: Element) => void sent.push(element) });
    requestAcksUnderLoad(entity, { filter: (fn) => (filter = fn as Filter) }, sm);
  });

  afterEach(() => vi.useRealTimers());

  const message = () => {
    sm.outbound_q.push({});
    filter({ stanza: { name: 'message' } }, () => undefined);
  };

  it('asks for an ack at least every 500 ms while a message goes out every 100 ms', () => {
    for (let i = 0; i < 20; i++) {
      message();
      vi.advanceTimersByTime(100);
    }
    const requests = sent.filter((element) => element.name === 'r' && element.attrs.xmlns === 'urn:xmpp:sm:3');
    expect(requests.length).toBeGreaterThanOrEqual(3);
  });

  it('asks nothing when everything was acknowledged, or after the stream went away', () => {
    filter({ stanza: { name: 'message' } }, () => undefined);
    vi.advanceTimersByTime(600);
    expect(sent).toEqual([]); // outbound_q is empty: nothing to acknowledge
    message();
    entity.emit('disconnect');
    vi.advanceTimersByTime(600);
    expect(sent).toEqual([]);
  });
});
