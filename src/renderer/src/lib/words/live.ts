/**
 * Words that follow the chosen language: each is a getter that looks its message up when it is read,
 * so a view shows the words of the language in force, not those of when the module was loaded.
 */
import { t, type MessageKey } from '../../i18n';

/** `keys`: each word's catalog message; `more`: the words that take parameters (or are made otherwise). */
export function liveWords<const Keys extends Readonly<Record<string, MessageKey>>, More extends object = object>(
  keys: Keys,
  more?: More,
): More & { readonly [Name in keyof Keys]: string } {
  const words = more ?? {};
  for (const [name, key] of Object.entries(keys)) {
    Object.defineProperty(words, name, { get: () => t(key), enumerable: true });
  }
  return words as More & { readonly [Name in keyof Keys]: string };
}
