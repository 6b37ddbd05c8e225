/**
 * The scene the files end-to-end suites start from: Prosody with HTTP upload (XEP-0363), Alice signed
 * in through the browser UI, Bob (a mutual contact) and Dave (a stranger) as python3-slixmpp file
 * peers, and a scripted HTTPS file host whose certificate the test CA issued.
 */
import path from 'node:path';
import type { Page } from 'playwright';
import type { Logger } from '../../src/main/core/log';
import { closeBrowserUi, expectBuilt, openBrowserUi, signInThroughUi, type BrowserUi } from './e2e';
import { startFilePeer, type FilePeer } from './file-peer';
import { startScriptedHttps, type ScriptedHttps } from './https-server';
import { startPeer, subscribeBothWays } from './peer';
import { startProsody, type ProsodyOptions, type ProsodyServer } from './prosody';
import type { TestUser } from './server-process';

export interface FilesScene {
  prosody: ProsodyServer;
  ui: BrowserUi;
  page: Page;
  bob: FilePeer;
  dave: FilePeer;
  host: ScriptedHttps;
}

export interface FilesSceneOptions {
  users: { alice: TestUser; bob: TestUser; dave: TestUser };
  httpUpload: NonNullable<ProsodyOptions['httpUpload']>;
  /** The browser profile's directory prefix. */
  prefix: string;
  logger: Logger;
  /** Called once Prosody runs, before anyone connects (a proxy in front of its upload learns its port). */
  serverStarted?: (prosody: ProsodyServer) => void;
}

/**
 * A scene to start in `beforeAll` and stop in `afterAll`. Its parts are kept as they start, so a start
 * that fails half-way is still stopped completely.
 */
export function filesScene(): {
  parts: Partial<FilesScene>;
  start(options: FilesSceneOptions): Promise<FilesScene>;
  stop(): Promise<void>;
} {
  const parts: Partial<FilesScene> = {};
  return {
    parts,
    async start(options) {
      expectBuilt();
      const { alice, bob, dave } = options.users;
      const prosody = (parts.prosody = await startProsody({
        users: [alice, bob, dave],
        httpUpload: options.httpUpload,
      }));
      options.serverStarted?.(prosody);
      const aliceSetup = await startPeer(prosody, alice, 'setup', options.logger);
      const bobSetup = await startPeer(prosody, bob, 'setup', options.logger);
      await subscribeBothWays(aliceSetup, bobSetup);
      await aliceSetup.stop();
      await bobSetup.stop();
      parts.bob = await startFilePeer(prosody, bob, 'desk');
      parts.dave = await startFilePeer(prosody, dave, 'desk');
      parts.host = await startScriptedHttps({
        caFile: prosody.caFile,
        caKeyFile: path.join(prosody.dir, 'ca.key'),
        caPem: prosody.caPem,
      });
      const ui = (parts.ui = await openBrowserUi({
        prefix: options.prefix,
        viewport: { width: 1400, height: 900 },
        server: prosody,
      }));
      parts.page = ui.page;
      await signInThroughUi(ui, prosody, alice);
      return parts as FilesScene;
    },
    async stop() {
      if (parts.ui) await closeBrowserUi(parts.ui);
      await parts.bob?.stop();
      await parts.dave?.stop();
      await parts.host?.close();
      await parts.prosody?.stop();
    },
  };
}
