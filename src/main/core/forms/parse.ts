/**
 * Reads `<x xmlns='jabber:x:data'/>` (XEP-0004) into the typed model of src/shared/forms.ts, with
 * XEP-0122 validation rules, XEP-0141 layout and XEP-0221 media (XEP-0158 CAPTCHAs keep their
 * cid:/URL locations for the media layer). Everything here came from the network:
 *
 * - a form with more than FORM_FIELDS_MAX fields, or a field with more than FORM_OPTIONS_MAX options
 *   or FORM_VALUES_MAX values, is refused (nobody can fill it in, and cutting it would submit
 *   something else than the server asked for);
 * - display texts are cut at FORM_TEXT_MAX; values are kept exactly (a hidden value goes back as it
 *   came), bounded by the stanza size the stream guard allows;
 * - an unknown field type is read as text-single, the type XEP-0004 gives a field without one;
 * - a second field with a var already seen is dropped (a submit must be unambiguous), and so is a
 *   field other than 'fixed' without a var (it cannot be submitted);
 * - malformed XEP-0122 or XEP-0141 parts are dropped; the field or form itself stays.
 */
import type { Element } from '@xmpp/xml';
import {
  FORM_DATATYPES,
  FORM_FIELDS_MAX,
  FORM_FIELD_TYPES,
  FORM_ITEMS_MAX,
  FORM_OPTIONS_MAX,
  FORM_TEXT_MAX,
  FORM_VALUES_MAX,
  type DataForm,
  type FormDatatype,
  type FormField,
  type FormFieldType,
  type FormLayoutItem,
  type FormMedia,
  type FormPage,
  type FormType,
  type FormValidate,
  type FormProblem,
  type FormValidateMethod,
} from '../../../shared/forms';
import { NS_DATA, NS_DATA_LAYOUT, NS_DATA_VALIDATE, NS_MEDIA } from '../xmpp/ns';

export type ParsedForm = { ok: true; form: DataForm; dropped: FormProblem[] } | { ok: false; problem: FormProblem };

const FIELD_TYPES = new Set<string>(FORM_FIELD_TYPES);
const DATATYPES = new Set<string>(FORM_DATATYPES);
const FORM_TYPES = new Set<string>(['form', 'submit', 'cancel', 'result']);
/** Deepest XEP-0141 section nesting followed. */
const LAYOUT_DEPTH_MAX = 8;

/** Cuts display text to FORM_TEXT_MAX characters (never inside a surrogate pair). */
function displayText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  if (text.length <= FORM_TEXT_MAX) return text;
  const cut = text.slice(0, FORM_TEXT_MAX);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function children(element: Element, name: string, ns?: string): Element[] {
  return element
    .getChildElements()
    .filter((child) => child.name === name && (ns === undefined || child.getNS() === ns));
}

/** The first data form directly inside `parent` (with FORM_TYPE `formType` when given). */
export function findDataForm(parent: Element | undefined, formType?: string): Element | undefined {
  if (!parent) return undefined;
  return children(parent, 'x', NS_DATA).find((x) => {
    if (formType === undefined) return true;
    const field = children(x, 'field').find((f) => f.attrs.var === 'FORM_TYPE');
    return field?.getChildText('value') === formType;
  });
}

class Refused extends Error {
  constructor(readonly problem: FormProblem) {
    super(problem.code);
  }
}

export function parseDataForm(x: Element): ParsedForm {
  if (x.name !== 'x' || x.getNS() !== NS_DATA) return { ok: false, problem: { code: 'form.notAForm' } };
  const dropped: FormProblem[] = [];
  try {
    const fieldElements = children(x, 'field');
    if (fieldElements.length > FORM_FIELDS_MAX) throw new Refused({ code: 'form.tooManyFields', max: FORM_FIELDS_MAX });
    const fields = readFields(fieldElements, dropped);
    const reportedElement = children(x, 'reported')[0];
    const reported = reportedElement ? readFields(children(reportedElement, 'field'), dropped) : null;
    const itemElements = children(x, 'item');
    const items = itemElements.slice(0, FORM_ITEMS_MAX).map((item) => readFields(children(item, 'field'), dropped));
    const type = FORM_TYPES.has(x.attrs.type) ? (x.attrs.type as FormType) : 'form';
    const formType = fields.find((field) => field.var === 'FORM_TYPE')?.values[0] ?? null;
    const form: DataForm = {
      type,
      title: displayText(x.getChildText('title')),
      instructions: children(x, 'instructions').map((i) => displayText(i.text()) ?? ''),
      fields,
      pages: readPages(x, fields, dropped),
      reported,
      items,
      itemsDropped: Math.max(0, itemElements.length - FORM_ITEMS_MAX),
      formType,
    };
    return { ok: true, form, dropped };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem };
    throw error;
  }
}

/** Fields in order, each var once (in a form, its columns and each of its rows). */
function readFields(elements: Element[], dropped: FormProblem[]): FormField[] {
  if (elements.length > FORM_FIELDS_MAX) throw new Refused({ code: 'form.tooManyFields', max: FORM_FIELDS_MAX });
  const seen = new Set<string>();
  const fields: FormField[] = [];
  for (const element of elements) {
    const field = readField(element, dropped);
    if (!field) continue;
    if (field.var !== null) {
      if (seen.has(field.var)) {
        dropped.push({ code: 'form.duplicateVar', var: field.var.slice(0, 200) });
        continue;
      }
      seen.add(field.var);
    }
    fields.push(field);
  }
  return fields;
}

function readField(element: Element, dropped: FormProblem[]): FormField | null {
  const declared = element.attrs.type;
  const name = typeof element.attrs.var === 'string' ? element.attrs.var : null;
  let type: FormFieldType = 'text-single';
  if (typeof declared === 'string' && declared !== '') {
    if (FIELD_TYPES.has(declared)) type = declared as FormFieldType;
    else dropped.push({ code: 'form.unknownType', var: (name ?? '').slice(0, 200), type: declared.slice(0, 64) });
  }
  if (name === null && type !== 'fixed') {
    dropped.push({ code: 'form.missingVar', type });
    return null;
  }
  const valueElements = children(element, 'value');
  if (valueElements.length > FORM_VALUES_MAX) {
    throw new Refused({ code: 'form.tooManyValues', var: (name ?? '').slice(0, 200), max: FORM_VALUES_MAX });
  }
  const optionElements = children(element, 'option');
  if (optionElements.length > FORM_OPTIONS_MAX) {
    throw new Refused({ code: 'form.tooManyOptions', var: (name ?? '').slice(0, 200), max: FORM_OPTIONS_MAX });
  }
  const options = optionElements.flatMap((option) => {
    const value = option.getChildText('value');
    return value === null ? [] : [{ label: displayText(option.attrs.label), value }];
  });
  const values = valueElements.map((value) => value.text());
  return {
    var: name,
    type,
    label: displayText(element.attrs.label),
    desc: displayText(element.getChildText('desc')),
    required: children(element, 'required').length > 0,
    // A fixed field's values are text to read; any other keeps its values exactly.
    values: type === 'fixed' ? values.map((value) => displayText(value) ?? '') : values,
    options,
    media: readMedia(element),
    validate: readValidate(element, name ?? '', dropped),
  };
}

function nonNegativeInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

function readMedia(field: Element): FormMedia | null {
  const media = children(field, 'media', NS_MEDIA)[0];
  if (!media) return null;
  const uris = children(media, 'uri')
    .slice(0, 16)
    .flatMap((uri) => {
      const location = uri.text().trim();
      const type = typeof uri.attrs.type === 'string' ? uri.attrs.type.slice(0, 128) : '';
      // Kept as locations for the media layer: only bits of binary (cid:) or web addresses.
      return /^(cid:|https?:\/\/)/i.test(location) && location.length <= 2048 ? [{ type, uri: location }] : [];
    });
  if (uris.length === 0) return null;
  return { width: nonNegativeInteger(media.attrs.width), height: nonNegativeInteger(media.attrs.height), uris };
}

function readValidate(field: Element, name: string, dropped: FormProblem[]): FormValidate | null {
  const validate = children(field, 'validate', NS_DATA_VALIDATE)[0];
  if (!validate) return null;
  const declared = validate.attrs.datatype ?? 'xs:string';
  // XEP-0122 §3.1: a datatype we do not know is treated as xs:string.
  const datatype = (DATATYPES.has(declared) ? declared : 'xs:string') as FormDatatype;
  const methods = validate
    .getChildElements()
    .filter((child) => ['basic', 'open', 'range', 'regex'].includes(child.name) && child.getNS() === NS_DATA_VALIDATE);
  if (methods.length > 1) {
    dropped.push({ code: 'form.badValidate', var: name.slice(0, 200) });
    return null;
  }
  let method: FormValidateMethod = { kind: 'basic' };
  const chosen = methods[0];
  if (chosen?.name === 'open') method = { kind: 'open' };
  else if (chosen?.name === 'range') {
    method = { kind: 'range', min: chosen.attrs.min ?? null, max: chosen.attrs.max ?? null };
  } else if (chosen?.name === 'regex') {
    const pattern = chosen.text();
    if (pattern === '') {
      dropped.push({ code: 'form.badValidate', var: name.slice(0, 200) });
      return null;
    }
    method = { kind: 'regex', pattern };
  }
  const listRangeElement = children(validate, 'list-range', NS_DATA_VALIDATE)[0];
  const listRange = listRangeElement
    ? { min: nonNegativeInteger(listRangeElement.attrs.min), max: nonNegativeInteger(listRangeElement.attrs.max) }
    : null;
  return { datatype, method, listRange };
}

/** XEP-0141 pages; a layout naming fields the form does not have is dropped as a whole. */
function readPages(x: Element, fields: FormField[], dropped: FormProblem[]): FormPage[] {
  const pageElements = children(x, 'page', NS_DATA_LAYOUT);
  if (pageElements.length === 0) return [];
  const known = new Set(fields.flatMap((field) => (field.var === null ? [] : [field.var])));
  let valid = true;
  const items = (parent: Element, depth: number): FormLayoutItem[] => {
    const out: FormLayoutItem[] = [];
    for (const child of parent.getChildElements()) {
      if (child.getNS() !== NS_DATA_LAYOUT) continue;
      if (child.name === 'text') out.push({ kind: 'text', text: displayText(child.text()) ?? '' });
      else if (child.name === 'fieldref') {
        const ref = child.attrs.var;
        if (typeof ref === 'string' && known.has(ref)) out.push({ kind: 'field', var: ref });
        else valid = false;
      } else if (child.name === 'reportedref') out.push({ kind: 'reported' });
      else if (child.name === 'section') {
        if (depth >= LAYOUT_DEPTH_MAX) valid = false;
        else out.push({ kind: 'section', label: displayText(child.attrs.label), items: items(child, depth + 1) });
      }
    }
    return out;
  };
  const pages = pageElements.slice(0, FORM_FIELDS_MAX).map((page) => ({
    label: displayText(page.attrs.label),
    items: items(page, 0),
  }));
  if (!valid) {
    dropped.push({ code: 'form.badLayout' });
    return [];
  }
  return pages;
}
