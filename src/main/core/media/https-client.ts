/**
 * The one HTTP client of the core, for uploads, downloads and media: HTTPS only, with certificate
 * checks always on (an extra CA is trusted on top of Node's store when given, the way sessions trust
 * one), streaming both ways, bounded, cancellable.
 *
 * - Only `https:` URLs without credentials; a redirect is followed (GET and HEAD, at most three)
 *   only to another `https:` URL; a PUT is never redirected (its body and headers would follow).
 * - A response body is capped: refused before reading when its Content-Length is over the cap, and
 *   cut off when more arrives than the cap, the announced length or the size we expect; a body that
 *   ends short of its announced length is an error too.
 * - No compression is asked for (sizes stay the sizes on the wire), response headers are capped at
 *   16 KiB, and a connection that goes quiet for `idleTimeoutMs` is dropped.
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import tls from 'node:tls';
import { Transform, type Readable } from 'node:stream';
import type { HttpParams, HttpReason } from '../../../shared/errors';

export type HttpErrorCode =
  /** Not an https: URL (or one with credentials in it). */
  | 'insecure-url'
  /** Redirected to something that is not https:, too often, or at all (PUT). */
  | 'redirect'
  /** The server answered with an error status (`status` param). */
  | 'status'
  /** More bytes than allowed (`size`, `limit` params). */
  | 'too-large'
  /** Fewer bytes than announced. */
  | 'truncated'
  | 'timeout'
  | 'cancelled'
  | 'network';

const HTTP_REASONS: Record<HttpErrorCode, HttpReason> = {
  'insecure-url': 'http.insecureUrl',
  redirect: 'http.redirect',
  status: 'http.status',
  'too-large': 'http.tooLarge',
  truncated: 'http.truncated',
  timeout: 'http.timeout',
  cancelled: 'http.cancelled',
  network: 'http.network',
};

/** The error reason the renderer words for what the HTTPS transfer said. */
export function httpReason(error: HttpError): HttpReason {
  return HTTP_REASONS[error.code];
}

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly params: HttpParams = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpsClientOptions {
  /** Extra CA to trust besides Node's store (tests). Production passes nothing. */
  ca?: string;
  /** Default 30 s without a byte either way. */
  idleTimeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Called with the bytes sent (PUT) or received (GET) so far. */
  onProgress?: (bytes: number) => void;
}

export interface GetOptions extends RequestOptions {
  /** Hard cap on the body. */
  maxBytes: number;
  /** The size the body must have (e.g. announced in the message); more is cut off, less is an error. */
  expectedSize?: number;
}

export interface HeadResult {
  /** Content-Length, when the server said. */
  size: number | null;
  /** Content-Type as the server claims it (only a hint: previews take the type from the bytes). */
  type: string | null;
}

export interface GetResult extends HeadResult {
  /** The body, already bounded; consume it or destroy it. */
  body: Readable;
}

export interface PutOptions extends RequestOptions {
  /** A fresh stream of the file, for each attempt. */
  body: () => Readable;
  size: number;
  contentType: string;
  /** Headers the upload slot named (already filtered to the ones XEP-0363 allows). */
  headers?: Record<string, string>;
}

const MAX_REDIRECTS = 3;
const MAX_URL_LENGTH = 8192;
const MAX_HEADER_BYTES = 16 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URL when it is one we may fetch: https:, no credentials, a host. */
export function parseHttpsUrl(text: string): URL | null {
  if (text.length > MAX_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) return null;
  return url;
}

export class HttpsClient {
  private readonly agent: https.Agent;
  private readonly idleTimeoutMs: number;

  constructor(options: HttpsClientOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    // Built once: parsing Node's whole root store takes tens of milliseconds of main-thread time.
    const secureContext = options.ca
      ? tls.createSecureContext({ ca: [...tls.rootCertificates, options.ca] })
      : undefined;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8, ...(secureContext ? { secureContext } : {}) });
  }

  async head(url: string, options: RequestOptions = {}): Promise<HeadResult> {
    const response = await this.follow('HEAD', url, options);
    response.resume();
    return { size: contentLength(response), type: contentType(response) };
  }

  async get(url: string, options: GetOptions): Promise<GetResult> {
    const response = await this.follow('GET', url, options);
    const announced = contentLength(response);
    const limit = Math.min(options.maxBytes, options.expectedSize ?? Infinity, announced ?? Infinity);
    if (announced !== null && (announced > options.maxBytes || announced > (options.expectedSize ?? Infinity))) {
      response.destroy();
      throw new HttpError('too-large', 'The file is larger than allowed.', {
        size: announced,
        limit: Math.min(options.maxBytes, options.expectedSize ?? Infinity),
      });
    }
    let received = 0;
    const bounded = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > limit) {
          done(new HttpError('too-large', 'The server sent more than it announced or than allowed.', { limit }));
          return;
        }
        options.onProgress?.(received);
        done(null, chunk);
      },
      flush(done) {
        const short = (announced !== null && received < announced) || received < (options.expectedSize ?? 0);
        done(short ? new HttpError('truncated', 'The download ended early.', { size: received }) : null);
      },
    });
    // The body only ends well when the response completed; an aborted one is an error, not an end.
    response.on('aborted', () =>
      bounded.destroy(
        options.signal?.aborted
          ? new HttpError('cancelled', 'Cancelled.')
          : new HttpError('network', 'The connection dropped.'),
      ),
    );
    response.on('error', (error) => bounded.destroy(asHttpError(error, options.signal)));
    bounded.on('close', () => response.destroy());
    response.pipe(bounded);
    return { size: announced, type: contentType(response), body: bounded };
  }

  /** Uploads the body; resolves on a 2xx answer. */
  async put(url: string, options: PutOptions): Promise<void> {
    const target = parseHttpsUrl(url);
    if (!target) throw new HttpError('insecure-url', 'Only https: addresses are allowed.');
    const headers: Record<string, string | number> = {
      ...options.headers,
      'Content-Type': options.contentType,
      'Content-Length': options.size,
    };
    const response = await this.send('PUT', target, headers, options, options.body());
    response.resume();
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) throw new HttpError('redirect', 'The upload was redirected.', { status });
    if (status < 200 || status > 299) throw new HttpError('status', `The server answered ${status}.`, { status });
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET or HEAD, following https: redirects only; resolves with a 2xx response. */
  private async follow(method: 'GET' | 'HEAD', url: string, options: RequestOptions): Promise<IncomingMessage> {
    let target = parseHttpsUrl(url);
    if (!target) throw new HttpError('insecure-url', 'Only https: addresses are allowed.');
    for (let redirects = 0; ; redirects++) {
      const response = await this.send(method, target, { 'Accept-Encoding': 'identity' }, options, null);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status <= 299) return response;
      response.resume();
      if (!REDIRECTS.has(status)) throw new HttpError('status', `The server answered ${status}.`, { status });
      const location = response.headers.location;
      let next: URL | null = null;
      try {
        next = location ? parseHttpsUrl(new URL(location, target).toString()) : null;
      } catch {
        next = null;
      }
      if (!next) throw new HttpError('redirect', 'Redirected to an address that is not https:.', { status });
      if (redirects + 1 > MAX_REDIRECTS) throw new HttpError('redirect', 'Redirected too often.', { status });
      target = next;
    }
  }

  private send(
    method: string,
    url: URL,
    headers: Record<string, string | number>,
    options: RequestOptions,
    body: Readable | null,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        body?.destroy();
        reject(new HttpError('cancelled', 'Cancelled.'));
        return;
      }
      let request: ReturnType<typeof https.request>;
      try {
        request = https.request(url, {
          method,
          agent: this.agent,
          headers,
          maxHeaderSize: MAX_HEADER_BYTES,
          timeout: this.idleTimeoutMs,
        });
      } catch (error) {
        body?.destroy();
        reject(new HttpError('network', `The request could not be made: ${(error as Error).message}`));
        return;
      }
      const onAbort = () => request.destroy(new HttpError('cancelled', 'Cancelled.'));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('close', () => signal?.removeEventListener('abort', onAbort));
      request.on('timeout', () => request.destroy(new HttpError('timeout', 'The server stopped answering.')));
      request.on('error', (error) => {
        body?.destroy();
        reject(asHttpError(error, signal));
      });
      request.on('response', (response) => {
        // A cancel after the headers still has to end the body.
        const onAbortBody = () => response.destroy(new HttpError('cancelled', 'Cancelled.'));
        signal?.addEventListener('abort', onAbortBody, { once: true });
        response.on('close', () => signal?.removeEventListener('abort', onAbortBody));
        resolve(response);
      });
      if (!body) {
        request.end();
        return;
      }
      let sent = 0;
      body.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        options.onProgress?.(sent);
      });
      body.on('error', (error) =>
        request.destroy(new HttpError('network', `The file could not be read: ${error.message}`)),
      );
      body.pipe(request);
    });
  }
}

function contentLength(response: IncomingMessage): number | null {
  const value = response.headers['content-length'];
  if (value === undefined || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

function contentType(response: IncomingMessage): string | null {
  const value = response.headers['content-type'];
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

function asHttpError(error: unknown, signal?: AbortSignal): HttpError {
  if (error instanceof HttpError) return error;
  if (signal?.aborted) return new HttpError('cancelled', 'Cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError('network', message);
}
