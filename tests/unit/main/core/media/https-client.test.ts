/**
 * The core's HTTPS client against a scripted HTTPS server with a test CA: https only, redirects only
 * to https, bodies bounded by the cap and the announced size, cancel, timeouts, and PUT with exactly
 * the headers given.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError, HttpsClient, parseHttpsUrl } from '../../../../../src/main/core/media/https-client';
import { startScriptedHttps, type ScriptedHttps } from '../../../../support/https-server';

let server: ScriptedHttps;
let client: HttpsClient;

beforeAll(async () => {
  server = await startScriptedHttps();
  client = new HttpsClient({ ca: server.caPem, idleTimeoutMs: 2000 });
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('HTTPS client', () => {
  it('accepts only https: URLs without credentials', () => {
    expect(parseHttpsUrl('https://up.example/a')?.hostname).toBe('up.example');
    for (const bad of [
      'http://up.example/a',
      'file:///etc/passwd',
      'aesgcm://up.example/a#key',
      'xmpp:a@b',
      'https://user:pw@up.example/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(parseHttpsUrl(bad), bad).toBeNull();
    }
  });

  it('downloads with progress, trusting the given CA (and only with it)', async () => {
    const body = Buffer.alloc(300_000, 7);
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': body.length });
      res.end(body);
    };
    const progress: number[] = [];
    const result = await client.get(`${server.origin}/file`, { maxBytes: 1e6, onProgress: (n) => progress.push(n) });
    expect(result.size).toBe(body.length);
    expect(result.type).toBe('image/png');
    expect(await read(result.body)).toEqual(body);
    expect(progress.at(-1)).toBe(body.length);
    expect(server.requests[0].headers['accept-encoding']).toBe('identity');

    const untrusting = new HttpsClient();
    const error = await failure(untrusting.get(`${server.origin}/file`, { maxBytes: 1e6 }));
    untrusting.close();
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/certificate/i);
  });

  it('refuses http:, file: and custom schemes without making a request', async () => {
    for (const url of [`${server.plainOrigin}/x`, 'file:///etc/passwd', 'aesgcm://127.0.0.1/x']) {
      expect((await failure(client.get(url, { maxBytes: 10 }))).code).toBe('insecure-url');
      expect((await failure(client.head(url))).code).toBe('insecure-url');
      const put = client.put(url, {
        body: () => Readable.from([Buffer.from('x')]),
        size: 1,
        contentType: 'text/plain',
      });
      expect((await failure(put)).code).toBe('insecure-url');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('follows a redirect to https:, never one to http: or file:, and not forever', async () => {
    server.handle = (req, res) => {
      const to: Record<string, string> = {
        '/to-https': `${server.origin}/final`,
        '/to-http': `${server.plainOrigin}/final`,
        '/to-file': 'file:///etc/passwd',
        '/relative': '/final',
        '/loop': '/loop',
      };
      if (req.url === '/final') {
        res.writeHead(200, { 'Content-Length': 2 });
        res.end('ok');
        return;
      }
      res.writeHead(302, { Location: to[req.url ?? ''] ?? '/' });
      res.end();
    };
    expect((await read((await client.get(`${server.origin}/to-https`, { maxBytes: 10 })).body)).toString()).toBe('ok');
    expect((await read((await client.get(`${server.origin}/relative`, { maxBytes: 10 })).body)).toString()).toBe('ok');
    server.requests.length = 0;
    expect((await failure(client.get(`${server.origin}/to-http`, { maxBytes: 10 }))).code).toBe('redirect');
    expect((await failure(client.get(`${server.origin}/to-file`, { maxBytes: 10 }))).code).toBe('redirect');
    expect(server.requests.every((request) => request.url !== '/final')).toBe(true);
    expect((await failure(client.head(`${server.origin}/loop`))).code).toBe('redirect');
    expect(server.requests.filter((request) => request.url === '/loop').length).toBe(4);
  });

  it('refuses a body whose announced size is over the cap before reading it', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 50_000_000 });
      res.write(Buffer.alloc(1000));
    };
    const error = await failure(client.get(`${server.origin}/big`, { maxBytes: 1_000_000 }));
    expect(error.code).toBe('too-large');
    expect(error.params).toMatchObject({ size: 50_000_000, limit: 1_000_000 });
  });

  it('stops a body that never ends at the cap, and one larger than the size we expect', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // chunked, no length
      const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 1);
      res.on('close', () => clearInterval(timer));
    };
    const capped = await client.get(`${server.origin}/endless`, { maxBytes: 200_000 });
    expect((await failure(read(capped.body))).code).toBe('too-large');
    const expected = await client.get(`${server.origin}/endless`, { maxBytes: 10_000_000, expectedSize: 50_000 });
    expect((await failure(read(expected.body))).code).toBe('too-large');
  });

  it('reports a body that ends before its announced size', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 10_000 });
      res.write(Buffer.alloc(4000));
      setImmediate(() => res.socket?.destroy());
    };
    const result = await client.get(`${server.origin}/short`, { maxBytes: 1e6 });
    expect(['truncated', 'network']).toContain((await failure(read(result.body))).code);
  });

  it('cancels a download in the middle', async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 10_000_000 });
      res.write(Buffer.alloc(64 * 1024));
    };
    const controller = new AbortController();
    const result = await client.get(`${server.origin}/slow`, { maxBytes: 1e8, signal: controller.signal });
    const reading = read(result.body);
    controller.abort();
    expect((await failure(reading)).code).toBe('cancelled');
  });

  it('gives up on a server that stops answering', async () => {
    const impatient = new HttpsClient({ ca: server.caPem, idleTimeoutMs: 200 });
    server.handle = () => {}; // never answers
    expect((await failure(impatient.head(`${server.origin}/silent`))).code).toBe('timeout');
    impatient.close();
  });

  it('PUTs a stream with the given headers and length, and never follows a redirect', async () => {
    server.handle = (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/moved') {
          res.writeHead(307, { Location: `${server.origin}/elsewhere` });
          res.end();
          return;
        }
        res.writeHead(req.url === '/fail' ? 500 : 201);
        res.end();
      });
    };
    const body = Buffer.alloc(1_000_000, 1);
    const progress: number[] = [];
    await client.put(`${server.origin}/upload`, {
      body: () => Readable.from([body.subarray(0, 500_000), body.subarray(500_000)]),
      size: body.length,
      contentType: 'image/png',
      headers: { Authorization: 'Bearer abc', Cookie: 'c=1', Expires: 'Wed, 21 Oct 2026 07:28:00 GMT' },
      onProgress: (n) => progress.push(n),
    });
    const put = server.requests[0];
    expect(put.method).toBe('PUT');
    expect(put.received).toBe(body.length);
    expect(put.headers['content-length']).toBe(String(body.length));
    expect(put.headers['content-type']).toBe('image/png');
    expect(put.headers.authorization).toBe('Bearer abc');
    expect(put.headers.cookie).toBe('c=1');
    expect(progress.at(-1)).toBe(body.length);

    const put2 = () => ({ body: () => Readable.from([Buffer.from('x')]), size: 1, contentType: 'text/plain' });
    expect((await failure(client.put(`${server.origin}/moved`, put2()))).code).toBe('redirect');
    expect(server.requests.some((request) => request.url === '/elsewhere')).toBe(false);
    const failed = await failure(client.put(`${server.origin}/fail`, put2()));
    expect(failed).toMatchObject({ code: 'status', params: { status: 500 } });
  });

  it('refuses a header value with a line break instead of sending it', async () => {
    const error = await failure(
      client.put(`${server.origin}/upload`, {
        body: () => Readable.from([Buffer.from('x')]),
        size: 1,
        contentType: 'text/plain',
        headers: { Authorization: 'Bearer a\r\nX-Injected: 1' },
      }),
    );
    expect(error.code).toBe('network');
  });
});
