/**
 * The words every contact row repeats, looked up once per language: a scroll composes rows for
 * thousands of contacts, and most of them say one of a handful of presence states.
 */
import type { DotState } from '../../lib/presence';
import { currentLocale } from '../../i18n';
import { showLabel } from '../presence/describe';

let language = '';
const words = new Map<DotState, { label: string; lower: string }>();

function wordsFor(show: DotState) {
  // Read reactively: whatever composes a row with these words follows a change of language.
  const locale = currentLocale();
  if (locale !== language) {
    words.clear();
    language = locale;
  }
  let found = words.get(show);
  if (!found) {
    const label = showLabel(show);
    found = { label, lower: label.toLocaleLowerCase(locale) };
    words.set(show, found);
  }
  return found;
}

/** "Away": the dot's tooltip. */
export function showWord(show: DotState): string {
  return wordsFor(show).label;
}

/** "away": the state inside a row's accessible name. */
export function showWordInSentence(show: DotState): string {
  return wordsFor(show).lower;
}
