/**
 * The catalogs match English: every locale has exactly English's keys, each message uses the same
 * placeholders, compiles as a vue-i18n message, and a plural lists one form per plural category of
 * its locale (Intl.PluralRules), so that no count ever falls back to the wrong form.
 */
import { createParser } from '@intlify/message-compiler';
import { describe, expect, it } from 'vitest';
import { UI_LANGUAGES, type UiLanguage } from '../../../../src/shared/languages';
import { pluralCategories } from '../../../../src/renderer/src/i18n/plural';
type Catalog = { [key: string]: string | Catalog };

/** Every domain file of every language: src/renderer/src/locales/<language>/<domain>.json. */
const FILES = import.meta.glob<Catalog>('../../../../src/renderer/src/locales/*/*.json', {
  eager: true,
  import: 'default',
});

/** A language's catalog: its domain files together. */
function load(locale: UiLanguage): Catalog {
  const parts = Object.entries(FILES).filter(([file]) => file.includes(`/locales/${locale}/`));
  return Object.assign({}, ...parts.map(([, part]) => part)) as Catalog;
}

/** The domain files a language has, by name: every language has English's. */
function domains(locale: UiLanguage): string[] {
  return Object.keys(FILES)
    .filter((file) => file.includes(`/locales/${locale}/`))
    .map((file) => file.slice(file.lastIndexOf('/') + 1))
    .sort();
}

/** Every message by its dotted key. */
function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(at, value);
    else for (const [k, v] of flatten(value, at)) out.set(k, v);
  }
  return out;
}

interface Parsed {
  errors: string[];
  forms: number;
  placeholders: Set<string>;
}

interface AstNode {
  type: number;
  key?: string | number;
  cases?: AstNode[];
  items?: AstNode[];
  body?: AstNode;
}

/** A message's plural forms and named placeholders, by vue-i18n's own parser. */
function parse(message: string): Parsed {
  const errors: string[] = [];
  const ast = createParser({ onError: (error) => errors.push(error.message) }).parse(message) as AstNode;
  const placeholders = new Set<string>();
  const walk = (node: AstNode | undefined) => {
    if (!node) return;
    if (node.type === 4 /* Named */ && typeof node.key === 'string') placeholders.add(node.key);
    if (node.type === 5 /* List */) errors.push('a list placeholder ({0}); name it');
    if (node.type === 6 /* Linked */) errors.push('a linked message (@:); write the words out');
    for (const child of [...(node.cases ?? []), ...(node.items ?? [])]) walk(child);
    walk(node.body);
  };
  walk(ast.body);
  const body = ast.body as AstNode;
  return { errors, forms: body.type === 1 /* Plural */ ? (body.cases?.length ?? 1) : 1, placeholders };
}

const english = flatten(load('en'));

describe('the English catalog', () => {
  it('has messages that parse, with named placeholders only', () => {
    for (const [key, message] of english) expect(parse(message).errors, key).toEqual([]);
  });

  it('writes its plurals with one | other', () => {
    for (const [key, message] of english) expect([1, 2], key).toContain(parse(message).forms);
  });
});

describe.each(UI_LANGUAGES.filter((locale) => locale !== 'en'))('the %s catalog', (locale) => {
  const catalog = flatten(load(locale));
  const categories = pluralCategories(locale);

  it('has the domain files of English', () => {
    expect(domains(locale)).toEqual(domains('en'));
  });

  it('has exactly the keys of English', () => {
    const missing = [...english.keys()].filter((key) => !catalog.has(key));
    const extra = [...catalog.keys()].filter((key) => !english.has(key));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('uses the placeholders English uses, in messages that parse', () => {
    for (const [key, message] of catalog) {
      const source = english.get(key);
      if (source === undefined) continue;
      const parsed = parse(message);
      expect(parsed.errors, `${locale} ${key}`).toEqual([]);
      // A plural's {count} may be left out of a form ("Your account was kept"), nothing else.
      const expected = [...parse(source).placeholders].sort();
      const found = [...parsed.placeholders].sort();
      expect(
        found.filter((name) => name !== 'count'),
        `${locale} ${key}`,
      ).toEqual(expected.filter((name) => name !== 'count'));
      if (!expected.includes('count')) expect(found, `${locale} ${key}`).not.toContain('count');
    }
  });

  it(`lists one form per plural category (${categories.join(' | ')})`, () => {
    for (const [key, message] of catalog) {
      const source = english.get(key);
      if (source === undefined) continue;
      const plural = parse(source).forms > 1;
      expect(parse(message).forms, `${locale} ${key}`).toBe(plural ? categories.length : 1);
    }
  });

  it('has no English sentence left untranslated', () => {
    // A word may read the same ("Server", "Contacts", "Offline"); a phrase of three words may not.
    const words = (message: string) => message.replace(/\{[^}]*\}/g, ' ').match(/\p{L}{2,}/gu) ?? [];
    const same = [...catalog].filter(([key, message]) => english.get(key) === message && words(message).length >= 3);
    expect(same.map(([key]) => key)).toEqual([]);
  });
});
