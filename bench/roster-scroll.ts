/**
 * The roster benches' scroll: top to bottom one screen per frame, counting long tasks on the way.
 * BENCH_SCROLL_TRACE=1 records a Chromium trace of each scroll a bench does not trace itself
 * (`roster-render.bench.ts`) to bench/results/roster-scroll-N.trace.json, and adds the main
 * thread's CPU time per task to the result (`cpu`); BENCH_SCROLL_TRACE=js adds JavaScript samples.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { percentile, rendererTaskCpuMs } from './trace-tasks';
import { RESULTS_DIR } from './results-dir';

export interface TreeScroll {
  ms: number;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
  /** Each long task: when it started (ms after the scroll's start) and how long it took. */
  longTaskList?: [number, number][];
  rowsSeen: number;
  /** By the main thread's CPU time per task (traced scrolls only). */
  cpu?: { longTasks: number; longestTaskMs: number; p99Ms: number; tasks: number; totalMs: number };
}

const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  // BENCH_SCROLL_TRACE=js: the JavaScript samples too (which functions a long task ran), at a cost.
  ...(process.env.BENCH_SCROLL_TRACE === 'js' ? ['disabled-by-default-v8.cpu_profiler'] : []),
];
let traced = 0;

/** Needs the page's long-task observer (`window.__jw.longtasks`, from the benches' init script). */
export async function scrollThroughTree(page: Page, options: { trace?: boolean } = {}): Promise<TreeScroll> {
  const browser = page.context().browser();
  const trace = (options.trace ?? Boolean(process.env.BENCH_SCROLL_TRACE)) && browser !== null;
  const file = path.join(RESULTS_DIR, `roster-scroll-${traced++}.trace.json`);
  if (trace) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await browser.startTracing(page, { path: file, categories: TRACE_CATEGORIES });
  }
  const scroll = (await page.evaluate(`new Promise((resolve) => {
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
            longTaskList: tasks.map((t) => [Math.round(t.start - started), Math.round(t.duration)]),
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
  if (trace) {
    const cpu = rendererTaskCpuMs(await browser.stopTracing());
    scroll.cpu = {
      longTasks: cpu.filter((ms) => ms > 50).length,
      longestTaskMs: Math.round(Math.max(0, ...cpu)),
      p99Ms: Math.round(percentile(cpu, 0.99) * 10) / 10,
      tasks: cpu.length,
      totalMs: Math.round(cpu.reduce((sum, ms) => sum + ms, 0)),
    };
  }
  return scroll;
}
