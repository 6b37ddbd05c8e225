/**
 * The catalogs besides English, loaded when a language is first chosen (its domain files are chunks
 * of their own, fetched together), and the right-to-left pseudo-locale, made from English.
 */
import { i18n, PSEUDO_RTL, type Messages } from './index';

const loaders = import.meta.glob<Partial<Messages>>(['../locales/*/*.json', '!../locales/en/*.json'], {
  import: 'default',
});

async function messagesOf(locale: string): Promise<Messages | null> {
  if (locale === PSEUDO_RTL) return mirrored(i18n.global.getLocaleMessage('en') as Messages);
  const files = Object.entries(loaders).filter(([file]) => file.startsWith(`../locales/${locale}/`));
  if (files.length === 0) return null;
  const parts = await Promise.all(files.map(([, load]) => load()));
  return Object.assign({}, ...parts) as Messages;
}

/** Makes `locale`'s messages available (English always is); false when there is no such catalog. */
export async function ensureCatalog(locale: string): Promise<boolean> {
  if (locale === 'en' || i18n.global.availableLocales.includes(locale)) return true;
  const messages = await messagesOf(locale);
  if (!messages) return false;
  i18n.global.setLocaleMessage(locale, messages);
  return true;
}

const RLO = '\u202e';
const PDF = '\u202c';

/**
 * English shown right to left: every form of every message inside a right-to-left override, the way
 * Chromium's ar-XB pseudo-locale looks. The words read mirrored, and whatever the UI isolates (names,
 * messages, addresses) stays readable, which is what the pseudo-locale checks. A message is its text
 * (tests) or its tree, compiled at build time (the app).
 */
export function mirrored<T>(messages: T): T {
  if (typeof messages === 'string')
    return pluralForms(messages)
      .map((form) => RLO + form + PDF)
      .join('|') as T;
  if (isCompiledMessage(messages)) return mirroredTree(messages) as T;
  if (messages && typeof messages === 'object') {
    return Object.fromEntries(Object.entries(messages).map(([key, value]) => [key, mirrored(value)])) as T;
  }
  return messages;
}

/**
 * A compiled message, as @intlify/message-compiler writes it minified: `{ t: 0, b: body }`, the body a
 * message (`t: 2`, its parts `i`, or its whole text `s` when it has no placeholder) or a plural
 * (`t: 1`, its forms `c`). A catalog's own groups never hold a number, so `t: 0` marks a message.
 */
interface CompiledNode {
  t: number;
  b?: CompiledNode;
  c?: CompiledNode[];
  i?: CompiledNode[];
  s?: string;
  static?: string;
  v?: string;
}

export function isCompiledMessage(value: unknown): value is CompiledNode {
  return typeof value === 'object' && value !== null && (value as { t?: unknown }).t === 0 && 'b' in value;
}

const TEXT = 3;

function mirroredTree(message: CompiledNode): CompiledNode {
  const body = message.b!;
  const form = (part: CompiledNode): CompiledNode => {
    const text = part.s ?? part.static;
    if (text !== undefined) return { t: part.t, s: RLO + text + PDF };
    return { ...part, i: [{ t: TEXT, v: RLO }, ...(part.i ?? []), { t: TEXT, v: PDF }] };
  };
  return { t: 0, b: body.c ? { ...body, c: body.c.map(form) } : form(body) };
}

/** A message's plural forms: split at each '|' outside a placeholder ({'|'} is a literal pipe). */
export function pluralForms(message: string): string[] {
  const forms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < message.length; i++) {
    const char = message[i];
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (char === '|' && depth === 0) {
      forms.push(message.slice(start, i));
      start = i + 1;
    }
  }
  forms.push(message.slice(start));
  return forms;
}
