/**
 * At start-up, the pictures kept from earlier runs: those whose type the media store already knows
 * (its index) get their reference in one synchronous pass, so their identities go out in one batch
 * of events; only the others wait for the store to look at their file, one after another.
 */
import type { MediaRef } from '../../../../shared/media';
import { mediaKey, type MediaStore } from '../../media/store';

/** What loading needs of an identity entry. */
export interface KeptAvatar {
  /** The avatar's SHA-1 (undefined: not known; null: none). */
  hash: string | null | undefined;
  ref: MediaRef | null;
}

/** Sets `ref` on each entry whose avatar the store keeps, and calls `shown` for it. */
export async function loadKeptAvatars<T extends KeptAvatar>(
  store: Pick<MediaStore, 'ready' | 'refIfKnown' | 'ref'>,
  entries: Iterable<T>,
  shown: (entry: T) => void,
): Promise<void> {
  await store.ready.catch(() => {});
  const unsniffed: T[] = [];
  for (const entry of entries) {
    const key = entry.hash && !entry.ref ? mediaKey('sha1', entry.hash) : null;
    if (!key) continue;
    entry.ref = store.refIfKnown(key);
    if (entry.ref) shown(entry);
    else unsniffed.push(entry);
  }
  for (const entry of unsniffed) {
    const hash = entry.hash!;
    const ref = await store.ref(mediaKey('sha1', hash)!);
    // The entry may have changed meanwhile (a new hash announced, or its picture fetched).
    if (!ref || entry.hash !== hash || entry.ref) continue;
    entry.ref = ref;
    shown(entry);
  }
}
