/** The XML console's text of a stanza: every kind of secret redacted while it is written, text escaped, long text cut. */
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { renderRedacted, REDACTED, CONSOLE_TEXT_MAX } from '../../../../../../src/main/core/features/console/redact';
import { parseStanza } from '../../../../../support/xml';

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
