import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The state of the link to the core, as the user needs to know it. */
export const useAppStore = defineStore('app', () => {
  /** 'starting' until the link first comes up; 'lost' when it drops (bridge only). */
  const link = ref<'starting' | 'up' | 'lost'>('starting');
  const snapshotError = ref<string | null>(null);

  function setLink(up: boolean) {
    if (up) link.value = 'up';
    else if (link.value !== 'starting') link.value = 'lost';
  }

  function setSnapshotError(message: string | null) {
    snapshotError.value = message;
  }

  return { link, snapshotError, setLink, setSnapshotError };
});
