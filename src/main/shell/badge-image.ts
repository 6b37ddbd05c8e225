/**
 * The unread badge Windows lays over the taskbar button: a red disc with the count in white, drawn
 * into a raw bitmap so no image library or canvas is needed in the main process. Pure: no Electron.
 */
import type { ShellWords } from './words';

/** Pixels per side: the overlay is 16 × 16 logical pixels, drawn at twice that for sharp HiDPI. */
export const BADGE_SIZE = 32;
export const BADGE_SCALE_FACTOR = 2;

const DISC = { r: 0xd9, g: 0x30, b: 0x25 };
const INK = { r: 0xff, g: 0xff, b: 0xff };

/** 3 × 5 glyphs, one string per row, '#' for ink. */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '###', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '..#', '..#'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

/** What the badge says: nothing for 0, the count up to 9, then "9+" (a 16-pixel disc holds two glyphs). */
export function badgeText(count: number): string {
  if (!Number.isFinite(count) || count < 1) return '';
  return count > 9 ? '9+' : String(Math.floor(count));
}

/** Sighted users see the number; screen readers hear this. */
export function badgeDescription(count: number, words: ShellWords): string {
  return words.count('badge.unread', count);
}

/**
 * The badge for `count` as BGRA pixels with premultiplied alpha, row by row (what
 * nativeImage.createFromBitmap takes); null when there is nothing to show.
 */
export function drawUnreadBadge(count: number): Buffer | null {
  const text = badgeText(count);
  if (text === '') return null;
  const size = BADGE_SIZE;
  const pixels = Buffer.alloc(size * size * 4);
  const put = (x: number, y: number, color: { r: number; g: number; b: number }, alpha: number) => {
    const i = (y * size + x) * 4;
    pixels[i] = Math.round((color.b * alpha) / 255);
    pixels[i + 1] = Math.round((color.g * alpha) / 255);
    pixels[i + 2] = Math.round((color.r * alpha) / 255);
    pixels[i + 3] = alpha;
  };

  // The disc, its edge smoothed by counting 4 × 4 samples per pixel.
  const radius = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let inside = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const dx = x + (sx + 0.5) / 4 - radius;
          const dy = y + (sy + 0.5) / 4 - radius;
          if (dx * dx + dy * dy <= radius * radius) inside++;
        }
      }
      if (inside > 0) put(x, y, DISC, Math.round((inside / 16) * 255));
    }
  }

  // The text, centred: one glyph large, two glyphs smaller, one glyph-pixel apart.
  const scale = text.length === 1 ? 4 : 3;
  const width = (text.length * 3 + (text.length - 1)) * scale;
  const height = 5 * scale;
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - height) / 2);
  [...text].forEach((char, index) => {
    const glyph = GLYPHS[char];
    const glyphLeft = left + index * 4 * scale;
    glyph.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let py = 0; py < scale; py++) {
          for (let px = 0; px < scale; px++) put(glyphLeft + gx * scale + px, top + gy * scale + py, INK, 255);
        }
      });
    });
  });
  return pixels;
}
