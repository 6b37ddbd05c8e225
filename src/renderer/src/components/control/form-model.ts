/**
 * What the data form dialog edits, and what it sends: the values of each field the user can change
 * (a form's hidden and fixed values stay in the core, which sends them back as they came), checked
 * with the same validator the core runs (src/shared/forms.ts) before anything is sent.
 */
import {
  validateField,
  type DataForm,
  type FormField,
  type FormIssue,
  type FormLayoutItem,
  type FormValues,
} from '../../../../shared/forms';

/** Fields the user fills in (not fixed, not hidden). */
export function editable(field: FormField): field is FormField & { var: string } {
  return field.var !== null && field.type !== 'fixed' && field.type !== 'hidden';
}

/** The values the dialog starts from: each editable field's current or default values. */
export function initialValues(form: DataForm): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) if (editable(field)) values[field.var] = [...field.values];
  return values;
}

/** One value per line (text-multi, jid-multi), without the empty last line a textarea leaves. */
export function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function isTrue(values: readonly string[]): boolean {
  return values[0] === '1' || values[0] === 'true';
}

/**
 * What is sent: every editable field's values, except a withheld secret left empty (the core keeps
 * the one the form came with).
 */
export function valuesToSend(form: DataForm, values: FormValues): FormValues {
  const sent: FormValues = {};
  for (const field of form.fields) {
    if (!editable(field)) continue;
    const given = values[field.var] ?? [];
    if (field.presetSecret && given.every((value) => value === '')) continue;
    sent[field.var] = given;
  }
  return sent;
}

/** The issues of each field, by var, as the core would find them. */
export function issuesByField(form: DataForm, values: FormValues): Map<string, FormIssue> {
  const sent = valuesToSend(form, values);
  const found = new Map<string, FormIssue>();
  for (const field of form.fields) {
    if (!editable(field)) continue;
    const given = Object.prototype.hasOwnProperty.call(sent, field.var);
    const [issue] = validateField(field, given ? sent[field.var] : field.values, !given);
    if (issue) found.set(field.var, issue);
  }
  return found;
}

/** Every var a layout names, sections included. */
function namedIn(items: readonly FormLayoutItem[], into: Set<string>): Set<string> {
  for (const item of items) {
    if (item.kind === 'field') into.add(item.var);
    else if (item.kind === 'section') namedIn(item.items, into);
  }
  return into;
}

/**
 * The layout to draw: the form's XEP-0141 pages one after another (a labelled page as a section),
 * then any editable field no page places; without pages, every field in order.
 */
export function layoutOf(form: DataForm): FormLayoutItem[] {
  const inOrder = (fields: readonly FormField[]): FormLayoutItem[] =>
    fields.flatMap((field): FormLayoutItem[] =>
      field.var !== null
        ? [{ kind: 'field', var: field.var }]
        : field.type === 'fixed'
          ? [{ kind: 'text', text: field.values.join('\n') }]
          : [],
    );
  if (form.pages.length === 0) return inOrder(form.fields);
  const items = form.pages.flatMap((page): FormLayoutItem[] =>
    page.label ? [{ kind: 'section', label: page.label, items: page.items }] : page.items,
  );
  const placed = namedIn(items, new Set());
  return [...items, ...inOrder(form.fields.filter((field) => editable(field) && !placed.has(field.var)))];
}
