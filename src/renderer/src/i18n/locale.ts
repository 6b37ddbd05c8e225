/**
 * Which language the UI speaks, applied to the page: the choice in Settings (prefs.language), or the
 * system's, which Electron's preload hands over (app.getLocale()) and a browser says itself
 * (navigator.languages). Changing it switches every message, date and number at once.
 */
import { primaryLanguage, chosenLanguage, isUiLanguage, type LanguageChoice } from '../../../shared/languages';
import { ensureCatalog } from './catalogs';
import { i18n, localeDirection, PSEUDO_RTL } from './index';

/** The system's preferred languages, most preferred first. */
export function systemLanguages(): readonly string[] {
  const os = window.jabberwock?.locale;
  return os ? [os] : navigator.languages;
}

/**
 * The locale to show: the one chosen, or the first system language there is a catalog for. The
 * right-to-left pseudo-locale is taken only from the system (a developer's setting), never offered.
 */
export function resolveLocale(choice: LanguageChoice, system: readonly string[]): string {
  if (choice === 'system') {
    for (const tag of system) {
      if (tag.toLowerCase() === PSEUDO_RTL.toLowerCase()) return PSEUDO_RTL;
      if (isUiLanguage(primaryLanguage(tag))) break;
    }
  }
  return chosenLanguage(choice, system);
}

let latest = 0;

/** Loads the locale's catalog if needed, then switches the UI and the page's lang and dir to it. */
export async function applyLocale(locale: string): Promise<void> {
  const asked = ++latest;
  const found = await ensureCatalog(locale);
  // A later choice made while this catalog loaded wins.
  if (asked !== latest) return;
  const shown = found ? locale : 'en';
  i18n.global.locale.value = shown;
  document.documentElement.lang = shown;
  document.documentElement.dir = localeDirection(shown);
}
