/**
 * A folding that makes names which look alike compare equal: a subscription request whose nick is
 * "Rоmeo" (Cyrillic о) or "Romeo\u200B" must be recognized as looking like our contact Romeo, so
 * the UI shows the real JID prominently (subscription request nicks, room nicks). Shared by
 * main and renderer.
 *
 * Not a full Unicode confusables table: compatibility forms (NFKC), case, invisible characters,
 * separators, and the Cyrillic/Greek letters and digits most used to imitate Latin names.
 */

// Zero-width and other invisible characters, bidi controls, and every kind of space or separator
// (invisible combining marks such as variation selectors are removed with the accents, as \p{Mn}).
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\s._\-·]|\u200D/gu;

const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Digits and Latin look-alikes
  '0': 'o', '1': 'l', '3': 'e', '5': 's', i: 'l', ı: 'l', ł: 'l',
}; // prettier-ignore

const CONFUSABLE_CHARS = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');

/** The skeleton of a name: equal skeletons look alike on screen. */
export function skeleton(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '') // accents: "Rómeo" looks like "Romeo" at a glance
    .replace(INVISIBLE, '')
    .replace(CONFUSABLE_CHARS, (c) => CONFUSABLES[c] ?? c)
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}
