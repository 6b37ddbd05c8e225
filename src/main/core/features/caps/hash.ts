/**
 * XEP-0115 (Entity Capabilities) verification strings: reading a disco#info <query/> with the
 * §5.4 well-formedness checks, building the string S of §5.1 and hashing it.
 *
 * Sorting is "i;octet" (RFC 4790 §9.3), i.e. by UTF-8 bytes. JavaScript's `<` compares UTF-16 code
 * units, which orders astral characters differently, so keys are compared as UTF-8 buffers.
 *
 * Hardening beyond the XEP: a factor (category, type, lang, name, feature, FORM_TYPE, field var or
 * value) containing '<' makes the response ill-formed. '<' is S's separator, so such a factor lets
 * a forged response produce the same S as a genuine one with different features (the poisoning that
 * XEP-0390 was written to fix); no real client has '<' in those strings. Character data is decoded
 * exactly once by the XML parser, so a literal "&lt;" stays four characters (the XEP's warning).
 */
import { createHash } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { NS_CAPS, NS_DATA, NS_DISCO_INFO } from '../../xmpp/ns';

/** Hash function names from the IANA registry that XEP-0115 refers to; sha-1 is mandatory. */
export type CapsHashAlgo = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

const NODE_HASH: Record<CapsHashAlgo, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** Base64 length of each digest, to reject a malformed `ver` before asking anyone about it. */
const VER_LENGTH: Record<CapsHashAlgo, number> = {
  'sha-1': 28,
  'sha-224': 40,
  'sha-256': 44,
  'sha-384': 64,
  'sha-512': 88,
};

/** Limits on a response: a real client has a few identities and < 200 features. */
export const MAX_IDENTITIES = 64;
export const MAX_FEATURES = 2000;
export const MAX_FORMS = 32;
export const MAX_FORM_VALUES = 512;
/** Characters of all factors together (a real client's S is a few KB; a verified ver gets a row in SQLite). */
export const MAX_TOTAL_CHARS = 64 * 1024;

export interface DiscoIdentity {
  category: string;
  type: string;
  lang: string | null;
  name: string | null;
}

export interface DiscoForm {
  formType: string;
  /** Fields other than FORM_TYPE. */
  fields: { var: string; values: string[] }[];
}

export interface DiscoInfo {
  identities: DiscoIdentity[];
  features: string[];
  forms: DiscoForm[];
}

export type ParsedDiscoInfo = { ok: true; info: DiscoInfo } | { ok: false; reason: string };

export type CapsCheck =
  | { status: 'valid'; info: DiscoInfo }
  /** Well-formed, but it hashes to something else: never trust it for other JIDs. */
  | { status: 'mismatch'; info: DiscoInfo; computed: string }
  | { status: 'ill-formed'; reason: string };

/** The algorithm for a caps `hash` attribute, or null when absent (legacy caps) or unsupported. */
export function capsHashAlgo(hash: string | null | undefined): CapsHashAlgo | null {
  // Nearly every presence says 'sha-1': no lower-cased copy for that one.
  if (hash === 'sha-1') return hash;
  const name = hash?.toLowerCase();
  return name !== undefined && Object.hasOwn(NODE_HASH, name) ? (name as CapsHashAlgo) : null;
}

/** Whether `ver` could be a base64 digest of `algo` at all. */
export function plausibleVer(algo: CapsHashAlgo, ver: string): boolean {
  return ver.length === VER_LENGTH[algo] && /^[A-Za-z0-9+/]+={0,2}$/.test(ver);
}

/** i;octet: compares UTF-8 bytes. */
export function compareOctets(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortOctets<T>(items: T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(key(item), 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ item }) => item);
}

function identityFactor(identity: DiscoIdentity): string {
  return `${identity.category}/${identity.type}/${identity.lang ?? ''}/${identity.name ?? ''}`;
}

function compareIdentities(a: DiscoIdentity, b: DiscoIdentity): number {
  return (
    compareOctets(a.category, b.category) ||
    compareOctets(a.type, b.type) ||
    compareOctets(a.lang ?? '', b.lang ?? '') ||
    compareOctets(a.name ?? '', b.name ?? '')
  );
}

function childElements(parent: Element, name: string, xmlns?: string): Element[] {
  return parent.children.filter(
    (child): child is Element =>
      typeof child !== 'string' && child.name === name && (xmlns === undefined || child.attrs.xmlns === xmlns),
  );
}

function attr(element: Element, name: string): string | null {
  const value: unknown = element.attrs[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

const hasSeparator = (text: string): boolean => text.includes('<');

/** Reads one form; null when §5.4 says to ignore it, a string when it makes the response ill-formed. */
function readForm(x: Element): DiscoForm | null | string {
  const fields = childElements(x, 'field');
  const formTypeField = fields.find((field) => field.attrs.var === 'FORM_TYPE');
  if (!formTypeField || formTypeField.attrs.type !== 'hidden') return null;
  const typeValues = new Set(childElements(formTypeField, 'value').map((value) => value.text()));
  if (typeValues.size > 1) return 'FORM_TYPE with several different values';
  const [formType] = typeValues;
  if (formType === undefined || formType === '') return null;
  if (hasSeparator(formType)) return "'<' in a FORM_TYPE";
  const rest: DiscoForm['fields'] = [];
  let count = 0;
  for (const field of fields) {
    if (field === formTypeField) continue;
    const name = attr(field, 'var');
    // A field without var (type 'fixed') carries no data and has nothing to sort by.
    if (name === null) continue;
    const values = childElements(field, 'value').map((value) => value.text());
    count += values.length + 1;
    if (count > MAX_FORM_VALUES) return 'too many form fields or values';
    if (hasSeparator(name) || values.some(hasSeparator)) return "'<' in a form field";
    rest.push({ var: name, values });
  }
  return { formType, fields: rest };
}

/** Reads a disco#info <query/> with the well-formedness checks of XEP-0115 §5.4. */
export function parseDiscoInfo(query: Element): ParsedDiscoInfo {
  if (query.name !== 'query' || query.attrs.xmlns !== NS_DISCO_INFO) {
    return { ok: false, reason: 'not a disco#info query' };
  }
  const identities: DiscoIdentity[] = [];
  const seenIdentities = new Set<string>();
  for (const element of childElements(query, 'identity')) {
    const category = attr(element, 'category');
    const type = attr(element, 'type');
    if (category === null || type === null) return { ok: false, reason: 'identity without category or type' };
    const identity = { category, type, lang: attr(element, 'xml:lang'), name: attr(element, 'name') };
    const factor = identityFactor(identity);
    if (hasSeparator(factor)) return { ok: false, reason: "'<' in an identity" };
    if (seenIdentities.has(factor)) return { ok: false, reason: 'duplicate identity' };
    seenIdentities.add(factor);
    identities.push(identity);
    if (identities.length > MAX_IDENTITIES) return { ok: false, reason: 'too many identities' };
  }
  if (identities.length === 0) return { ok: false, reason: 'no identity' };

  const features = new Set<string>();
  for (const element of childElements(query, 'feature')) {
    const name = attr(element, 'var');
    if (name === null) return { ok: false, reason: 'feature without var' };
    if (hasSeparator(name)) return { ok: false, reason: "'<' in a feature" };
    if (features.has(name)) return { ok: false, reason: 'duplicate feature' };
    features.add(name);
    if (features.size > MAX_FEATURES) return { ok: false, reason: 'too many features' };
  }

  const forms: DiscoForm[] = [];
  const formTypes = new Set<string>();
  for (const x of childElements(query, 'x', NS_DATA)) {
    const form = readForm(x);
    if (typeof form === 'string') return { ok: false, reason: form };
    if (form === null) continue;
    if (formTypes.has(form.formType)) return { ok: false, reason: 'two forms with the same FORM_TYPE' };
    formTypes.add(form.formType);
    forms.push(form);
    if (forms.length > MAX_FORMS) return { ok: false, reason: 'too many forms' };
  }
  const info = { identities, features: [...features], forms };
  if (totalChars(info) > MAX_TOTAL_CHARS) return { ok: false, reason: 'too large' };
  return { ok: true, info };
}

function totalChars(info: DiscoInfo): number {
  let n = 0;
  for (const i of info.identities)
    n += i.category.length + i.type.length + (i.lang?.length ?? 0) + (i.name?.length ?? 0);
  for (const feature of info.features) n += feature.length;
  for (const form of info.forms) {
    n += form.formType.length;
    for (const field of form.fields) n += field.var.length + field.values.reduce((sum, v) => sum + v.length, 0);
  }
  return n;
}

/** The string S of XEP-0115 §5.1 (before UTF-8 encoding and hashing). */
export function verificationString(info: DiscoInfo): string {
  let s = '';
  for (const identity of [...info.identities].sort(compareIdentities)) s += `${identityFactor(identity)}<`;
  for (const feature of sortOctets([...info.features], (f) => f)) s += `${feature}<`;
  for (const form of sortOctets([...info.forms], (f) => f.formType)) {
    s += `${form.formType}<`;
    for (const field of sortOctets([...form.fields], (f) => f.var)) {
      s += `${field.var}<`;
      for (const value of sortOctets([...field.values], (v) => v)) s += `${value}<`;
    }
  }
  return s;
}

/** The `ver` for `info`: base64 of the binary digest of S. */
export function capsHash(info: DiscoInfo, algo: CapsHashAlgo): string {
  return createHash(NODE_HASH[algo]).update(verificationString(info), 'utf8').digest('base64');
}

/** XEP-0115 §5.4 step 3: checks a disco#info result against the `ver` it was asked for. */
export function checkCaps(query: Element, algo: CapsHashAlgo, ver: string): CapsCheck {
  const parsed = parseDiscoInfo(query);
  if (!parsed.ok) return { status: 'ill-formed', reason: parsed.reason };
  const computed = capsHash(parsed.info, algo);
  return computed === ver
    ? { status: 'valid', info: parsed.info }
    : { status: 'mismatch', info: parsed.info, computed };
}

/** Our own disco#info <query/> (node optional: the caps node#ver when answering a caps query). */
export function discoInfoElement(info: DiscoInfo, node?: string): Element {
  return xml(
    'query',
    node ? { xmlns: NS_DISCO_INFO, node } : { xmlns: NS_DISCO_INFO },
    ...info.identities.map((identity) =>
      xml('identity', {
        category: identity.category,
        type: identity.type,
        ...(identity.lang ? { 'xml:lang': identity.lang } : {}),
        ...(identity.name ? { name: identity.name } : {}),
      }),
    ),
    ...info.features.map((feature) => xml('feature', { var: feature })),
    ...info.forms.map((form) =>
      xml(
        'x',
        { xmlns: NS_DATA, type: 'result' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, form.formType)),
        ...form.fields.map((field) =>
          xml('field', { var: field.var }, ...field.values.map((value) => xml('value', {}, value))),
        ),
      ),
    ),
  );
}

/** The <c/> element we put in our own presence (XEP-0115 §6.1). */
export function ownCapsElement(info: DiscoInfo, node: string, algo: CapsHashAlgo = 'sha-1'): Element {
  return xml('c', { xmlns: NS_CAPS, hash: algo, node, ver: capsHash(info, algo) });
}
