/**
 * The renderer's t(): plurals chosen by Intl's plural rules of the current locale (Russian's
 * one/few/many/other, French's many), the count written for the locale, parameters isolated for
 * bidi, and the formatting helpers following the language.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { computed } from 'vue';
import { i18n, PSEUDO_RTL, t, type Messages } from '../../../../src/renderer/src/i18n';
import { ensureCatalog, mirrored, pluralForms } from '../../../../src/renderer/src/i18n/catalogs';
import { formatBytes, formatList, formatRelative, nativeLanguageName } from '../../../../src/renderer/src/i18n/format';
import { pluralCategories } from '../../../../src/renderer/src/i18n/plural';
import { matchLanguage, chosenLanguage } from '../../../../src/shared/languages';

const FSI = '\u2068';
const PDI = '\u2069';

function use(locale: string) {
  i18n.global.locale.value = locale;
}

beforeAll(async () => {
  for (const locale of ['de', 'fr', 'es', 'ru', PSEUDO_RTL]) expect(await ensureCatalog(locale)).toBe(true);
});

afterEach(() => use('en'));

describe('plurals', () => {
  it('Russian takes one, few, many and other by Intl.PluralRules', () => {
    expect(pluralCategories('ru')).toEqual(['one', 'few', 'many', 'other']);
    use('ru');
    const unread = (n: number) => t('chat.unread', n);
    expect(unread(1)).toBe('1 непрочитанное сообщение');
    expect(unread(21)).toBe('21 непрочитанное сообщение');
    expect(unread(2)).toBe('2 непрочитанных сообщения');
    expect(unread(24)).toBe('24 непрочитанных сообщения');
    expect(unread(5)).toBe('5 непрочитанных сообщений');
    expect(unread(11)).toBe('11 непрочитанных сообщений');
    expect(unread(112)).toBe('112 непрочитанных сообщений');
    expect(unread(0)).toBe('0 непрочитанных сообщений');
  });

  it('English has one and other; French and Spanish say "de" from a million on', () => {
    expect(t('chat.unread', 1)).toBe('1 unread message');
    expect(t('chat.unread', 0)).toBe('0 unread messages');
    expect(t('chat.unread', 1234)).toBe('1,234 unread messages');
    use('fr');
    expect(t('chat.unread', 0)).toBe('0 message non lu');
    expect(t('chat.unread', 2)).toBe('2 messages non lus');
    expect(t('chat.unread', 1_000_000)).toBe('1\u202f000\u202f000 de messages non lus');
    use('es');
    expect(t('chat.unread', 1_000_000)).toBe('1.000.000 de mensajes sin leer');
  });

  it('falls back to the first form for one and the last for the rest when a catalog has other forms', () => {
    // The pseudo-locale speaks English's two forms under Arabic's six categories.
    use(PSEUDO_RTL);
    expect(t('chat.unread', 1)).toContain('unread message');
    expect(t('chat.unread', 7)).toContain('unread messages');
  });
});

describe('parameters', () => {
  it('are isolated when they hold right-to-left letters, in every UI, and always in a right-to-left UI', () => {
    expect(t('chat.typing.one', { name: 'Bob' })).toBe('Bob is typing…');
    expect(t('chat.typing.one', { name: 'دانا' })).toBe(`${FSI}دانا${PDI} is typing…`);
    use(PSEUDO_RTL);
    expect(t('chat.typing.one', { name: 'Bob' })).toContain(`${FSI}Bob${PDI}`);
  });

  it('switch the whole sentence with the language', () => {
    use('de');
    expect(t('chat.typing.one', { name: 'Bob' })).toBe('Bob schreibt…');
    use('es');
    expect(t('chat.typing.one', { name: 'Bob' })).toBe('Bob está escribiendo…');
  });
});

describe('words made once per language', () => {
  it('follow a change of language, of parameters and of count, and a catalog replaced', () => {
    expect(t('roster.row.awaitingLine')).toBe(t('roster.row.awaitingLine'));
    const english = t('chat.typing.one', { name: 'Bob' });
    use('de');
    expect(t('chat.typing.one', { name: 'Bob' })).toBe('Bob schreibt…');
    expect(t('chat.typing.one', { name: 'Ann' })).toBe('Ann schreibt…');
    use('en');
    expect(t('chat.typing.one', { name: 'Bob' })).toBe(english);
    expect(t('chat.unread', 1)).not.toBe(t('chat.unread', 2));
    use('ru');
    expect(t('chat.unread', 2)).toBe('2 непрочитанных сообщения');
    expect(t('chat.unread', 5)).toBe('5 непрочитанных сообщений');

    const french = i18n.global.getLocaleMessage('fr') as Messages;
    use('fr');
    const before = t('chat.typing.one', { name: 'Bob' });
    try {
      i18n.global.setLocaleMessage('fr', { ...french, chat: { ...french.chat, typing: { one: '{name} tape' } } });
      expect(t('chat.typing.one', { name: 'Bob' })).toBe('Bob tape');
    } finally {
      i18n.global.setLocaleMessage('fr', french);
    }
    expect(t('chat.typing.one', { name: 'Bob' })).toBe(before);
  });

  it('are formatted once for the same key, parameters and count in a language', () => {
    const format = vi.spyOn(i18n.global, 't');
    try {
      for (let i = 0; i < 3; i++) {
        t('roster.row.renameGroupTitle');
        t('roster.row.groupCount', { online: 1, total: 3 });
        t('roster.row.devices', 2);
      }
      expect(format).toHaveBeenCalledTimes(3);
      t('roster.row.groupCount', { online: 2, total: 3 });
      expect(format).toHaveBeenCalledTimes(4);
      use('de');
      t('roster.row.renameGroupTitle');
      expect(format).toHaveBeenCalledTimes(5);
    } finally {
      format.mockRestore();
    }
  });

  it('are read reactively: a computed wording something follows the language', () => {
    const typing = computed(() => t('chat.typing.one', { name: 'Bob' }));
    expect(typing.value).toBe('Bob is typing…');
    use('de');
    expect(typing.value).toBe('Bob schreibt…');
  });
});

describe('formatting through Intl', () => {
  it('writes sizes, lists and relative times in the UI language', () => {
    expect(formatBytes(1_048_576)).toBe('1.0 MB');
    expect(formatList(['Ann', 'Bob', 'Cid'])).toBe('Ann, Bob, and Cid');
    expect(formatRelative(0, 3 * 3_600_000)).toBe('3 hours ago');
    use('de');
    expect(formatBytes(1_048_576)).toBe('1,0 MB');
    expect(formatList(['Ann', 'Bob', 'Cid'])).toBe('Ann, Bob und Cid');
    expect(formatRelative(0, 3 * 3_600_000)).toBe('vor 3 Stunden');
    use('ru');
    expect(formatRelative(0, 86_400_000)).toBe('вчера');
  });

  it('names each language in itself', () => {
    expect(['de', 'fr', 'es', 'ru'].map(nativeLanguageName)).toEqual(['Deutsch', 'Français', 'Español', 'Русский']);
  });
});

describe('choosing the language', () => {
  it('follows the first system language Jabberwock speaks, else English, unless one is chosen', () => {
    expect(matchLanguage(['de-AT', 'en-US'])).toBe('de');
    expect(matchLanguage(['pt-BR', 'ru_RU.UTF-8'])).toBe('ru');
    expect(matchLanguage(['ja'])).toBe('en');
    expect(chosenLanguage('system', ['fr-CA'])).toBe('fr');
    expect(chosenLanguage('es', ['fr-CA'])).toBe('es');
  });
});

describe('the right-to-left pseudo-locale', () => {
  it('wraps every plural form of every message in a right-to-left override, placeholders intact', () => {
    expect(pluralForms("a {'|'} b | c")).toEqual(["a {'|'} b ", ' c']);
    expect(mirrored({ x: { y: 'one {n} | two {n}' } })).toEqual({
      x: { y: '\u202eone {n} \u202c|\u202e two {n}\u202c' },
    });
  });
});
