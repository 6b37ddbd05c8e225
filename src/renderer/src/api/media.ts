/**
 * Media and files between the renderer and the core, for either shell:
 * - `mediaUrl(ref)`: where an <img> or <video> loads verified media from: app://media/<id> in
 *   Electron, the bridge's token-protected /media/<id> (same origin, cookie-authenticated) otherwise.
 *   Never a remote URL, never a file path; the CSP allows nothing else.
 * - `stageFile(blob, name)`: hands a dropped or pasted file's bytes to the core for upload; the answer
 *   is the staged file's id for upload.start. Files picked with the dialog use upload.pick instead.
 */
import type { StagedFileView } from '../../../shared/contract';
import { BRIDGE_MEDIA_PATH, MEDIA_ORIGIN, STAGE_PATH, type MediaRef } from '../../../shared/media';
import { fail, ok, type Result } from '../../../shared/result';

export type Shell = 'electron' | 'bridge';

/** The Electron page's own origin (the staging route must be same-origin: no CORS on app://). */
const ELECTRON_APP_ORIGIN = 'app://jabberwock';

/** Which shell the page runs in: Electron's preload exposes window.jabberwock, the bridge does not. */
export function currentShell(): Shell {
  return typeof window !== 'undefined' && window.jabberwock ? 'electron' : 'bridge';
}

export function mediaUrl(ref: Pick<MediaRef, 'id'>, shell: Shell = currentShell()): string {
  const id = encodeURIComponent(ref.id);
  return shell === 'electron' ? `${MEDIA_ORIGIN}/${id}` : `${BRIDGE_MEDIA_PATH}/${id}`;
}

export function stageUrl(name: string, shell: Shell = currentShell()): string {
  const query = `?name=${encodeURIComponent(name)}`;
  return shell === 'electron' ? `${ELECTRON_APP_ORIGIN}${STAGE_PATH}${query}` : `${STAGE_PATH}${query}`;
}

/** Posts a file's bytes to the shell's staging route. */
export async function stageFile(
  body: Blob,
  name: string,
  shell: Shell = currentShell(),
  post: typeof fetch = fetch,
): Promise<Result<StagedFileView>> {
  let response: Response;
  try {
    response = await post(stageUrl(name, shell), { method: 'POST', body, credentials: 'same-origin' });
  } catch {
    return fail('not_connected', 'upload.stageFailed');
  }
  let value: unknown = null;
  try {
    value = await response.json();
  } catch {
    value = null;
  }
  if (response.ok && isStaged(value)) return ok(value);
  if (response.status === 413) return fail('invalid_input', 'upload.stageTooLarge');
  return fail('internal', 'upload.stageRefused');
}

function isStaged(value: unknown): value is StagedFileView {
  const v = value as Partial<StagedFileView> | null;
  return !!v && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.size === 'number';
}
