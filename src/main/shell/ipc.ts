/**
 * Binds the contract to ipcMain: one invoke channel, whose every call is checked to come from the main
 * frame of our main window showing our own origin before the messenger sees it; and one event channel
 * carrying the messenger's batches to that window.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { IPC_EVENTS, IPC_INVOKE } from '../../shared/contract';
import type { EventBatch } from '../../shared/contract';
import { fail } from '../../shared/result';
import type { Result } from '../../shared/result';
import type { Logger } from '../core/log';
import type { MessengerApi } from '../core/messenger-api';
import { originOf } from './app-protocol';

export interface IpcBindingOptions {
  messenger: MessengerApi;
  /** The one window allowed to call the contract (null while it does not exist). */
  getMainWindow: () => BrowserWindow | null;
  /** Origins the main frame may show, e.g. ['app://jabberwock'] (plus the Vite dev server in development). */
  allowedOrigins: string[];
  log: Logger;
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * True only when the message comes from the main frame of our main window's webContents, and that
 * frame shows one of our origins. A subframe, another window, a destroyed window, a frame that has
 * gone away (senderFrame null) or any other origin is untrusted.
 */
export function isTrustedSender(event: SenderEvent, win: BrowserWindow | null, allowedOrigins: string[]): boolean {
  const frame = event.senderFrame;
  if (!frame || !win || win.isDestroyed()) return false;
  const contents = win.webContents;
  if (event.sender !== contents) return false;
  const main = contents.mainFrame;
  if (!main || frame.parent !== null) return false;
  // Frame objects are normally the same instance; compare ids too in case Electron hands out a new wrapper.
  const sameFrame = frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  if (!sameFrame) return false;
  const origin = originOf(frame.url);
  return origin !== null && allowedOrigins.includes(origin);
}

/** The ipcMain.handle listener for IPC_INVOKE. */
export function createInvokeHandler(
  options: IpcBindingOptions,
): (event: SenderEvent, command: unknown, input: unknown) => Promise<Result<unknown>> {
  const { messenger, getMainWindow, allowedOrigins, log } = options;
  return async (event, command, input) => {
    if (!isTrustedSender(event, getMainWindow(), allowedOrigins)) {
      log.warn('IPC call from an untrusted sender refused', { url: event.senderFrame?.url ?? null });
      return fail('untrusted_sender', 'app.untrustedSender');
    }
    try {
      return await messenger.invoke(command, input);
    } catch (error) {
      // MessengerApi.invoke never throws by contract; if it does anyway, do not leak the error object.
      log.error('command failed', { command: typeof command === 'string' ? command : null, error });
      return fail('internal', 'app.ipcFailed');
    }
  };
}

/** Sends each batch to the main window, as long as its page is still one of ours. */
export function createBatchForwarder(
  options: Pick<IpcBindingOptions, 'getMainWindow' | 'allowedOrigins'>,
): (batch: EventBatch) => void {
  return (batch) => {
    const win = options.getMainWindow();
    if (!win || win.isDestroyed()) return;
    const origin = originOf(win.webContents.getURL());
    if (origin === null || !options.allowedOrigins.includes(origin)) return;
    win.webContents.send(IPC_EVENTS, batch);
  };
}

/** Binds both channels; returns a function that unbinds them. */
export function bindIpc(options: IpcBindingOptions): () => void {
  ipcMain.handle(IPC_INVOKE, createInvokeHandler(options));
  const unsubscribe = options.messenger.subscribe(createBatchForwarder(options));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE);
  };
}
