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
 * Linear in the text's length whatever it holds: the next closing directive of each kind is found
 * by a forward scan that never passes a character twice, each character is looked at once per
 * level, and quotes nest at most MAX_QUOTE_DEPTH deep (deeper ">" marks are text). Nothing is
 * allocated per character: a line with no directive and no link is one segment at once.
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

/** The directives' characters (`*`, `_`, `~`, `` ` ``) and the style each opens, by kind. */
const KIND_CODES = [0x2a, 0x5f, 0x7e, 0x60];
const STYLES: readonly SpanStyle[] = ['strong', 'emphasis', 'strike', 'code'];
/** A line that may hold a span or a link; any other is one plain segment. */
const MAYBE_STYLED = /[*_~`]|https?:\/\//iu;
const LINK_START = /https?:\/\//iu;
const WHITESPACE = /\s/u;

interface LinkRange {
  start: number;
  end: number;
  href: string;
  host: string;
}

function kindOf(code: number): number {
  return code === 0x2a ? 0 : code === 0x5f ? 1 : code === 0x7e ? 2 : code === 0x60 ? 3 : -1;
}

/** Whitespace as `\s` reads it; ASCII without a regular expression. */
function isSpaceAt(line: string, i: number): boolean {
  const code = line.charCodeAt(i);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return WHITESPACE.test(line[i]);
}

/** Whether position i is inside one of the ranges (sorted, not overlapping). */
function linkHolding(ranges: readonly LinkRange[], i: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (i < ranges[mid].start) hi = mid - 1;
    else if (i >= ranges[mid].end) lo = mid + 1;
    else return true;
  }
  return false;
}

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

/** The text of blocks that are one line of one unstyled segment without a link; otherwise null. */
export function plainText(blocks: readonly StyledBlock[]): string | null {
  if (blocks.length !== 1) return blocks.length === 0 ? '' : null;
  const block = blocks[0];
  if (block.type !== 'line' || block.segments.length > 1) return null;
  const segment = block.segments[0];
  if (!segment) return '';
  return segment.styles.length === 0 && !segment.link && !segment.directive ? segment.text : null;
}

/** One line's spans. */
export function parseSpans(line: string): StyledSegment[] {
  const n = line.length;
  // Most lines have no directive and no link: one plain segment, nothing else worked out.
  if (!MAYBE_STYLED.test(line)) return n === 0 ? [] : [{ text: line, styles: [] }];
  const links = LINK_START.test(line) ? splitLinks(line) : null;
  const linkRanges: LinkRange[] = [];
  if (links) {
    let at = 0;
    for (const piece of links) {
      if (piece.kind === 'link')
        linkRanges.push({ start: at, end: at + piece.text.length, href: piece.href, host: piece.host });
      at += piece.text.length;
    }
  }
  // Characters inside a link are never directives.
  const inLink = (i: number) => linkRanges.length > 0 && linkHolding(linkRanges, i);

  // The next closing directive of each kind at or after a position, found by scanning forward from
  // where the last search for that kind stopped: the walk asks for ever later positions, so each
  // kind's scan passes each character once (linear in the line, nothing allocated per character).
  const searchedFrom = [-1, -1, -1, -1];
  const found = [n, n, n, n];
  const nextClose = (k: number, from: number): number => {
    // No close in [searchedFrom, found): the last answer still holds for any position in between.
    if (searchedFrom[k] >= 0 && searchedFrom[k] <= from && from <= found[k]) return found[k];
    const code = KIND_CODES[k];
    let j = from;
    while (j < n && !(line.charCodeAt(j) === code && j > 0 && !isSpaceAt(line, j - 1) && !inLink(j))) j++;
    searchedFrom[k] = from;
    found[k] = j;
    return j;
  };

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
      const k = kindOf(line.charCodeAt(i));
      if (k < 0 || inLink(i)) continue;
      const style = STYLES[k];
      if (styles.includes(style)) continue;
      if (i !== from && !isSpaceAt(line, i - 1)) continue;
      if (i + 1 >= to || isSpaceAt(line, i + 1)) continue;
      const close = nextClose(k, i + 2);
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
