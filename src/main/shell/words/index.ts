/**
 * The shell's words (src/main/shell/words/<language>.json), in the language the user chose in Settings
 * or, by default, the OS's (app.getLocale()). The core hands the shell codes and data (a summary of
 * states, a message's sender and room); the shell words them here. Every catalog has English's keys
 * (the type says so), plural forms by Intl.PluralRules, and numbers written for the language.
 */
import type { EventBatch } from '../../../shared/contract';
import { chosenLanguage, type LanguageChoice, type UiLanguage } from '../../../shared/languages';
import type { PluralKey, ShellCatalog, TextKey } from './catalog';
import DE from './de.json';
import EN from './en.json';
import ES from './es.json';
import FR from './fr.json';
import RU from './ru.json';

export type { Plural, PluralKey, TextKey } from './catalog';

export const SHELL_CATALOGS: Readonly<Record<UiLanguage, ShellCatalog>> = { en: EN, de: DE, fr: FR, es: ES, ru: RU };

export type Params = Readonly<Record<string, string | number>>;

export interface ShellWords {
  readonly language: UiLanguage;
  /** The message `key` with its {placeholders} filled. */
  text(key: TextKey, params?: Params): string;
  /** The plural message `key` for `count` ({count} written for the language). */
  count(key: PluralKey, count: number, params?: Params): string;
}

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function shellWords(language: UiLanguage): ShellWords {
  const catalog = SHELL_CATALOGS[language];
  const rules = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language);
  return {
    language,
    text: (key, params = {}) => fill(catalog[key], params),
    count: (key, count, params = {}) => {
      const forms = catalog[key];
      return fill(forms[rules.select(count)] ?? forms.other, { ...params, count: numbers.format(count) });
    },
  };
}

/** The words for the language chosen in Settings, or the OS's (`osLocale`, app.getLocale()). */
export function wordsFor(choice: LanguageChoice | undefined, osLocale: string): ShellWords {
  return shellWords(chosenLanguage(choice, [osLocale]));
}

/**
 * Keeps the shell's words in the language chosen in Settings: calls `onChange` with new words when a
 * prefs.changed event moves the language (the tray and badge redraw; notifications and menus read the
 * words when they show). Returns the undo.
 */
export function followLanguage(
  messenger: { subscribe(listener: (batch: EventBatch) => void): () => void },
  osLocale: string,
  current: () => ShellWords,
  onChange: (words: ShellWords) => void,
): () => void {
  return messenger.subscribe((batch) => {
    for (const event of batch.events) {
      if (event.type !== 'prefs.changed') continue;
      const next = wordsFor(event.prefs.language, osLocale);
      if (next.language !== current().language) onChange(next);
    }
  });
}
