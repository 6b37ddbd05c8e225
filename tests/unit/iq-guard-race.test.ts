/**
 * The IQ guard around xmpp.js's IQ caller: an error reply that arrives before the request's write
 * has completed (a fast server, a loaded machine) reaches the caller as a rejection and is never an
 * unhandled rejection of the process (which would crash it, or fail a test run).
 */
import xml, { type Element } from '@xmpp/xml';
import createIqCaller from '@xmpp/iq/caller.js';
import { JID } from '@xmpp/jid';
import { describe, expect, it } from 'vitest';
import { createIqGuard } from '../../src/main/core/features/iq-guard';
import { silentLogger } from '../../src/main/core/log';

type Handler = (ctx: { stanza: Element; name: string; type: string; id: string }, next: () => unknown) => unknown;

describe('IQ guard', () => {
  it('leaves no unhandled rejection when the error reply beats the write', async () => {
    const handlers: Handler[] = [];
    const middleware = { use: (handler: Handler) => handlers.push(handler) };
    const deliver = (stanza: Element) => {
      const ctx = { stanza, name: stanza.name, type: stanza.attrs.type, id: stanza.attrs.id };
      let index = 0;
      const next = (): unknown => handlers[index++]?.(ctx, next);
      next();
    };
    const entity = {
      // The reply is routed while the write is still pending, as a fast server makes it happen.
      send: async (request: Element) => {
        deliver(
          xml(
            'iq',
            { type: 'error', id: request.attrs.id, from: request.attrs.to },
            xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    const guard = createIqGuard({
      jid: () => new JID('me', 'example.com', 'r'),
      domain: 'example.com',
      log: silentLogger,
    });
    middleware.use(guard.middleware as unknown as Handler);
    const caller = createIqCaller({ entity, middleware } as never);
    guard.wrap(caller);

    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const request = caller.request(xml('iq', { type: 'get', to: 'alice@example.com' }, xml('query', { xmlns: 'x' })));
      await expect(request).rejects.toMatchObject({ condition: 'item-not-found' });
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
