import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP, buildCsp } from '../../../../src/main/shell/csp';
import {
  APP_ORIGIN,
  createAppProtocolHandler,
  mimeTypeOf,
  originOf,
  resolveAppFile,
} from '../../../../src/main/shell/app-protocol';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('CSP', () => {
  it('is the strict policy of the design', () => {
    expect(CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: app://media; " +
        "media-src 'self' app://media; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
  });

  it('allows no inline code, no eval and no remote hosts', () => {
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|\*|https?:/);
    const d = directives(CSP);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
  });

  it('adds extra connect-src sources for the browser bridge, and only there', () => {
    const policy = buildCsp({ connectSrc: ['ws://127.0.0.1:4711'] });
    const d = directives(policy);
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4711']);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(buildCsp({ connectSrc: [], mediaSrc: ['app://media'] })).toBe(CSP);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('refuses sources that would inject directives or keywords', () => {
    for (const bad of [
      "ws://127.0.0.1:1; script-src 'unsafe-eval'",
      "'unsafe-eval'",
      'ws://a ws://b',
      'ws://a,script-src *',
      '',
    ]) {
      expect(() => buildCsp({ connectSrc: [bad] }), bad).toThrow();
    }
  });
});

describe('app:// protocol', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-renderer-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Jabberwock</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(path.dirname(root), 'jw-secret.txt'), 'secret');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(root), 'jw-secret.txt'), { force: true });
  });

  it('computes origins for our custom scheme (URL.origin would say "null")', () => {
    expect(originOf('app://jabberwock/index.html')).toBe(APP_ORIGIN);
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('maps URLs under app://jabberwock to files under the renderer root only', () => {
    expect(resolveAppFile(root, 'app://jabberwock/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://jabberwock/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveAppFile(root, 'app://jabberwock/../jw-secret.txt')).toBe(path.join(root, 'jw-secret.txt'));
    expect(resolveAppFile(root, 'app://jabberwock/%2e%2e/jw-secret.txt')).toBe(path.join(root, 'jw-secret.txt'));
    expect(resolveAppFile(root, 'app://jabberwock/..%2fjw-secret.txt')).toBe(path.join(root, 'jw-secret.txt'));
    expect(resolveAppFile(root, 'app://jabberwock/..%5cjw-secret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://jabberwock/a%00.js')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'https://jabberwock/index.html')).toBeNull();
    expect(resolveAppFile(root, 'app://jabberwock/%E0%A4%A')).toBeNull();
  });

  it('serves files with the CSP header and never anything outside the root', async () => {
    const handle = createAppProtocolHandler(root);
    const page = await handle(new Request('app://jabberwock/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Jabberwock</title>');

    const script = await handle(new Request('app://jabberwock/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    const escape = await handle(new Request('app://jabberwock/..%2fjw-secret.txt'));
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('secret');
    const missing = await handle(new Request('app://jabberwock/nope.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CSP);
    const post = await handle(new Request('app://jabberwock/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });

  it('knows the types it serves', () => {
    expect(mimeTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('a.exe')).toBe('application/octet-stream');
  });
});
