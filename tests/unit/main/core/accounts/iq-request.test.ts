/**
 * The IQ request that listens to its reply before the request is written (src/main/core/features/
 * iq-request.ts), with xmpp.js's own IQ caller and middleware: a reply routed while our write is
 * still pending (what TLS on a busy loop does) settles the request and is never an unhandled
 * rejection; timeouts and late replies behave as before.
 */
import { EventEmitter } from 'node:events';
import createIqCaller from '@xmpp/iq/caller.js';
import createMiddleware from '@xmpp/middleware';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installListenFirstRequest } from '../../../../../src/main/core/accounts/iq-request';

/** An entity whose writes complete only when the test says so. */
function setup() {
  const entity = Object.assign(new EventEmitter(), {
    jid: null,
    options: { domain: 'localhost' },
    writes: [] as { stanza: Element; done: () => void }[],
    send(stanza: Element): Promise<void> {
      return new Promise((resolve) => entity.writes.push({ stanza, done: resolve }));
    },
  });
  const middleware = createMiddleware({ entity: entity as never });
  const caller = createIqCaller({ middleware, entity: entity as never });
  let n = 0;
  installListenFirstRequest(caller, () => `id${++n}`);
  const reply = (stanza: string) => entity.emit('element', parse(stanza));
  return { entity, caller, reply };
}

function parse(text: string): Element {
  // The two shapes the tests use, built rather than parsed.
  const id = /id='([^']+)'/.exec(text)![1];
  const type = /type='([^']+)'/.exec(text)![1];
  return type === 'error'
    ? xml(
        'iq',
        { type, id },
        xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })),
      )
    : xml('iq', { type, id }, xml('query', { xmlns: 'jabber:iq:version' }));
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('installListenFirstRequest', () => {
  it('an error reply routed before our write completed rejects the request, and nothing is unhandled', async () => {
    const { entity, caller, reply } = setup();
    // Awaited at once, as every call site does.
    const request = caller.get(xml('query', { xmlns: 'jabber:iq:version' }), 'a@localhost/r').catch((error) => error);
    expect(entity.writes).toHaveLength(1);
    reply(`<iq type='error' id='id1'/>`); // read before the write's callback
    await turn();
    await turn();
    expect(unhandled).toEqual([]);
    entity.writes[0].done();
    expect(await request).toMatchObject({ name: 'StanzaError', condition: 'service-unavailable' });
    expect(unhandled).toEqual([]);
  });

  it('a result routed before our write completed resolves the request', async () => {
    const { entity, caller, reply } = setup();
    const request = caller.get(xml('query', { xmlns: 'jabber:iq:version' }), 'a@localhost/r');
    reply(`<iq type='result' id='id1'/>`);
    entity.writes[0].done();
    await expect(request).resolves.toMatchObject({ name: 'query' });
  });

  it('times out, and a reply after that falls through to the next handler', async () => {
    const { entity, caller, reply } = setup();
    const request = caller.request(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 50);
    entity.writes[0].done();
    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
    // The caller forgot the id: the late reply goes on to the next handler (nobody), nothing rejects.
    expect((caller as unknown as { handlers: Map<string, unknown> }).handlers.size).toBe(0);
    reply(`<iq type='error' id='id1'/>`);
    await turn();
    expect(unhandled).toEqual([]);
  });

  it('times out even while the write never completes', async () => {
    const { caller } = setup();
    await expect(
      caller.request(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 50),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});
