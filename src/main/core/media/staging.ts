/**
 * Files waiting to be uploaded. The renderer never names a path: a file reaches the core either by
 * the file picker, which runs in main (`adopt`: the path the user chose stays in main), or as bytes
 * the renderer posts to the shell's staging route (drag and drop, paste, the bridge's file input),
 * which are streamed into a private directory (`receive`). Either way the renderer gets an opaque id.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { sanitizeFileName } from './file-names';

export interface StagedFile {
  id: string;
  /** A safe display name (never a path). */
  name: string;
  size: number;
  /** Where the bytes are; main only. */
  file: string;
  /** The file is our copy (removed on release), not one the user picked. */
  owned: boolean;
}

export type StageResult = { ok: true; staged: StagedFile } | { ok: false; reason: 'too-large' | 'empty' | 'io' };

export interface StagingOptions {
  dir: string;
  log: Logger;
  /** Largest file accepted. Default 1 GiB. */
  maxFileBytes?: number;
  /** All staged copies together. Default 2 GiB. */
  maxTotalBytes?: number;
}

export class StagingArea {
  private readonly files = new Map<string, StagedFile>();
  private readonly maxFileBytes: number;
  private readonly maxTotalBytes: number;
  private ownedBytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly log: Logger,
    options: StagingOptions,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024 * 1024;
    this.maxTotalBytes = options.maxTotalBytes ?? 2 * 1024 * 1024 * 1024;
  }

  /** Opens the area and waits until it is ready. */
  static async open(options: StagingOptions): Promise<StagingArea> {
    const area = StagingArea.create(options);
    await area.ready;
    return area;
  }

  /** The area at once; copies left from an earlier run (their ids meant nothing any more) go in the background. */
  static create(options: StagingOptions): StagingArea {
    const area = new StagingArea(options.dir, options.log, options);
    area.ready = (async () => {
      await fs.rm(options.dir, { recursive: true, force: true });
      await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
    })();
    area.ready.catch((error) => options.log.error('the staging area could not be made', { error }));
    return area;
  }

  ready: Promise<void> = Promise.resolve();

  get(id: string): StagedFile | null {
    return this.files.get(id) ?? null;
  }

  /** Streams posted bytes into a private copy; stops as soon as they exceed the limits. */
  async receive(claimedName: string, body: AsyncIterable<Uint8Array>): Promise<StageResult> {
    await this.ready.catch(() => {});
    const id = newId();
    const file = path.join(this.dir, id);
    let size = 0;
    let handle: fs.FileHandle | null = null;
    const refuse = async (reason: 'too-large' | 'empty' | 'io'): Promise<StageResult> => {
      await handle?.close().catch(() => {});
      await fs.rm(file, { force: true });
      this.ownedBytes -= size;
      return { ok: false, reason };
    };
    try {
      handle = await fs.open(file, 'wx', 0o600);
      for await (const chunk of body) {
        size += chunk.byteLength;
        this.ownedBytes += chunk.byteLength;
        if (size > this.maxFileBytes || this.ownedBytes > this.maxTotalBytes) return await refuse('too-large');
        await handle.write(chunk);
      }
      await handle.close();
      handle = null;
      if (size === 0) return await refuse('empty');
    } catch (error) {
      this.log.warn('a file could not be staged', { error });
      return refuse('io');
    }
    const staged: StagedFile = { id, name: sanitizeFileName(claimedName, 'file'), size, file, owned: true };
    this.files.set(id, staged);
    return { ok: true, staged };
  }

  /** A file the user picked in main's dialog: kept where it is. */
  async adopt(file: string): Promise<StageResult> {
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) return { ok: false, reason: 'io' };
    if (stat.size === 0) return { ok: false, reason: 'empty' };
    if (stat.size > this.maxFileBytes) return { ok: false, reason: 'too-large' };
    const staged: StagedFile = {
      id: newId(),
      name: sanitizeFileName(path.basename(file), 'file'),
      size: stat.size,
      file,
      owned: false,
    };
    this.files.set(staged.id, staged);
    return { ok: true, staged };
  }

  /** Forgets a staged file, removing our copy. */
  async release(id: string): Promise<void> {
    const staged = this.files.get(id);
    if (!staged) return;
    this.files.delete(id);
    if (!staged.owned) return;
    this.ownedBytes -= staged.size;
    await fs.rm(staged.file, { force: true }).catch(() => {});
  }

  async close(): Promise<void> {
    for (const id of [...this.files.keys()]) await this.release(id);
  }
}

function newId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}
