import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  capsHash,
  capsHashAlgo,
  checkCaps,
  discoInfoElement,
  ownCapsElement,
  parseDiscoInfo,
  plausibleVer,
  verificationString,
  type DiscoInfo,
} from '../../../../../../src/main/core/features/caps/hash';
import { parseStanza } from '../../../../../support/xml';

const DISCO = 'http://jabber.org/protocol/disco#info';

/** The <query/> of a disco#info result, through xmpp.js's parser as it arrives on the wire. */
function query(inner: string): ReturnType<typeof parseStanza> {
  const iq = parseStanza(`<iq type='result' id='d1'><query xmlns='${DISCO}'>${inner}</query></iq>`);
  const child = iq.getChild('query', DISCO);
  if (!child) throw new Error('no query');
  return child;
}

// XEP-0115 §5.2 (Simple Generation Example).
const SIMPLE = `
  <identity category='client' name='Exodus 0.9.1' type='pc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/muc'/>`;
const SIMPLE_S =
  'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<' +
  'http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<';

// XEP-0115 §5.3 (Complex Generation Example), elements deliberately out of order.
const COMPLEX = `
  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
  <identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>
  <feature var='http://jabber.org/protocol/muc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <x xmlns='jabber:x:data' type='result'>
    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
    <field var='software_version'><value>0.11</value></field>
    <field var='ip_version'><value>ipv6</value><value>ipv4</value></field>
    <field var='os'><value>Mac</value></field>
    <field var='os_version'><value>10.5.1</value></field>
    <field var='software'><value>Psi</value></field>
  </x>`;
const COMPLEX_S =
  'client/pc/el/\u03a8 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<' +
  'http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<' +
  'urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<software<Psi<' +
  'software_version<0.11<';

function info(inner: string): DiscoInfo {
  const parsed = parseDiscoInfo(query(inner));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.info;
}

function illFormed(inner: string): string {
  const parsed = parseDiscoInfo(query(inner));
  if (parsed.ok) throw new Error('expected ill-formed');
  return parsed.reason;
}

describe('XEP-0115 verification string', () => {
  it('reproduces the simple example of §5.2', () => {
    const simple = info(SIMPLE);
    expect(verificationString(simple)).toBe(SIMPLE_S);
    expect(capsHash(simple, 'sha-1')).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
    expect(checkCaps(query(SIMPLE), 'sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=').status).toBe('valid');
  });

  it('reproduces the complex example of §5.3 (identities by lang, forms, sorted fields and values)', () => {
    const complex = info(COMPLEX);
    expect(verificationString(complex)).toBe(COMPLEX_S);
    expect(capsHash(complex, 'sha-1')).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
  });

  it('hashes with sha-256 too (the same S, another digest)', () => {
    const expected = createHash('sha256').update(COMPLEX_S, 'utf8').digest('base64');
    expect(capsHash(info(COMPLEX), 'sha-256')).toBe(expected);
    expect(checkCaps(query(COMPLEX), 'sha-256', expected).status).toBe('valid');
    expect(checkCaps(query(COMPLEX), 'sha-1', expected).status).toBe('mismatch');
  });

  it('sorts by UTF-8 octets (i;octet), not by UTF-16 code units', () => {
    // U+FF21 is EF BC A1 in UTF-8, the emoji F0 9F 98 80: octets put U+FF21 first, UTF-16 the emoji.
    const s = verificationString(
      info(`<identity category='client' type='pc'/><feature var='\u{1F600}'/><feature var='\uFF21'/>`),
    );
    expect(s).toBe('client/pc//<\uFF21<\u{1F600}<');
  });

  it('reports a mismatch with the hash it computed', () => {
    const check = checkCaps(
      query(SIMPLE.replace("<feature var='http://jabber.org/protocol/muc'/>", '')),
      'sha-1',
      'QgayPKawpkPSDYmwT/WM94uAlu0=',
    );
    expect(check.status).toBe('mismatch');
    if (check.status === 'mismatch') expect(check.computed).not.toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });
});

describe('XEP-0115 §5.4 well-formedness', () => {
  it('rejects duplicate identities and duplicate features', () => {
    expect(illFormed(`${SIMPLE}<identity category='client' name='Exodus 0.9.1' type='pc'/>`)).toMatch(
      /duplicate identity/,
    );
    expect(illFormed(`${SIMPLE}<feature var='http://jabber.org/protocol/muc'/>`)).toMatch(/duplicate feature/);
  });

  it('accepts identities that differ only by lang or name', () => {
    expect(
      info(`<identity category='client' type='pc' name='A'/><identity category='client' type='pc' name='B'/>`)
        .identities,
    ).toHaveLength(2);
  });

  it('rejects two forms with the same FORM_TYPE, and a FORM_TYPE with different values', () => {
    const form = `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:x</value></field></x>`;
    expect(illFormed(SIMPLE + form + form)).toMatch(/same FORM_TYPE/);
    expect(
      illFormed(
        `${SIMPLE}<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>urn:a</value><value>urn:b</value></field></x>`,
      ),
    ).toMatch(/FORM_TYPE/);
    // The same value twice is not "different character data".
    const repeated = info(
      `${SIMPLE}<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>urn:a</value><value>urn:a</value></field></x>`,
    );
    expect(repeated.forms.map((f) => f.formType)).toEqual(['urn:a']);
  });

  it('ignores forms whose FORM_TYPE is not hidden or missing, and keeps processing', () => {
    const notHidden = `<x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>urn:x</value></field><field var='a'><value>1</value></field></x>`;
    const noFormType = `<x xmlns='jabber:x:data'><field var='a'><value>1</value></field></x>`;
    expect(checkCaps(query(SIMPLE + notHidden + noFormType), 'sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=').status).toBe(
      'valid',
    );
  });

  it("rejects '<' in any factor, which would let a forged response produce someone else's S", () => {
    // One feature 'a<b' and two features 'a', 'b' give the same S.
    expect(illFormed(`<identity category='client' type='pc'/><feature var='a&lt;b'/>`)).toMatch(/'<'/);
    expect(illFormed(`<identity category='client' type='pc' name='x&lt;y'/>`)).toMatch(/'<'/);
    expect(
      illFormed(
        `${SIMPLE}<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>urn:a</value></field><field var='f'><value>1&lt;2</value></field></x>`,
      ),
    ).toMatch(/'<'/);
  });

  it('keeps a literal "&lt;" (escaped once on the wire) as four characters, never as <', () => {
    const parsed = info(
      `<identity category='client' type='pc' name='SomeClient&amp;lt;http://jabber.org/protocol/muc'/>`,
    );
    expect(verificationString(parsed)).toBe('client/pc//SomeClient&lt;http://jabber.org/protocol/muc<');
  });

  it('rejects identities without category or type, a response without identity, and a non-disco element', () => {
    expect(illFormed(`<identity type='pc'/>`)).toMatch(/category or type/);
    expect(illFormed(`<identity category='client'/>`)).toMatch(/category or type/);
    expect(illFormed(`<feature var='urn:x'/>`)).toMatch(/no identity/);
    expect(illFormed(`<identity category='client' type='pc'/><feature/>`)).toMatch(/without var/);
    const notDisco = parseStanza(`<query xmlns='jabber:iq:roster'/>`);
    expect(checkCaps(notDisco, 'sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=')).toEqual({
      status: 'ill-formed',
      reason: 'not a disco#info query',
    });
  });

  it('rejects absurd sizes instead of hashing them', () => {
    const many = Array.from({ length: 2001 }, (_, i) => `<feature var='urn:f:${i}'/>`).join('');
    expect(illFormed(`<identity category='client' type='pc'/>${many}`)).toMatch(/too many features/);
    const long = Array.from({ length: 1000 }, (_, i) => `<feature var='urn:${'x'.repeat(64)}:${i}'/>`).join('');
    expect(illFormed(`<identity category='client' type='pc'/>${long}`)).toMatch(/too large/);
    expect(illFormed(`<identity category='client' type='pc' name='${'n'.repeat(70_000)}'/>`)).toMatch(/too large/);
  });
});

describe('hash attribute and ver', () => {
  it('knows the IANA names it can compute and nothing else', () => {
    expect(capsHashAlgo('sha-1')).toBe('sha-1');
    expect(capsHashAlgo('SHA-256')).toBe('sha-256');
    for (const name of ['md5', 'sha1', '', 'constructor', '__proto__', null, undefined])
      expect(capsHashAlgo(name)).toBeNull();
  });

  it('accepts only a base64 digest of the right length as ver', () => {
    expect(plausibleVer('sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=')).toBe(true);
    expect(plausibleVer('sha-256', 'QgayPKawpkPSDYmwT/WM94uAlu0=')).toBe(false);
    expect(plausibleVer('sha-1', '0.9.1')).toBe(false); // legacy caps put a version here
    expect(plausibleVer('sha-1', 'QgayPKawpkPSDYmwT/WM94uAl<0=')).toBe(false);
  });
});

describe('our own caps', () => {
  it('advertises a ver that our own disco#info answer verifies against', () => {
    const own: DiscoInfo = {
      identities: [{ category: 'client', type: 'pc', lang: null, name: 'Jabberwock' }],
      features: ['urn:xmpp:ping', 'http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/caps'],
      forms: [{ formType: 'urn:xmpp:dataforms:softwareinfo', fields: [{ var: 'software', values: ['Jabberwock'] }] }],
    };
    const c = ownCapsElement(own, 'https://jabberwock.example');
    expect(c.attrs).toMatchObject({
      xmlns: 'http://jabber.org/protocol/caps',
      hash: 'sha-1',
      node: 'https://jabberwock.example',
    });
    const wire = parseStanza(
      `<iq type='result' id='x'>${discoInfoElement(own, `https://jabberwock.example#${c.attrs.ver}`).toString()}</iq>`,
    ).getChild('query', DISCO);
    expect(wire?.attrs.node).toBe(`https://jabberwock.example#${c.attrs.ver}`);
    expect(checkCaps(wire!, 'sha-1', c.attrs.ver).status).toBe('valid');
  });
});
