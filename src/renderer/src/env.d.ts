/// <reference types="vite/client" />
import type { JabberwockApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser, where the bridge's WebSocket is used instead. */
    jabberwock?: JabberwockApi;
  }
}

export {};
