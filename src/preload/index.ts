/**
 * The preload: exposes the contract as window.jabberwock and nothing else. Never ipcRenderer itself,
 * never the IPC event object (its .sender would hand the page ipcRenderer back). Runs in the sandbox,
 * so it is bundled to one CommonJS file and imports nothing but 'electron' and src/shared.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { IPC_EVENTS, IPC_INVOKE } from '../shared/ipc-channels';
import type { EventBatch, JabberwockApi } from '../shared/contract';

const api: JabberwockApi = {
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
