/**
 * Data forms (XEP-0004) as data: the typed model the core's parser builds from `<x xmlns='jabber:x:data'/>`
 * and the renderer draws, with XEP-0122 validation and XEP-0141 layout, and the one validator both
 * sides run before a form is submitted. No Node or Electron imports: the renderer uses this file too.
 *
 * Issues are codes with parameters (the renderer words them): `form.field.required`,
 * `form.field.integer` with { min, max }, …
 */
import { parseJid } from './jid';

export const FORM_FIELD_TYPES = [
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

export type FormType = 'form' | 'submit' | 'cancel' | 'result';

/** XEP-0122 datatypes we check; any other datatype is checked as xs:string (XEP-0122 §3.1). */
export const FORM_DATATYPES = [
  'xs:anyURI',
  'xs:boolean',
  'xs:byte',
  'xs:date',
  'xs:dateTime',
  'xs:decimal',
  'xs:double',
  'xs:int',
  'xs:integer',
  'xs:language',
  'xs:long',
  'xs:short',
  'xs:string',
  'xs:time',
] as const;
export type FormDatatype = (typeof FORM_DATATYPES)[number];

// ---------- limits (the parser refuses or cuts beyond them) ----------

/** Most fields one form may have; a form with more is refused (nobody can fill it in). */
export const FORM_FIELDS_MAX = 1000;
/** Most options one list field may offer; a field with more is refused with its form. */
export const FORM_OPTIONS_MAX = 5000;
/** Most values one field may carry (a jid-multi of members, the lines of a text-multi). */
export const FORM_VALUES_MAX = 10_000;
/** Most rows of a multi-item result kept (the rest is dropped and counted). */
export const FORM_ITEMS_MAX = 5000;
/** Longest title, instruction, label, description or option label kept; longer ones are cut. */
export const FORM_TEXT_MAX = 4096;
/** Longest value the user may submit in one field value. */
export const FORM_VALUE_MAX = 64 * 1024;
/** Longest XEP-0122 regex we run; a longer one is left to the server. */
export const FORM_REGEX_MAX = 512;
/** Longest value a XEP-0122 regex is run on (a longer one is left to the server): with at most
 *  three repetitions in a pattern, backtracking stays within 256³ steps. */
const REGEX_INPUT_MAX = 256;
/** Most repetitions and alternations in a pattern we run. */
const REGEX_REPETITIONS_MAX = 3;

// ---------- the model ----------

export interface FormOption {
  label: string | null;
  value: string;
}

/** One location of a XEP-0221 media element: `cid:` (XEP-0231 bits of binary) or a URL; fetched later by the media layer. */
export interface FormMediaUri {
  type: string;
  uri: string;
}

/** XEP-0221 media in a field (XEP-0158 CAPTCHA images, audio, video). */
export interface FormMedia {
  width: number | null;
  height: number | null;
  uris: FormMediaUri[];
}

export type FormValidateMethod =
  | { kind: 'basic' }
  | { kind: 'open' }
  | { kind: 'range'; min: string | null; max: string | null }
  | { kind: 'regex'; pattern: string };

export interface FormValidate {
  datatype: FormDatatype;
  method: FormValidateMethod;
  /** For *-multi fields: how many values may be chosen. */
  listRange: { min: number | null; max: number | null } | null;
}

export interface FormField {
  /** Null only for 'fixed' fields (nothing to submit). */
  var: string | null;
  type: FormFieldType;
  label: string | null;
  desc: string | null;
  required: boolean;
  /** The current or default values. */
  values: string[];
  options: FormOption[];
  media: FormMedia | null;
  validate: FormValidate | null;
  /**
   * text-private only: the form came with a value that stays in the core (a room password); the
   * renderer sees no value, and submitting without one keeps it.
   */
  presetSecret?: boolean;
}

/** XEP-0141 layout: what a page or section shows, in order. */
export type FormLayoutItem =
  | { kind: 'text'; text: string }
  | { kind: 'field'; var: string }
  | { kind: 'reported' }
  | { kind: 'section'; label: string | null; items: FormLayoutItem[] };

export interface FormPage {
  label: string | null;
  items: FormLayoutItem[];
}

export interface DataForm {
  type: FormType;
  title: string | null;
  instructions: string[];
  fields: FormField[];
  /** XEP-0141 pages when the form gives them; empty means every field in order. */
  pages: FormPage[];
  /** Multi-item results (ad-hoc command results, search): the columns. */
  reported: FormField[] | null;
  /** Multi-item results: one row per item, each a list of fields with values. */
  items: FormField[][];
  /** Rows beyond FORM_ITEMS_MAX that were dropped. */
  itemsDropped: number;
  /** The value of the hidden FORM_TYPE field (XEP-0068), if any. */
  formType: string | null;
}

/** What the user entered: values per field var. Fields left out keep their current values. */
export type FormValues = Record<string, string[]>;

export type FormIssueCode =
  | 'form.field.unknown'
  | 'form.field.readOnly'
  | 'form.field.required'
  | 'form.field.tooManyValues'
  | 'form.field.tooLong'
  | 'form.field.singleLine'
  | 'form.field.boolean'
  | 'form.field.jid'
  | 'form.field.option'
  | 'form.field.listRange'
  | 'form.field.datatype'
  | 'form.field.range'
  | 'form.field.regex';

export interface FormIssue {
  /** The field's var. */
  var: string;
  code: FormIssueCode;
  params?: Record<string, string | number>;
}

/** Why a form was refused or what was dropped from it (codes, not words). */
export type FormProblem =
  | { code: 'form.notAForm' }
  | { code: 'form.tooManyFields'; max: number }
  | { code: 'form.tooManyOptions'; var: string; max: number }
  | { code: 'form.tooManyValues'; var: string; max: number }
  | { code: 'form.duplicateVar'; var: string }
  | { code: 'form.missingVar'; type: string }
  | { code: 'form.unknownType'; var: string; type: string }
  | { code: 'form.badValidate'; var: string }
  | { code: 'form.badLayout' };

// ---------- validation ----------

const SINGLE_VALUE = new Set<FormFieldType>(['boolean', 'jid-single', 'list-single', 'text-private', 'text-single']);
const MULTI_VALUE = new Set<FormFieldType>(['jid-multi', 'list-multi', 'text-multi']);

const INTEGER_BOUNDS: Partial<Record<FormDatatype, [bigint, bigint]>> = {
  'xs:byte': [-128n, 127n],
  'xs:short': [-32768n, 32767n],
  'xs:int': [-2147483648n, 2147483647n],
  'xs:long': [-9223372036854775808n, 9223372036854775807n],
};

const PATTERNS: Partial<Record<FormDatatype, RegExp>> = {
  'xs:integer': /^[+-]?\d+$/,
  'xs:byte': /^[+-]?\d+$/,
  'xs:short': /^[+-]?\d+$/,
  'xs:int': /^[+-]?\d+$/,
  'xs:long': /^[+-]?\d+$/,
  'xs:decimal': /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  'xs:double': /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/,
  'xs:boolean': /^(true|false|1|0)$/,
  'xs:date': /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?$/,
  'xs:time': /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  'xs:dateTime':
    /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  'xs:language': /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/,
  'xs:anyURI': /^[^\s<>"{}|\\^`]*$/,
};

const NUMERIC = new Set<FormDatatype>(['xs:integer', 'xs:byte', 'xs:short', 'xs:int', 'xs:long']);
const TEMPORAL = new Set<FormDatatype>(['xs:date', 'xs:dateTime']);

/** Compiled XEP-0122 regexes by pattern; null when the pattern is one we do not run. */
const regexCache = new Map<string, RegExp | null>();
const REGEX_CACHE_MAX = 256;

/**
 * A XEP-0122 pattern as a JavaScript regex, or null when we do not run it (the server still checks):
 * too long, XML Schema's own escapes (\i \c) or class subtraction, a repeated group in a pattern
 * with any other repetition or alternation (the shapes of catastrophic backtracking), or more than
 * REGEX_REPETITIONS_MAX repetitions. XML Schema patterns match the whole value.
 */
export function compileFormRegex(pattern: string): RegExp | null {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: RegExp | null = null;
  const unescaped = pattern.replace(/\\./g, '');
  const repeatedGroup = /\)\s*[*+{]/.test(unescaped);
  const repetitions = (unescaped.match(/[*+?{|]/g) ?? []).length;
  const risky = (repeatedGroup && repetitions > 1) || repetitions > REGEX_REPETITIONS_MAX;
  const foreign = /\\[1-9kIiCc]/.test(pattern) || /-\[/.test(unescaped) || /\(\?/.test(unescaped);
  if (pattern.length <= FORM_REGEX_MAX && !risky && !foreign) {
    try {
      compiled = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      compiled = null;
    }
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(pattern, compiled);
  return compiled;
}

/** Orders two values of a datatype; null when either is not a value of it. */
function compare(datatype: FormDatatype, a: string, b: string): number | null {
  if (NUMERIC.has(datatype)) {
    if (!PATTERNS['xs:integer']!.test(a) || !PATTERNS['xs:integer']!.test(b)) return null;
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (datatype === 'xs:decimal' || datatype === 'xs:double') {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (TEMPORAL.has(datatype)) {
    const x = Date.parse(a);
    const y = Date.parse(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (datatype === 'xs:time') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

/** True when `value` is a value of `datatype` (unknown datatypes are strings). */
export function matchesDatatype(datatype: FormDatatype, value: string): boolean {
  const pattern = PATTERNS[datatype];
  if (pattern && !pattern.test(value)) return false;
  const bounds = INTEGER_BOUNDS[datatype];
  if (bounds) {
    const n = BigInt(value);
    if (n < bounds[0] || n > bounds[1]) return false;
  }
  if (TEMPORAL.has(datatype) && Number.isNaN(Date.parse(value))) return false;
  return true;
}

/** The values a field will be submitted with: what the user entered, else what the form had. */
export function effectiveValues(field: FormField, values: FormValues): string[] {
  if (field.var !== null && Object.prototype.hasOwnProperty.call(values, field.var)) return values[field.var];
  return field.values;
}

/**
 * Checks one field's values against its type, options, required flag and XEP-0122 rules.
 * `keepsPreset`: the values were left out, so a withheld preset secret (presetSecret) is submitted.
 */
export function validateField(field: FormField, values: readonly string[], keepsPreset = false): FormIssue[] {
  const name = field.var ?? '';
  const issues: FormIssue[] = [];
  const issue = (code: FormIssueCode, params?: Record<string, string | number>) =>
    issues.push(params ? { var: name, code, params } : { var: name, code });
  if (field.type === 'fixed' || field.type === 'hidden') return issues;
  const filled = values.filter((value) => value !== '');
  const hasPreset = keepsPreset && field.presetSecret === true;
  if (field.required && filled.length === 0 && !hasPreset) issue('form.field.required');
  if (SINGLE_VALUE.has(field.type) && values.length > 1) issue('form.field.tooManyValues', { max: 1 });
  if (values.length > FORM_VALUES_MAX) issue('form.field.tooManyValues', { max: FORM_VALUES_MAX });
  if (issues.length > 0) return issues;
  for (const value of filled) {
    if (value.length > FORM_VALUE_MAX)
      return [{ var: name, code: 'form.field.tooLong', params: { max: FORM_VALUE_MAX } }];
  }
  switch (field.type) {
    case 'boolean':
      if (filled.some((value) => !PATTERNS['xs:boolean']!.test(value))) issue('form.field.boolean');
      break;
    case 'text-single':
    case 'text-private':
      if (filled.some((value) => /[\r\n]/.test(value))) issue('form.field.singleLine');
      break;
    case 'jid-single':
    case 'jid-multi': {
      const bad = filled.find((value) => 'error' in parseJid(value) || value !== value.trim());
      if (bad !== undefined) issue('form.field.jid', { value: bad.slice(0, 200) });
      break;
    }
    case 'list-single':
    case 'list-multi': {
      if (field.validate?.method.kind === 'open') break;
      const offered = new Set(field.options.map((option) => option.value));
      const bad = filled.find((value) => !offered.has(value));
      if (bad !== undefined) issue('form.field.option', { value: bad.slice(0, 200) });
      break;
    }
  }
  if (issues.length > 0 || !field.validate) return issues;
  return validateRules(field, name, filled);
}

/** XEP-0122: list range, datatype, range and regex. */
function validateRules(field: FormField, name: string, filled: string[]): FormIssue[] {
  const { datatype, method, listRange } = field.validate!;
  const issues: FormIssue[] = [];
  if (listRange && MULTI_VALUE.has(field.type)) {
    const tooFew = listRange.min !== null && filled.length < listRange.min && filled.length > 0;
    const tooMany = listRange.max !== null && filled.length > listRange.max;
    if (tooFew || tooMany) {
      issues.push({
        var: name,
        code: 'form.field.listRange',
        params: { min: listRange.min ?? 0, max: listRange.max ?? FORM_VALUES_MAX },
      });
    }
  }
  // Options are the server's own; only free text in an "open" list field is checked.
  const offered = new Set(field.options.map((option) => option.value));
  const typed =
    field.type === 'list-single' || field.type === 'list-multi' ? filled.filter((v) => !offered.has(v)) : filled;
  for (const value of typed) {
    if (!matchesDatatype(datatype, value)) {
      issues.push({ var: name, code: 'form.field.datatype', params: { datatype } });
      break;
    }
    if (method.kind === 'range') {
      const low = method.min === null ? 1 : compare(datatype, value, method.min);
      const high = method.max === null ? -1 : compare(datatype, value, method.max);
      if (low === null || high === null || low < 0 || high > 0) {
        issues.push({
          var: name,
          code: 'form.field.range',
          params: { datatype, min: method.min ?? '', max: method.max ?? '' },
        });
        break;
      }
    }
    if (method.kind === 'regex' && value.length <= REGEX_INPUT_MAX) {
      const regex = compileFormRegex(method.pattern);
      if (regex && !regex.test(value)) {
        issues.push({ var: name, code: 'form.field.regex', params: { pattern: method.pattern.slice(0, 200) } });
        break;
      }
    }
  }
  return issues;
}

/**
 * Checks what the user entered against the whole form: every field against its type, and nothing
 * for fields the form does not have or may not be changed (fixed, hidden). Empty when it may be submitted.
 */
export function validateForm(form: DataForm, values: FormValues): FormIssue[] {
  const issues: FormIssue[] = [];
  const byVar = new Map<string, FormField>();
  for (const field of form.fields) if (field.var !== null) byVar.set(field.var, field);
  for (const name of Object.keys(values)) {
    const field = byVar.get(name);
    if (!field) issues.push({ var: name, code: 'form.field.unknown' });
    else if (field.type === 'fixed' || field.type === 'hidden') {
      const same = values[name].length === field.values.length && values[name].every((v, i) => v === field.values[i]);
      if (!same) issues.push({ var: name, code: 'form.field.readOnly' });
    }
  }
  for (const field of byVar.values()) {
    const given = Object.prototype.hasOwnProperty.call(values, field.var!);
    issues.push(...validateField(field, effectiveValues(field, values), !given));
  }
  return issues;
}
