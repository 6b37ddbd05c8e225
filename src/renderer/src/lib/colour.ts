/**
 * XEP-0392 consistent colour generation: the same identifier gets the same colour here and in every
 * other client that follows it. The hue comes from the first two bytes of the SHA-1 of the UTF-8
 * identifier (little endian), the colour from HSLuv at saturation 100 and lightness 50, then it is
 * mixed with the inverted background (0.2 of it) so that it reads on that background.
 *
 * Synchronous (a row renders without waiting), so SHA-1 is computed here rather than by
 * crypto.subtle; results are cached per identifier.
 */

export type Rgb = readonly [number, number, number];

// The message schedule, reused: a roster's first scroll colours thousands of identifiers.
const schedule = new Uint32Array(80);

/**
 * SHA-1 of some bytes (only the digest's first bytes are used: a colour, not a security check).
 * Plain locals in the rounds: no arrays made per round, so a row's first colour stays cheap.
 */
export function sha1(bytes: Uint8Array): Uint8Array {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = schedule;
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const next = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  out.setUint32(0, h0);
  out.setUint32(4, h1);
  out.setUint32(8, h2);
  out.setUint32(12, h3);
  out.setUint32(16, h4);
  return digest;
}

/** The hue angle of an identifier, in degrees [0, 360). */
const encoder = new TextEncoder();

export function hueAngle(identifier: string): number {
  const digest = sha1(encoder.encode(identifier));
  return ((digest[0] + digest[1] * 256) / 65536) * 360;
}

// HSLuv to sRGB (the reference algorithm: CIE LCh(uv) with the chroma bounded to the sRGB gamut).
const M: readonly Rgb[] = [
  [3.240969941904521, -1.537383177570093, -0.498610760293],
  [-0.96924363628087, 1.87596750150772, 0.041555057407175],
  [0.055630079696993, -0.20397695888897, 1.056971514242878],
];
const REF_U = 0.19783000664283;
const REF_V = 0.46831999493879;
const KAPPA = 903.2962962;
const EPSILON = 0.0088564516;

function maxChroma(lightness: number, hueRadians: number): number {
  const sub1 = (lightness + 16) ** 3 / 1560896;
  const sub2 = sub1 > EPSILON ? sub1 : lightness / KAPPA;
  let shortest = Infinity;
  for (const [m1, m2, m3] of M) {
    for (const t of [0, 1]) {
      const top1 = (284517 * m1 - 94839 * m3) * sub2;
      const top2 = (838422 * m3 + 769860 * m2 + 731718 * m1) * lightness * sub2 - 769860 * t * lightness;
      const bottom = (632260 * m3 - 126452 * m2) * sub2 + 126452 * t;
      const length = top2 / bottom / (Math.sin(hueRadians) - (top1 / bottom) * Math.cos(hueRadians));
      if (length >= 0) shortest = Math.min(shortest, length);
    }
  }
  return shortest;
}

function fromLinear(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** HSLuv (hue in degrees, saturation and lightness 0–100) to sRGB channels in [0, 1]. */
export function hsluvToRgb(hue: number, saturation: number, lightness: number): Rgb {
  if (lightness > 99.9999999) return [1, 1, 1];
  if (lightness < 1e-8) return [0, 0, 0];
  const radians = (hue / 360) * 2 * Math.PI;
  const chroma = (maxChroma(lightness, radians) / 100) * saturation;
  const u = chroma * Math.cos(radians);
  const v = chroma * Math.sin(radians);
  const varU = u / (13 * lightness) + REF_U;
  const varV = v / (13 * lightness) + REF_V;
  const y = lightness <= 8 ? lightness / KAPPA : ((lightness + 16) / 116) ** 3;
  const x = -(9 * y * varU) / ((varU - 4) * varV - varU * varV);
  const z = (9 * y - 15 * varV * y - varV * x) / (3 * varV);
  const clamp = (c: number) => Math.min(1, Math.max(0, fromLinear(c)));
  const [r, g, b] = M.map(([m1, m2, m3]) => clamp(m1 * x + m2 * y + m3 * z));
  return [r, g, b];
}

/** The XEP's colour of an identifier (saturation 100, lightness 50). */
export function identifierRgb(identifier: string): Rgb {
  return hsluvToRgb(hueAngle(identifier), 100, 50);
}

/** Mixes the inverted background into a colour (0.2 of it) so that the colour reads on it. */
export function adaptToBackground([r, g, b]: Rgb, [br, bg, bb]: Rgb): Rgb {
  return [0.2 * (1 - br) + 0.8 * r, 0.2 * (1 - bg) + 0.8 * g, 0.2 * (1 - bb) + 0.8 * b];
}

/** A colour as CSS `rgb(r g b)` with 8-bit channels. */
export function cssRgb([r, g, b]: Rgb): string {
  const byte = (c: number) => Math.round(c * 255);
  return `rgb(${byte(r)} ${byte(g)} ${byte(b)})`;
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance(rgb: Rgb): number {
  const linear = rgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

/** WCAG contrast ratio of two colours. */
export function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The backgrounds generated colours are adapted to: the light theme's white and the dark theme's
 * surface (tokens.css). Text in a generated colour and white initials on it keep 4.5:1 on every
 * background of their theme (the colour unit test checks each hue). On the dark background the
 * XEP's lightness 50 stays under 4.5:1 for blue hues even adapted, so dark-theme names take the
 * same hue at DARK_LIGHTNESS.
 */
export const LIGHT_BACKGROUND: Rgb = [1, 1, 1];
export const DARK_BACKGROUND: Rgb = [0x1e / 255, 0x21 / 255, 0x26 / 255];
export const DARK_LIGHTNESS = 65;

export interface IdentityColours {
  /** Avatar fill behind white initials, and a name's colour in the light theme. */
  light: string;
  /** A name's colour in the dark theme. */
  dark: string;
}

const cache = new Map<string, IdentityColours>();
const CACHE_MAX = 20_000;

/** The colours of an identifier (a bare JID, or a room nick when the real JID is hidden). */
export function identityColours(identifier: string): IdentityColours {
  let colours = cache.get(identifier);
  if (!colours) {
    const hue = hueAngle(identifier);
    colours = {
      light: cssRgb(adaptToBackground(hsluvToRgb(hue, 100, 50), LIGHT_BACKGROUND)),
      dark: cssRgb(adaptToBackground(hsluvToRgb(hue, 100, DARK_LIGHTNESS), DARK_BACKGROUND)),
    };
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(identifier, colours);
  }
  return colours;
}
