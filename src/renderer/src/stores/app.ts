import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppError, AppEvent, AppNoticeView, Snapshot } from '../../../shared/contract';
import { errorText } from '../lib/words/errors';

/** How long the parts beside the roster wait for a first frame that a hidden window never gets. */
export const HIDDEN_WINDOW_WAIT_MS = 1000;

/** The state of the link to the core, as the user needs to know it. */
export const useAppStore = defineStore('app', () => {
  /** 'starting' until the link first comes up; 'lost' when it drops (bridge only). */
  const link = ref<'starting' | 'up' | 'lost'>('starting');
  const snapshotFailure = ref<AppError | null>(null);
  /** Why the snapshot could not be read, in words (it is asked for again). */
  const snapshotError = computed(() => (snapshotFailure.value ? errorText(snapshotFailure.value) : null));
  /**
   * False until the first snapshot's roster has been painted: the parts beside the roster
   * (conversations, rooms, the account overview) wait for it, so they are not on its first frame.
   */
  const firstPaintDone = ref(false);
  let waitingForPaint = false;
  /**
   * True from the first screen's arrival until the frame that paints it: that frame draws the
   * roster column and nothing else new; the account sidebar and the main pane render in the task
   * after it (App.vue keeps their places meanwhile).
   */
  const rowsOnly = ref(false);
  let rowsOnlyTaken = false;
  /** Notices about the app itself (a repaired store, data that could not be saved), oldest first. */
  const notices = ref<AppNoticeView[]>([]);

  function applySnapshot(snapshot: Snapshot) {
    notices.value = snapshot.notices;
  }

  function applyEvents(events: readonly AppEvent[]) {
    for (const event of events) {
      if (event.type === 'app.notice') {
        notices.value = [...notices.value.filter((notice) => notice.id !== event.notice.id), event.notice];
      } else if (event.type === 'app.noticeRemoved') {
        notices.value = notices.value.filter((notice) => notice.id !== event.id);
      }
    }
  }

  function setLink(up: boolean) {
    if (up) link.value = 'up';
    else if (link.value !== 'starting') link.value = 'lost';
  }

  function setSnapshotError(error: AppError | null) {
    snapshotFailure.value = error;
  }

  /** The first snapshot is in the stores: after the frame that paints it, the rest renders. */
  function snapshotApplied() {
    if (firstPaintDone.value || waitingForPaint) return;
    waitingForPaint = true;
    afterPaint(() => (firstPaintDone.value = true));
  }

  /** The roster's first screen is in the stores (once per window): its rows first, the rest a frame later. */
  function firstScreenApplied() {
    if (rowsOnlyTaken || firstPaintDone.value || waitingForPaint) return;
    rowsOnlyTaken = true;
    rowsOnly.value = true;
    afterPaint(() => (rowsOnly.value = false));
  }

  return {
    link,
    snapshotError,
    firstPaintDone,
    rowsOnly,
    notices,
    setLink,
    setSnapshotError,
    snapshotApplied,
    firstScreenApplied,
    applySnapshot,
    applyEvents,
  };
});

/**
 * Runs `then` once the next frame has been painted: a timer set in an animation frame callback runs
 * after that frame. A hidden window gets no frames: then after HIDDEN_WINDOW_WAIT_MS anyway.
 */
function afterPaint(then: () => void) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(once);
    return;
  }
  requestAnimationFrame(() => setTimeout(once));
  setTimeout(once, HIDDEN_WINDOW_WAIT_MS);
}
