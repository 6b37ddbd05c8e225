/**
 * The XML console: secrets are redacted while a stanza becomes console text (SASL, passwords in
 * registration and room joins, room secrets in configuration forms, upload slot addresses), the ring
 * buffer stays bounded, recording is off until asked for, and a typed stanza is sent only when it is
 * exactly one well-formed stanza.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../../../src/shared/contract';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { GuardedClient } from '../../../../../../src/main/core/accounts/stream/guarded-client';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { EventBus } from '../../../../../../src/main/core/events';
import { CONSOLE_ENTRIES_MAX, XmlConsole } from '../../../../../../src/main/core/features/console/service';
import { silentLogger } from '../../../../../../src/main/core/log';
import { parseStanza } from '../../../../../support/xml';

/** A stand-in client: its stream hooks (what comes in), xmpp.js's `send` event and a send that emits it. */
function fakeClient() {
  const client = new EventEmitter() as EventEmitter & {
    status: string;
    hooks: StreamHookRegistry;
    sent: Element[];
    receive(element: Element): void;
    send(element: Element): Promise<void>;
  };
  client.status = 'online';
  client.hooks = new StreamHookRegistry();
  client.sent = [];
  client.receive = (element) => client.hooks.elementIn(element);
  client.send = async (element) => {
    client.sent.push(element);
    client.emit('send', element);
  };
  return client;
}

function setup() {
  const bus = new EventBus(1);
  const events: AppEvent[] = [];
  bus.subscribe((batch) => events.push(...batch.events));
  const console = new XmlConsole({ bus, log: silentLogger, now: () => 1000 });
  const client = fakeClient();
  console.onClient('a1', client as unknown as SessionXmpp);
  return { bus, events, console, client };
}

describe('the console', () => {
  it('records nothing until asked, then both directions, redacted, in one event per flush', async () => {
    const { bus, events, console, client } = setup();
    client.receive(parseStanza(`<message from='a@b'><body>before</body></message>`));
    expect(console.entries('a1')).toEqual([]);
    const view = console.setCapture('a1', true);
    expect(view).toEqual({ ok: true, value: { accountId: 'a1', capturing: true, entries: [] } });
    client.receive(parseStanza(`<message from='a@b'><body>in</body></message>`));
    await client.send(
      xml('presence', {}, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('password', {}, 'pw1'))),
    );
    bus.flush();
    const batch = events.filter((e) => e.type === 'console.entries');
    expect(batch).toHaveLength(1);
    const entries = batch[0].type === 'console.entries' ? batch[0].entries : [];
    expect(entries.map((e) => [e.direction, e.redacted])).toEqual([
      ['in', false],
      ['out', true],
    ]);
    expect(JSON.stringify(events)).not.toContain('pw1');
    console.setCapture('a1', false);
    client.receive(parseStanza(`<message from='a@b'><body>after</body></message>`));
    expect(console.entries('a1')).toHaveLength(2);
  });

  it('records what comes into the client through its stream hooks, presence the fast path takes included', () => {
    const bus = new EventBus(1);
    const console = new XmlConsole({ bus, log: silentLogger, now: () => 1000 });
    const client = new GuardedClient({ domain: 'x' });
    client.status = 'online';
    const toXmppJs: string[] = [];
    client.on('element', (element: Element) => toXmppJs.push(element.name));
    client.hooks.onPresence(() => true);
    console.onClient('a1', client as unknown as SessionXmpp);
    console.setCapture('a1', true);
    client._onElement(parseStanza(`<presence from='a@b/r'/>`));
    client._onElement(parseStanza(`<message from='a@b'><body>in</body></message>`));
    expect(console.entries('a1').map((e) => [e.direction, e.text.slice(0, 9)])).toEqual([
      ['in', '<presence'],
      ['in', '<message '],
    ]);
    expect(toXmppJs).toEqual(['message']); // the presence was the fast path's; the rest still reaches xmpp.js
  });

  it('keeps a bounded ring of the newest entries', () => {
    const { console, client } = setup();
    console.setCapture('a1', true);
    for (let i = 0; i < CONSOLE_ENTRIES_MAX + 50; i++) client.receive(xml('message', { id: `m${i}` }));
    const entries = console.entries('a1');
    expect(entries).toHaveLength(CONSOLE_ENTRIES_MAX);
    expect(entries[0].text).toContain(`id="m50"`);
  });

  it('sends a typed stanza only when it is one, and only while online', async () => {
    const { console, client } = setup();
    expect(await console.send('a1', '<message to="a@b"><body>x</body></message><message/>')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', reason: 'console.xmlNotOne' },
    });
    expect(client.sent).toHaveLength(0);
    expect(await console.send('a1', `<message to='a@b'><body>x</body></message>`)).toEqual({ ok: true, value: null });
    expect(client.sent[0].toString()).toBe(`<message to="a@b"><body>x</body></message>`);
    client.status = 'offline';
    expect(await console.send('a1', `<presence/>`)).toMatchObject({ ok: false, error: { code: 'not_connected' } });
  });
});
