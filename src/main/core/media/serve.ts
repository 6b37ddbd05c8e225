/**
 * Serving media to the renderer, the same for both shells (the Electron protocol handler and the
 * bridge's HTTP route turn this into their own response type). Only ids the store handed out in this
 * run resolve; the type is the one read from the bytes, and the headers make sure nothing treats the
 * bytes as anything else: nosniff, a CSP that allows nothing and sandboxes a document, no referrer.
 * Single byte ranges are served, because video elements seek with them.
 */
import { MEDIA_ID_PATTERN } from '../../../shared/media';
import type { ResolvedMedia } from './store';

/** What a shell needs from the core to serve media and take files for upload. */
export interface MediaAccess {
  resolve(id: string): ResolvedMedia | null;
  /** Stages posted bytes for upload; answers the staged file's view (JSON-ready) or an error. */
  stage(name: string, body: AsyncIterable<Uint8Array>): Promise<StageAnswer>;
}

export type StageAnswer =
  | { ok: true; staged: { id: string; name: string; size: number } }
  | { ok: false; status: 400 | 413 | 500; message: string };

export interface MediaReply {
  status: number;
  headers: Record<string, string>;
  /** The byte range of the file to send (inclusive), when there is a body. */
  body: { file: string; start: number; end: number } | null;
}

/** Headers every media response carries, errors included. */
export const MEDIA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'private, max-age=3600',
};

const PLAIN = { ...MEDIA_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** The answer to `method` on media `id` with an optional Range header. */
export function mediaReply(
  media: Pick<MediaAccess, 'resolve'>,
  id: string,
  method: string,
  range?: string | null,
): MediaReply {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { ...PLAIN, Allow: 'GET, HEAD' }, body: null };
  }
  const found = MEDIA_ID_PATTERN.test(id) ? media.resolve(id) : null;
  if (!found) return { status: 404, headers: PLAIN, body: null };
  const headers: Record<string, string> = {
    ...MEDIA_SECURITY_HEADERS,
    'Content-Type': found.mime,
    'Accept-Ranges': 'bytes',
  };
  let start = 0;
  let end = found.size - 1;
  let status = 200;
  if (range) {
    const parsed = parseRange(range, found.size);
    if (!parsed) {
      return { status: 416, headers: { ...PLAIN, 'Content-Range': `bytes */${found.size}` }, body: null };
    }
    [start, end] = parsed;
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${found.size}`;
  }
  headers['Content-Length'] = String(end - start + 1);
  return { status, headers, body: method === 'HEAD' ? null : { file: found.file, start, end } };
}

/** One range of "bytes=a-b", "bytes=a-" or "bytes=-n" within `size`; null when unsatisfiable or several. */
export function parseRange(header: string, size: number): [number, number] | null {
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '') || size === 0) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return null;
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start > end || start >= size) return null;
  return [start, end];
}

/** The media id of a request path like "/<id>" (after the route's prefix), or null. */
export function mediaIdOf(pathname: string): string | null {
  const id = pathname.replace(/^\/+/, '');
  return MEDIA_ID_PATTERN.test(id) ? id : null;
}
