/**
 * The bridge's warm-up: it loads the page through the bridge's own checks (Host, token), so the code
 * the window's first load runs has run once, and it can collect the start-up garbage in a process
 * started without --expose-gc, as `web` is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessengerApi } from '../../../../src/main/core/messenger-api';
import { fail } from '../../../../src/shared/result';
import { startBridge, type Bridge } from '../../../../src/main/bridge/server';
import { collectGarbageNow, servePageOnce } from '../../../../src/main/bridge/warm-up';

const messenger: MessengerApi = {
  invoke: async () => fail('invalid_input', 'app.unknownCommand'),
  subscribe: () => () => {},
  checkConnections() {},
  async close() {},
};

describe('bridge warm-up', () => {
  let root: string;
  let bridge: Bridge;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-warm-'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Jabberwock</title>');
    bridge = await startBridge({ messenger, rendererDir: root, port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await bridge.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves the page to itself through the same checks as a window (200, not 403)', async () => {
    expect(await servePageOnce(bridge.url)).toBe(200);
  });

  it('resolves without throwing when nothing answers', async () => {
    expect(await servePageOnce('http://127.0.0.1:1/?token=x')).toBeNull();
  });

  it('collects garbage in a process started without --expose-gc', () => {
    // This test's process is such a process: the collector is not on the global object.
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(collectGarbageNow()).toBe(true);
  });
});
