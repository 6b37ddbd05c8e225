#!/usr/bin/env node
/**
 * Draws the app icon and the tray icons into resources/ as PNG files, with nothing but node:zlib.
 * Each shape is a list of layers (topmost first); every pixel is sampled 4×4 times for smooth edges.
 * Run: node scripts/make-icons.mjs
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
const SUBSAMPLES = 4;

// ---------- PNG encoding ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** rgba: Uint8Array of width*height*4, non-premultiplied. */
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- drawing ----------

const hex = (value) => [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));

/**
 * layers: [{ inside(x, y) → boolean, color: [r,g,b] | (x, y) → [r,g,b] }], topmost first.
 * Coordinates are in pixels of the output image.
 */
function render(size, layers) {
  const rgba = new Uint8Array(size * size * 4);
  const n = SUBSAMPLES * SUBSAMPLES;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = px + (sx + 0.5) / SUBSAMPLES;
          const y = py + (sy + 0.5) / SUBSAMPLES;
          const layer = layers.find((l) => l.inside(x, y));
          if (!layer) continue;
          const c = typeof layer.color === 'function' ? layer.color(x, y) : layer.color;
          r += c[0];
          g += c[1];
          b += c[2];
          covered++;
        }
      }
      const i = (py * size + px) * 4;
      if (covered) {
        rgba[i] = Math.round(r / covered);
        rgba[i + 1] = Math.round(g / covered);
        rgba[i + 2] = Math.round(b / covered);
        rgba[i + 3] = Math.round((covered / n) * 255);
      }
    }
  }
  return rgba;
}

const circle = (cx, cy, radius) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= outer ** 2 && d >= inner ** 2;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundedRect = (x0, y0, x1, y1, radius) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const triangle = (ax, ay, bx, by, cx, cy) => (x, y) => {
  const s = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = s(ax, ay, bx, by);
  const d2 = s(bx, by, cx, cy);
  const d3 = s(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const union =
  (...shapes) =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

// ---------- tray icons (32×32): a status dot with a dark rim, readable on light and dark panels ----------

const WHITE = [255, 255, 255];
const TRAY = 32;
const C = TRAY / 2;

function statusDot(fill, rim, marks = []) {
  return [...marks, { inside: circle(C, C, 11.5), color: hex(fill) }, { inside: circle(C, C, 13.5), color: hex(rim) }];
}

const trayIcons = {
  available: statusDot('#22c55e', '#14532d'),
  // Free for chat: available green with a white centre, so it differs from plain available.
  chat: statusDot('#22c55e', '#14532d', [{ inside: circle(C, C, 4.5), color: WHITE }]),
  away: statusDot('#f59e0b', '#78350f'),
  // Extended away: amber-orange with a hollow centre.
  xa: statusDot('#ea580c', '#7c2d12', [{ inside: circle(C, C, 5), color: hex('#7c2d12') }]),
  // Do not disturb: red with a white bar.
  dnd: statusDot('#dc2626', '#7f1d1d', [{ inside: rect(C - 7, C - 2, C + 7, C + 2), color: WHITE }]),
  offline: [
    { inside: ring(C, C, 13.5, 8.5), color: hex('#6b7280') },
    { inside: circle(C, C, 8.5), color: hex('#d1d5db') },
  ],
  // Connecting: a blue ring with a gap (a spinner frame).
  connecting: [
    { inside: (x, y) => ring(C, C, 13.5, 8.5)(x, y) && !(x > C && y < C), color: hex('#3b82f6') },
    { inside: circle(C, C, 4), color: hex('#3b82f6') },
  ],
  // Error: dark red with a white exclamation mark.
  error: statusDot('#b91c1c', '#450a0a', [
    { inside: roundedRect(C - 1.75, C - 8, C + 1.75, C + 2.5, 1.5), color: WHITE },
    { inside: circle(C, C + 6.5, 2), color: WHITE },
  ]),
};

// ---------- app icon (512×512): a speech bubble with a presence dot on an indigo tile ----------

function appIcon() {
  const S = 512;
  const top = hex('#6366f1');
  const bottom = hex('#4338ca');
  const gradient = (_x, y) => top.map((t, i) => Math.round(t + ((bottom[i] - t) * y) / S));
  const ink = hex('#4338ca');
  const bubble = union(ellipse(248, 236, 150, 118), triangle(150, 300, 120, 400, 240, 340));
  return render(S, [
    { inside: circle(184, 236, 22), color: ink },
    { inside: circle(248, 236, 22), color: ink },
    { inside: circle(312, 236, 22), color: ink },
    { inside: circle(376, 350, 44), color: hex('#22c55e') },
    { inside: circle(376, 350, 60), color: gradient },
    { inside: bubble, color: WHITE },
    { inside: roundedRect(16, 16, 496, 496, 104), color: gradient },
  ]);
}

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'icon.png'), encodePng(512, 512, appIcon()));
for (const [status, layers] of Object.entries(trayIcons)) {
  writeFileSync(join(OUT, `tray-${status}.png`), encodePng(TRAY, TRAY, render(TRAY, layers)));
}
console.log(`wrote icon.png and ${Object.keys(trayIcons).length} tray icons to ${OUT}`);
