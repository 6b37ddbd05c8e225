/**
 * Saving a shared file into a folder: the name is reserved first (a new file, never one that
 * exists), the bytes stream into "<name>.part" beside it and replace the reservation only when
 * complete, so a cancelled or failed download leaves nothing behind and an interrupted one never
 * looks finished. The body is bounded by the HTTPS client (hard cap, announced size).
 */
import { promises as fs, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createUniqueFile, sanitizeFileName } from '../../media/file-names';
import type { HttpsClient } from '../../media/https-client';
import { decrypting, type AesgcmSecret } from './aesgcm';

export interface DownloadOptions {
  signal: AbortSignal;
  maxBytes: number;
  expectedSize?: number;
  /** An encrypted file (aesgcm:): decrypted as it arrives, kept only when its tag verifies. */
  secret?: AesgcmSecret | null;
  onSize?: (size: number | null) => void;
  onProgress?: (bytes: number) => void;
}

/** Downloads `url` into `folder`; resolves with the name it was saved under. */
export async function downloadToFolder(
  http: HttpsClient,
  url: string,
  folder: string,
  claimedName: string,
  options: DownloadOptions,
): Promise<{ name: string; file: string }> {
  await fs.mkdir(folder, { recursive: true });
  const reserved = await createUniqueFile(folder, claimedName);
  await reserved.handle.close();
  const part = `${reserved.file}.part`;
  let partOpened = false;
  try {
    const response = await http.get(url, {
      maxBytes: options.maxBytes,
      expectedSize: options.expectedSize,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    options.onSize?.(response.size);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(part, 'wx', 0o644);
    } catch (error) {
      response.body.destroy();
      throw error;
    }
    partOpened = true;
    const file = createWriteStream('', { fd: handle });
    if (options.secret) await pipeline(response.body, decrypting(options.secret), file, { signal: options.signal });
    else await pipeline(response.body, file, { signal: options.signal });
    await fs.rename(part, reserved.file);
    return { name: reserved.name, file: reserved.file };
  } catch (error) {
    if (partOpened) await fs.rm(part, { force: true }).catch(() => {});
    await fs.rm(reserved.file, { force: true }).catch(() => {});
    throw error;
  }
}

/** The file name an address suggests: its last path segment, decoded, made safe. */
export function fileNameOfUrl(url: string): string {
  let segment = '';
  try {
    segment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    segment = '';
  }
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // a broken escape: keep the raw segment
  }
  return sanitizeFileName(decoded, 'download');
}
