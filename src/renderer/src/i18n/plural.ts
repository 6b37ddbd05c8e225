/**
 * Plural forms by Intl.PluralRules. A plural message lists one form per category the locale has, in
 * CLDR's order (zero, one, two, few, many, other): English "one | other", Russian
 * "one | few | many | other", French and Spanish "one | many | other" (many: a million and up).
 */
type PluralCategory = Intl.LDMLPluralRule;

const CLDR_ORDER: readonly PluralCategory[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** The categories a locale's messages list, in the order they list them. */
export function pluralCategories(locale: string): PluralCategory[] {
  const has = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  return CLDR_ORDER.filter((category) => has.includes(category));
}

/**
 * vue-i18n's plural rule for `locale`: which of a message's forms a count takes. A message with
 * another number of forms than the locale's categories (an ICU older than the catalog's) still reads
 * well: 'one' takes the first form and everything else the last ('other').
 */
export function pluralRule(locale: string): (choice: number, choicesLength: number) => number {
  const rules = new Intl.PluralRules(locale);
  const order = pluralCategories(locale);
  return (choice, choicesLength) => {
    const category = rules.select(Math.abs(choice));
    if (choicesLength === order.length) return order.indexOf(category);
    return category === 'one' || choicesLength === 1 ? 0 : choicesLength - 1;
  };
}
