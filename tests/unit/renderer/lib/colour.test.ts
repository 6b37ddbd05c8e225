import { describe, expect, it } from 'vitest';
import {
  adaptToBackground,
  contrast,
  DARK_BACKGROUND,
  DARK_LIGHTNESS,
  hsluvToRgb,
  hueAngle,
  identifierRgb,
  identityColours,
  LIGHT_BACKGROUND,
  sha1,
} from '../../../../src/renderer/src/lib/colour';

/** XEP-0392 §Test Vectors, no colour vision deficiency correction: text, angle, r, g, b. */
const VECTORS: [string, number, number, number, number][] = [
  ['Romeo', 327.255249, 0.865, 0.0, 0.686],
  ['juliet@capulet.lit', 209.4104, 0.0, 0.515, 0.573],
  ['😺', 331.199341, 0.872, 0.0, 0.659],
  ['council', 359.994507, 0.918, 0.0, 0.394],
  ['Board', 171.430664, 0.0, 0.527, 0.457],
];

const hex = (value: string) =>
  [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255) as [number, number, number];
/** The backgrounds names and avatars sit on in each theme (tokens.css: bg, surface, surface-2, sidebar). */
const LIGHT_SURFACES = ['#ffffff', '#f4f5f7', '#eef0f3', '#e9ecf1'].map(hex);
const DARK_SURFACES = ['#15171b', '#1e2126', '#272b31', '#1a1c20'].map(hex);

describe('XEP-0392 consistent colours', () => {
  it('hashes with SHA-1', () => {
    const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(toHex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    // Two blocks of padding (56 bytes and more).
    expect(toHex(sha1(new TextEncoder().encode('a'.repeat(1000))))).toBe('291e9a6c66994949b57ba5e650361e98fc36b1ba');
  });

  it.each(VECTORS)('gives %s the angle and colour of the test vectors', (text, angle, r, g, b) => {
    expect(hueAngle(text)).toBeCloseTo(angle, 5);
    const [cr, cg, cb] = identifierRgb(text);
    expect(cr).toBeCloseTo(r, 3);
    expect(cg).toBeCloseTo(g, 3);
    expect(cb).toBeCloseTo(b, 3);
  });

  it('mixes a fifth of the inverted background in', () => {
    expect(adaptToBackground([1, 0, 0.5], [1, 1, 1])).toEqual([0.8, 0, 0.4]);
    expect(adaptToBackground([0, 0, 0], [0, 0, 0])).toEqual([0.2, 0.2, 0.2]);
  });

  it('keeps 4.5:1 for names and white initials on every hue in both themes', () => {
    let light = Infinity;
    let dark = Infinity;
    let initials = Infinity;
    for (let step = 0; step < 65536; step += 7) {
      const hue = (step / 65536) * 360;
      const onLight = adaptToBackground(hsluvToRgb(hue, 100, 50), LIGHT_BACKGROUND);
      const onDark = adaptToBackground(hsluvToRgb(hue, 100, DARK_LIGHTNESS), DARK_BACKGROUND);
      initials = Math.min(initials, contrast(onLight, [1, 1, 1]));
      for (const surface of LIGHT_SURFACES) light = Math.min(light, contrast(onLight, surface));
      for (const surface of DARK_SURFACES) dark = Math.min(dark, contrast(onDark, surface));
    }
    expect(initials).toBeGreaterThanOrEqual(4.5);
    expect(light).toBeGreaterThanOrEqual(4.5);
    expect(dark).toBeGreaterThanOrEqual(4.5);
  });

  it('gives the same identifier the same colours, as CSS', () => {
    const romeo = identityColours('Romeo');
    expect(identityColours('Romeo')).toBe(romeo);
    // 0.8 × the vector's channels on white.
    expect(romeo.light).toBe('rgb(177 0 140)');
    expect(romeo.dark).toMatch(/^rgb\(\d+ \d+ \d+\)$/);
    expect(identityColours('juliet@capulet.lit').light).not.toBe(romeo.light);
  });
});
