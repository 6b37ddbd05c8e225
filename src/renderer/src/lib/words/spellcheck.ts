/** Spell checking commands' errors in words (spellcheck.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';

export function spellcheckErrorText(error: AppErrorOf<DomainReason<'spellcheck'>>): string {
  switch (error.reason) {
    case 'spellcheck.unavailable':
      return 'The spell checking language can be chosen only in the desktop app.';
    case 'spellcheck.noDictionary':
      return `There is no dictionary for ${error.params.language}.`;
  }
}
