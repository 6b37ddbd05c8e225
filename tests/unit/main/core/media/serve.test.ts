/**
 * How verified media reaches the renderer, and files reach the core, in both shells: the Electron
 * app:// protocol handler (fed web Requests as protocol.handle would) and the bridge's HTTP routes
 * (real HTTP on loopback).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/main/core/log';
import { IMAGE_PREVIEW_LIMITS, VIDEO_PREVIEW_LIMITS } from '../../../../../src/main/core/media/limits';
import { mediaAccessOf } from '../../../../../src/main/core/media/media-service';
import type { MediaAccess } from '../../../../../src/main/core/media/serve';
import { StagingArea } from '../../../../../src/main/core/media/staging';
import { MediaStore, mediaKey } from '../../../../../src/main/core/media/store';
import type { MessengerApi } from '../../../../../src/main/core/messenger-api';
import { startBridge, type Bridge } from '../../../../../src/main/bridge/server';
import { createAppProtocolHandler } from '../../../../../src/main/shell/app-protocol';
import { CSP } from '../../../../../src/main/shell/csp';
import type { MediaRef } from '../../../../../src/shared/media';
import { ok } from '../../../../../src/shared/result';
import { HTML, mp4, png } from '../../../../support/media-samples';

let root: string;
let store: MediaStore;
let staging: StagingArea;
let media: MediaAccess;
let image: Buffer;
let imageRef: MediaRef;
let videoRef: MediaRef;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-media-routes-'));
  fs.mkdirSync(path.join(root, 'renderer'));
  fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>Jabberwock</title>');
  store = await MediaStore.open({ dir: path.join(root, 'media'), log: silentLogger });
  staging = await StagingArea.open({ dir: path.join(root, 'staging'), log: silentLogger, maxFileBytes: 1024 * 1024 });
  media = mediaAccessOf(store, staging);
  image = png(20, 10);
  const key = mediaKey('sha256', createHash('sha256').update(image).digest('hex'))!;
  const stored = await store.ingest(image, key, IMAGE_PREVIEW_LIMITS);
  if (!stored.ok) throw new Error(stored.reason);
  imageRef = stored.ref;
  const video = await store.ingest(mp4(320, 240), 'sha256', VIDEO_PREVIEW_LIMITS);
  if (!video.ok) throw new Error(video.reason);
  videoRef = video.ref;
});

afterAll(async () => {
  await staging.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('Electron: app://media and app://jabberwock/stage', () => {
  const handler = () => createAppProtocolHandler(path.join(root, 'renderer'), { media: () => media });

  it('serves media by opaque id with its sniffed type, nosniff and a sandboxing CSP', async () => {
    const response = await handler()(new Request(`app://media/${imageRef.id}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(image);
  });

  it('answers 404 for ids it never handed out, paths and anything that is not an id', async () => {
    for (const url of [
      'app://media/AAAAAAAAAAAAAAAAAAAAAA',
      'app://media/../index.html',
      'app://media/%2e%2e%2findex.html',
      `app://media/${imageRef.id}/x`,
      'app://media/',
      `app://media/${path.join(root, 'renderer', 'index.html')}`,
    ]) {
      const response = await handler()(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('Jabberwock');
    }
    const none = await createAppProtocolHandler(path.join(root, 'renderer'))(new Request(`app://media/${imageRef.id}`));
    expect(none.status).toBe(404);
  });

  it('serves byte ranges (video seeking) and refuses unsatisfiable ones', async () => {
    const response = await handler()(new Request(`app://media/${videoRef.id}`, { headers: { Range: 'bytes=4-11' } }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-range')).toBe(`bytes 4-11/${videoRef.size}`);
    expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toBe('ftypisom');
    const bad = await handler()(new Request(`app://media/${videoRef.id}`, { headers: { Range: 'bytes=99999-' } }));
    expect(bad.status).toBe(416);
  });

  it('stages a posted file from our own page and refuses other origins', async () => {
    const post = (origin: string) =>
      handler()(
        new Request('app://jabberwock/stage?name=..%2F..%2Fholiday.png', {
          method: 'POST',
          body: image,
          headers: { Origin: origin },
        }),
      );
    const response = await post('app://jabberwock');
    expect(response.status).toBe(200);
    const staged = (await response.json()) as { id: string; name: string; size: number };
    expect(staged).toMatchObject({ name: 'holiday.png', size: image.length });
    expect(JSON.stringify(staged)).not.toContain(root);
    expect(fs.readFileSync(staging.get(staged.id)!.file)).toEqual(image);
    expect((await post('https://evil.example')).status).toBe(403);
    const get = await handler()(new Request('app://jabberwock/stage'));
    expect(get.status).toBe(405);
  });

  it('lets the renderer load media from app://media only (CSP)', () => {
    expect(CSP).toContain("img-src 'self' data: blob: app://media;");
    expect(CSP).toContain("media-src 'self' app://media;");
    expect(CSP).not.toMatch(/https?:/);
  });
});

describe('browser bridge: /media/<id> and /stage', () => {
  let bridge: Bridge;
  let origin: string;
  let cookie: string;

  beforeAll(async () => {
    const messenger: MessengerApi = {
      invoke: async () => ok(null),
      subscribe: () => () => {},
      checkConnections() {},
      close: async () => {},
      mediaAccess: media,
    };
    bridge = await startBridge({ messenger, rendererDir: path.join(root, 'renderer'), port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${bridge.port}`;
    cookie = `jabberwock_token_${bridge.port}=${bridge.token}`;
  });
  afterAll(() => bridge.close());

  function request(
    method: string,
    rawPath: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: bridge.port, path: rawPath, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses media without the token or with a wrong one', async () => {
    const wrong = { Cookie: `jabberwock_token_${bridge.port}=${'0'.repeat(64)}` };
    for (const headers of [{}, wrong] as Record<string, string>[]) {
      const res = await request('GET', `/media/${imageRef.id}`, headers);
      expect(res.status).toBe(403);
      expect(res.body.includes(image.subarray(0, 8))).toBe(false);
    }
  });

  it('serves the right bytes with the sniffed type, nosniff, and never as HTML', async () => {
    const res = await request('GET', `/media/${imageRef.id}`, { Cookie: cookie });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(image);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    const missing = await request('GET', '/media/AAAAAAAAAAAAAAAAAAAAAA', { Cookie: cookie });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
    const traversal = await request('GET', '/media/..%2f..%2findex.html', { Cookie: cookie });
    expect(traversal.status).toBe(404);
    expect(traversal.body.toString()).not.toContain('<title>');
  });

  it('stages a file posted by our own page (cookie and Origin) and nothing else', async () => {
    const res = await request(
      'POST',
      '/stage?name=report%20%E2%80%AEfdp.exe',
      { Cookie: cookie, Origin: origin },
      HTML,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const staged = JSON.parse(res.body.toString()) as { id: string; name: string; size: number };
    expect(staged).toMatchObject({ name: 'report fdp.exe', size: HTML.length });
    expect(fs.readFileSync(staging.get(staged.id)!.file)).toEqual(HTML);
    expect(
      (await request('POST', '/stage?name=a', { Cookie: cookie, Origin: 'http://evil.example' }, HTML)).status,
    ).toBe(403);
    expect((await request('POST', '/stage?name=a', { Origin: origin }, HTML)).status).toBe(403);
    expect((await request('POST', '/stage?name=a', { Cookie: cookie }, HTML)).status).toBe(403);
    const tooBig = await request(
      'POST',
      '/stage?name=a',
      { Cookie: cookie, Origin: origin },
      Buffer.alloc(1024 * 1024 + 1),
    );
    expect(tooBig.status).toBe(413);
  });
});
