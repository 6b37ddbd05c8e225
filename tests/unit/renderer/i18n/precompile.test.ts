/**
 * The catalogs compiled at build time say what their text says: for every message of every language,
 * vue-i18n formats the compiled tree (as the built app ships it) to the same words as the text (as
 * vue-i18n compiles it itself), for each plural form, with placeholders filled; the tree is plain
 * data (no code to evaluate), and the right-to-left pseudo-locale mirrors it as it mirrors the text.
 */
import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import { UI_LANGUAGES } from '../../../../src/shared/languages';
import { compiledCatalog } from '../../../../src/renderer/src/i18n/precompile';
import { isCompiledMessage, mirrored } from '../../../../src/renderer/src/i18n/catalogs';
import { pluralRule } from '../../../../src/renderer/src/i18n/plural';

type Catalog = { [key: string]: string | Catalog };

const FILES = import.meta.glob<Catalog>('../../../../src/renderer/src/locales/*/*.json', {
  eager: true,
  import: 'default',
});

function load(locale: string): Catalog {
  const parts = Object.entries(FILES).filter(([file]) => file.includes(`/locales/${locale}/`));
  return Object.assign({}, ...parts.map(([, part]) => part)) as Catalog;
}

function keys(catalog: Catalog, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([name, value]) =>
    typeof value === 'string' ? [`${prefix}${name}`] : keys(value, `${prefix}${name}.`),
  );
}

/** Every placeholder name a message of the catalogs uses, filled with a recognisable value. */
const PARAMS = new Proxy({} as Record<string, string>, {
  get: (_target, name) => (typeof name === 'string' ? `<${name}>` : undefined),
  has: () => true,
});

function formatter(locale: string, messages: unknown) {
  const options = {
    legacy: false,
    locale,
    messages: { [locale]: messages },
    pluralRules: { [locale]: pluralRule(locale) },
    missingWarn: false,
    fallbackWarn: false,
  };
  type Translate = (key: string, params: object, plural?: number) => string;
  const { t } = (createI18n(options as never) as unknown as { global: { t: Translate } }).global;
  return (key: string, count?: number) =>
    count === undefined ? t(key, spread(key)) : t(key, { ...spread(key), count: String(count) }, count);
}

/** The placeholders named in a message's key's text (vue-i18n reads params by name, not through `has`). */
const names = new Map<string, string[]>();
function spread(key: string): Record<string, string> {
  return Object.fromEntries((names.get(key) ?? []).map((name) => [name, PARAMS[name]]));
}

describe('catalogs compiled at build time', () => {
  for (const locale of UI_LANGUAGES) {
    it(`${locale}: every message formats as its text does, for each plural form`, () => {
      const text = load(locale);
      const compiled = compiledCatalog(text, locale);
      const fromText = formatter(locale, text);
      const fromTree = formatter(locale, compiled);
      const all = keys(text);
      expect(all.length).toBeGreaterThan(100);
      for (const key of all) {
        const source = key.split('.').reduce<string | Catalog>((node, part) => (node as Catalog)[part], text) as string;
        names.set(
          key,
          [...source.matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)].map((m) => m[1]),
        );
        for (const count of [undefined, 0, 1, 2, 5, 21, 1.5]) {
          expect(fromTree(key, count), `${locale} ${key} ${count}`).toBe(fromText(key, count));
        }
      }
    });
  }

  it('is plain data: the same after a trip through JSON, every message a tree', () => {
    const compiled = compiledCatalog(load('en'), 'en') as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled);
    expect(isCompiledMessage((compiled.roster as Record<string, unknown>).label)).toBe(true);
    expect(JSON.stringify(compiled)).not.toMatch(/"function"|=>/);
  });

  it('fails the build on a message that does not compile, naming its file and key', () => {
    expect(() => compiledCatalog({ roster: { broken: 'Hello {name' } }, 'en/roster.json')).toThrow(
      /en\/roster\.json: roster\.broken/,
    );
  });

  it('the right-to-left pseudo-locale mirrors a compiled message as it mirrors its text', () => {
    const text = load('en');
    const fromText = formatter('en', mirrored(text));
    const fromTree = formatter('en', mirrored(compiledCatalog(text, 'en')));
    // Mirroring the text keeps the spaces around a plural's '|' inside the override; the compiler trims them.
    const trimmed = (words: string) => words.replace(/\s+(?=\u202c)|(?<=\u202e)\s+/g, '');
    for (const key of keys(text)) {
      for (const count of [undefined, 1, 2])
        expect(trimmed(fromTree(key, count)), key).toBe(trimmed(fromText(key, count)));
    }
    expect(fromTree('roster.label')).toMatch(/^\u202e.+\u202c$/);
  });
});
