/**
 * The fonts the roster column's first screen draws with, asked for before it is drawn. A fresh
 * renderer knows no font: each family × size × weight its first layout meets is looked up by a
 * synchronous round trip to the browser process (a family match, then the size's rendering style),
 * tens of them in the frame that paints the first rows. Measuring a text on a canvas in each of
 * these fonts fills the same cache ahead of time: main.ts does it once the snapshot is asked for,
 * while the core reads it. The sizes and weights are styles/tokens.css's (a unit test checks it);
 * a font missed here is only looked up in that frame, as before.
 */

/** --font-ui of styles/tokens.css. */
export const UI_FONT_STACK = 'system-ui, sans-serif';
/** --text-base of styles/tokens.css: what 1rem is. */
const ROOT_PX = 15;
/** --text-row, --text-row-small, --text-tag (rem) with the weights the roster column draws them in. */
export const FIRST_SCREEN_TYPE: readonly { rem: number; weights: readonly number[] }[] = [
  { rem: 0.9, weights: [400, 600] },
  { rem: 0.76, weights: [400, 600] },
  { rem: 0.68, weights: [600] },
];

/** The CSS `font` shorthands, e.g. "600 13.5px system-ui, sans-serif". */
export function firstScreenFonts(): string[] {
  return FIRST_SCREEN_TYPE.flatMap(({ rem, weights }) =>
    weights.map((weight) => `${weight} ${Math.round(rem * ROOT_PX * 100) / 100}px ${UI_FONT_STACK}`),
  );
}

/**
 * What each font measures: letters and digits, and a character no font has (one of the private use
 * area), which walks the whole fallback chain once — the generic families' fonts and the system's
 * last resort, at this size and weight — as the first name in a script the UI font lacks would in
 * the first frame.
 */
export const FONT_SAMPLE = 'Ag 0\ue000';

/** Looks up each font of the first screen now (a few ms); a no-op without a 2D canvas. */
export function prepareFirstScreenFonts(doc: Document = document): void {
  const context = doc.createElement('canvas').getContext('2d');
  if (!context) return;
  for (const font of firstScreenFonts()) {
    context.font = font;
    context.measureText(FONT_SAMPLE);
  }
}
