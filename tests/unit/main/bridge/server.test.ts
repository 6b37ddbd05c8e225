import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { EventBatch } from '../../../../src/shared/contract';
import { fail, ok, type Result } from '../../../../src/shared/result';
import type { MessengerApi } from '../../../../src/main/core/messenger-api';
import { startBridge, type Bridge } from '../../../../src/main/bridge/server';

/** A messenger that echoes commands and lets the test push event batches. */
function fakeMessenger() {
  const listeners = new Set<(batch: EventBatch) => void>();
  const calls: { command: unknown; input: unknown }[] = [];
  const api: MessengerApi = {
    async invoke(command, input): Promise<Result<unknown>> {
      calls.push({ command, input });
      if (command === 'app.snapshot')
        return ok({ seq: 7, accounts: [], secretStorage: { encrypted: false, description: 'none' } });
      return fail('invalid_input', 'app.unknownCommand');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    checkConnections() {},
    async close() {},
  };
  return { api, calls, listeners, emit: (batch: EventBatch) => listeners.forEach((l) => l(batch)) };
}

/** A raw GET so the path reaches the server exactly as written (fetch would normalize '..'). */
function rawGet(port: number, rawPath: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket and resolves with it once open, or rejects with the HTTP status it was refused with. */
function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The next `count` messages on `ws`, parsed. */
function nextMessages(ws: WebSocket, count: number): Promise<unknown[]> {
  return new Promise((resolve) => {
    const got: unknown[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      got.push(JSON.parse(data.toString()));
      if (got.length < count) return;
      ws.off('message', onMessage);
      resolve(got);
    };
    ws.on('message', onMessage);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('browser bridge', () => {
  let root: string;
  let rendererDir: string;
  let fake: ReturnType<typeof fakeMessenger>;
  let bridge: Bridge;
  let origin: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bridge-'));
    rendererDir = path.join(root, 'renderer');
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Jabberwock</title>');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(rendererDir, 'link.txt'));
    fake = fakeMessenger();
    bridge = await startBridge({ messenger: fake.api, rendererDir, port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${bridge.port}`;
  });

  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
  });

  afterAll(async () => {
    await bridge.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('prints a loopback URL with a 64-hex-digit token', () => {
    expect(bridge.url).toBe(`${origin}/?token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses HTTP requests without the token, or with a wrong one', async () => {
    expect((await rawGet(bridge.port, '/')).status).toBe(403);
    expect((await rawGet(bridge.port, '/assets/app.js')).status).toBe(403);
    expect((await rawGet(bridge.port, `/?token=${'0'.repeat(64)}`)).status).toBe(403);
    const res = await rawGet(bridge.port, '/', { Cookie: `jabberwock_token_${bridge.port}=${'a'.repeat(64)}` });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('Jabberwock</title>');
  });

  it('serves the page with the token, sets an HttpOnly SameSite=Strict cookie, and the strict CSP', async () => {
    const res = await rawGet(bridge.port, `/?token=${bridge.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Jabberwock</title>');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`jabberwock_token_${bridge.port}=${bridge.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with the cookie alone', async () => {
    const res = await rawGet(bridge.port, '/assets/app.js', {
      Cookie: `jabberwock_token_${bridge.port}=${bridge.token}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it("writes an asset's response in the turn its request is read (no waiting behind the core's work)", async () => {
    // Whether each response to a request for the page's files was ended inside the request's event.
    const endedInTurn: boolean[] = [];
    let inRequest = false;
    const emit = http.Server.prototype.emit as (
      this: http.Server,
      event: string | symbol,
      ...args: unknown[]
    ) => boolean;
    const spyEmit = vi.spyOn(http.Server.prototype, 'emit').mockImplementation(function (
      this: http.Server,
      event: string | symbol,
      ...args: unknown[]
    ) {
      if (event !== 'request') return emit.call(this, event, ...args);
      inRequest = true;
      try {
        return emit.call(this, event, ...args);
      } finally {
        inRequest = false;
      }
    });
    const end = http.ServerResponse.prototype.end;
    const spyEnd = vi.spyOn(http.ServerResponse.prototype, 'end').mockImplementation(function (
      this: http.ServerResponse,
      ...args: unknown[]
    ) {
      endedInTurn.push(inRequest);
      return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    });
    try {
      const cookie = { Cookie: `jabberwock_token_${bridge.port}=${bridge.token}` };
      const page = await rawGet(bridge.port, `/?token=${bridge.token}`);
      const script = await rawGet(bridge.port, '/assets/app.js', cookie);
      expect([page.status, script.status]).toEqual([200, 200]);
      expect(script.body).toBe('console.log(1);');
    } finally {
      spyEmit.mockRestore();
      spyEnd.mockRestore();
    }
    expect(endedInTurn).toEqual([true, true]);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawGet(bridge.port, `/?token=${bridge.token}`, { Host: `evil.example:${bridge.port}` });
    expect(res.status).toBe(403);
  });

  it('refuses path traversal, encoded or not, and symlinks leading out', async () => {
    const auth = { Cookie: `jabberwock_token_${bridge.port}=${bridge.token}` };
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/link.txt',
    ]) {
      const res = await rawGet(bridge.port, p, auth);
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toContain('outside the renderer');
    }
    expect((await rawGet(bridge.port, '/assets', auth)).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: bridge.port, path: `/?token=${bridge.token}`, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });

  it('refuses a WebSocket without the token, with a wrong token, or from a foreign Origin', async () => {
    const wsUrl = `ws://127.0.0.1:${bridge.port}/bridge`;
    await expect(openSocket(wsUrl, { Origin: origin })).rejects.toThrow('refused 403');
    await expect(openSocket(`${wsUrl}?token=${'f'.repeat(64)}`, { Origin: origin })).rejects.toThrow('refused 403');
    await expect(openSocket(`${wsUrl}?token=${bridge.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(
      'refused 403',
    );
    await expect(openSocket(`${wsUrl}?token=${bridge.token}`, {})).rejects.toThrow('refused 403');
    await expect(
      openSocket(`ws://127.0.0.1:${bridge.port}/elsewhere?token=${bridge.token}`, { Origin: origin }),
    ).rejects.toThrow('refused 403');
  });

  it('runs a command round trip and pushes event batches (token in the cookie)', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${bridge.port}/bridge`, {
      Origin: origin,
      Cookie: `jabberwock_token_${bridge.port}=${bridge.token}`,
    });
    sockets.push(ws);
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ id: 1, command: 'app.snapshot', input: {} }));
    expect(await reply).toEqual({
      id: 1,
      result: { ok: true, value: { seq: 7, accounts: [], secretStorage: { encrypted: false, description: 'none' } } },
    });
    expect(fake.calls.at(-1)).toEqual({ command: 'app.snapshot', input: {} });

    const refused = nextMessage(ws);
    ws.send(JSON.stringify({ id: 'two', command: 'nope', input: { a: 1 } }));
    expect(await refused).toMatchObject({ id: 'two', result: { ok: false, error: { code: 'invalid_input' } } });

    const pushed = nextMessage(ws);
    fake.emit({ seq: 8, events: [{ type: 'account.removed', id: 'a1' }] });
    expect(await pushed).toEqual({ events: { seq: 8, events: [{ type: 'account.removed', id: 'a1' }] } });
  });

  it('answers each request before running the next, even when both came in one read', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${bridge.port}/bridge`, {
      Origin: origin,
      Cookie: `jabberwock_token_${bridge.port}=${bridge.token}`,
    });
    sockets.push(ws);
    // How many commands the messenger had been asked when each answer went out.
    const commandsRunAtAnswer: number[] = [];
    const originalSend = WebSocket.prototype.send;
    const send = vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (this: WebSocket, ...args) {
      if (this !== ws) commandsRunAtAnswer.push(fake.calls.length);
      originalSend.apply(this, args);
    });
    const before = fake.calls.length;
    const replies = nextMessages(ws, 2);
    // Both frames in one TCP write, so that the bridge reads them together (as the window's first
    // screen and whole snapshot, asked at once, usually are).
    const socket = (ws as unknown as { _socket: Socket })._socket;
    socket.cork();
    ws.send(JSON.stringify({ id: 1, command: 'app.snapshot', input: { firstScreen: 60 } }));
    ws.send(JSON.stringify({ id: 2, command: 'app.snapshot', input: {} }));
    socket.uncork();
    expect((await replies).map((reply) => (reply as { id: number }).id)).toEqual([1, 2]);
    send.mockRestore();
    expect(commandsRunAtAnswer).toEqual([before + 1, before + 2]);
  });

  it('closes a socket that sends malformed JSON, keeps serving others, and unsubscribes it', async () => {
    const headers = { Origin: origin };
    const url = `ws://127.0.0.1:${bridge.port}/bridge?token=${bridge.token}`;
    const bad = await openSocket(url, headers);
    const good = await openSocket(url, headers);
    sockets.push(bad, good);
    const closed = new Promise<number>((resolve) => bad.once('close', (code) => resolve(code)));
    bad.send('{not json');
    expect(await closed).toBe(1007);

    const notObject = await openSocket(url, headers);
    sockets.push(notObject);
    const closed2 = new Promise<number>((resolve) => notObject.once('close', (code) => resolve(code)));
    notObject.send(JSON.stringify([1, 2, 3]));
    expect(await closed2).toBe(1007);

    const reply = nextMessage(good);
    good.send(JSON.stringify({ id: 3, command: 'app.snapshot', input: {} }));
    expect(await reply).toMatchObject({ id: 3, result: { ok: true } });
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.listeners.size).toBe(1);
  });

  it('closes a socket that sends more than the size limit', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${bridge.port}/bridge?token=${bridge.token}`, { Origin: origin });
    sockets.push(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
  });
});
