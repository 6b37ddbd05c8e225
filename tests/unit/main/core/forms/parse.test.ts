/**
 * Data forms in the core: the parser (XEP-0004 fields, XEP-0122 rules, XEP-0141 layout, XEP-0221
 * media) fed with forms as servers send them and as a hostile one could (10,000 fields, huge values,
 * unknown types, duplicate vars), and the submit built from what the user entered.
 */
import { describe, expect, it } from 'vitest';
import { parseDataForm, findDataForm } from '../../../../../src/main/core/forms/parse';
import { cancelForm, formForRenderer, submitForm } from '../../../../../src/main/core/forms/submit';
import { FORM_FIELDS_MAX, FORM_TEXT_MAX, validateForm, type DataForm } from '../../../../../src/shared/forms';
import { parseStanza } from '../../../../support/xml';

function parse(text: string): DataForm {
  const parsed = parseDataForm(parseStanza(text));
  if (!parsed.ok) throw new Error(`refused: ${parsed.problem.code}`);
  return parsed.form;
}

const ROOM_CONFIG = `<x xmlns='jabber:x:data' type='form'>
  <title>Configuration for room@conference.localhost</title>
  <instructions>Complete and submit this form.</instructions>
  <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
  <field var='muc#roomconfig_roomname' type='text-single' label='Title'><value>Room</value></field>
  <field var='muc#roomconfig_roomdesc' type='text-multi' label='Description'><desc>What it is about</desc></field>
  <field var='muc#roomconfig_persistentroom' type='boolean' label='Persistent'><value>0</value></field>
  <field var='muc#roomconfig_roomsecret' type='text-private' label='Password'><value>hunter2</value></field>
  <field var='muc#roomconfig_whois' type='list-single' label='Who may see real JIDs'>
    <value>moderators</value>
    <option label='Moderators only'><value>moderators</value></option>
    <option label='Anyone'><value>anyone</value></option>
  </field>
  <field var='muc#roomconfig_roomowners' type='jid-multi' label='Owners'><value>me@localhost</value></field>
  <field var='muc#roomconfig_historylength' type='text-single' label='History'>
    <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'><range min='0' max='100'/></validate>
    <value>20</value>
  </field>
  <field type='fixed'><value>Advanced</value></field>
</x>`;

describe('parsing a data form', () => {
  it('reads every field type with labels, descriptions, options, defaults and FORM_TYPE', () => {
    const form = parse(ROOM_CONFIG);
    expect(form.type).toBe('form');
    expect(form.title).toBe('Configuration for room@conference.localhost');
    expect(form.instructions).toEqual(['Complete and submit this form.']);
    expect(form.formType).toBe('http://jabber.org/protocol/muc#roomconfig');
    expect(form.fields.map((f) => f.type)).toEqual([
      'hidden', 'text-single', 'text-multi', 'boolean', 'text-private', 'list-single', 'jid-multi', 'text-single', 'fixed',
    ]); // prettier-ignore
    const whois = form.fields.find((f) => f.var === 'muc#roomconfig_whois')!;
    expect(whois.options).toEqual([
      { label: 'Moderators only', value: 'moderators' },
      { label: 'Anyone', value: 'anyone' },
    ]);
    expect(form.fields[2].desc).toBe('What it is about');
    expect(form.fields.at(-1)).toMatchObject({ var: null, type: 'fixed', values: ['Advanced'] });
    expect(form.fields[7].validate).toEqual({
      datatype: 'xs:integer',
      method: { kind: 'range', min: '0', max: '100' },
      listRange: null,
    });
  });

  it('finds a form by its FORM_TYPE among several', () => {
    const iq = parseStanza(`<iq type='result'><query xmlns='jabber:iq:register'>
      <x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>other</value></field></x>
      <x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field></x>
    </query></iq>`);
    const x = findDataForm(iq.getChild('query'), 'jabber:iq:register');
    expect(x && parseDataForm(x).ok && (parseDataForm(x) as { form: DataForm }).form.formType).toBe(
      'jabber:iq:register',
    );
  });

  it('keeps CAPTCHA media locations (cid: and web addresses only) for the media layer', () => {
    const form = parse(`<x xmlns='jabber:x:data' type='form'>
      <field var='ocr' label='Enter the text you see' type='text-single'>
        <media xmlns='urn:xmpp:media-element' height='80' width='290'>
          <uri type='image/png'>cid:sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org</uri>
          <uri type='image/png'>https://example.org/captcha.png</uri>
          <uri type='image/png'>file:///etc/passwd</uri>
          <uri type='image/png'>javascript:alert(1)</uri>
        </media>
        <required/>
      </field></x>`);
    expect(form.fields[0].required).toBe(true);
    expect(form.fields[0].media).toEqual({
      width: 290,
      height: 80,
      uris: [
        { type: 'image/png', uri: 'cid:sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org' },
        { type: 'image/png', uri: 'https://example.org/captcha.png' },
      ],
    });
  });

  it('reads XEP-0141 pages and sections, and drops a layout that names fields the form lacks', () => {
    const form = parse(`<x xmlns='jabber:x:data' type='form'>
      <page xmlns='http://jabber.org/protocol/xdata-layout' label='Personal'>
        <text>About you</text><fieldref var='name'/>
        <section label='Contact'><fieldref var='email'/></section>
      </page>
      <field var='name'/><field var='email'/></x>`);
    expect(form.pages).toEqual([
      {
        label: 'Personal',
        items: [
          { kind: 'text', text: 'About you' },
          { kind: 'field', var: 'name' },
          { kind: 'section', label: 'Contact', items: [{ kind: 'field', var: 'email' }] },
        ],
      },
    ]);
    const bad = parseDataForm(
      parseStanza(`<x xmlns='jabber:x:data'><page xmlns='http://jabber.org/protocol/xdata-layout'>
        <fieldref var='missing'/></page><field var='name'/></x>`),
    );
    expect(bad.ok && bad.form.pages).toEqual([]);
    expect(bad.ok && bad.dropped).toEqual([{ code: 'form.badLayout' }]);
  });

  it('reads multi-item results (reported columns and rows)', () => {
    const form = parse(`<x xmlns='jabber:x:data' type='result'>
      <reported><field var='jid' label='JID'/><field var='name' label='Name'/></reported>
      <item><field var='jid'><value>a@localhost</value></field><field var='name'><value>A</value></field></item>
      <item><field var='jid'><value>b@localhost</value></field><field var='name'><value>B</value></field></item>
    </x>`);
    expect(form.type).toBe('result');
    expect(form.reported?.map((f) => f.var)).toEqual(['jid', 'name']);
    expect(form.items.map((row) => row.map((f) => f.values[0]))).toEqual([
      ['a@localhost', 'A'],
      ['b@localhost', 'B'],
    ]);
  });
});

describe('hostile forms', () => {
  it('refuses a form with 10,000 fields', () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => `<field var='f${i}'/>`).join('');
    const parsed = parseDataForm(parseStanza(`<x xmlns='jabber:x:data' type='form'>${fields}</x>`));
    expect(parsed).toEqual({ ok: false, problem: { code: 'form.tooManyFields', max: FORM_FIELDS_MAX } });
  });

  it('refuses a field with more options than anyone can choose from', () => {
    const options = Array.from({ length: 6000 }, (_, i) => `<option><value>${i}</value></option>`).join('');
    const parsed = parseDataForm(
      parseStanza(`<x xmlns='jabber:x:data'><field var='pick' type='list-single'>${options}</field></x>`),
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem.code).toBe('form.tooManyOptions');
  });

  it('cuts huge labels and instructions, and keeps a huge hidden value exactly', () => {
    const huge = 'x'.repeat(200_000);
    const form = parse(`<x xmlns='jabber:x:data'><instructions>${huge}</instructions>
      <field var='token' type='hidden'><value>${huge}</value></field>
      <field var='name' label='${huge}'/></x>`);
    expect(form.instructions[0]).toHaveLength(FORM_TEXT_MAX);
    expect(form.fields[1].label).toHaveLength(FORM_TEXT_MAX);
    expect(form.fields[0].values[0]).toHaveLength(200_000);
    const submitted = submitForm(form, { name: ['n'] });
    expect(submitted.ok && submitted.element.getChildren('field')[0].getChildText('value')).toHaveLength(200_000);
  });

  it('reads an unknown field type as text-single, and drops later fields with a var already seen', () => {
    const parsed = parseDataForm(
      parseStanza(`<x xmlns='jabber:x:data'>
        <field var='a' type='x-weird'><value>1</value></field>
        <field var='b' type='hidden'><value>first</value></field>
        <field var='b' type='text-single'><value>second</value></field>
        <field type='text-single'><value>no var</value></field></x>`),
    );
    if (!parsed.ok) throw new Error('refused');
    expect(parsed.form.fields.map((f) => [f.var, f.type, f.values])).toEqual([
      ['a', 'text-single', ['1']],
      ['b', 'hidden', ['first']],
    ]);
    expect(parsed.dropped.map((d) => d.code)).toEqual(['form.unknownType', 'form.duplicateVar', 'form.missingVar']);
    // The duplicate cannot be used to replace the hidden value on submit.
    const submitted = submitForm(parsed.form, { b: ['second'] });
    expect(submitted.ok).toBe(false);
  });

  it('refuses what is not a data form, and a field with more values than allowed', () => {
    expect(parseDataForm(parseStanza(`<x xmlns='jabber:x:oob'/>`))).toEqual({
      ok: false,
      problem: { code: 'form.notAForm' },
    });
    const values = '<value>v</value>'.repeat(10_001);
    const parsed = parseDataForm(
      parseStanza(`<x xmlns='jabber:x:data'><field var='m' type='text-multi'>${values}</field></x>`),
    );
    expect(!parsed.ok && parsed.problem.code).toBe('form.tooManyValues');
  });

  it('drops a validate element with two methods, keeping the field', () => {
    const parsed = parseDataForm(
      parseStanza(`<x xmlns='jabber:x:data'><field var='n'>
        <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'><open/><range min='1'/></validate>
      </field></x>`),
    );
    expect(parsed.ok && parsed.form.fields[0].validate).toBeNull();
  });
});

describe('submitting a form', () => {
  it('sends every field with a var: hidden as received, others as entered or as they were; fixed never', () => {
    const form = parse(ROOM_CONFIG);
    const submitted = submitForm(form, {
      'muc#roomconfig_roomname': ['New name'],
      'muc#roomconfig_persistentroom': ['true'],
      'muc#roomconfig_historylength': ['50'],
    });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
    const x = submitted.element;
    expect(x.attrs).toEqual({ xmlns: 'jabber:x:data', type: 'submit' });
    const fields = x.getChildren('field').map((f) => [f.attrs.var, f.getChildren('value').map((v) => v.text())]);
    expect(fields).toEqual([
      ['FORM_TYPE', ['http://jabber.org/protocol/muc#roomconfig']],
      ['muc#roomconfig_roomname', ['New name']],
      ['muc#roomconfig_roomdesc', []],
      ['muc#roomconfig_persistentroom', ['1']],
      ['muc#roomconfig_roomsecret', ['hunter2']],
      ['muc#roomconfig_whois', ['moderators']],
      ['muc#roomconfig_roomowners', ['me@localhost']],
      ['muc#roomconfig_historylength', ['50']],
    ]);
  });

  it('refuses values that break the form, with a code per field', () => {
    const form = parse(ROOM_CONFIG);
    const submitted = submitForm(form, {
      'muc#roomconfig_historylength': ['500'],
      'muc#roomconfig_whois': ['everyone'],
      'muc#roomconfig_roomowners': ['not a jid@@'],
      FORM_TYPE: ['evil'],
      extra: ['x'],
    });
    expect(submitted.ok).toBe(false);
    expect(!submitted.ok && submitted.issues.map((i) => [i.var, i.code])).toEqual([
      ['FORM_TYPE', 'form.field.readOnly'],
      ['extra', 'form.field.unknown'],
      ['muc#roomconfig_whois', 'form.field.option'],
      ['muc#roomconfig_roomowners', 'form.field.jid'],
      ['muc#roomconfig_historylength', 'form.field.range'],
    ]);
  });

  it('withholds a preset password from the renderer and keeps it when the user leaves it alone', () => {
    const form = parse(ROOM_CONFIG);
    const shown = formForRenderer(form);
    const secret = shown.fields.find((f) => f.var === 'muc#roomconfig_roomsecret')!;
    expect(secret).toMatchObject({ values: [], presetSecret: true });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
    // The renderer validates its copy the same way: nothing to complain about.
    expect(validateForm(shown, {})).toEqual([]);
    const kept = submitForm(form, {});
    const value = (x: typeof kept) =>
      x.ok &&
      x.element
        .getChildren('field')
        .find((f) => f.attrs.var === 'muc#roomconfig_roomsecret')!
        .getChildText('value');
    expect(value(kept)).toBe('hunter2');
    expect(value(submitForm(form, { 'muc#roomconfig_roomsecret': ['new'] }))).toBe('new');
  });

  it('cancels with an empty cancel form', () => {
    expect(cancelForm().toString()).toBe(`<x xmlns="jabber:x:data" type="cancel"/>`);
  });
});
