/**
 * A data form's problems in words, shared by the ad-hoc command and registration dialogs: each
 * field's problem and one line for the form before sending, and the fields a server refusal names.
 */
import { describe, expect, it } from 'vitest';
import { dataForm, formField as field } from '../../../../support/forms';
import type { AppError } from '../../../../../src/shared/contract';
import { checkFormValues, refusedFields } from '../../../../../src/renderer/src/components/control/form-issues';

const form = dataForm([
  field({ var: 'username', type: 'text-single', required: true }),
  field({ var: 'note', type: 'text-single' }),
]);

describe('checkFormValues', () => {
  it('says which fields are wrong and sums them up for the form', () => {
    const { fieldErrors, summary } = checkFormValues(form, { username: [''], note: ['hi'] });
    expect([...fieldErrors.keys()]).toEqual(['username']);
    expect(fieldErrors.get('username')).toMatch(/\S/);
    expect(summary).toBe('One field needs attention.');
  });

  it('finds nothing in a complete form', () => {
    expect(checkFormValues(form, { username: ['alice'], note: [] })).toEqual({ fieldErrors: new Map(), summary: null });
  });
});

describe('refusedFields', () => {
  it('maps the fields of a form.invalid refusal to their problems, and nothing else', () => {
    const invalid = {
      code: 'input',
      reason: 'form.invalid',
      params: { issues: [{ var: 'username', code: 'form.field.required' }] },
    } as unknown as AppError;
    expect([...(refusedFields(invalid)?.keys() ?? [])]).toEqual(['username']);
    expect(refusedFields({ code: 'input', reason: 'input.invalid' } as unknown as AppError)).toBeNull();
  });
});
