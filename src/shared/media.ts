/**
 * Media as the renderer sees it: a reference to a picture or short video that the core fetched,
 * verified (hash, type from the bytes, size, dimensions) and keeps on disk. The renderer never gets
 * a file path or a remote URL, only this; `mediaUrl` in the renderer's api turns it into a URL of
 * the app's own protocol (Electron) or of the bridge's token-protected route.
 */

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif';
export type VideoMime = 'video/mp4' | 'video/webm';
export type MediaMime = ImageMime | VideoMime;

export interface MediaRef {
  /** Opaque, unguessable, valid while this run of the app lasts. */
  id: string;
  /** From the bytes, never from what a sender or server claimed. */
  mime: MediaMime;
  /** Bytes. */
  size: number;
  /** Pixels; null only for a video whose header did not say. */
  width: number | null;
  height: number | null;
}

/** The form of a media id (base64url, 22 characters: 128 bits). */
export const MEDIA_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** The Electron shell serves media at `${MEDIA_ORIGIN}/<id>` (a host of the app's own scheme). */
export const MEDIA_ORIGIN = 'app://media';
/** The browser bridge serves media at `${BRIDGE_MEDIA_PATH}/<id>` on its own origin. */
export const BRIDGE_MEDIA_PATH = '/media';
/**
 * Where the renderer posts a file's bytes (drag and drop, paste, the bridge's file input) to stage it
 * for upload: the body is the file, `?name=` its name. Same origin as the page in both shells.
 */
export const STAGE_PATH = '/stage';
