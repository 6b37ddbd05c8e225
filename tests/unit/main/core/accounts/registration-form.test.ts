/**
 * What a server asks for to create an account (XEP-0077): its data form (with a XEP-0158 CAPTCHA and
 * the XEP-0231 bits of binary its image comes in), or its legacy fields as a form; and the answer.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerRegistration, readRegistrationForm } from '../../../../../src/main/core/accounts/registration-form';
import { parseStanza } from '../../../../support/xml';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const CID = `sha1+${createHash('sha1').update(PNG).digest('hex')}@bob.xmpp.org`;

describe('the registration form', () => {
  it('reads legacy fields as required text fields, the password private and the key hidden', () => {
    const read = readRegistrationForm(
      parseStanza(`<iq type='result' id='r'><query xmlns='jabber:iq:register'>
        <instructions>Choose a username and password.</instructions>
        <username/><password/><email/><key>k123</key></query></iq>`),
    );
    if (!read.ok) throw new Error(read.error.reason);
    expect(read.legacy).toBe(true);
    expect(read.instructions).toBe('Choose a username and password.');
    expect(read.form.fields.map((f) => [f.var, f.type, f.required])).toEqual([
      ['username', 'text-single', true],
      ['password', 'text-private', true],
      ['email', 'text-single', true],
      ['key', 'hidden', false],
    ]);
    const answer = answerRegistration(read.form, true, { username: ['bill'], password: ['Calliope'], email: ['b@x'] });
    if (!answer.ok) throw new Error(JSON.stringify(answer.issues));
    expect(answer.username).toBe('bill');
    expect(answer.password).toBe('Calliope');
    expect(answer.query.toString()).toBe(
      `<query xmlns="jabber:iq:register"><username>bill</username><password>Calliope</password><email>b@x</email><key>k123</key></query>`,
    );
    const missing = answerRegistration(read.form, true, { username: ['bill'] });
    expect(!missing.ok && missing.issues.map((i) => i.var)).toEqual(['password', 'email']);
  });

  it('reads a data form with a CAPTCHA and keeps the image whose hash matches its cid', () => {
    const read = readRegistrationForm(
      parseStanza(`<iq type='result' id='r'><query xmlns='jabber:iq:register'>
        <x xmlns='jabber:x:data' type='form'>
          <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>
          <field var='username' type='text-single'><required/></field>
          <field var='password' type='text-private'><required/></field>
          <field var='ocr' type='text-single' label='Enter the text you see'>
            <media xmlns='urn:xmpp:media-element'><uri type='image/png'>cid:${CID}</uri></media><required/>
          </field>
        </x>
        <data xmlns='urn:xmpp:bob' cid='${CID}' type='image/png'>${PNG.toString('base64')}</data>
        <data xmlns='urn:xmpp:bob' cid='sha1+${'0'.repeat(40)}@bob.xmpp.org' type='image/png'>${PNG.toString('base64')}</data>
      </query></iq>`),
    );
    if (!read.ok) throw new Error(read.error.reason);
    expect(read.legacy).toBe(false);
    expect(read.form.fields.find((f) => f.var === 'ocr')?.media?.uris).toEqual([
      { type: 'image/png', uri: `cid:${CID}` },
    ]);
    expect([...read.media.keys()]).toEqual([`cid:${CID}`]);
    expect(read.media.get(`cid:${CID}`)?.data.equals(PNG)).toBe(true);
    const answer = answerRegistration(read.form, false, { username: ['bill'], password: ['pw'], ocr: ['7x9q'] });
    expect(
      answer.ok &&
        answer.query
          .getChild('x', 'jabber:x:data')
          ?.getChildren('field')
          .map((f) => f.attrs.var),
    ).toEqual(['FORM_TYPE', 'username', 'password', 'ocr']);
  });

  it('refuses what cannot create an account, naming a web address for registration when given', () => {
    const web = readRegistrationForm(
      parseStanza(`<iq type='result' id='r'><query xmlns='jabber:iq:register'><instructions>Go to the web site.</instructions>
        <x xmlns='jabber:x:oob'><url>https://example.org/register</url></x></query></iq>`),
    );
    expect(web).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'registration.web', params: { url: 'https://example.org/register' } },
    });
    const noPassword = readRegistrationForm(
      parseStanza(`<iq type='result' id='r'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>
        <field var='username'/></x></query></iq>`),
    );
    expect(noPassword).toEqual({ ok: false, error: { code: 'not_found', reason: 'registration.formUnsupported' } });
    expect(readRegistrationForm(parseStanza(`<iq type='result' id='r'/>`))).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'registration.malformed' },
    });
  });
});
