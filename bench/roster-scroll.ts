/** The roster benches' scroll: top to bottom one screen per frame, counting long tasks on the way. */
import type { Page } from 'playwright';

export interface TreeScroll {
  ms: number;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
  rowsSeen: number;
}

/** Needs the page's long-task observer (`window.__jw.longtasks`, from the benches' init script). */
export async function scrollThroughTree(page: Page): Promise<TreeScroll> {
  return (await page.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('[role="tree"]');
    const seen = new Set();
    const before = window.__jw.longtasks.length;
    const started = performance.now();
    let frames = 0;
    const step = () => {
      frames += 1;
      for (const row of el.querySelectorAll('[role="treeitem"]')) seen.add(row.dataset.index);
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
        setTimeout(() => {
          const tasks = window.__jw.longtasks.slice(before);
          resolve({
            ms: Math.round(performance.now() - started),
            frames,
            longTasks: tasks.length,
            longestTaskMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))),
            rowsSeen: seen.size,
          });
        }, 100);
        return;
      }
      el.scrollTop += el.clientHeight;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`)) as TreeScroll;
}
