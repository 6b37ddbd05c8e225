/**
 * The XML console: secrets are redacted while a stanza becomes console text (SASL, passwords in
 * registration and room joins, room secrets in configuration forms, upload slot addresses), the ring
 * buffer stays bounded, recording is off until asked for, and a typed stanza is sent only when it is
 * exactly one well-formed stanza.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../../src/shared/contract';
import type { SessionXmpp } from '../../../../../src/main/core/accounts/session';
import { EventBus } from '../../../../../src/main/core/events';
import { renderRedacted, REDACTED, CONSOLE_TEXT_MAX } from '../../../../../src/main/core/features/console-redact';
import { parseConsoleStanza } from '../../../../../src/main/core/features/console-stanza';
import { CONSOLE_ENTRIES_MAX, XmlConsole } from '../../../../../src/main/core/features/xml-console';
import { silentLogger } from '../../../../../src/main/core/log';
import { parseStanza } from '../../../../support/xml';

const shown = (text: string) => renderRedacted(parseStanza(text));

describe('redaction', () => {
  it('hides SASL payloads, PLAIN passwords included', () => {
    const auth = renderRedacted(
      xml('auth', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl', mechanism: 'PLAIN' }, 'AGFsaWNlAGh1bnRlcjI='),
    );
    expect(auth).toEqual({
      text: `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${REDACTED}</auth>`,
      redacted: true,
      truncated: false,
    });
    for (const name of ['challenge', 'response', 'success']) {
      const element = xml(name, { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }, 'cj1meWtvK2QybGJiRmdP');
      expect(renderRedacted(element).text).not.toContain('cj1meWtv');
    }
    const sasl2 = xml(
      'authenticate',
      { xmlns: 'urn:xmpp:sasl:2', mechanism: 'SCRAM-SHA-1' },
      xml('initial-response', {}, 'biwsbj11c2Vy'),
    );
    expect(renderRedacted(sasl2).text).not.toContain('biwsbj11c2Vy');
  });

  it('hides the password of a registration, a password change and a room join', () => {
    const register = shown(
      `<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>bill</username><password>Calliope</password></query></iq>`,
    );
    expect(register.text).toContain('<username>bill</username>');
    expect(register.text).not.toContain('Calliope');
    expect(register.redacted).toBe(true);
    const join = shown(
      `<presence to='room@conference.localhost/me'><x xmlns='http://jabber.org/protocol/muc'><password>cauldronburn</password></x></presence>`,
    );
    expect(join.text).not.toContain('cauldronburn');
  });

  it('hides text-private and password-named fields of forms, a room secret in a configuration form included', () => {
    const form = shown(`<iq type='result' id='c1'><query xmlns='http://jabber.org/protocol/muc#owner'>
      <x xmlns='jabber:x:data' type='form'>
        <field var='muc#roomconfig_roomname' type='text-single'><value>Room</value></field>
        <field var='muc#roomconfig_roomsecret' type='text-private'><value>s3cret-room</value></field>
      </x></query></iq>`);
    expect(form.text).toContain('<value>Room</value>');
    expect(form.text).not.toContain('s3cret-room');
    // A submit carries no field types: the var says it.
    const submit =
      shown(`<iq type='set' id='c2'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>
      <field var='username'><value>bill</value></field><field var='password'><value>Calliope</value></field>
      <field var='muc#roomconfig_roomsecret'><value>other-secret</value></field></x></query></iq>`);
    expect(submit.text).not.toContain('Calliope');
    expect(submit.text).not.toContain('other-secret');
    expect(submit.text).toContain('<value>bill</value>');
  });

  it('hides upload slot addresses and the headers that authorize the upload', () => {
    const slot = shown(`<iq type='result' id='u1'><slot xmlns='urn:xmpp:http:upload:0'>
      <put url='https://upload.example/put/abc?token=XYZ'><header name='Authorization'>Basic dXNlcjpwYXNz</header></put>
      <get url='https://upload.example/get/abc/file.png'/></slot></iq>`);
    expect(slot.text).not.toContain('upload.example');
    expect(slot.text).not.toContain('dXNlcjpwYXNz');
    expect(slot.text).toContain(`name="Authorization"`);
    const legacy = shown(
      `<iq type='result' id='u2'><slot xmlns='urn:xmpp:http:upload'><put>https://upload.example/p</put><get>https://upload.example/g</get></slot></iq>`,
    );
    expect(legacy.text).not.toContain('upload.example');
  });

  it('escapes what it shows, and leaves everything else as it was', () => {
    const message = shown(`<message to='bob@localhost' type='chat'><body>a &lt;b&gt; &amp; "c"</body></message>`);
    expect(message).toEqual({
      text: `<message to="bob@localhost" type="chat"><body>a &lt;b&gt; &amp; "c"</body></message>`,
      redacted: false,
      truncated: false,
    });
  });

  it('cuts a huge stanza after the redaction ran over all of it', () => {
    const huge = shown(
      `<message><body>${'x'.repeat(200_000)}</body><x xmlns='http://jabber.org/protocol/muc'><password>late-secret</password></x></message>`,
    );
    expect(huge.truncated).toBe(true);
    expect(huge.text).toHaveLength(CONSOLE_TEXT_MAX);
    expect(huge.text).not.toContain('late-secret');
  });
});

describe('a typed stanza', () => {
  it('is one stanza of jabber:client; an iq get without an id gets one', () => {
    const parsed = parseConsoleStanza(`  <iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>\n`);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.element.attrs.id).toMatch(/^console-/);
      expect(parsed.element.getChild('ping', 'urn:xmpp:ping')).toBeDefined();
    }
    expect(parseConsoleStanza(`<message xmlns='jabber:client' to='a@b'><body>hi</body></message>`).ok).toBe(true);
  });

  it.each([
    [`<message><body>unclosed</message>`, 'console.xml.malformed'],
    [`<message>`, 'console.xml.malformed'],
    [`<!DOCTYPE x [<!ENTITY e "boom">]><message/>`, 'console.xml.restricted'],
    [`<message><!-- c --></message>`, 'console.xml.restricted'],
    [`<message/><presence/>`, 'console.xml.notOne'],
    [`hello <message/>`, 'console.xml.notOne'],
    [``, 'console.xml.notOne'],
    [`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`, 'console.xml.notStanza'],
    [`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>`, 'console.xml.notStanza'],
    [`</stream:stream>`, 'console.xml.notOne'],
    [`<message xmlns='jabber:server'/>`, 'console.xml.namespace'],
    [`<iq type='fetch'/>`, 'console.xml.iqType'],
  ])('refuses %s', (text, reason) => {
    expect(parseConsoleStanza(text)).toEqual({ ok: false, reason });
  });
});

/** A stand-in client: xmpp.js's `send` event and `_onElement`, and a send that emits it. */
function fakeClient() {
  const client = new EventEmitter() as EventEmitter & {
    status: string;
    received: Element[];
    sent: Element[];
    _onElement(element: Element): void;
    send(element: Element): Promise<void>;
  };
  client.status = 'online';
  client.received = [];
  client.sent = [];
  client._onElement = (element) => void client.received.push(element);
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
    client._onElement(parseStanza(`<message from='a@b'><body>before</body></message>`));
    expect(console.entries('a1')).toEqual([]);
    const view = console.setCapture('a1', true);
    expect(view).toEqual({ ok: true, value: { accountId: 'a1', capturing: true, entries: [] } });
    client._onElement(parseStanza(`<message from='a@b'><body>in</body></message>`));
    await client.send(
      xml('presence', {}, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('password', {}, 'pw1'))),
    );
    // The stanza still reaches xmpp.js.
    expect(client.received).toHaveLength(2);
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
    client._onElement(parseStanza(`<message from='a@b'><body>after</body></message>`));
    expect(console.entries('a1')).toHaveLength(2);
  });

  it('keeps a bounded ring of the newest entries', () => {
    const { console, client } = setup();
    console.setCapture('a1', true);
    for (let i = 0; i < CONSOLE_ENTRIES_MAX + 50; i++) client._onElement(xml('message', { id: `m${i}` }));
    const entries = console.entries('a1');
    expect(entries).toHaveLength(CONSOLE_ENTRIES_MAX);
    expect(entries[0].text).toContain(`id="m50"`);
  });

  it('sends a typed stanza only when it is one, and only while online', async () => {
    const { console, client } = setup();
    expect(await console.send('a1', '<message to="a@b"><body>x</body></message><message/>')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', detail: { code: 'console.xml.notOne' } },
    });
    expect(client.sent).toHaveLength(0);
    expect(await console.send('a1', `<message to='a@b'><body>x</body></message>`)).toEqual({ ok: true, value: null });
    expect(client.sent[0].toString()).toBe(`<message to="a@b"><body>x</body></message>`);
    client.status = 'offline';
    expect(await console.send('a1', `<presence/>`)).toMatchObject({ ok: false, error: { code: 'not_connected' } });
  });
});
