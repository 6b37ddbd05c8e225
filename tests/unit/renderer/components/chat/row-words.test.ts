/**
 * Words message rows show again and again (components/chat/row-words.ts): worded once per language
 * (a jumped view mounts new rows every frame), and worded again when the language changes.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkTitle, rowWords } from '../../../../../src/renderer/src/components/chat/row-words';
import { i18n, t } from '../../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../../src/renderer/src/i18n/catalogs';

beforeAll(async () => {
  expect(await ensureCatalog('de')).toBe(true);
});

afterEach(() => {
  vi.restoreAllMocks();
  i18n.global.locale.value = 'en';
});

describe('rowWords', () => {
  it('words a message once per language, the same words as t()', () => {
    i18n.global.locale.value = 'en';
    const english = t('replies.actions.menu');
    const worded = vi.spyOn(i18n.global, 't');
    const first = rowWords('replies.actions.menu');
    for (let i = 0; i < 50; i++) expect(rowWords('replies.actions.menu')).toBe(first);
    expect(first).toBe(english);
    expect(worded.mock.calls.length).toBeLessThanOrEqual(1);
    // The spy sees every wording (so the count above means something).
    const before = worded.mock.calls.length;
    t('replies.actions.menu');
    expect(worded.mock.calls.length).toBe(before + 1);
  });

  it('words it again in a new language', () => {
    i18n.global.locale.value = 'en';
    const english = rowWords('chat.state.delivered');
    i18n.global.locale.value = 'de';
    const german = rowWords('chat.state.delivered');
    expect(german).toBe(t('chat.state.delivered'));
    expect(german).not.toBe(english);
    i18n.global.locale.value = 'en';
    expect(rowWords('chat.state.delivered')).toBe(english);
  });
});

describe('linkTitle', () => {
  it('words a link title once per address and language', () => {
    i18n.global.locale.value = 'en';
    const href = 'https://example.org/balcony';
    const expected = t('chat.message.open', { url: href });
    const worded = vi.spyOn(i18n.global, 't');
    for (let i = 0; i < 20; i++) expect(linkTitle(href)).toBe(expected);
    expect(linkTitle('https://example.org/other')).toBe(t('chat.message.open', { url: 'https://example.org/other' }));
    // One wording per address (the second t() above is the test's own).
    expect(worded.mock.calls.length).toBeLessThanOrEqual(3);
    i18n.global.locale.value = 'de';
    expect(linkTitle(href)).toBe(t('chat.message.open', { url: href }));
    expect(linkTitle(href)).not.toBe(expected);
  });

  it('keeps a bounded number of titles, each still right', () => {
    i18n.global.locale.value = 'en';
    for (let i = 0; i < 600; i++) {
      const href = `https://example.org/${i}`;
      expect(linkTitle(href)).toBe(t('chat.message.open', { url: href }));
    }
  });
});
