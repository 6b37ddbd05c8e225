/**
 * Uploads and downloads with progress, cancel and retry (the commands upload.*, transfer.*,
 * download.*, file.inspect).
 *
 * An upload is a small outbox of its own: it waits while the account is offline and starts when it
 * is back (a few at a time per account); a file over the service's limit is refused before anything
 * is sent; the file streams from disk; once the server has it, its address is handed to the chat
 * outbox exactly once (`sendFileMessage`), which stores and sends it like any message. A retry after
 * that only sends the message again, never the file.
 *
 * A download reads the message's address (https: only), saves into the download folder under a new,
 * safe name, bounded by a hard cap and the announced size.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ConversationKind, FileInfoView, ParsedInput, TransferView } from '../../../../shared/contract';
import type { ErrorCode, TransferError } from '../../../../shared/errors';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import { transferKey, type EventBus } from '../../events';
import type { Logger } from '../../log';
import { HttpError, httpReason, type HttpsClient } from '../../media/https-client';
import type { StagingArea } from '../../media/staging';
import {
  AesgcmError,
  aesgcmUrl,
  AESGCM_TAG_BYTES,
  encrypting,
  fileSource,
  newSecret,
  plainSize,
  uploadName,
} from './aesgcm';
import { uploadContentType } from './content-type';
import { downloadToFolder, fileNameOfUrl } from './download';
import { SlotRequestError, type HttpUploadClient, type UploadService } from './http-upload';
import { cleanPictureFile } from './picture-metadata';
import { SpeedMeter } from './speed';

/** A finished upload, to be sent as a message: the URL as body plus `<x xmlns='jabber:x:oob'><url/></x>`. */
export interface FileMessage {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
  url: string;
  name: string;
  size: number;
  /** The content type the upload declared (sent as XEP-0446 file metadata). */
  type?: string;
}

/** Stores the message in the chat outbox (which sends it when it can); called once per upload. */
export type SendFileMessage = (message: FileMessage) => Promise<Result<unknown>>;

/** The address a message shares, with its conversation; null when it shares none. */
export type FileOfMessage = (
  accountId: string,
  messageId: number,
) => { url: string; conversation: string; kind: ConversationKind } | null;

export interface TransferServiceOptions {
  bus: EventBus;
  log: Logger;
  http: HttpsClient;
  upload: HttpUploadClient;
  staging: StagingArea;
  /** Where downloads are saved (the user's download folder). */
  downloadsDir: () => string;
  sendFileMessage: SendFileMessage;
  fileOfMessage: FileOfMessage;
  /** Largest download accepted, whatever is announced. Default 1 GiB. */
  maxDownloadBytes?: number;
  /** Uploads running at once per account. Default 2. */
  parallelUploads?: number;
  /** Pictures go as they are, metadata included (asked when an upload starts). Default: never. */
  keepImageMetadata?: () => boolean;
  /** Files to this conversation are encrypted (aesgcm:), as its messages are; asked when an upload starts. */
  encryptsFiles?: (accountId: string, conversation: string, kind: ConversationKind) => boolean;
  now?: () => number;
}

interface Transfer {
  view: TransferView;
  /** Uploads: the staged file. */
  staged: string | null;
  /** Downloads: the address. */
  source: string | null;
  /** Downloads once done: where the file was saved (main only, never sent to the renderer). */
  saved: string | null;
  controller: AbortController | null;
  meter: SpeedMeter;
  /** Uploads: the address was handed to the chat outbox (never twice). */
  messageStored: boolean;
  /** Uploads: a picture keeps its metadata (EXIF, GPS), as the user chose when sending it. */
  keepMetadata: boolean;
  /** Uploads: the file is encrypted and shared as an aesgcm: address (the conversation is encrypted). */
  encrypt: boolean;
  /** Uploads: times the upload started again after its connection dropped in the middle. */
  restarts: number;
  /** Uploads: the content type declared for the slot. */
  contentType: string | null;
}

/** A drop in the middle of an upload starts it again this many times; the next one fails it. */
const RESTARTS_AFTER_DROP = 1;

const DEFAULT_MAX_DOWNLOAD = 1024 * 1024 * 1024;

export class TransferService implements AccountLifecycleListener {
  private readonly transfers = new Map<string, Transfer>();
  private readonly now: () => number;
  private readonly maxDownloadBytes: number;
  private readonly parallelUploads: number;

  constructor(private readonly options: TransferServiceOptions) {
    this.now = options.now ?? Date.now;
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD;
    this.parallelUploads = options.parallelUploads ?? 2;
  }

  /** Every transfer of this run, oldest first. */
  views(): TransferView[] {
    return [...this.transfers.values()].map((transfer) => this.snapshotOf(transfer));
  }

  onOnline(accountId: string): void {
    this.schedule(accountId);
  }

  /** Uploads still waiting say that they wait for the account. */
  onOffline(accountId: string): void {
    for (const transfer of this.transfers.values()) {
      const { view } = transfer;
      if (view.accountId !== accountId || view.direction !== 'upload' || view.state !== 'waiting') continue;
      if (view.error === null) this.setState(transfer, 'waiting', { reason: 'upload.offline' });
    }
  }

  onRemoved(accountId: string): void {
    for (const transfer of [...this.transfers.values()]) {
      if (transfer.view.accountId !== accountId) continue;
      transfer.controller?.abort();
      this.forget(transfer);
    }
  }

  // ---------- uploads ----------

  async startUpload(input: ParsedInput<'upload.start'>): Promise<Result<TransferView>> {
    const staged = this.options.staging.get(input.file);
    if (!staged) return fail('not_found', 'upload.fileGone');
    const taken = [...this.transfers.values()].some((t) => t.staged === staged.id && t.view.state !== 'cancelled');
    if (taken) return fail('conflict', 'upload.alreadySending');
    const keepMetadata = input.keepMetadata === true || (this.options.keepImageMetadata?.() ?? false);
    if (!keepMetadata) {
      // A picture that would leave with its metadata is asked about before anything is queued.
      const cleaning = await cleanPictureFile(
        staged.file,
        staged.size,
        await uploadContentType(staged.file, staged.name),
      );
      if (cleaning.kind === 'stays')
        return fail('conflict', 'upload.metadataStays', { why: cleaning.why, limit: cleaning.limit });
    }
    const online = this.options.upload.isOnline(input.accountId);
    if (online) {
      // Known now: refuse before anything is queued or sent.
      let service: UploadService | null | undefined;
      try {
        service = await this.options.upload.service(input.accountId);
      } catch {
        service = undefined; // not answered: the upload waits and asks again
      }
      if (service === null) return fail('not_found', 'upload.unavailable');
      if (service?.maxFileSize != null && staged.size > service.maxFileSize)
        return tooLarge(staged.size, service.maxFileSize);
    }
    const transfer = this.add({
      accountId: input.accountId,
      direction: 'upload',
      conversation: input.conversation,
      kind: input.kind,
      name: staged.name,
      size: staged.size,
      state: 'waiting',
    });
    transfer.staged = staged.id;
    transfer.keepMetadata = keepMetadata;
    transfer.encrypt = this.options.encryptsFiles?.(input.accountId, input.conversation, input.kind) ?? false;
    if (!online) transfer.view.error = { reason: 'upload.offline' };
    this.changed(transfer);
    this.schedule(input.accountId);
    return ok(this.snapshotOf(transfer));
  }

  async serviceOf(accountId: string): Promise<Result<{ maxFileSize: number | null } | null>> {
    if (!this.options.upload.isOnline(accountId)) return fail('not_connected', 'upload.notConnected');
    try {
      const service = await this.options.upload.service(accountId);
      return ok(service ? { maxFileSize: service.maxFileSize } : null);
    } catch {
      return fail('timeout', 'upload.noAnswer');
    }
  }

  /** Starts the account's waiting uploads, a few at a time, while it is online. */
  private schedule(accountId: string): void {
    if (!this.options.upload.isOnline(accountId)) return;
    const ofAccount = [...this.transfers.values()].filter(
      (t) => t.view.accountId === accountId && t.view.direction === 'upload',
    );
    let running = ofAccount.filter((t) => t.view.state === 'active').length;
    for (const transfer of ofAccount) {
      if (running >= this.parallelUploads) break;
      if (transfer.view.state !== 'waiting') continue;
      running++;
      void this.runUpload(transfer);
    }
  }

  private async runUpload(transfer: Transfer): Promise<void> {
    const { view } = transfer;
    const controller = new AbortController();
    transfer.controller = controller;
    this.setState(transfer, 'active', null);
    try {
      if (view.url === null) await this.putFile(transfer, controller.signal);
      if (controller.signal.aborted) return;
      await this.storeMessage(transfer);
    } catch (error) {
      if (controller.signal.aborted) return; // cancel() set the state
      // A slot not asked, or not answered because the account went meanwhile, waits for the account.
      const offline =
        error instanceof SlotRequestError &&
        (error.detail.code === 'not-connected' || !this.options.upload.isOnline(view.accountId));
      if (offline) {
        this.setState(transfer, 'waiting', { reason: 'upload.offline' });
      } else if (droppedInTheMiddle(error) && transfer.restarts < RESTARTS_AFTER_DROP) {
        // The connection went in the middle of the upload: it starts again, from the start, once the
        // account is back (the server keeps no half of it).
        transfer.restarts++;
        view.transferred = 0;
        const waiting = this.options.upload.isOnline(view.accountId) ? null : { reason: 'upload.offline' as const };
        this.setState(transfer, 'waiting', waiting);
        this.options.log.info('upload dropped; starting it again', { id: view.id });
      } else {
        this.setState(transfer, 'failed', transferError(error, view.direction));
        this.options.log.info('upload failed', { id: view.id, error: transferError(error, view.direction) });
      }
    } finally {
      if (transfer.controller === controller) transfer.controller = null;
      this.schedule(view.accountId);
    }
  }

  private async putFile(transfer: Transfer, signal: AbortSignal): Promise<void> {
    const { view } = transfer;
    const staged = transfer.staged ? this.options.staging.get(transfer.staged) : null;
    if (!staged) throw new TransferFailure({ reason: 'file.unreadable', params: {} });
    const service = await this.options.upload.service(view.accountId).catch((error: unknown) => {
      // A discovery cut short by a dropped connection waits for the account like a slot would.
      if (error instanceof SlotRequestError || this.options.upload.isOnline(view.accountId)) throw error;
      throw new SlotRequestError({ code: 'not-connected' });
    });
    if (!service) throw new TransferFailure({ reason: 'upload.unavailable' });
    const stat = await fs.stat(staged.file).catch(() => null);
    if (!stat?.isFile()) throw new TransferFailure({ reason: 'file.unreadable', params: {} });
    if (stat.size !== staged.size) throw new TransferFailure({ reason: 'file.changed' });
    if (service.maxFileSize !== null && stat.size > service.maxFileSize) {
      throw new TransferFailure({ reason: 'upload.tooLarge', params: { size: stat.size, limit: service.maxFileSize } });
    }
    const contentType = await uploadContentType(staged.file, staged.name);
    transfer.contentType = contentType;
    const cleaning = transfer.keepMetadata ? null : await cleanPictureFile(staged.file, stat.size, contentType);
    if (cleaning?.kind === 'stays') {
      throw new TransferFailure({
        reason: 'upload.metadataStays',
        params: { why: cleaning.why, limit: cleaning.limit },
      });
    }
    const cleaned = cleaning?.kind === 'cleaned' ? cleaning.bytes : null;
    // An encrypted file goes under a random name as opaque bytes, its tag appended.
    const secret = transfer.encrypt ? newSecret() : null;
    const size = (cleaned?.length ?? stat.size) + (secret ? AESGCM_TAG_BYTES : 0);
    view.size = size;
    const slot = await this.options.upload.requestSlot(view.accountId, service, {
      name: secret ? uploadName(staged.name) : staged.name,
      size,
      contentType: secret ? 'application/octet-stream' : contentType,
    });
    if (signal.aborted) return;
    transfer.meter.reset();
    const plain = () =>
      cleaned ? Readable.from([cleaned]) : createReadStream(staged.file, { highWaterMark: 256 * 1024 });
    await this.options.http.put(slot.put, {
      body: () => (secret ? encrypting(plain(), secret) : plain()),
      size,
      contentType: secret ? 'application/octet-stream' : contentType,
      headers: slot.headers,
      signal,
      onProgress: (bytes) => this.progress(transfer, bytes),
    });
    view.url = secret ? aesgcmUrl(slot.get, secret) : slot.get;
    view.transferred = size;
    this.changed(transfer);
  }

  /** Hands the address to the chat outbox once; the upload is done when it is stored there. */
  private async storeMessage(transfer: Transfer): Promise<void> {
    const { view } = transfer;
    if (!transfer.messageStored) {
      const result = await this.options.sendFileMessage({
        accountId: view.accountId,
        conversation: view.conversation!,
        kind: view.kind!,
        url: view.url!,
        name: view.name,
        size: view.size ?? 0,
        ...(transfer.contentType ? { type: transfer.contentType } : {}),
      });
      if (!result.ok)
        throw new TransferFailure({ reason: 'file.messageNotStored', params: { code: result.error.code } });
      transfer.messageStored = true;
    }
    this.setState(transfer, 'done', null);
    if (transfer.staged) await this.options.staging.release(transfer.staged);
  }

  // ---------- downloads ----------

  async inspect(input: ParsedInput<'file.inspect'>): Promise<Result<FileInfoView>> {
    const shared = this.options.fileOfMessage(input.accountId, input.messageId);
    if (!shared) return fail('not_found', 'file.notShared');
    const source = fileSource(shared.url);
    if ('error' in source) return failBecause('invalid_input', source.error);
    try {
      const head = await this.options.http.head(source.url);
      // What the server says of an encrypted file's type is about its ciphertext: the name tells more.
      const type = source.secret ? null : head.type;
      return ok({ name: fileNameOfUrl(source.url), size: plainSize(head.size, source.secret), type });
    } catch (error) {
      return failBecause('not_found', transferError(error, 'download'));
    }
  }

  startDownload(input: ParsedInput<'download.start'>): Result<TransferView> {
    const shared = this.options.fileOfMessage(input.accountId, input.messageId);
    if (!shared) return fail('not_found', 'file.notShared');
    const source = fileSource(shared.url);
    if ('error' in source) return failBecause('invalid_input', source.error);
    const transfer = this.add({
      accountId: input.accountId,
      direction: 'download',
      conversation: shared.conversation,
      kind: shared.kind,
      name: fileNameOfUrl(source.url),
      size: null,
      state: 'active',
    });
    transfer.source = shared.url;
    transfer.view.messageId = input.messageId;
    void this.runDownload(transfer);
    return ok(this.snapshotOf(transfer));
  }

  private async runDownload(transfer: Transfer): Promise<void> {
    const controller = new AbortController();
    transfer.controller = controller;
    transfer.meter.reset();
    this.setState(transfer, 'active', null);
    try {
      const source = fileSource(transfer.source!);
      if ('error' in source) throw new AesgcmError(source.error);
      const saved = await downloadToFolder(
        this.options.http,
        source.url,
        this.options.downloadsDir(),
        transfer.view.name,
        {
          signal: controller.signal,
          maxBytes: this.maxDownloadBytes + (source.secret ? AESGCM_TAG_BYTES : 0),
          secret: source.secret,
          onSize: (size) => {
            transfer.view.size = size;
            this.changed(transfer);
          },
          onProgress: (bytes) => this.progress(transfer, bytes),
        },
      );
      transfer.view.name = saved.name;
      transfer.saved = saved.file;
      this.setState(transfer, 'done', null);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.setState(transfer, 'failed', transferError(error, 'download'));
      this.options.log.info('download failed', { id: transfer.view.id, error: transferError(error, 'download') });
    } finally {
      if (transfer.controller === controller) transfer.controller = null;
    }
  }

  /** The saved file of a finished download, to hand to the system; null when there is none. */
  savedFile(id: string): string | null {
    const transfer = this.transfers.get(id);
    return transfer?.view.state === 'done' ? transfer.saved : null;
  }

  // ---------- both ----------

  cancel(input: ParsedInput<'transfer.cancel'>): Result<null> {
    const transfer = this.transfers.get(input.id);
    if (!transfer) return fail('not_found', 'transfer.notFound');
    if (transfer.view.state !== 'waiting' && transfer.view.state !== 'active') return ok(null);
    // An upload whose file the server already has can no longer be taken back: it finishes.
    if (transfer.messageStored) return ok(null);
    this.setState(transfer, 'cancelled', null);
    transfer.controller?.abort();
    return ok(null);
  }

  retry(input: ParsedInput<'transfer.retry'>): Result<TransferView> {
    const transfer = this.transfers.get(input.id);
    if (!transfer) return fail('not_found', 'transfer.notFound');
    if (transfer.view.state !== 'failed' && transfer.view.state !== 'cancelled') return ok(this.snapshotOf(transfer));
    if (transfer.view.direction === 'download') {
      void this.runDownload(transfer);
      return ok(this.snapshotOf(transfer));
    }
    if (transfer.view.url === null && !(transfer.staged && this.options.staging.get(transfer.staged))) {
      return fail('not_found', 'upload.fileGone');
    }
    transfer.restarts = 0;
    const waiting = this.options.upload.isOnline(transfer.view.accountId)
      ? null
      : { reason: 'upload.offline' as const };
    this.setState(transfer, 'waiting', waiting);
    this.schedule(transfer.view.accountId);
    return ok(this.snapshotOf(transfer));
  }

  dismiss(input: ParsedInput<'transfer.dismiss'>): Result<null> {
    const transfer = this.transfers.get(input.id);
    if (!transfer) return ok(null);
    if (transfer.view.state === 'waiting' || transfer.view.state === 'active') {
      return fail('conflict', 'transfer.stillRunning');
    }
    this.forget(transfer);
    return ok(null);
  }

  close(): void {
    for (const transfer of this.transfers.values()) transfer.controller?.abort();
  }

  private add(
    fields: Pick<TransferView, 'accountId' | 'direction' | 'conversation' | 'kind' | 'name' | 'size' | 'state'>,
  ): Transfer {
    const view: TransferView = {
      id: randomBytes(12).toString('base64url'),
      ...fields,
      transferred: 0,
      bytesPerSecond: 0,
      error: null,
      url: null,
      messageId: null,
      preview: null,
      startedAt: this.now(),
    };
    const transfer: Transfer = {
      view,
      staged: null,
      source: null,
      saved: null,
      controller: null,
      meter: new SpeedMeter(),
      messageStored: false,
      keepMetadata: false,
      encrypt: false,
      restarts: 0,
      contentType: null,
    };
    this.transfers.set(view.id, transfer);
    return transfer;
  }

  private forget(transfer: Transfer): void {
    this.transfers.delete(transfer.view.id);
    if (transfer.staged) void this.options.staging.release(transfer.staged);
    this.options.bus.emit({ type: 'transfer.removed', id: transfer.view.id });
  }

  private setState(transfer: Transfer, state: TransferView['state'], error: TransferError | null): void {
    transfer.view.state = state;
    transfer.view.error = error;
    this.changed(transfer);
  }

  private progress(transfer: Transfer, bytes: number): void {
    if (transfer.view.state !== 'active') return;
    transfer.view.transferred = bytes;
    transfer.meter.add(this.now(), bytes);
    this.changed(transfer);
  }

  /** The event is built at flush time, so a burst of progress costs one event per batch. */
  private changed(transfer: Transfer): void {
    this.options.bus.emitLazy(transferKey(transfer.view.id), () =>
      this.transfers.get(transfer.view.id) === transfer
        ? { type: 'transfer', transfer: this.snapshotOf(transfer) }
        : null,
    );
  }

  private snapshotOf(transfer: Transfer): TransferView {
    const moving = transfer.view.state === 'active';
    return { ...transfer.view, bytesPerSecond: moving ? transfer.meter.rate(this.now()) : 0 };
  }
}

/** A failure with its reason and parameters for the renderer. */
class TransferFailure extends Error {
  constructor(readonly error: TransferError) {
    super(error.reason);
    this.name = 'TransferFailure';
  }
}

/** The upload's connection went while it ran (not a refusal: the same upload may well work again). */
function droppedInTheMiddle(error: unknown): boolean {
  return error instanceof HttpError && (error.code === 'network' || error.code === 'timeout');
}

function tooLarge(size: number, limit: number): Result<never> {
  return fail('invalid_input', 'upload.tooLarge', { size, limit });
}

/** A command's failure for what stopped a transfer. */
function failBecause(code: ErrorCode, error: TransferError): Result<never> {
  return { ok: false, error: { code, ...error } };
}

/** The reason and parameters of whatever stopped a transfer. */
function transferError(error: unknown, direction: TransferView['direction']): TransferError {
  if (error instanceof TransferFailure || error instanceof AesgcmError) return error.error;
  if (error instanceof HttpError) return { reason: httpReason(error), params: error.params };
  if (error instanceof SlotRequestError) {
    const detail = error.detail;
    switch (detail.code) {
      case 'not-connected':
        return { reason: 'upload.offline' };
      case 'refused':
        return detail.limit !== null
          ? { reason: 'upload.tooLarge', params: { limit: detail.limit } }
          : { reason: 'upload.refused', params: { condition: detail.condition } };
      case 'bad-slot':
        return { reason: 'upload.badSlot' };
      case 'timeout':
        return { reason: 'upload.timeout' };
      default:
        return { reason: 'upload.unavailable' };
    }
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return { reason: direction === 'upload' ? 'file.unreadable' : 'file.write', params: { errno: code } };
  }
  return { reason: 'transfer.internal' };
}
