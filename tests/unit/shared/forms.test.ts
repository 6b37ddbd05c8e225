/**
 * The shared form validator (src/shared/forms.ts), which the renderer runs while the user types and
 * the core runs again before a submit: every field type, required fields, XEP-0122 datatypes,
 * ranges, list ranges and regexes, including regexes we refuse to run.
 */
import { describe, expect, it } from 'vitest';
import {
  compileFormRegex,
  validateField,
  validateForm,
  type DataForm,
  type FormField,
  type FormValidate,
} from '../../../src/shared/forms';
import { formField } from '../../support/forms';

const field = (type: FormField['type'], extra: Partial<FormField> = {}): FormField =>
  formField({ var: 'f', type, ...extra });

const codes = (f: FormField, values: string[]) => validateField(f, values).map((issue) => issue.code);
const rule = (
  datatype: FormValidate['datatype'],
  method: FormValidate['method'] = { kind: 'basic' },
): FormValidate => ({
  datatype,
  method,
  listRange: null,
});

describe('field types', () => {
  it('requires a value in a required field (an empty string is no value)', () => {
    expect(codes(field('text-single', { required: true }), [])).toEqual(['form.field.required']);
    expect(codes(field('text-single', { required: true }), [''])).toEqual(['form.field.required']);
    expect(codes(field('text-single', { required: true }), ['x'])).toEqual([]);
    expect(codes(field('jid-multi', { required: true }), [])).toEqual(['form.field.required']);
  });

  it('takes one line and one value in single fields', () => {
    expect(codes(field('text-single'), ['a\nb'])).toEqual(['form.field.singleLine']);
    expect(codes(field('text-private'), ['a\rb'])).toEqual(['form.field.singleLine']);
    expect(codes(field('text-single'), ['a', 'b'])).toEqual(['form.field.tooManyValues']);
    expect(codes(field('text-multi'), ['a\nb', 'c'])).toEqual([]);
  });

  it('accepts 0, 1, true and false in a boolean', () => {
    for (const value of ['0', '1', 'true', 'false']) expect(codes(field('boolean'), [value])).toEqual([]);
    expect(codes(field('boolean'), ['yes'])).toEqual(['form.field.boolean']);
  });

  it('takes only valid addresses in JID fields', () => {
    expect(codes(field('jid-single'), ['juliet@capulet.lit/balcony'])).toEqual([]);
    expect(codes(field('jid-multi'), ['a@b', 'a@@b'])).toEqual(['form.field.jid']);
    expect(codes(field('jid-single'), [' a@b'])).toEqual(['form.field.jid']);
  });

  it('takes only offered options in lists, unless the list is open', () => {
    const options = [
      { label: null, value: 'a' },
      { label: null, value: 'b' },
    ];
    expect(codes(field('list-single', { options }), ['a'])).toEqual([]);
    expect(codes(field('list-multi', { options }), ['a', 'c'])).toEqual(['form.field.option']);
    expect(codes(field('list-single', { options, validate: rule('xs:string', { kind: 'open' }) }), ['c'])).toEqual([]);
  });

  it('never complains about fixed and hidden fields themselves', () => {
    expect(codes(field('hidden', { required: true }), [])).toEqual([]);
    expect(codes(field('fixed'), ['a', 'b'])).toEqual([]);
  });

  it('refuses values longer than 64 KiB', () => {
    expect(codes(field('text-multi'), ['x'.repeat(64 * 1024 + 1)])).toEqual(['form.field.tooLong']);
  });
});

describe('XEP-0122 validation', () => {
  it('checks integers of each size, with ranges compared as numbers', () => {
    const integer = field('text-single', { validate: rule('xs:integer', { kind: 'range', min: '-5', max: '10' }) });
    expect(codes(integer, ['7'])).toEqual([]);
    expect(codes(integer, ['9' + '0'.repeat(30)])).toEqual(['form.field.range']);
    expect(codes(integer, ['-6'])).toEqual(['form.field.range']);
    expect(codes(integer, ['1.5'])).toEqual(['form.field.datatype']);
    expect(codes(field('text-single', { validate: rule('xs:byte') }), ['128'])).toEqual(['form.field.datatype']);
    expect(codes(field('text-single', { validate: rule('xs:byte') }), ['-128'])).toEqual([]);
  });

  it('checks dates and times, with ranges compared in time', () => {
    const when = field('text-single', {
      validate: rule('xs:dateTime', { kind: 'range', min: '2020-01-01T00:00:00Z', max: null }),
    });
    expect(codes(when, ['2024-05-06T10:00:00+02:00'])).toEqual([]);
    expect(codes(when, ['2019-12-31T23:59:59Z'])).toEqual(['form.field.range']);
    expect(codes(when, ['2024-13-01T00:00:00Z'])).toEqual(['form.field.datatype']);
    expect(codes(when, ['yesterday'])).toEqual(['form.field.datatype']);
    expect(codes(field('text-single', { validate: rule('xs:date') }), ['2024-02-29'])).toEqual([]);
  });

  it('treats an unknown datatype as a string', () => {
    expect(codes(field('text-single', { validate: rule('xs:string') }), ['anything'])).toEqual([]);
  });

  it('counts the values of multi fields against a list range', () => {
    const multi = field('list-multi', {
      options: ['a', 'b', 'c'].map((value) => ({ label: null, value })),
      validate: { datatype: 'xs:string', method: { kind: 'basic' }, listRange: { min: 2, max: 2 } },
    });
    expect(codes(multi, ['a', 'b'])).toEqual([]);
    expect(codes(multi, ['a'])).toEqual(['form.field.listRange']);
    expect(codes(multi, ['a', 'b', 'c'])).toEqual(['form.field.listRange']);
  });

  it('matches a regex against the whole value', () => {
    const postcode = field('text-single', { validate: rule('xs:string', { kind: 'regex', pattern: '[0-9]{5}' }) });
    expect(codes(postcode, ['12345'])).toEqual([]);
    expect(codes(postcode, ['123456'])).toEqual(['form.field.regex']);
  });

  it('does not run regexes that could backtrack for ever, or that JavaScript reads differently', () => {
    expect(compileFormRegex('(a+)+$')).toBeNull();
    expect(compileFormRegex('(a|aa)*b')).toBeNull();
    expect(compileFormRegex('\\i\\c*')).toBeNull();
    expect(compileFormRegex('[a-z-[aeiou]]')).toBeNull();
    expect(compileFormRegex('x'.repeat(600))).toBeNull();
    expect(compileFormRegex('(unclosed')).toBeNull();
    expect(compileFormRegex('\\d*\\d*\\d*\\d*x')).toBeNull();
    expect(compileFormRegex('[a-z]+@[a-z]+\\.[a-z]+')).not.toBeNull();
    const hostile = field('text-single', { validate: rule('xs:string', { kind: 'regex', pattern: '(a+)+$' }) });
    // Left to the server: the value is accepted here at once.
    expect(codes(hostile, ['a'.repeat(40) + '!'])).toEqual([]);
  });
});

describe('a whole form', () => {
  const form: DataForm = {
    type: 'form',
    title: null,
    instructions: [],
    fields: [
      field('hidden', { var: 'FORM_TYPE', values: ['urn:test'] }),
      field('text-single', { var: 'name', required: true }),
      field('text-private', { var: 'secret', required: true, presetSecret: true }),
    ],
    pages: [],
    reported: null,
    items: [],
    itemsDropped: 0,
    formType: 'urn:test',
  };

  it('takes a preset secret left alone as filled in, and one cleared as empty', () => {
    expect(validateForm(form, { name: ['n'] })).toEqual([]);
    expect(validateForm(form, { name: ['n'], secret: [] }).map((i) => i.code)).toEqual(['form.field.required']);
  });

  it('refuses fields the form lacks and changes to hidden values, and names the field of each issue', () => {
    expect(validateForm(form, { FORM_TYPE: ['urn:test'], name: ['n'] })).toEqual([]);
    expect(validateForm(form, { FORM_TYPE: ['urn:other'], name: [], extra: ['x'] })).toEqual([
      { var: 'FORM_TYPE', code: 'form.field.readOnly' },
      { var: 'extra', code: 'form.field.unknown' },
      { var: 'name', code: 'form.field.required' },
    ]);
  });

  it('is not fooled by field names from Object.prototype', () => {
    expect(
      validateForm(form, { name: ['n'], ['__proto__']: ['x'], constructor: ['y'] } as never).map((i) => i.var),
    ).toEqual(expect.arrayContaining(['constructor']));
  });
});
