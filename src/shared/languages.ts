/**
 * The languages Jabberwock's words come in (the renderer's catalogs and the shell's), and how the one
 * shown is chosen: the user's choice in Settings, or, by default, the first of the system's preferred
 * languages that Jabberwock speaks, else English.
 */

/** Every shipped language; English is the source the others are translated from. */
export const UI_LANGUAGES = ['en', 'de', 'fr', 'es', 'ru'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** What the user chose in Settings: a language, or whatever the system uses. */
export type LanguageChoice = 'system' | UiLanguage;
export const LANGUAGE_CHOICES: readonly LanguageChoice[] = ['system', ...UI_LANGUAGES];

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}

/** The language part of a BCP 47 tag or a POSIX locale: 'de-AT' → 'de', 'pt_BR.UTF-8' → 'pt'. */
export function primaryLanguage(tag: string): string {
  return tag
    .trim()
    .split(/[-_.@]/)[0]
    .toLowerCase();
}

/** The first of `preferred` (most preferred first) that Jabberwock speaks, else English. */
export function matchLanguage(preferred: readonly string[]): UiLanguage {
  for (const tag of preferred) {
    const language = primaryLanguage(tag);
    if (isUiLanguage(language)) return language;
  }
  return 'en';
}

/** The language to show: the user's choice, or the system's. */
export function chosenLanguage(choice: LanguageChoice | undefined, system: readonly string[]): UiLanguage {
  return choice && choice !== 'system' ? choice : matchLanguage(system);
}
