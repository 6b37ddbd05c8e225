import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../../../src/shared/contract';
import { IPC_EVENTS, IPC_INVOKE } from '../../../../src/shared/contract';
import type { Result } from '../../../../src/shared/result';
import { silentLogger } from '../../../../src/main/core/log';
import type { MessengerApi } from '../../../../src/main/core/messenger-api';

const ipcMain = vi.hoisted(() => ({
  handle: vi.fn(),
  removeHandler: vi.fn(),
}));

vi.mock('electron', () => ({ ipcMain }));

import { bindIpc, createBatchForwarder, createInvokeHandler, isTrustedSender } from '../../../../src/main/shell/ipc';

/** A MessengerApi that records what it was asked and lets the test push batches. */
class FakeMessenger implements MessengerApi {
  calls: [unknown, unknown][] = [];
  listeners = new Set<(batch: EventBatch) => void>();
  closed = false;
  async invoke(command: unknown, input: unknown): Promise<Result<unknown>> {
    this.calls.push([command, input]);
    return { ok: true, value: { echoed: command } };
  }
  subscribe(listener: (batch: EventBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  checkConnections(): void {}
  async close(): Promise<void> {
    this.closed = true;
  }
  emit(batch: EventBatch) {
    for (const listener of this.listeners) listener(batch);
  }
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

let nextId = 1;
function frame(url: string, parent: FakeFrame | null = null): FakeFrame {
  return { url, parent, processId: 7, routingId: nextId++ };
}

function fakeWindow(url = 'app://jabberwock/index.html') {
  const mainFrame = frame(url);
  const webContents = {
    mainFrame,
    getURL: () => mainFrame.url,
    send: vi.fn(),
  };
  let destroyed = false;
  return {
    webContents,
    isDestroyed: () => destroyed,
    destroy: () => {
      destroyed = true;
    },
  };
}

type FakeWindow = ReturnType<typeof fakeWindow>;
const ORIGINS = ['app://jabberwock'];

function eventFrom(win: FakeWindow, senderFrame: FakeFrame | null = win.webContents.mainFrame) {
  return { sender: win.webContents, senderFrame } as never;
}

let messenger: FakeMessenger;
let win: FakeWindow;

function handler(origins = ORIGINS) {
  return createInvokeHandler({
    messenger,
    getMainWindow: () => win as never,
    allowedOrigins: origins,
    log: silentLogger,
  });
}

beforeEach(() => {
  vi.clearAllMocks();
  messenger = new FakeMessenger();
  win = fakeWindow();
});

describe('IPC sender check', () => {
  it('passes a call from our main frame through to the messenger', async () => {
    const result = await handler()(eventFrom(win), 'app.snapshot', {});
    expect(result).toEqual({ ok: true, value: { echoed: 'app.snapshot' } });
    expect(messenger.calls).toEqual([['app.snapshot', {}]]);
  });

  const forged: [string, () => unknown][] = [
    ['senderFrame null (frame gone)', () => eventFrom(win, null)],
    ['a subframe of our window', () => eventFrom(win, frame('app://jabberwock/index.html', win.webContents.mainFrame))],
    [
      'a frame without parent that is not our main frame',
      () => eventFrom(win, { ...frame('app://jabberwock/index.html'), processId: 8 }),
    ],
    [
      'our main frame showing another origin',
      () => {
        win.webContents.mainFrame.url = 'https://evil.example/';
        return eventFrom(win);
      },
    ],
    [
      'our main frame on file://',
      () => {
        win.webContents.mainFrame.url = 'file:///etc/passwd';
        return eventFrom(win);
      },
    ],
    [
      'our main frame on a look-alike app:// host',
      () => {
        win.webContents.mainFrame.url = 'app://jabberwock.evil/index.html';
        return eventFrom(win);
      },
    ],
    [
      'another window (e.g. an about box)',
      () => {
        const other = fakeWindow();
        return eventFrom(other);
      },
    ],
    [
      'another webContents claiming our main frame',
      () => ({ sender: fakeWindow().webContents, senderFrame: win.webContents.mainFrame }) as never,
    ],
    [
      'a destroyed main window',
      () => {
        win.destroy();
        return eventFrom(win);
      },
    ],
  ];

  for (const [name, makeEvent] of forged) {
    it(`refuses ${name} without calling the messenger`, async () => {
      const result = await handler()(makeEvent() as never, 'account.remove', { id: 'a1' });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('untrusted_sender');
      expect(result).not.toHaveProperty('value');
      expect(messenger.calls).toEqual([]);
    });
  }

  it('refuses everything while there is no main window', async () => {
    const none = createInvokeHandler({
      messenger,
      getMainWindow: () => null,
      allowedOrigins: ORIGINS,
      log: silentLogger,
    });
    const result = await none(eventFrom(win), 'app.snapshot', {});
    expect(!result.ok && result.error.code).toBe('untrusted_sender');
    expect(messenger.calls).toEqual([]);
  });

  it('accepts the dev server origin only when it is listed', async () => {
    win = fakeWindow('http://localhost:5173/');
    expect(isTrustedSender(eventFrom(win), win as never, ORIGINS)).toBe(false);
    expect(isTrustedSender(eventFrom(win), win as never, [...ORIGINS, 'http://localhost:5173'])).toBe(true);
    expect((await handler([...ORIGINS, 'http://localhost:5173'])(eventFrom(win), 'app.snapshot', {})).ok).toBe(true);
  });

  it('turns a throwing messenger into an internal error without details', async () => {
    messenger.invoke = async () => {
      throw new Error('secret detail');
    };
    const result = await handler()(eventFrom(win), 'app.snapshot', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', reason: 'app.ipcFailed' } });
  });
});

describe('event forwarding', () => {
  it('sends batches to the main window on its own channel', () => {
    const forward = createBatchForwarder({ getMainWindow: () => win as never, allowedOrigins: ORIGINS });
    const batch: EventBatch = { seq: 3, events: [{ type: 'account.removed', id: 'a1' }] };
    forward(batch);
    expect(win.webContents.send).toHaveBeenCalledWith(IPC_EVENTS, batch);
  });

  it('does not send to a page that is not ours or to a destroyed window', () => {
    const forward = createBatchForwarder({ getMainWindow: () => win as never, allowedOrigins: ORIGINS });
    win.webContents.mainFrame.url = 'https://evil.example/';
    forward({ seq: 1, events: [] });
    win.webContents.mainFrame.url = 'app://jabberwock/index.html';
    win.destroy();
    forward({ seq: 2, events: [] });
    expect(win.webContents.send).not.toHaveBeenCalled();
  });
});

describe('bindIpc', () => {
  it('registers one invoke channel, forwards events, and unbinds both', async () => {
    const unbind = bindIpc({
      messenger,
      getMainWindow: () => win as never,
      allowedOrigins: ORIGINS,
      log: silentLogger,
    });
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
    expect(ipcMain.handle.mock.calls[0][0]).toBe(IPC_INVOKE);
    const registered = ipcMain.handle.mock.calls[0][1] as (...args: unknown[]) => Promise<Result<unknown>>;

    expect((await registered(eventFrom(win), 'app.snapshot', {})).ok).toBe(true);
    const forged = await registered(eventFrom(win, null), 'app.snapshot', {});
    expect(!forged.ok && forged.error.code).toBe('untrusted_sender');
    expect(messenger.calls).toHaveLength(1);

    messenger.emit({ seq: 1, events: [] });
    expect(win.webContents.send).toHaveBeenCalledWith(IPC_EVENTS, { seq: 1, events: [] });

    unbind();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith(IPC_INVOKE);
    expect(messenger.listeners.size).toBe(0);
  });
});
