/**
 * Media, uploads and downloads, composed for the messenger: the media store and its fetcher, the
 * staging area, the HTTPS client, XEP-0363 and the transfers, with the commands they answer and the
 * `MediaAccess` the shells serve the renderer from. Kept apart from messenger.ts so that file only
 * wires it in.
 */
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import type { StagedFileView } from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';
import type { CommandHandlers } from '../command-handlers';
import type { AccountManager } from '../accounts/account-manager';
import type { EventBus } from '../events';
import { isAesgcmFile } from '../features/upload/aesgcm';
import { fileMetadataElement } from '../features/upload/file-metadata';
import { HttpUploadClient } from '../features/upload/http-upload';
import { TransferService, type FileMessage, type FileOfMessage } from '../features/upload/transfers';
import type { Logger } from '../log';
import type { StoredMessage } from '../store/messages-repo';
import { MediaFetcher } from './fetcher';
import { HttpsClient } from './https-client';
import type { MediaAccess, StageAnswer } from './serve';
import { PreviewService } from './previews';
import { StagingArea, type StageResult } from './staging';
import { MediaStore } from './store';
import { NS_OOB } from '../xmpp/ns';

type MediaCommand =
  | 'upload.pick'
  | 'upload.start'
  | 'upload.service'
  | 'transfer.cancel'
  | 'transfer.retry'
  | 'transfer.dismiss'
  | 'file.inspect'
  | 'media.preview'
  | 'download.start'
  | 'file.open';

export type MediaHandlers = CommandHandlers<MediaCommand>;

export interface MediaServiceOptions {
  /** The data directory, or ':memory:' (a temporary directory, removed on close). */
  dataDir: string;
  log: Logger;
  bus: EventBus;
  accounts: AccountManager;
  /** Extra CA to trust for HTTPS (tests), as sessions do. */
  extraCa?: string;
  /** The user's download folder. Default ~/Downloads. */
  downloadsDir?: string;
  /** Main's file dialog (Electron): absolute paths the user chose, empty when cancelled. */
  pickFiles?: () => Promise<string[]>;
  /** Largest download accepted. Default 1 GiB. */
  maxDownloadBytes?: number;
  /** A file server quiet this long is given up on (HEAD, GET, PUT). Default 30 s. */
  httpIdleTimeoutMs?: number;
  /** Main's hand-over of a saved file to the system (Electron's shell); resolves false when it failed. */
  openFile?: (file: string) => Promise<boolean>;
  /** Pictures keep their metadata (the user's preference, asked when an upload starts). */
  keepImageMetadata?: () => boolean;
  /** Files to this conversation are encrypted (aesgcm:), as its messages are. */
  encryptsFiles?: (accountId: string, conversation: string, kind: StoredMessage['kind']) => boolean;
  /** Stores an uploaded file's address in the chat outbox as a message. */
  sendMessage(message: FileMessage): Promise<Result<unknown>>;
  /** A stored message by local id (to find the file it shares). */
  message(id: number): StoredMessage | null;
}

export interface MediaService {
  store: MediaStore;
  fetcher: MediaFetcher;
  staging: StagingArea;
  http: HttpsClient;
  upload: HttpUploadClient;
  transfers: TransferService;
  previews: PreviewService;
  /** What the shells serve media and staging from. */
  access: MediaAccess;
  handlers: MediaHandlers;
  /** For chat's outbox: the jabber:x:oob element of a message that sends an upload's address. */
  outgoingExtra(message: StoredMessage): Element | Element[] | null;
  close(): Promise<void>;
}

function staged(result: StageResult): StagedFileView | null {
  return result.ok ? { id: result.staged.id, name: result.staged.name, size: result.staged.size } : null;
}

/** What the shells serve: media by the ids the store handed out, and staging of posted files. */
export function mediaAccessOf(store: MediaStore, staging: StagingArea): MediaAccess {
  return {
    resolve: (id) => store.resolve(id),
    async stage(name, body): Promise<StageAnswer> {
      const result = await staging.receive(name, body);
      if (result.ok) return { ok: true, staged: staged(result)! };
      if (result.reason === 'too-large') return { ok: false, status: 413, message: 'The file is too large.' };
      if (result.reason === 'empty') return { ok: false, status: 400, message: 'The file is empty.' };
      return { ok: false, status: 500, message: 'The file could not be kept.' };
    },
  };
}

/** Builds the media service at once; the store and the staging area get ready in the background. */
export function createMediaService(options: MediaServiceOptions): MediaService {
  const { log } = options;
  const temporary = options.dataDir === ':memory:';
  const dir = temporary
    ? mkdtempSync(path.join(os.tmpdir(), 'jabberwock-media-'))
    : path.join(options.dataDir, 'media');
  const store = MediaStore.create({ dir: path.join(dir, 'store'), log: log.child('store') });
  const staging = StagingArea.create({ dir: path.join(dir, 'staging'), log: log.child('staging') });
  const fetcher = new MediaFetcher({ store, log: log.child('fetch') });
  const http = new HttpsClient({ ca: options.extraCa, idleTimeoutMs: options.httpIdleTimeoutMs });
  const upload = new HttpUploadClient(log.child('upload'));
  options.accounts.addLifecycleListener(upload);
  const fileOfMessage: FileOfMessage = (accountId, id) => {
    const message = options.message(id);
    // Only a message that shares a file (its body is its jabber:x:oob address): a link in text is never fetched.
    if (!message || message.accountId !== accountId || !message.file) return null;
    return { url: message.body.trim(), conversation: message.conversation, kind: message.kind };
  };
  const transfers = new TransferService({
    bus: options.bus,
    log: log.child('transfers'),
    http,
    upload,
    staging,
    downloadsDir: () => options.downloadsDir ?? path.join(os.homedir(), 'Downloads'),
    fileOfMessage,
    maxDownloadBytes: options.maxDownloadBytes,
    keepImageMetadata: options.keepImageMetadata,
    encryptsFiles: options.encryptsFiles,
    sendFileMessage: (message) => options.sendMessage(message),
  });
  // After the upload client: an account back online finds it online when its uploads start.
  options.accounts.addLifecycleListener(transfers);

  const access = mediaAccessOf(store, staging);
  const previews = new PreviewService(store, http, log.child('previews'));

  const handlers: MediaHandlers = {
    'upload.pick': async () => {
      if (!options.pickFiles) return fail('not_found', 'upload.noDialog');
      const files: StagedFileView[] = [];
      for (const file of await options.pickFiles()) {
        const view = staged(await staging.adopt(file));
        if (view) files.push(view);
      }
      return ok(files);
    },
    'upload.start': (input) => transfers.startUpload(input),
    'upload.service': (input) => transfers.serviceOf(input.accountId),
    'transfer.cancel': (input) => transfers.cancel(input),
    'transfer.retry': (input) => transfers.retry(input),
    'transfer.dismiss': (input) => transfers.dismiss(input),
    'file.inspect': (input) => transfers.inspect(input),
    'download.start': (input) => transfers.startDownload(input),
    'file.open': async (input) => {
      const file = transfers.savedFile(input.id);
      if (!file) return fail('not_found', 'transfer.notFound');
      if (!options.openFile || !(await options.openFile(file))) return fail('not_found', 'file.cannotOpen');
      return ok(null);
    },
    'media.preview': async (input) => {
      const shared = fileOfMessage(input.accountId, input.messageId);
      if (!shared) return fail('not_found', 'file.notShared');
      const result = await previews.preview(shared.url);
      return result.ok ? ok(result.ref) : { ok: false, error: { code: 'not_found', ...result.refusal } };
    },
  };

  return {
    store,
    fetcher,
    staging,
    http,
    upload,
    transfers,
    previews,
    access,
    handlers,
    outgoingExtra(message) {
      // Our uploads' addresses go with jabber:x:oob (XEP-0066), as Conversations, Dino and Gajim send them.
      // Never an encrypted file's address (it carries the key): that one travels only encrypted.
      if (message.direction !== 'out' || !message.file || isAesgcmFile(message.body)) return null;
      const oob = xml('x', { xmlns: NS_OOB }, xml('url', {}, message.body));
      // Its name, size and type (XEP-0446), so that others can describe it without asking its server.
      return message.fileMeta ? [oob, fileMetadataElement(message.fileMeta)] : oob;
    },
    async close() {
      transfers.close();
      fetcher.close();
      http.close();
      await staging.ready.catch(() => {});
      await staging.close();
      await store.ready.catch(() => {});
      await store.settle();
      if (temporary) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
