/**
 * The parts of the app that load on first use (App.vue's and MainPane.vue's async components, the
 * contract's schemas), loaded ahead in idle time once the roster's first frame is painted. Left to
 * first use, they arrive a second or more after the first rows (the overview asks a command, which
 * then loads the contract), and each chunk's evaluation lands in whatever runs then: a scroll's
 * frames, when the user scrolls at once. Loaded here one after another, each in an idle period of
 * its own, they are in before the user can do much, and a later first use costs no fetch.
 */
import { loadContract } from './api/checked';

type Load = () => Promise<unknown>;

/** In the order the window is likely to need them: what the first screen's next frames show first. */
export const LATER_PARTS: readonly Load[] = [
  () => import('./components/chat/ConversationList.vue'),
  () => import('./components/muc/MucSidebarSection.vue'),
  () => import('./components/common/LiveAnnouncer.vue'),
  () => import('./components/accounts/AccountOverview.vue'),
  loadContract,
  () => import('./components/roster/ContactPanel.vue'),
  () => import('./components/subscription/SubscriptionInbox.vue'),
  () => import('./components/muc/InvitePrompt.vue'),
];

/** Runs `work` when the main thread is idle (soon anyway: a busy window still gets it within a second). */
export type IdleScheduler = (work: () => void) => void;

const whenIdle: IdleScheduler = (work) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1000 });
  else setTimeout(work);
};

/**
 * Loads each part in an idle period of its own, the next only once the one before has been evaluated
 * (two chunks that arrive together would be evaluated in one task). A part that fails to load is left
 * to its first use, which asks again (and shows the failure where it happens).
 */
export function loadLaterParts(
  parts: readonly Load[] = LATER_PARTS,
  schedule: IdleScheduler = whenIdle,
): Promise<void> {
  return new Promise((done) => {
    let next = 0;
    const step = () => {
      if (next >= parts.length) return done();
      const load = parts[next++];
      schedule(() => {
        load().then(step, step);
      });
    };
    step();
  });
}
