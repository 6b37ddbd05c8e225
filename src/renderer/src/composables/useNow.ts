import { onScopeDispose, ref } from 'vue';

// One shared clock for every countdown on screen; it ticks only while something uses it.
const now = ref(Date.now());
let users = 0;
let timer: number | undefined;

/** The current time in epoch ms, updated every second while any component uses it. */
export function useNow() {
  if (users++ === 0) {
    now.value = Date.now();
    timer = window.setInterval(() => (now.value = Date.now()), 1000);
  }
  onScopeDispose(() => {
    if (--users === 0) window.clearInterval(timer);
  });
  return now;
}
