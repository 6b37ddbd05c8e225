import { computed, onBeforeUnmount, onMounted, ref } from 'vue';

export interface VirtualRowsOptions {
  /** Every row's height in px. */
  rowHeight: number;
  /** Rows kept in the DOM beyond each edge of the view. */
  overscan: number;
  /** How many rows there are now (read reactively). */
  count: () => number;
  /** The view's height until the first resize report, when there is no window to take it from. */
  fallbackHeight: number;
}

/**
 * A virtualized list of rows of one fixed height in one scroll container: which rows are in view
 * (plus overscan), the spacer that gives the container its full height, and scrolling a row into
 * view. Bind `scroller` as the container's ref, `onScroll` to its passive scroll event and `spacer`
 * as the style of the element that holds the rows.
 */
export function useVirtualRows(options: VirtualRowsOptions) {
  const { rowHeight, overscan } = options;
  const scroller = ref<HTMLElement | null>(null);
  const scrollTop = ref(0);
  // The window's height until the first resize report: enough rows, without forcing a layout to measure.
  const viewport = ref(typeof window === 'undefined' ? options.fallbackHeight : window.innerHeight);

  /** The first row in the DOM, and one past the last. */
  const first = computed(() => Math.max(0, Math.floor(scrollTop.value / rowHeight) - overscan));
  const last = computed(() =>
    Math.min(options.count(), Math.ceil((scrollTop.value + viewport.value) / rowHeight) + overscan),
  );
  const spacer = computed(() => ({ height: `${options.count() * rowHeight}px` }));
  /**
   * The most rows in the DOM at once for this view height. Rows keyed by `index % slots` are
   * unique within the window, and a re-sorted list patches the rows in place instead of
   * unmounting and mounting a new row for every contact that moved.
   */
  const slots = computed(() => Math.ceil(viewport.value / rowHeight) + 1 + 2 * overscan);

  // Read once a frame at most.
  let frame = 0;
  function onScroll() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      scrollTop.value = scroller.value?.scrollTop ?? 0;
    });
  }

  let observer: ResizeObserver | null = null;
  onMounted(() => {
    const el = scroller.value;
    if (!el) return;
    // Reported after layout, before paint: no synchronous layout at mount.
    observer = new ResizeObserver(() => (viewport.value = el.clientHeight));
    observer.observe(el);
  });
  onBeforeUnmount(() => {
    observer?.disconnect();
    cancelAnimationFrame(frame);
  });

  /** Scrolls as little as needed to show row `index` whole. */
  function scrollIntoView(index: number) {
    const el = scroller.value;
    if (!el) return;
    const top = index * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    scrollTop.value = el.scrollTop;
  }

  /** Back to the first row (a new view or filter). */
  function scrollToTop() {
    if (scroller.value) scroller.value.scrollTop = 0;
    scrollTop.value = 0;
  }

  /** How many whole rows the container shows (400 px worth before it is laid out). */
  function rowsInView(): number {
    return Math.floor((scroller.value?.clientHeight ?? 400) / rowHeight);
  }

  return { scroller, first, last, spacer, slots, onScroll, scrollIntoView, scrollToTop, rowsInView };
}
