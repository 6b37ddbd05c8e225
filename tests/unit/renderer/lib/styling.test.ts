/** Message styling (XEP-0393): the XEP's examples, links kept whole, hostile input. */
import { describe, expect, it } from 'vitest';
import {
  MAX_QUOTE_DEPTH,
  parseSpans,
  parseStyling,
  type StyledBlock,
  type StyledSegment,
} from '../../../../src/renderer/src/lib/styling';

/** A line written back with each styled run in brackets: "[strong:fully]". */
function show(segments: StyledSegment[]): string {
  return segments
    .map((s) => {
      if (s.directive) return s.text;
      if (s.link) return `<${s.text}>`;
      return s.styles.length === 0 ? s.text : `[${s.styles.join('+')}:${s.text}]`;
    })
    .join('');
}

const plain = (segments: StyledSegment[]) => segments.map((s) => s.text).join('');

/** Every character of the text back, quote marks aside. */
function textOf(blocks: StyledBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'line') return plain(block.segments);
      if (block.type === 'pre')
        return [block.open, ...block.lines, ...(block.close === null ? [] : [block.close])].join('\n');
      return textOf(block.children);
    })
    .join('\n');
}

describe('spans (XEP-0393 §6.2)', () => {
  it('styles the XEP examples', () => {
    expect(show(parseSpans('I am *fully* awake.'))).toBe('I am *[strong:fully]* awake.');
    expect(show(parseSpans('The full title is _Twenty Thousand Leagues Under the Sea_'))).toBe(
      'The full title is _[emphasis:Twenty Thousand Leagues Under the Sea]_',
    );
    expect(show(parseSpans('Everyone ~only~ a few want to be free.'))).toBe(
      'Everyone ~[strike:only]~ a few want to be free.',
    );
    expect(show(parseSpans('Use the `--bool` flag.'))).toBe('Use the `[code:--bool]` flag.');
  });

  it('keeps directives as text, marked, so nothing the sender wrote disappears', () => {
    const segments = parseSpans('*hi*');
    expect(segments).toEqual([
      { text: '*', styles: ['strong'], directive: true },
      { text: 'hi', styles: ['strong'] },
      { text: '*', styles: ['strong'], directive: true },
    ]);
  });

  it('styles nothing where the XEP says no', () => {
    for (const line of [
      '**', // no text between the directives
      '* list item', // whitespace after the opening directive
      '*invalid strong *', // whitespace before the closing directive
      'not*strong*here', // an opening directive must start the line or follow whitespace
      '*unclosed',
      '` `',
    ])
      expect(show(parseSpans(line)), line).toBe(line);
  });

  it('nests different styles, never the same style, and nothing inside code', () => {
    expect(show(parseSpans('*_both_*'))).toBe('*_[strong+emphasis:both]_*');
    expect(show(parseSpans('*a *b* c*'))).toBe('*[strong:a *b]* c*');
    expect(show(parseSpans('`*not strong*`'))).toBe('`[code:*not strong*]`');
    expect(show(parseSpans('~_gone_ too~'))).toBe('~_[strike+emphasis:gone]_[strike: too]~');
  });

  it('keeps a span in its line', () => {
    const blocks = parseStyling('*not\nstrong*');
    expect(blocks.map((b) => (b.type === 'line' ? show(b.segments) : b.type))).toEqual(['*not', 'strong*']);
  });

  it('never cuts a link: directives inside it are part of the address', () => {
    const segments = parseSpans('*see https://example.org/a_b_c*d and ~https://example.org/x~ too~');
    const links = segments.filter((s) => s.link);
    expect(links.map((s) => s.link!.href)).toEqual(['https://example.org/a_b_c*d', 'https://example.org/x~']);
    expect(plain(segments)).toBe('*see https://example.org/a_b_c*d and ~https://example.org/x~ too~');
    const styled = parseSpans('_look at https://example.org/page_ now');
    expect(show(styled)).toBe('_look at <https://example.org/page_> now');
    expect(show(parseSpans('*read https://example.org/ now*'))).toBe(
      '*[strong:read ]<https://example.org/>[strong: now]*',
    );
    expect(parseSpans('*read https://example.org/ now*').find((s) => s.link)?.styles).toEqual(['strong']);
  });

  it('reads whitespace as \\s does, beyond ASCII too (no-break and ideographic spaces, tabs)', () => {
    expect(show(parseSpans('a\u00a0*b*'))).toBe('a\u00a0*[strong:b]*');
    expect(show(parseSpans('a\t_b_'))).toBe('a\t_[emphasis:b]_');
    expect(show(parseSpans('*b\u3000*'))).toBe('*b\u3000*'); // whitespace before the closing directive
    expect(show(parseSpans('*\u2003b*'))).toBe('*\u2003b*'); // whitespace after the opening one
    expect(show(parseSpans('é*b*'))).toBe('é*b*'); // a letter beyond ASCII is not whitespace
  });

  it('gives a line with no directive one plain segment, and still finds its links in any case', () => {
    expect(parseSpans('just words, nothing styled')).toEqual([{ text: 'just words, nothing styled', styles: [] }]);
    expect(parseSpans('')).toEqual([]);
    const segments = parseSpans('see HTTPS://Example.org/x now');
    expect(segments.map((s) => s.text)).toEqual(['see ', 'HTTPS://Example.org/x', ' now']);
    expect(segments[1].link?.host).toBe('example.org');
  });

  it('closes each span at the first closing directive after it, with many openers left unclosed', () => {
    expect(show(parseSpans('*a *b _c ~d `e *f*'))).toBe('*[strong:a *b _c ~d `e *f]*');
    expect(show(parseSpans('_a_ _b_ *c* _d'))).toBe('_[emphasis:a]_ _[emphasis:b]_ *[strong:c]* _d');
  });
});

describe('blocks (XEP-0393 §6.1)', () => {
  it('reads a preformatted block to its closing line, unstyled', () => {
    const blocks = parseStyling('```ignored\n(println "Hello, *world*!")\n```\n\nThis should show up as the default');
    expect(blocks[0]).toEqual({
      type: 'pre',
      open: '```ignored',
      lines: ['(println "Hello, *world*!")'],
      close: '```',
    });
    expect(blocks.slice(1).map((b) => b.type)).toEqual(['line', 'line']);
  });

  it('runs an unclosed preformatted block to the end of the message', () => {
    expect(parseStyling('```\ncode\n*more*')).toEqual([
      { type: 'pre', open: '```', lines: ['code', '*more*'], close: null },
    ]);
  });

  it('reads quotes, nested, with their own blocks and spans', () => {
    const blocks = parseStyling('> That that is, *is*.\n> > Nested\nThe end');
    expect(blocks).toHaveLength(2);
    const quote = blocks[0] as Extract<StyledBlock, { type: 'quote' }>;
    expect(quote.type).toBe('quote');
    expect(show((quote.children[0] as Extract<StyledBlock, { type: 'line' }>).segments)).toBe(
      'That that is, *[strong:is]*.',
    );
    expect(quote.children[1].type).toBe('quote');
    expect(blocks[1]).toEqual({ type: 'line', segments: [{ text: 'The end', styles: [] }] });
  });

  it('ends a preformatted block inside a quote with the quote', () => {
    const blocks = parseStyling('> ```\n> code\nafter');
    expect(blocks[0]).toEqual({
      type: 'quote',
      children: [{ type: 'pre', open: '```', lines: ['code'], close: null }],
    });
  });
});

describe('hostile input', () => {
  it('loses no character of huge unbalanced input', () => {
    for (const text of [
      '*'.repeat(100_000),
      '*a '.repeat(40_000),
      '_*~`'.repeat(25_000),
      ' *x'.repeat(30_000) + '*',
      '`'.repeat(50_000) + 'a' + '`'.repeat(50_000),
      '```\n'.repeat(20_000),
    ]) {
      expect(textOf(parseStyling(text))).toBe(text);
    }
  });

  it('styles a huge balanced line in one span', () => {
    const inner = 'word '.repeat(20_000) + 'end';
    const segments = parseSpans(`*${inner}*`);
    expect(segments).toHaveLength(3);
    expect(segments[1]).toEqual({ text: inner, styles: ['strong'] });
  });

  it('nests quotes only so deep; deeper marks are text', () => {
    const text = '>'.repeat(10_000) + ' deep';
    let blocks = parseStyling(text);
    for (let depth = 0; depth < MAX_QUOTE_DEPTH; depth++) {
      expect(blocks).toHaveLength(1);
      expect(blocks[0].type).toBe('quote');
      blocks = (blocks[0] as Extract<StyledBlock, { type: 'quote' }>).children;
    }
    expect(blocks[0].type).toBe('line');
    expect(plain((blocks[0] as Extract<StyledBlock, { type: 'line' }>).segments)).toBe(
      '>'.repeat(10_000 - MAX_QUOTE_DEPTH) + ' deep',
    );
  });

  it('makes no markup of markup: angle brackets stay text', () => {
    expect(show(parseSpans('*<img src=x onerror=alert(1)>*'))).toBe('*[strong:<img src=x onerror=alert(1)>]*');
  });
});
