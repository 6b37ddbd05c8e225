import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENTS, IPC_INVOKE } from '../../../src/shared/contract';
import type { EventBatch, JabberwockApi } from '../../../src/shared/contract';

const stub = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  return {
    exposed,
    contextBridge: { exposeInMainWorld: vi.fn((key: string, value: unknown) => exposed.set(key, value)) },
    ipcRenderer: null as unknown as EventEmitter & { invoke: ReturnType<typeof vi.fn> },
  };
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async () => ({ ok: true, value: 'pong' })),
  });
  stub.ipcRenderer = ipcRenderer;
  return { contextBridge: stub.contextBridge, ipcRenderer };
});

let api: JabberwockApi;

beforeAll(async () => {
  await import('../../../src/preload/index');
  api = stub.exposed.get('jabberwock') as JabberwockApi;
});

describe('preload', () => {
  it('exposes exactly window.jabberwock with invoke and onEvents', () => {
    expect(stub.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...stub.exposed.keys()]).toEqual(['jabberwock']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvents']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(stub.ipcRenderer);
  });

  it('invokes the one contract channel with command and input only', async () => {
    const result = await api.invoke('account.remove', { id: 'a1' });
    expect(result).toEqual({ ok: true, value: 'pong' });
    expect(stub.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_INVOKE, 'account.remove', { id: 'a1' });
  });

  it('hands listeners the batch and never the IPC event', () => {
    const listener = vi.fn();
    const unsubscribe = api.onEvents(listener);
    const batch: EventBatch = { seq: 5, events: [{ type: 'account.removed', id: 'a1' }] };
    const ipcEvent = { sender: stub.ipcRenderer, senderId: 0 };
    stub.ipcRenderer.emit(IPC_EVENTS, ipcEvent, batch);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([batch]);
    expect(listener.mock.calls[0]).not.toContain(ipcEvent);

    unsubscribe();
    stub.ipcRenderer.emit(IPC_EVENTS, ipcEvent, { seq: 6, events: [] });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(stub.ipcRenderer.listenerCount(IPC_EVENTS)).toBe(0);
  });

  it('ignores other channels', () => {
    const listener = vi.fn();
    const unsubscribe = api.onEvents(listener);
    stub.ipcRenderer.emit('some:other-channel', {}, { seq: 1, events: [] });
    expect(listener).not.toHaveBeenCalled();
    unsubscribe();
  });

  it('rejects a non-function listener', () => {
    expect(() => api.onEvents('nope' as never)).toThrow(TypeError);
    expect(stub.ipcRenderer.listenerCount(IPC_EVENTS)).toBe(0);
  });
});

describe('preload source', () => {
  it('imports values only from electron and src/shared (it must bundle for the sandbox)', () => {
    const source = fs.readFileSync(new URL('../../../src/preload/index.ts', import.meta.url), 'utf8');
    const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(valueImports.length).toBeGreaterThan(0);
    for (const specifier of valueImports) {
      expect(specifier === 'electron' || specifier.startsWith('../shared/'), specifier).toBe(true);
    }
  });
});

describe("the OS's language", () => {
  async function exposedWith(args: string[]): Promise<JabberwockApi> {
    const saved = process.argv;
    process.argv = [...saved, ...args];
    try {
      vi.resetModules();
      stub.exposed.clear();
      await import('../../../src/preload/index');
      return stub.exposed.get('jabberwock') as JabberwockApi;
    } finally {
      process.argv = saved;
    }
  }

  it("is handed to the page as window.jabberwock.locale, from the shell's command-line argument", async () => {
    const exposed = await exposedWith(['--jabberwock-locale=de-DE']);
    expect(exposed.locale).toBe('de-DE');
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'locale', 'onEvents']);
  });

  it('is left out unless it looks like a language tag', async () => {
    for (const arg of ['--jabberwock-locale=<img src=x>', '--jabberwock-locale=', '--jabberwock-locale=de DE']) {
      const exposed = await exposedWith([arg]);
      expect(exposed.locale, arg).toBeUndefined();
      expect(Object.keys(exposed).sort()).toEqual(['invoke', 'onEvents']);
    }
  });
});
