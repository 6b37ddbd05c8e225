/** How names compare: the one folding the renderer's lists and the core's first roster screen sort by. */

/** Any character outside ASCII (where folding can change more than case). */
const NOT_ASCII = /[\u0080-\uffff]/;

/**
 * The key names sort by: case and accents folded once per entry, so sorting compares plain strings.
 * (Intl.Collator is more exact but several times slower, and a 10,000-item sort is on the first-paint path.)
 */
export function sortKey(text: string): string {
  // ASCII is its own NFKD form and has no combining marks: only the case to fold.
  if (!NOT_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
