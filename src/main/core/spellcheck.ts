/**
 * The composer's spell checking language, chosen per conversation and kept in the settings table.
 * The checker itself belongs to the shell (Electron's session), behind SpellcheckHost; without one
 * (the browser bridge, tests) there is nothing to choose and the browser checks as it likes.
 */
import type { ParsedInput, SpellcheckView } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import type { SettingsRepository } from './store/settings-repo';

export interface SpellcheckHost {
  /** Languages there are dictionaries for; empty when the OS picks the language by itself (macOS). */
  available(): string[];
  /** Checks in this language from now on; null goes back to the default languages. */
  use(language: string | null): void;
}

const KEY_PREFIX = 'spellcheck ';

export class SpellcheckService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly host: SpellcheckHost | undefined,
  ) {}

  /** The conversation's language, put to use because its composer is the one in front. */
  forConversation(input: ParsedInput<'spellcheck.forConversation'>): Result<SpellcheckView> {
    const available = this.available();
    const stored = this.settings.get<unknown>(keyOf(input.accountId, input.conversation), null);
    // A dictionary that is gone (uninstalled, another machine's settings) falls back to the default.
    const language = typeof stored === 'string' && available.includes(stored) ? stored : null;
    this.host?.use(language);
    return ok({ available, language });
  }

  setLanguage(input: ParsedInput<'spellcheck.setLanguage'>): Result<SpellcheckView> {
    const available = this.available();
    if (!this.host || available.length === 0) {
      return fail('invalid_input', 'spellcheck.unavailable');
    }
    if (input.language !== null && !available.includes(input.language)) {
      return fail('invalid_input', 'spellcheck.noDictionary', { language: input.language });
    }
    this.settings.set(keyOf(input.accountId, input.conversation), input.language);
    this.host.use(input.language);
    return ok({ available, language: input.language });
  }

  private available(): string[] {
    return this.host ? [...new Set(this.host.available())].sort() : [];
  }
}

function keyOf(accountId: string, conversation: string): string {
  return KEY_PREFIX + JSON.stringify([accountId, conversation]);
}
