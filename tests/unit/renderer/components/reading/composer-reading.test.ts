/** The composer's quotes (XEP-0393 quote lines) and plain-text paste. */
import { describe, expect, it } from 'vitest';
import { plainPaste, quoted } from '../../../../../src/renderer/src/components/reading/composer-reading';
import { findEmoji } from '../../../../../src/renderer/src/components/reading/emoji';
import { parseStyling } from '../../../../../src/renderer/src/lib/styling';

describe('quoting', () => {
  it('puts every line behind "> ", a quoted line one level deeper', () => {
    expect(quoted('one\n> two\n')).toBe('> one\n>> two\n> ');
  });

  it('is read back as a quote holding the original', () => {
    const blocks = parseStyling(quoted('first *line*\nsecond'));
    expect(blocks).toHaveLength(1);
    expect(blocks[0].type).toBe('quote');
  });
});

describe('plain paste', () => {
  it('makes line endings \\n and drops control characters other than tab and newline', () => {
    expect(plainPaste('a\r\nb\rc\u0000d\u001be\tf\u007f')).toBe('a\nb\ncde\tf');
  });
});

describe('emoji search', () => {
  it('finds by the start of a word, every emoji for nothing typed', () => {
    expect(findEmoji('thumbs').map((e) => e.emoji)).toEqual(['👍', '👎']);
    expect(findEmoji('  ').length).toBeGreaterThan(40);
    expect(findEmoji('zzz')).toEqual([]);
  });
});
