/** A stanza typed in the XML console: one stanza of jabber:client, read through the stream guard, or refused with its reason. */
import { describe, expect, it } from 'vitest';
import { parseConsoleStanza } from '../../../../../../src/main/core/features/console/stanza';

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
    [`<message><body>unclosed</message>`, 'console.xmlMalformed'],
    [`<message>`, 'console.xmlMalformed'],
    [`<!DOCTYPE x [<!ENTITY e "boom">]><message/>`, 'console.xmlRestricted'],
    [`<message><!-- c --></message>`, 'console.xmlRestricted'],
    [`<message/><presence/>`, 'console.xmlNotOne'],
    [`hello <message/>`, 'console.xmlNotOne'],
    [``, 'console.xmlNotOne'],
    [`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`, 'console.xmlNotStanza'],
    [`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>`, 'console.xmlNotStanza'],
    [`</stream:stream>`, 'console.xmlNotOne'],
    [`<message xmlns='jabber:server'/>`, 'console.xmlNamespace'],
    [`<iq type='fetch'/>`, 'console.xmlIqType'],
  ])('refuses %s', (text, reason) => {
    expect(parseConsoleStanza(text)).toEqual({ ok: false, reason });
  });
});
