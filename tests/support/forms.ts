/** Data forms for the tests of forms (src/shared/forms.ts) and their dialogs: a field and a form with every part empty but what the test names. */
import type { DataForm, FormField } from '../../src/shared/forms';

export const formField = (extra: Partial<FormField> & Pick<FormField, 'var' | 'type'>): FormField => ({
  label: null,
  desc: null,
  required: false,
  values: [],
  options: [],
  media: null,
  validate: null,
  ...extra,
});

export const dataForm = (fields: FormField[], extra: Partial<DataForm> = {}): DataForm => ({
  type: 'form',
  title: null,
  instructions: [],
  fields,
  pages: [],
  reported: null,
  items: [],
  itemsDropped: 0,
  formType: null,
  ...extra,
});
