/** Spell checking commands' errors in words (spellcheck.*). */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

export function spellcheckErrorText(error: AppErrorOf<DomainReason<'spellcheck'>>): string {
  switch (error.reason) {
    case 'spellcheck.unavailable':
      return t('errors.spellcheck.unavailable');
    case 'spellcheck.noDictionary':
      return t('errors.spellcheck.noDictionary', { language: error.params.language });
  }
}
