/** The presence history's words follow the UI's language, with its plural forms. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { i18n } from '../../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../../src/renderer/src/i18n/catalogs';
import { retentionWord, SPAN_WORDS, trackLabel } from '../../../../../src/renderer/src/lib/words/timeline';

beforeAll(async () => {
  for (const locale of ['de', 'ru']) expect(await ensureCatalog(locale)).toBe(true);
});
afterEach(() => (i18n.global.locale.value = 'en'));

describe('timeline words', () => {
  it('speak German and Russian, plurals by category', () => {
    i18n.global.locale.value = 'de';
    expect(SPAN_WORDS.week).toBe('Letzte Woche');
    expect(trackLabel('Gajim', 1, 30 * 60_000, 'day')).toBe('Gajim: am letzten Tag 30 Min. online, ein Zustand');
    i18n.global.locale.value = 'ru';
    expect(retentionWord(7)).toBe('7 дней');
    expect(trackLabel('Gajim', 3, 60 * 60_000, 'week')).toBe('Gajim: в сети 1 ч за последнюю неделю, 3 состояния');
  });
});
