/**
 * Previews of shared files: the picture or short video at an https: address, fetched by the core
 * into the media store (keyed by the SHA-256 of what arrived) and handed to the renderer as a
 * MediaRef. The bytes must be media we show within the preview limits (refused as soon as the
 * first bytes say otherwise), and the download is capped by those limits whatever the server says.
 * An address is fetched once (joined while in flight, remembered after), a few at a time.
 */
import type { MediaRef } from '../../../shared/media';
import { pipeline } from 'node:stream';
import type { HttpReason, MediaParams, Reasoned, TransferParams } from '../../../shared/errors';
import { AesgcmError, AESGCM_TAG_BYTES, decrypting, fileSource } from '../features/upload/aesgcm';
import type { Logger } from '../log';
import { HttpError, httpReason, type HttpsClient } from './https-client';
import { VIDEO_PREVIEW_LIMITS, type MediaLimits, type MediaRefusal } from './limits';
import type { MediaKey, MediaStore } from './store';

/** Why a preview was not made: the media store's refusal, or what the HTTPS fetch said. */
export type PreviewRefusal = Reasoned<
  MediaParams & Pick<TransferParams, HttpReason | 'file.encryptedKey' | 'file.encryptedShort' | 'file.encryptedTag'>
>;
export type PreviewResult = { ok: true; ref: MediaRef } | { ok: false; refusal: PreviewRefusal };

/** Addresses remembered with the hash of what they gave. */
const REMEMBERED = 2000;

export class PreviewService {
  private readonly known = new Map<string, MediaKey>();
  private readonly inFlight = new Map<string, Promise<PreviewResult>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(
    private readonly store: MediaStore,
    private readonly http: HttpsClient,
    private readonly log: Logger,
    private readonly parallel = 4,
    private readonly limits: MediaLimits = VIDEO_PREVIEW_LIMITS,
  ) {}

  preview(url: string): Promise<PreviewResult> {
    const current = this.inFlight.get(url);
    if (current) return current;
    const promise = this.fetch(url).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, promise);
    return promise;
  }

  private async fetch(url: string): Promise<PreviewResult> {
    const source = fileSource(url);
    if ('error' in source) return { ok: false, refusal: source.error as PreviewRefusal };
    const key = this.known.get(url);
    const kept = key ? await this.store.ref(key) : null;
    if (kept) return { ok: true, ref: kept };
    if (this.running >= this.parallel) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      // The store refuses at the limit itself (and says so); the cap here is the backstop.
      const response = await this.http.get(source.url, {
        maxBytes: this.limits.maxBytes + 1024 * 1024 + (source.secret ? AESGCM_TAG_BYTES : 0),
      });
      // An encrypted file is decrypted on its way into the store, which keeps nothing when its tag fails.
      let failure: AesgcmError | null = null;
      const decrypt = source.secret ? decrypting(source.secret) : null;
      decrypt?.once('error', (error) => {
        if (error instanceof AesgcmError) failure = error;
      });
      const body = decrypt ? pipeline(response.body, decrypt, () => {}) : response.body;
      const result = await this.store.ingest(body, 'sha256', this.limits);
      body.destroy();
      response.body.destroy();
      if (failure) return { ok: false, refusal: (failure as AesgcmError).error as PreviewRefusal };
      if (!result.ok) {
        this.log.info('preview refused', { reason: result.reason });
        return { ok: false, refusal: { reason: MEDIA_REASONS[result.reason] } };
      }
      this.known.delete(url);
      this.known.set(url, result.key);
      if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
      return { ok: true, ref: result.ref };
    } catch (error) {
      if (error instanceof HttpError)
        return { ok: false, refusal: { reason: httpReason(error), params: error.params } };
      this.log.info('preview failed', { error });
      return { ok: false, refusal: { reason: 'media.internal' } };
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** The error reason of each refusal. */
export const MEDIA_REASONS: Record<MediaRefusal, keyof MediaParams> = {
  type: 'media.type',
  'too-large': 'media.tooLarge',
  dimensions: 'media.dimensions',
  'unknown-dimensions': 'media.unknownDimensions',
  'hash-mismatch': 'media.hashMismatch',
  io: 'media.io',
};
