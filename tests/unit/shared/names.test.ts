/** The one folding names sort by (shared/names.ts): case and accents fold, nothing else changes. */
import { describe, expect, it } from 'vitest';
import { sortKey } from '../../../src/shared/names';

describe('sortKey', () => {
  it.each([
    ['Alice', 'alice'],
    ['ZOË', 'zoe'],
    ['Ångström', 'angstrom'],
    ['Élodie Müller', 'elodie muller'],
    ['Ｆｕｌｌ', 'full'], // full-width letters are their compatibility forms
    ['ﬁne', 'fine'], // a ligature is its letters
    ['Дмитрий Йода', 'дмитрии иода'], // the breve of й is a mark too
    ['山田 太郎', '山田 太郎'],
    ['🙂 Bob', '🙂 bob'],
    ['team 007', 'team 007'],
    ['', ''],
  ])('folds %j to %j', (name, key) => {
    expect(sortKey(name)).toBe(key);
  });

  it('gives names that differ only in case or accents one key, and sorts the rest as plain strings', () => {
    expect(sortKey('resume')).toBe(sortKey('Résumé'));
    expect(sortKey('RESUME')).toBe(sortKey('résumé'));
    const names = ['bob', 'Émile', 'alice', 'Zoë', 'ángel'];
    expect(names.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))).toEqual(['alice', 'ángel', 'bob', 'Émile', 'Zoë']);
  });
});
