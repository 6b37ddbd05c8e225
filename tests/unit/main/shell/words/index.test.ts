/**
 * The shell's catalogs match English (same keys, same placeholders, a form per plural category of
 * each language), the words follow the language chosen in Settings, else the OS's, and a change of
 * choice reaches the shell at once.
 */
import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../../../../src/shared/contract';
import { DEFAULT_PREFS } from '../../../../../src/shared/limits';
import { UI_LANGUAGES } from '../../../../../src/shared/languages';
import EN from '../../../../../src/main/shell/words/en.json';
import {
  followLanguage,
  SHELL_CATALOGS,
  shellWords,
  wordsFor,
  type Plural,
  type ShellWords,
} from '../../../../../src/main/shell/words';

const CLDR_ORDER: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
}

function categories(language: string): Intl.LDMLPluralRule[] {
  const has = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  return CLDR_ORDER.filter((category) => has.includes(category));
}

describe.each(UI_LANGUAGES)('the %s shell catalog', (language) => {
  const catalog = SHELL_CATALOGS[language] as Record<string, string | Plural>;

  it('has exactly the keys of English, with its placeholders', () => {
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(EN).sort());
    for (const [key, source] of Object.entries(EN) as [string, string | Plural][]) {
      const message = catalog[key];
      if (typeof source === 'string') {
        expect(typeof message, key).toBe('string');
        expect(placeholders(message as string), `${language} ${key}`).toEqual(placeholders(source));
      } else {
        const expected = placeholders(source.other);
        for (const form of Object.values(message as Plural)) {
          expect(placeholders(form as string), `${language} ${key}`).toEqual(expected);
        }
      }
    }
  });

  it('writes each plural with a form per plural category of the language', () => {
    for (const [key, message] of Object.entries(catalog)) {
      if (typeof message === 'string') continue;
      expect(Object.keys(message).sort(), `${language} ${key}`).toEqual([...categories(language)].sort());
    }
  });
});

describe('the shell words', () => {
  it('fill placeholders and pick the plural form by Intl, the count written for the language', () => {
    const en = shellWords('en');
    expect(en.text('menu.account', { name: 'Work', state: 'Away' })).toBe('Work — Away');
    expect(en.count('menu.unread', 1)).toBe('1 unread message…');
    expect(en.count('menu.unread', 1200)).toBe('1,200 unread messages…');
    const ru = shellWords('ru');
    expect([1, 3, 5, 21].map((n) => ru.count('badge.unread', n))).toEqual([
      '1 непрочитанное сообщение',
      '3 непрочитанных сообщения',
      '5 непрочитанных сообщений',
      '21 непрочитанное сообщение',
    ]);
  });

  it('follow the language chosen in Settings, else the OS language, else English', () => {
    expect(wordsFor('system', 'de-AT').language).toBe('de');
    expect(wordsFor(undefined, 'pt-BR').language).toBe('en');
    expect(wordsFor('ru', 'de-AT').language).toBe('ru');
  });

  it('change when the chosen language changes, and only then', () => {
    const listeners: ((batch: EventBatch) => void)[] = [];
    const messenger = { subscribe: (listener: (batch: EventBatch) => void) => (listeners.push(listener), () => {}) };
    let words: ShellWords = wordsFor('system', 'fr-FR');
    const changed = vi.fn((next: ShellWords) => (words = next));
    followLanguage(messenger, 'fr-FR', () => words, changed);
    const send = (language: (typeof DEFAULT_PREFS)['language']) =>
      listeners.forEach((listener) =>
        listener({ seq: 1, events: [{ type: 'prefs.changed', prefs: { ...DEFAULT_PREFS, language } }] }),
      );
    send('fr');
    expect(changed).not.toHaveBeenCalled();
    send('es');
    expect(words.language).toBe('es');
    expect(words.text('menu.quit')).toBe('Salir');
    send('system');
    expect(words.language).toBe('fr');
    expect(changed).toHaveBeenCalledTimes(2);
  });
});
