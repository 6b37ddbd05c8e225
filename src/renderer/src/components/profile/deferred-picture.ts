/**
 * Which picture a face shows: the verified avatar's URL once it may load, or null for the initials.
 * In a scrolled list (`defer`), a picture not shown before is asked for only once the row has kept
 * the same person for a few frames and a moment: rows that only pass by in a fast scroll fetch and
 * decode nothing. Pictures this page has shown come back at once. A broken picture falls back to
 * the initials until the avatar changes.
 */
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import type { MediaRef } from '../../../../shared/contract';
import { mediaUrl } from '../../api/media';
import { createSettler } from '../../lib/settle';

const settler = createSettler({
  frames: 4,
  ms: 120,
  requestFrame: (tick) => requestAnimationFrame(tick),
  now: () => performance.now(),
});
/** Pictures this page has shown: a row scrolled back to shows them at once. */
const shown = new Set<string>();
const SHOWN_MAX = 5_000;

export interface DeferredPicture {
  /** The URL the `<img>` loads, or null: show the initials. */
  src: Ref<string | null>;
  onLoad(): void;
  onError(): void;
}

export function useDeferredPicture(avatar: () => Pick<MediaRef, 'id'> | null, defer: () => boolean): DeferredPicture {
  const broken = ref(false);
  const id = computed(() => avatar()?.id ?? null);
  watch(id, () => (broken.value = false));
  const url = computed(() => {
    const current = avatar();
    return current && !broken.value ? mediaUrl(current) : null;
  });
  const src = shallowRef<string | null>(null);
  let cancelSettle: (() => void) | null = null;
  watch(
    url,
    (next) => {
      cancelSettle?.();
      cancelSettle = null;
      if (!next || !defer() || shown.has(next)) {
        src.value = next;
        return;
      }
      src.value = null;
      cancelSettle = settler.settle(() => (src.value = next));
    },
    { immediate: true },
  );
  onBeforeUnmount(() => cancelSettle?.());

  return {
    src,
    onLoad() {
      if (!src.value) return;
      if (shown.size >= SHOWN_MAX) shown.clear();
      shown.add(src.value);
    },
    onError() {
      broken.value = true;
    },
  };
}
