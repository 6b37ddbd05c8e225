/**
 * File names that came from the network (an upload's URL, a sender's claim), made safe to create in
 * a folder on any of our platforms: only the last path component is kept, control, format and
 * direction-changing characters go (U+202E would show "photo‮gpj.exe" as "photoexe.jpg"), the
 * characters Windows forbids become "_", reserved device names (CON, NUL, COM1, …) get a prefix, no
 * leading or trailing dots or spaces, and the name fits in 255 bytes with room for " (n)".
 * `createUniqueFile` then opens it exclusively, never replacing an existing file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Bytes of UTF-8 a name may take (255 is the common limit; the rest is for " (999)" and a temporary suffix). */
const MAX_NAME_BYTES = 200;
const FALLBACK = 'download';
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width, BOM, soft
// hyphen, …), line and paragraph separators, and private-use or unassigned code points.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu;
// Forbidden on Windows (and "/" everywhere).
const FORBIDDEN = /[<>:"/\\|?*]/g;

/** A safe file name for `claimed` (which may be a path, a URL's last segment, or garbage). */
export function sanitizeFileName(claimed: string, fallback = FALLBACK): string {
  let name = claimed.normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(INVISIBLE, '').replace(FORBIDDEN, '_');
  name = name.replace(/\s+/g, ' ');
  name = name.replace(/^[\s.]+|[\s.]+$/g, '');
  if (!name) return fallback;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  // "CON.txt" and "con.tar.gz" are the device too: only the part before the first dot counts.
  if (WINDOWS_RESERVED.test(stem.split('.')[0].trim())) name = `_${name}`;
  return fitBytes(name, MAX_NAME_BYTES);
}

/** Cuts the stem (keeping a short extension) so the name takes at most `max` bytes of UTF-8. */
function fitBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = extension ? name.slice(0, dot) : name;
  const budget = max - Buffer.byteLength(extension);
  let cut = '';
  for (const char of stem) {
    if (Buffer.byteLength(cut + char) > budget) break;
    cut += char;
  }
  return `${cut.replace(/[\s.]+$/, '') || FALLBACK}${extension}`;
}

/** "name (n).ext" for the n-th alternative. */
function numbered(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** Case-insensitive file systems (Windows, macOS) see "A.txt" and "a.txt" as one: `wx` handles that. */
const MAX_ATTEMPTS = 1000;

/**
 * Creates a new, empty file for `claimed` in `folder` without replacing anything: "a.txt", then
 * "a (1).txt", "a (2).txt", …. Returns the open handle and the path, which is always inside `folder`.
 */
export async function createUniqueFile(
  folder: string,
  claimed: string,
): Promise<{ handle: fs.FileHandle; file: string; name: string }> {
  const base = sanitizeFileName(claimed);
  const root = path.resolve(folder);
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const name = numbered(base, n);
    const file = path.join(root, name);
    if (path.dirname(file) !== root) throw new Error('file name escapes the folder'); // cannot happen after sanitizing
    try {
      const handle = await fs.open(file, 'wx', 0o644);
      return { handle, file, name };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free file name for ${base} in the folder`);
}
