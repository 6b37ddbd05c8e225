import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The state of the link to the core, as the user needs to know it. */
export const useAppStore = defineStore('app', () => {
  /** 'starting' until the link first comes up; 'lost' when it drops (bridge only). */
  const link = ref<'starting' | 'up' | 'lost'>('starting');
  const snapshotError = ref<string | null>(null);
  /**
   * False until the first snapshot's roster has been painted: the parts beside the roster
   * (conversations, rooms, the account overview) wait for it, so they are not on its first frame.
   */
  const firstPaintDone = ref(false);

  function setLink(up: boolean) {
    if (up) link.value = 'up';
    else if (link.value !== 'starting') link.value = 'lost';
  }

  function setSnapshotError(message: string | null) {
    snapshotError.value = message;
  }

  /** The first snapshot is in the stores: after the frame that paints it, the rest renders. */
  function snapshotApplied() {
    if (firstPaintDone.value) return;
    const done = () => setTimeout(() => (firstPaintDone.value = true));
    // A timer set in an animation frame callback runs after that frame is painted.
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(done);
    else done();
  }

  return { link, snapshotError, firstPaintDone, setLink, setSnapshotError, snapshotApplied };
});
