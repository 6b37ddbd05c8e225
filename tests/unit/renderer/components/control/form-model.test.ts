/**
 * What the data form dialog sends: editable fields only, a withheld secret kept unless replaced,
 * the same issues the core would find, and a layout that leaves no field out.
 */
import { describe, expect, it } from 'vitest';
import { dataForm as form, formField as field } from '../../../../support/forms';
import {
  initialValues,
  issuesByField,
  layoutOf,
  linesOf,
  valuesToSend,
} from '../../../../../src/renderer/src/components/control/form-model';

const config = form([
  field({ var: 'FORM_TYPE', type: 'hidden', values: ['urn:x'] }),
  field({ var: null, type: 'fixed', values: ['Room settings'] }),
  field({ var: 'name', type: 'text-single', required: true }),
  field({ var: 'secret', type: 'text-private', presetSecret: true }),
  field({ var: 'admins', type: 'jid-multi' }),
  field({
    var: 'size',
    type: 'text-single',
    validate: { datatype: 'xs:integer', method: { kind: 'range', min: '1', max: '50' }, listRange: null },
  }),
]);

describe('the data form model', () => {
  it('starts from the editable fields and sends only those, keeping a withheld secret', () => {
    const values = initialValues(config);
    expect(Object.keys(values)).toEqual(['name', 'secret', 'admins', 'size']);
    const sent = valuesToSend(config, { ...values, name: ['Lobby'], secret: [''] });
    expect(sent).toEqual({ name: ['Lobby'], admins: [], size: [] });
    expect(valuesToSend(config, { ...values, name: ['Lobby'], secret: ['new'] }).secret).toEqual(['new']);
  });

  it('finds the issues the core would find, one per field', () => {
    const issues = issuesByField(config, { name: [''], admins: ['not an address@@'], size: ['99'] });
    expect([...issues.keys()]).toEqual(['name', 'admins', 'size']);
    expect(issues.get('name')?.code).toBe('form.field.required');
    expect(issues.get('admins')?.code).toBe('form.field.jid');
    expect(issues.get('size')?.code).toBe('form.field.range');
    expect(issuesByField(config, { name: ['Lobby'], size: ['5'] }).size).toBe(0);
  });

  it('reads one value per line', () => {
    expect(linesOf('a@b\r\nc@d\n\n')).toEqual(['a@b', 'c@d']);
  });

  it('draws pages one after another and adds fields no page places', () => {
    const paged = form(config.fields, {
      pages: [{ label: 'Basics', items: [{ kind: 'field', var: 'name' }] }],
    });
    expect(layoutOf(paged)).toEqual([
      { kind: 'section', label: 'Basics', items: [{ kind: 'field', var: 'name' }] },
      { kind: 'field', var: 'secret' },
      { kind: 'field', var: 'admins' },
      { kind: 'field', var: 'size' },
    ]);
    expect(layoutOf(config)[1]).toEqual({ kind: 'text', text: 'Room settings' });
  });
});
