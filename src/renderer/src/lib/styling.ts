/**
 * Message styling (XEP-0393) read into a plain model the view renders as text nodes, never HTML:
 * blocks (plain lines, preformatted blocks between ``` lines, quotes of lines starting with ">")
 * and, in a line, spans (*strong*, _emphasis_, ~strike~, `code`). The directives stay in the text
 * (marked as such, so the view can dim them), except a quote's ">" marks, which the quote shows.
 *
 * Span rules: an opening directive starts the line, follows whitespace or another opening directive,
 * and is not followed by whitespace; the closing one is the first of its kind after at least one
 * character that does not follow whitespace; spans stay in their line, do not nest in their own
 * kind, and nothing is styled inside `code`. Links (chat-text.ts) are found first and never cut.
 *
 * Linear in the text's length whatever it holds: the next closing directive of each kind is
 * precomputed per line, each character is looked at once per level, and quotes nest at most
 * MAX_QUOTE_DEPTH deep (deeper ">" marks are text).
 */
import { splitLinks } from './chat-text';

export type SpanStyle = 'strong' | 'emphasis' | 'strike' | 'code';

export interface StyledSegment {
  text: string;
  /** The styles this text is in, outermost first. */
  styles: SpanStyle[];
  /** A styling directive itself (shown, dimmed). */
  directive?: true;
  link?: { href: string; host: string };
}

export type StyledBlock =
  | { type: 'line'; segments: StyledSegment[] }
  | { type: 'pre'; open: string; lines: string[]; close: string | null }
  | { type: 'quote'; children: StyledBlock[] };

export const MAX_QUOTE_DEPTH = 8;

const DIRECTIVES: Readonly<Record<string, SpanStyle>> = { '*': 'strong', _: 'emphasis', '~': 'strike', '`': 'code' };
const KINDS = Object.keys(DIRECTIVES);
const WHITESPACE = /\s/u;

const isSpace = (c: string | undefined) => c !== undefined && WHITESPACE.test(c);

/** The message's blocks. */
export function parseStyling(text: string): StyledBlock[] {
  return parseBlocks(text.split('\n'), 0);
}

function parseBlocks(lines: string[], depth: number): StyledBlock[] {
  const blocks: StyledBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('```')) {
      // A preformatted block runs to a line of just ``` (or the end of its parent).
      let end = i + 1;
      while (end < lines.length && lines[end] !== '```') end++;
      blocks.push({
        type: 'pre',
        open: line,
        lines: lines.slice(i + 1, end),
        close: end < lines.length ? lines[end] : null,
      });
      i = end + 1;
    } else if (line.startsWith('>') && depth < MAX_QUOTE_DEPTH) {
      const inner: string[] = [];
      while (i < lines.length && lines[i].startsWith('>')) {
        const rest = lines[i].slice(1);
        inner.push(rest.startsWith(' ') ? rest.slice(1) : rest);
        i++;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner, depth + 1) });
    } else {
      blocks.push({ type: 'line', segments: parseSpans(line) });
      i++;
    }
  }
  return blocks;
}

/** One line's spans. */
export function parseSpans(line: string): StyledSegment[] {
  const n = line.length;
  const links = splitLinks(line);
  // Characters inside a link are never directives.
  const inLink = new Uint8Array(n);
  const linkRanges: { start: number; end: number; href: string; host: string }[] = [];
  let at = 0;
  for (const piece of links) {
    if (piece.kind === 'link') {
      inLink.fill(1, at, at + piece.text.length);
      linkRanges.push({ start: at, end: at + piece.text.length, href: piece.href, host: piece.host });
    }
    at += piece.text.length;
  }
  // nextClose[k][i]: the first position >= i that can close a span of kind k (n when none).
  const nextClose = KINDS.map((kind) => {
    const next = new Int32Array(n + 2).fill(n);
    for (let i = n - 1; i >= 0; i--) {
      const closes = line[i] === kind && i > 0 && !isSpace(line[i - 1]) && inLink[i] === 0;
      next[i] = closes ? i : next[i + 1];
    }
    return next;
  });

  const segments: StyledSegment[] = [];
  let linkIndex = 0;
  /** Adds [start, end) as text in `styles`, links as their own segments. Called left to right. */
  const text = (start: number, end: number, styles: SpanStyle[]) => {
    let from = start;
    while (linkIndex < linkRanges.length && linkRanges[linkIndex].start < end) {
      const link = linkRanges[linkIndex++];
      if (link.start > from) segments.push({ text: line.slice(from, link.start), styles });
      segments.push({ text: line.slice(link.start, link.end), styles, link: { href: link.href, host: link.host } });
      from = link.end;
    }
    if (end > from) segments.push({ text: line.slice(from, end), styles });
  };

  const walk = (from: number, to: number, styles: SpanStyle[]) => {
    let textStart = from;
    for (let i = from; i < to; i++) {
      const k = KINDS.indexOf(line[i]);
      if (k < 0 || inLink[i] === 1) continue;
      const style = DIRECTIVES[KINDS[k]];
      if (styles.includes(style)) continue;
      if (i !== from && !isSpace(line[i - 1])) continue;
      if (i + 1 >= to || isSpace(line[i + 1])) continue;
      const close = nextClose[k][i + 2];
      if (close >= to) continue;
      text(textStart, i, styles);
      const inner = [...styles, style];
      segments.push({ text: line[i], styles: inner, directive: true });
      if (style === 'code') text(i + 1, close, inner);
      else walk(i + 1, close, inner);
      segments.push({ text: line[close], styles: inner, directive: true });
      i = close;
      textStart = close + 1;
    }
    text(textStart, to, styles);
  };
  walk(0, n, []);
  return segments;
}
