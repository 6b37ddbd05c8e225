import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** Whether the window has focus and is visible (a hidden or background window reads nothing). */
export function useWindowFocus(): Ref<boolean> {
  const focused = ref(typeof document === 'undefined' ? false : document.hasFocus() && !document.hidden);
  const update = () => (focused.value = document.hasFocus() && !document.hidden);
  onMounted(() => {
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    update();
  });
  onBeforeUnmount(() => {
    window.removeEventListener('focus', update);
    window.removeEventListener('blur', update);
    document.removeEventListener('visibilitychange', update);
  });
  return focused;
}
