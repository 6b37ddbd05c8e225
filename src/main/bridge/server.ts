/**
 * The browser bridge: serves the built renderer over HTTP and the contract over a WebSocket, on
 * 127.0.0.1 only, for UI development and end-to-end tests. Plain Node; never imports electron.
 *
 * Every request must carry the per-run token: the first page load has it in `?token=`, which sets
 * an HttpOnly SameSite=Strict cookie so the page's assets and WebSocket carry it too. The WebSocket
 * additionally demands our own Origin, so another local page that learned the port cannot drive it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { EventBatch } from '../../shared/contract';
import { fail, type Result } from '../../shared/result';
import type { MessengerApi } from '../core/messenger-api';
import { mimeTypeOf } from '../shell/app-protocol';
import { buildCsp } from '../shell/csp';
import { BRIDGE_MEDIA_PATH, STAGE_PATH } from '../../shared/media';
import { serveMedia, stageUpload } from './media-routes';

export interface BridgeOptions {
  messenger: MessengerApi;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: '127.0.0.1';
}

export interface Bridge {
  /** http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** What the renderer sends over the WebSocket. */
export interface BridgeRequest {
  id: number | string;
  command: string;
  input: unknown;
}

/** What the bridge sends back: a reply to one request, or a batch of events. */
export type BridgeMessage = { id: number | string; result: Result<unknown> } | { events: EventBatch };

export const BRIDGE_PATH = '/bridge';
const MAX_PAYLOAD = 1024 * 1024;
const MAX_ID_LENGTH = 64;

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The browser bridge listens on 127.0.0.1 only.');
  const token = randomBytes(32).toString('hex');
  const rendererDir = await fs.promises.realpath(path.resolve(options.rendererDir));
  const { messenger } = options;

  // Filled in once listening: the port is needed for the Host/Origin checks, the CSP and the cookie name.
  let port = 0;
  const cookieName = () => `jabberwock_token_${port}`;
  const ownOrigin = () => `http://${host}:${port}`;

  const hasToken = (req: http.IncomingMessage, url: URL): { ok: boolean; fromQuery: boolean } => {
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && sameSecret(fromQuery, token)) return { ok: true, fromQuery: true };
    const fromCookie = readCookie(req.headers.cookie, cookieName());
    return { ok: fromCookie !== undefined && sameSecret(fromCookie, token), fromQuery: false };
  };

  // A DNS-rebinding page reaches us under its own host name; only our literal address is accepted.
  const hostIsOurs = (req: http.IncomingMessage) => req.headers.host === `${host}:${port}`;

  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': buildCsp({ connectSrc: [`ws://${host}:${port}`] }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });

  const reply = (res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = parseRequestUrl(req.url);
    if (!url || !hostIsOurs(req)) return reply(res, 403, 'Forbidden');
    const auth = hasToken(req, url);
    if (!auth.ok) return reply(res, 403, 'Forbidden: open the URL printed by `npm run web`, with its token.');
    if (url.pathname.startsWith(`${BRIDGE_MEDIA_PATH}/`)) {
      return serveMedia(req, res, messenger.mediaAccess, url.pathname.slice(BRIDGE_MEDIA_PATH.length));
    }
    if (url.pathname === STAGE_PATH) return stageUpload(req, res, messenger.mediaAccess, url, ownOrigin());
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reply(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });

    // Read in the request's own turn: an asynchronous read takes several turns, and each waits behind
    // whatever the core runs meanwhile — the page's main script came after the first snapshot's reading.
    const file = resolveFile(rendererDir, url.pathname);
    if (!file) return reply(res, 404, 'Not found');
    const body = fs.readFileSync(file);
    const headers: Record<string, string> = {
      ...securityHeaders(),
      'Content-Type': mimeTypeOf(file),
      'Content-Length': String(body.length),
    };
    if (auth.fromQuery) {
      headers['Set-Cookie'] = `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const url = parseRequestUrl(req.url);
    const allowed =
      url !== null &&
      url.pathname === BRIDGE_PATH &&
      hostIsOurs(req) &&
      req.headers.origin === ownOrigin() &&
      hasToken(req, url).ok;
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    // Encoded once here: a string would be measured (one pass over it) and then encoded (another).
    const send = (message: BridgeMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(message)), { binary: false });
    };
    const unsubscribe = messenger.subscribe((batch) => send({ events: batch }));
    ws.on('close', unsubscribe);
    // Oversized frames and protocol errors arrive here; ws closes the socket itself.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const request = isBinary ? null : parseRequest(data);
      if (!request) {
        ws.close(1007, 'Malformed message');
        return;
      }
      // Each request in a task of its own: frames that came in one read would otherwise all run their
      // (synchronous) handlers before the first answer is sent, and the window's first screen would
      // wait for the whole snapshot asked right after it.
      setImmediate(() => {
        messenger
          .invoke(request.command, request.input)
          .catch((): Result<unknown> => fail('internal', 'app.bridgeFailed'))
          .then((result) => send({ id: request.id, result }))
          .catch(() => {}); // the socket went away meanwhile
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${ownOrigin()}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function parseRequestUrl(raw: string | undefined): URL | null {
  if (!raw || !raw.startsWith('/')) return null;
  try {
    return new URL(raw, 'http://bridge.invalid');
  } catch {
    return null;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Maps a URL path to a regular file inside `root`, or null (traversal, symlinks out, directories, missing). */
function resolveFile(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = path.resolve(root, relative);
  if (!isInside(root, candidate)) return null;
  try {
    const real = fs.realpathSync(candidate);
    if (!isInside(root, real)) return null;
    const stat = fs.statSync(real);
    return stat.isFile() ? real : null;
  } catch {
    return null;
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate.startsWith(root + path.sep);
}

function parseRequest(data: RawData): BridgeRequest | null {
  let value: unknown;
  try {
    const text = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    value = JSON.parse(text.toString('utf8'));
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { id, command, input } = value as Record<string, unknown>;
  const idOk =
    (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length <= MAX_ID_LENGTH);
  if (!idOk || typeof command !== 'string') return null;
  return { id: id as number | string, command, input };
}
