/**
 * The app:// protocol that serves the built renderer (out/renderer). A custom standard, secure
 * scheme instead of file:// (file pages may read any file); every response carries the CSP.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { STAGE_PATH } from '../../shared/media';
import type { MediaAccess } from '../core/media/serve';
import { CSP } from './csp';
import { MEDIA_HOST, mediaResponse, stageResponse } from './media-protocol';

export const APP_SCHEME = 'app';
export const APP_HOST = 'jabberwock';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges for protocol.registerSchemesAsPrivileged (must run before app ready). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  // V8 keeps the compiled renderer scripts between starts (off by default for custom schemes):
  // from the second start on, the first paint does not wait for them to be compiled again.
  codeCache: true,
} as const;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/**
 * The origin of a URL as "scheme://host[:port]", or null. Unlike URL.origin this also works for
 * our custom scheme (WHATWG gives non-special schemes the opaque origin "null").
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (!parsed.host) return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/**
 * Maps an app:// request URL to a file under `root`, or null when it names anything else
 * (another host, a path escaping root, an encoded separator or NUL).
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.posix.normalize(pathname)}`);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return file;
}

export function mimeTypeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

export interface AppProtocolOptions {
  /** The core's media (app://media/<id>) and staging (POST app://jabberwock/stage); null until it runs. */
  media?: () => MediaAccess | null;
}

/** Creates the protocol.handle handler for app:// serving files from `root`. */
export function createAppProtocolHandler(
  root: string,
  options: AppProtocolOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = URL.canParse(request.url) ? new URL(request.url) : null;
    if (url?.host === MEDIA_HOST) return mediaResponse(options.media?.() ?? null, request, url);
    if (url?.host === APP_HOST && url.pathname === STAGE_PATH) {
      return stageResponse(options.media?.() ?? null, request, url, APP_ORIGIN);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: SECURITY_HEADERS });
    }
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    try {
      const body = await fs.readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': mimeTypeOf(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    }
  };
}
