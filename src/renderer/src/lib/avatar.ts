/** What an avatar without a picture shows: initials on a colour of the person's own. */

/** Up to two letters for an avatar without a picture: the first letters of the first two words. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0] ?? '');
  return letters.join('').toLocaleUpperCase() || '?';
}

/**
 * A colour for someone without a picture, the same every time for the same address (XEP-0392's
 * idea: a hue from the identifier; here from a 32-bit FNV-1a hash, with fixed saturation and
 * lightness dark enough for white text at 4.5:1 on every hue).
 */
export function colourFor(jid: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jid.length; i++) {
    hash ^= jid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `hsl(${hash % 360} 55% 28%)`;
}
