/**
 * Writing our own profile back: only the fields the profile edits change; the photo and whatever other
 * clients stored (N, TEL, a second e-mail, an organisational unit, vCard4 parameters) stay.
 */
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../../../../src/shared/contract';
import {
  readVcard4Profile,
  readVcardProfile,
  vcard4Element,
  vcardElement,
} from '../../../../../../src/main/core/features/avatars/stanzas';
import { NS_VCARD, NS_VCARD4 } from '../../../../../../src/main/core/xmpp/ns';
import { parseStanza } from '../../../../../support/xml';

const PROFILE: ProfileView = {
  fullName: 'Zoë Ωμέγα',
  nickname: 'zo',
  organisation: 'Café & Co',
  email: 'zoe@example.org',
  url: 'https://example.org/',
  note: 'Ask me <anything>',
  birthday: '1990-04-01',
};
const CLEARED: ProfileView = { ...PROFILE, organisation: null, email: null, note: null };

describe('our vcard-temp written back', () => {
  const stored = () =>
    parseStanza(`<vCard xmlns="${NS_VCARD}">
      <FN>Old name</FN><N><FAMILY>Ωμέγα</FAMILY><GIVEN>Zoë</GIVEN></N>
      <ORG><ORGNAME>Old org</ORGNAME><ORGUNIT>Lab</ORGUNIT></ORG>
      <EMAIL><HOME/><INTERNET/><USERID>old@example.org</USERID></EMAIL>
      <EMAIL><WORK/><INTERNET/><USERID>work@example.org</USERID></EMAIL>
      <TEL><NUMBER>+33 1 23</NUMBER></TEL>
      <PHOTO><TYPE>image/png</TYPE><BINVAL>iVBORw0KGgo=</BINVAL></PHOTO>
      <X-UNKNOWN xmlns="urn:example:x">kept</X-UNKNOWN>
    </vCard>`);

  it("changes the profile's fields and keeps everything else", () => {
    const written = vcardElement(PROFILE, stored());
    expect(readVcardProfile(written)).toEqual(PROFILE);
    expect(written.getChild('N')?.getChildText('FAMILY')).toBe('Ωμέγα');
    expect(written.getChild('ORG')?.getChildText('ORGUNIT')).toBe('Lab');
    expect(written.getChild('ORG')?.getChildElements()[0]?.name).toBe('ORGNAME');
    const emails = written.getChildren('EMAIL');
    expect(emails.map((email) => email.getChildText('USERID'))).toEqual(['zoe@example.org', 'work@example.org']);
    expect(emails[0]!.getChild('HOME')).toBeDefined();
    expect(written.getChild('TEL')?.getChildText('NUMBER')).toBe('+33 1 23');
    expect(written.getChild('PHOTO')?.getChildText('BINVAL')).toBe('iVBORw0KGgo=');
    expect(written.getChild('X-UNKNOWN', 'urn:example:x')?.text()).toBe('kept');
    expect(written.getChildren('FN')).toHaveLength(1);
  });

  it('removes a cleared field, and writes a fresh vCard when none is stored', () => {
    const cleared = vcardElement(CLEARED, stored());
    expect(readVcardProfile(cleared)).toEqual({ ...CLEARED, email: 'work@example.org' });
    expect(cleared.getChild('ORG')).toBeUndefined();
    expect(cleared.getChild('PHOTO')).toBeDefined();

    const fresh = vcardElement(PROFILE, null);
    expect(fresh.attrs.xmlns).toBe(NS_VCARD);
    expect(readVcardProfile(fresh)).toEqual(PROFILE);
    expect(fresh.getChild('EMAIL')?.getChild('INTERNET')).toBeDefined();
    expect(readVcardProfile(vcardElement({ ...PROFILE, fullName: null }, null)).fullName).toBeNull();
  });

  it("reads a vCard4-backed server's NOTE as the note", () => {
    const fromProsody = xml('vCard', { xmlns: NS_VCARD }, xml('FN', {}, 'Zoë'), xml('NOTE', {}, 'hello'));
    expect(readVcardProfile(fromProsody).note).toBe('hello');
  });
});

describe('our vCard4 written back', () => {
  it("changes the profile's fields, keeps parameters and other properties", () => {
    const stored = parseStanza(`<vcard xmlns="${NS_VCARD4}">
      <fn><text>Old</text></fn>
      <email><parameters><type><text>home</text></type></parameters><text>old@example.org</text></email>
      <tel><uri>tel:+33123</uri></tel>
      <note><text>old note</text></note>
    </vcard>`);
    const written = vcard4Element(CLEARED, stored);
    expect(readVcard4Profile(written)).toEqual(CLEARED);
    expect(written.getChild('tel', NS_VCARD4)?.getChildText('uri')).toBe('tel:+33123');
    const full = vcard4Element(PROFILE, stored);
    expect(readVcard4Profile(full)).toEqual(PROFILE);
    expect(full.getChild('email')?.getChild('parameters')).toBeDefined();
    expect(
      full
        .getChild('email')
        ?.getChildElements()
        .map((child) => child.name),
    ).toEqual(['parameters', 'text']);
    expect(readVcard4Profile(vcard4Element(PROFILE, null))).toEqual(PROFILE);
  });
});
