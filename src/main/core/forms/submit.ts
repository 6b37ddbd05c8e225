/**
 * Answers a data form (XEP-0004 §3.2): a submit carries every field of the form that has a var and
 * is not fixed, hidden fields exactly as they came, and the others with what the user entered (or the
 * form's own values when left out); a cancel carries nothing. Values are checked with the shared
 * validator first, so what the renderer let through is checked again here against the core's copy of
 * the form (the one with hidden values and withheld secrets).
 */
import xml, { type Element } from '@xmpp/xml';
import {
  effectiveValues,
  validateForm,
  type DataForm,
  type FormField,
  type FormIssue,
  type FormValues,
} from '../../../shared/forms';
import { NS_DATA } from '../xmpp/ns';

export type SubmitResult = { ok: true; element: Element } | { ok: false; issues: FormIssue[] };

/** The submit element for `form` with `values`, or the issues that stop it. */
export function submitForm(form: DataForm, values: FormValues): SubmitResult {
  const issues = validateForm(form, values);
  if (issues.length > 0) return { ok: false, issues };
  const fields = form.fields.flatMap((field) => {
    if (field.var === null || field.type === 'fixed') return [];
    const submitted = field.type === 'hidden' ? field.values : effectiveValues(field, values);
    return [fieldElement(field, submitted)];
  });
  return { ok: true, element: xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields) };
}

/**
 * A form read from legacy fields answered as those fields again (`<username>…</username>`, one value
 * each), or the issues that stop it: checked like a data form first.
 */
export function submitLegacyFields(
  form: DataForm,
  values: FormValues,
): { ok: true; elements: Element[] } | { ok: false; issues: FormIssue[] } {
  const issues = validateForm(form, values);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, elements: form.fields.map((f) => xml(f.var!, {}, effectiveValues(f, values)[0] ?? '')) };
}

/** A submit built by us (not from a form the server sent): FORM_TYPE first, then `values`. */
export function submitValues(formType: string | null, values: FormValues): Element {
  const fields = Object.entries(values).map(([name, list]) =>
    xml('field', { var: name }, ...list.map((value) => xml('value', {}, value))),
  );
  const head =
    formType === null ? [] : [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType))];
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, ...head, ...fields);
}

export function cancelForm(): Element {
  return xml('x', { xmlns: NS_DATA, type: 'cancel' });
}

function fieldElement(field: FormField, values: readonly string[]): Element {
  // The type goes along only for FORM_TYPE, as XEP-0068 shows it; a submit needs no types.
  const attrs = field.var === 'FORM_TYPE' ? { var: field.var, type: 'hidden' } : { var: field.var! };
  const kept = field.type === 'boolean' ? values.map(booleanValue) : values;
  return xml('field', attrs, ...kept.map((value) => xml('value', {}, value)));
}

/** XEP-0004 §3.3 allows 0/1/false/true; we answer in the form servers parse most widely. */
function booleanValue(value: string): string {
  return value === 'true' || value === '1' ? '1' : value === '' ? '' : '0';
}

/** The form as the renderer gets it: text-private values stay in the core (presetSecret says one is there). */
export function formForRenderer(form: DataForm): DataForm {
  if (!form.fields.some(isPresetSecret)) return form;
  return {
    ...form,
    fields: form.fields.map((field) => (isPresetSecret(field) ? { ...field, values: [], presetSecret: true } : field)),
  };
}

function isPresetSecret(field: FormField): boolean {
  return field.type === 'text-private' && field.values.some((value) => value !== '');
}
