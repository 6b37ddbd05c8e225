/** Text cut to a length for display: names and lines on screen, tooltips. */

/** Longest text kept for display and sorting; the rest is cut (CSS ellipsis does the visual part). */
export const DISPLAY_MAX = 256;
/** Longest text put in a tooltip. */
export const TITLE_MAX = 512;

/** Cuts text to max UTF-16 units without splitting a surrogate pair. */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
