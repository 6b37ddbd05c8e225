/**
 * What a server asks for to create an account (XEP-0077 §3.1): its data form (with a CAPTCHA,
 * XEP-0158, when it sends one), or its legacy fields read as a form of required text fields (the
 * password text-private, `key` hidden), and the bits of binary (XEP-0231) a CAPTCHA's image comes
 * in. And the answer back: the data form submitted, or the legacy fields as elements.
 */
import { createHash } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { effectiveValues, type DataForm, type FormField, type FormIssue, type FormValues } from '../../../shared/forms';
import { appError, type AppError } from '../../../shared/result';
import { findDataForm, parseDataForm } from '../forms/parse';
import { submitForm, submitLegacyFields } from '../forms/submit';
import { capText } from '../util/text';
import { NS_BOB, NS_OOB, NS_REGISTER } from '../xmpp/ns';

/** XEP-0077 §14.1: the legacy fields a server may ask for. */
const LEGACY_FIELDS = [
  'username', 'nick', 'password', 'name', 'first', 'last', 'email', 'address', 'city', 'state', 'zip',
  'phone', 'url', 'date', 'misc', 'text', 'key',
]; // prettier-ignore

/** Bits of binary kept from one answer, and their size each (decoded). */
const BOB_MAX = 8;
const BOB_BYTES_MAX = 256 * 1024;

export interface BitsOfBinary {
  type: string;
  data: Buffer;
}

export type RegistrationForm =
  | { ok: true; form: DataForm; legacy: boolean; instructions: string | null; media: Map<string, BitsOfBinary> }
  | { ok: false; error: AppError };

/** Reads the answer to `<query xmlns='jabber:iq:register'/>` (the whole iq, for its bits of binary). */
export function readRegistrationForm(iq: Element): RegistrationForm {
  const query = iq.getChild('query', NS_REGISTER);
  if (!query) return { ok: false, error: appError('not_found', 'registration.malformed') };
  const instructionsText = query.getChildText('instructions');
  const instructions = instructionsText ? capText(instructionsText.trim(), 4096) : null;
  const media = readBitsOfBinary([iq, query]);
  const x = findDataForm(query, NS_REGISTER) ?? findDataForm(query);
  if (x) {
    const parsed = parseDataForm(x);
    if (!parsed.ok) return { ok: false, error: appError('not_found', 'form.unusable', { problem: parsed.problem }) };
    const form = parsed.form;
    if (!hasField(form, 'username') || !hasField(form, 'password')) {
      return { ok: false, error: appError('not_found', 'registration.formUnsupported') };
    }
    return { ok: true, form, legacy: false, instructions: instructions ?? form.instructions[0] ?? null, media };
  }
  const fields: FormField[] = [];
  for (const name of LEGACY_FIELDS) {
    const element = query.getChild(name);
    if (!element) continue;
    fields.push({
      var: name,
      type: name === 'password' ? 'text-private' : name === 'key' ? 'hidden' : 'text-single',
      label: null,
      desc: null,
      required: name !== 'key',
      values: element.text() === '' ? [] : [element.text()],
      options: [],
      media: null,
      validate: null,
    });
  }
  if (!fields.some((f) => f.var === 'username') || !fields.some((f) => f.var === 'password')) {
    const url = query.getChild('x', NS_OOB)?.getChildText('url')?.trim();
    if (url && /^https:\/\//i.test(url))
      return { ok: false, error: appError('not_found', 'registration.web', { url: capText(url, 2048) }) };
    return { ok: false, error: appError('not_found', 'registration.formUnsupported') };
  }
  const form: DataForm = {
    type: 'form',
    title: null,
    instructions: instructions ? [instructions] : [],
    fields,
    pages: [],
    reported: null,
    items: [],
    itemsDropped: 0,
    formType: null,
  };
  return { ok: true, form, legacy: true, instructions, media };
}

export type RegistrationAnswer =
  { ok: true; query: Element; username: string; password: string } | { ok: false; issues: FormIssue[] };

/** The `<query/>` that answers the form with `values`, with the username and password it carries. */
export function answerRegistration(form: DataForm, legacy: boolean, values: FormValues): RegistrationAnswer {
  const field = (name: string) => form.fields.find((f) => f.var === name);
  const username = effectiveValues(field('username')!, values)[0] ?? '';
  const password = effectiveValues(field('password')!, values)[0] ?? '';
  if (!legacy) {
    const submitted = submitForm(form, values);
    if (!submitted.ok) return submitted;
    return { ok: true, query: xml('query', { xmlns: NS_REGISTER }, submitted.element), username, password };
  }
  const submitted = submitLegacyFields(form, values);
  if (!submitted.ok) return submitted;
  return { ok: true, query: xml('query', { xmlns: NS_REGISTER }, ...submitted.elements), username, password };
}

function hasField(form: DataForm, name: string): boolean {
  return form.fields.some((field) => field.var === name && field.type !== 'fixed' && field.type !== 'hidden');
}

/** XEP-0231 data elements directly in `parents`, by cid, within the limits above. */
function readBitsOfBinary(parents: Element[]): Map<string, BitsOfBinary> {
  const media = new Map<string, BitsOfBinary>();
  for (const parent of parents) {
    for (const data of parent.getChildren('data', NS_BOB)) {
      if (media.size >= BOB_MAX) return media;
      const cid = data.attrs.cid;
      const type = data.attrs.type;
      if (typeof cid !== 'string' || !/^sha1\+[0-9a-f]{40}@bob\.xmpp\.org$/.test(cid)) continue;
      if (typeof type !== 'string' || !/^(image|audio|video)\/[\w.+-]{1,64}$/.test(type)) continue;
      const text = data.text().replace(/\s+/g, '');
      if (text.length > Math.ceil(BOB_BYTES_MAX / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) continue;
      const bytes = Buffer.from(text, 'base64');
      // The cid names the data by its hash: bytes that do not match it are not that data.
      if (createHash('sha1').update(bytes).digest('hex') !== cid.slice(5, 45)) continue;
      media.set(`cid:${cid}`, { type, data: bytes });
    }
  }
  return media;
}
