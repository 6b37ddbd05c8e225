/**
 * The composer's spell checker: Electron's built-in checker on the default session, with the
 * language the core chose for the conversation in front. On Windows and Linux Chromium checks in
 * the languages it is given (hunspell dictionaries); on macOS the system checker picks the language
 * by itself, so there is nothing to choose there.
 */
import type { Session } from 'electron';
import type { Logger } from '../core/log';
import type { SpellcheckHost } from '../core/spellcheck';

export type SpellcheckSession = Pick<
  Session,
  'availableSpellCheckerLanguages' | 'getSpellCheckerLanguages' | 'setSpellCheckerLanguages' | 'setSpellCheckerEnabled'
>;

export function createSpellcheckHost(
  session: SpellcheckSession,
  log?: Logger,
  platform: NodeJS.Platform = process.platform,
): SpellcheckHost {
  session.setSpellCheckerEnabled(true);
  if (platform === 'darwin') return { available: () => [], use: () => {} };
  // What Chromium picked from the OS language: the default whenever a conversation has no choice.
  const defaults = session.getSpellCheckerLanguages();
  let current = defaults;
  return {
    available: () => session.availableSpellCheckerLanguages,
    use(language) {
      const next = language === null ? defaults : [language];
      if (next.length === current.length && next.every((code, i) => code === current[i])) return;
      try {
        session.setSpellCheckerLanguages(next);
        current = next;
      } catch (error) {
        // Chromium throws for a language it has no dictionary for; keep checking as before.
        log?.warn('could not change the spell checking language', { error, language });
      }
    },
  };
}
