/**
 * The preload: exposes the contract as window.jabberwock (and the OS's language) and nothing else. Never ipcRenderer itself,
 * never the IPC event object (its .sender would hand the page ipcRenderer back). Runs in the sandbox,
 * so it is bundled to one CommonJS file and imports nothing but 'electron' and src/shared.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { IPC_EVENTS, IPC_INVOKE, LOCALE_ARGUMENT, LOCALE_TAG } from '../shared/ipc-channels';
import type { EventBatch, JabberwockApi } from '../shared/contract';

/** The OS's language, as the shell put it on the command line (a sandboxed preload still has process.argv). */
function osLocale(argv: readonly string[]): string | undefined {
  const tag = argv.find((arg) => arg.startsWith(LOCALE_ARGUMENT))?.slice(LOCALE_ARGUMENT.length);
  return tag && LOCALE_TAG.test(tag) ? tag : undefined;
}

const locale = osLocale(process.argv);

const api: JabberwockApi = {
  ...(locale ? { locale } : {}),
  invoke(command, input) {
    return ipcRenderer.invoke(IPC_INVOKE, command, input);
  },
  onEvents(listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvents needs a function.');
    const forward = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(IPC_EVENTS, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENTS, forward);
    };
  },
};

contextBridge.exposeInMainWorld('jabberwock', api);
