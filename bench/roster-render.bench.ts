/**
 * Renderer benchmark: first paint of a 10,000-contact roster (500 groups, 1–3 groups per contact)
 * from the SQLite cache, through the real browser bridge into Chromium, then a scroll from top to
 * bottom watched for long tasks. Twice: with ASCII names and groups (`roster-render`), and with the
 * realistic roster of realistic-data.mjs (`roster-render-realistic`: names and groups in many
 * scripts, entities, emoji, eight domains, 5 % without a name), which lays out differently. Needs `npx electron-vite build` first. Budget: ≤ 500 ms from
 * navigation start to the first roster row painted. Reported, not asserted: the row counts are.
 * For diagnosis, BENCH_TRACE=1 or BENCH_PROFILE=1 record the first run (its number is then slowed);
 * BENCH_TRACE=all traces every run and reports the page main thread's CPU time to the first rows
 * (`mainThreadCpuToFirstRowsMs`), which compares builds on a loaded machine where wall time does not.
 * BENCH_BEFORE=path/to/out/main/web.js loads an earlier build in every run too, alternating which goes
 * first, for before/after under the same load (`roster-render[-realistic]-before`); BENCH_RUNS=N;
 * BENCH_SCROLL=0 skips the scroll.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import type { RosterItemView, Subscription } from '../src/shared/contract';
import { DATABASE_FILE } from '../src/main/core/messenger';
import { AccountsRepository } from '../src/main/core/store/accounts-repo';
import { openDatabase } from '../src/main/core/store/db';
import { RosterRepository } from '../src/main/core/store/roster-repo';
import { launchChromium, ROOT, startWeb, WEB_ENTRY } from '../tests/support/web';
import { realisticContacts } from './realistic-data.mjs';
import { scrollThroughTree, type TreeScroll } from './roster-scroll';

const CONTACTS = Number(process.env.BENCH_CONTACTS) || 10_000;
const GROUPS = 500;
const BUDGET_MS = 500;
const RUNS = Number(process.env.BENCH_RUNS) || 7;
/** An earlier build of the bridge (and so of the renderer it serves), measured in the same runs. */
const BEFORE_ENTRY = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
/** BENCH_SCROLL=0 leaves out the scroll through the list (minutes on a loaded machine) and times the first paint only. */
const SCROLL = process.env.BENCH_SCROLL !== '0';
const SUBSCRIPTIONS: Subscription[] = ['both', 'both', 'both', 'to', 'from', 'none'];

const dirs: string[] = [];
let browser: Browser | null = null;

afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The cached roster: ASCII names in 500 groups, or the realistic roster. */
function rosterItems(data: 'ascii' | 'realistic'): RosterItemView[] {
  if (data === 'realistic') {
    return realisticContacts(CONTACTS).map((contact) => ({
      accountId: 'bench',
      jid: contact.jid,
      name: contact.name,
      subscription: contact.subscription,
      pendingOut: contact.ask,
      groups: contact.groups,
    }));
  }
  const items: RosterItemView[] = [];
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < CONTACTS; i++) {
    const groups = new Set<string>([`Team ${String(i % GROUPS).padStart(3, '0')}`]);
    const extra = next() % 3;
    for (let g = 0; g < extra; g++) groups.add(`Team ${String(next() % GROUPS).padStart(3, '0')}`);
    items.push({
      accountId: 'bench',
      jid: `user${i}@example.org`,
      name: `Contact ${next() % 100000} ${i}`,
      subscription: SUBSCRIPTIONS[i % SUBSCRIPTIONS.length],
      pendingOut: i % 17 === 0,
      groups: [...groups],
    });
  }
  return items;
}

/** A data directory holding one disabled account with a cached 10,000-item roster. */
function seed(data: 'ascii' | 'realistic'): { dir: string; memberships: number; groups: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-roster-bench-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  new AccountsRepository(db).insert({
    id: 'bench',
    jid: 'bench@example.invalid',
    host: null,
    port: null,
    label: 'Bench',
    color: '#3a5bd9',
    enabled: false,
    resource: 'bench',
  });
  const items = rosterItems(data);
  const used = new Set<string>();
  let memberships = 0;
  for (const item of items) {
    item.groups.forEach((group) => used.add(group));
    memberships += item.groups.length;
  }
  new RosterRepository(db).applySync('bench', items, [], 'bench-1', Date.now());
  db.close();
  return { dir, memberships, groups: used.size };
}

// Runs in the page before its scripts: collect element timing, paint and long tasks from the start.
const OBSERVE = `
  window.__jw = { element: [], longtasks: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.element.push(entry.renderTime || entry.loadTime);
  }).observe({ type: 'element', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.longtasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

// Resolves once a roster row is in the DOM (checked on every DOM change), fails after 30 s.
const WAIT_FOR_FIRST_ROW = `new Promise((resolve, reject) => {
  if (document.querySelector('.roster-row')) return resolve(true);
  const observer = new MutationObserver(() => {
    if (!document.querySelector('.roster-row')) return;
    observer.disconnect();
    resolve(true);
  });
  observer.observe(document, { childList: true, subtree: true });
  setTimeout(() => reject(new Error('no roster row after 30 s')), 30000);
})`;

interface Paint {
  firstRowPainted: number;
  firstRowsMark: number;
  firstContentfulPaint: number;
  summary: string;
  groupRows: number;
  rows: number;
  longTasksBeforeFirstRow: number;
  longTasks: [number, number][];
  /** Snapshot requested, received, applied (ms since navigation start). */
  snapshot: [number, number, number];
  /** The roster column's first screen applied (ms since navigation start; -1: none, the whole snapshot came first). */
  firstScreen: number;
  /** The first screen's answer taken from the socket by the page (ms since navigation start; -1: none). */
  firstScreenReceived: number;
  /** Traced runs: CPU time of the page's main thread from navigation start to the first rows (-1 untraced). */
  mainThreadCpu: number;
}

/**
 * From a Chromium trace: the CPU time (thread time, not wall time) the page's main thread spent in
 * tasks up to the first rows' mark. On a loaded machine wall time is mostly
 * waiting for a core; this is the work the page itself did before its first rows.
 */
function mainThreadCpuToFirstRows(traceFile: string): number {
  type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number };
  const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const mark = events.find((event) => event.name === 'jw-roster-first-rows');
  if (!mark) return -1;
  const onMain = (event: TraceEvent) => event.pid === mark.pid && event.tid === mark.tid;
  // Every task of the page's main thread before the mark: each page here is a new origin and so a
  // new renderer process. (Its navigationStart events are not a reliable start: some traces hold
  // several, in no order, some none for the page's own URL.)
  let cpu = 0;
  for (const event of events) {
    if (event.name !== 'RunTask' || event.ph !== 'X' || !onMain(event)) continue;
    if (event.ts < mark.ts) cpu += event.tdur ?? 0;
  }
  return Math.round(cpu / 1000);
}

/** One load of the page on a fresh bridge of `entry`: the first paint, and with `scrollAfter` a scroll through. */
async function loadOnce(
  entry: string,
  dataDir: string,
  name: string,
  options: { record: boolean; scrollAfter: boolean },
): Promise<{ paint: Paint; scroll: TreeScroll | null }> {
  const web = await startWeb(dataDir, undefined, entry);
  const page = await browser!.newPage({ viewport: { width: 1200, height: 760 }, colorScheme: 'light' });
  let scroll: TreeScroll | null = null;
  try {
    await page.addInitScript(OBSERVE);
    // BENCH_TRACE=1: a Chromium trace of the first load (opens in DevTools' Performance panel).
    const tracing = options.record && Boolean(process.env.BENCH_TRACE);
    const traceFile = path.join(ROOT, `bench/results/${name.includes('.trace-') ? name : `${name}.trace`}.json`);
    if (tracing) {
      fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
      await browser!.startTracing(page, {
        path: traceFile,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8.execute',
          'blink.user_timing',
          'fonts',
        ],
      });
    }
    // BENCH_PROFILE=1: the first load under the CPU profiler, started on a page of the same origin
    // (so the renderer process stays the same) to bench/results/NAME.cpuprofile.
    const cdp = options.record && process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await page.goto(new URL('/profile-start', web.url).href);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    await page.goto(web.url);
    // Waits in the page itself: a Playwright locator would first load its selector engine (a large
    // script) into the page, on the main thread the first paint needs (~40 ms of CPU, more under load).
    await page.evaluate(WAIT_FOR_FIRST_ROW);
    // Let the frame with the first rows paint, then read the timings.
    const paint = (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
      const mark = performance.getEntriesByName('jw-roster-first-rows')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const at = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1);
      const tree = document.querySelector('[role="tree"]');
      const first = tree.querySelector('[role="treeitem"]');
      resolve({
        firstRowPainted: window.__jw.element.length ? Math.min(...window.__jw.element) : -1,
        firstRowsMark: mark ? mark.startTime : -1,
        firstContentfulPaint: fcp ? fcp.startTime : -1,
        summary: document.querySelector('.roster-summary').textContent,
        groupRows: Number(first.getAttribute('aria-setsize')),
        rows: Math.round(tree.scrollHeight / first.getBoundingClientRect().height),
        longTasksBeforeFirstRow: window.__jw.longtasks.length,
        longTasks: window.__jw.longtasks.map((t) => [Math.round(t.start), Math.round(t.duration)]),
        snapshot: [at('jw-snapshot-requested'), at('jw-snapshot-received'), at('jw-snapshot-applied')],
        firstScreen: at('jw-first-screen-applied'),
        firstScreenReceived: at('jw-first-screen-received'),
      });
    }, 50)))`)) as Paint;
    paint.mainThreadCpu = -1;
    if (tracing) {
      await browser!.stopTracing();
      paint.mainThreadCpu = mainThreadCpuToFirstRows(traceFile);
    }
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, `bench/results/${name}.cpuprofile`), JSON.stringify(profile));
    }
    if (options.scrollAfter) {
      await page.screenshot({ path: path.join(ROOT, `out/screenshots/${name}.png`) });
      scroll = await scrollThroughTree(page);
    }
    return { paint, scroll };
  } finally {
    await page.close();
    await web.stop();
  }
}

/** Writes bench/results/NAME.json and prints its BENCH line. */
function report(
  name: string,
  kind: string,
  data: { groups: number; memberships: number },
  runs: Paint[],
  scroll: TreeScroll | null,
) {
  const painted = runs.map((r) => Math.round(r.firstRowPainted >= 0 ? r.firstRowPainted : r.firstRowsMark));
  const sorted = [...painted].sort((a, b) => a - b);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const record = {
    data: kind,
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    node: process.version,
    load: os.loadavg().map((value) => Math.round(value * 10) / 10),
    contacts: CONTACTS,
    groups: data.groups,
    rows: data.memberships + data.groups,
    runs: runs.length,
    firstRowPaintedMs: painted,
    firstRowPaintedMedianMs: sorted[Math.floor(sorted.length / 2)],
    // The least disturbed run: on a shared machine, closest to what the code itself costs.
    firstRowPaintedMinMs: sorted[0],
    firstRowsMarkMs: runs.map((r) => Math.round(r.firstRowsMark)),
    firstContentfulPaintMs: runs.map((r) => Math.round(r.firstContentfulPaint)),
    longTasksBeforeFirstRow: runs.map((r) => r.longTasks),
    snapshotRequestedReceivedAppliedMs: runs.map((r) => r.snapshot),
    snapshotMedianMs: [0, 1, 2].map((at) => median(runs.map((r) => r.snapshot[at]))),
    firstScreenAppliedMs: runs.map((r) => r.firstScreen),
    firstScreenReceivedMs: runs.map((r) => r.firstScreenReceived),
    // Traced runs only (BENCH_TRACE; =all traces every run).
    mainThreadCpuToFirstRowsMs: runs.map((r) => r.mainThreadCpu),
    budgetMs: BUDGET_MS,
    withinBudget: sorted[Math.floor(sorted.length / 2)] <= BUDGET_MS,
    scroll,
  };
  const file = path.join(process.env.BENCH_RESULTS_DIR || path.join(__dirname, 'results'), `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nBENCH ${name}`, JSON.stringify(record));
}

describe.each([
  { kind: 'ascii' as const, name: 'roster-render' },
  { kind: 'realistic' as const, name: 'roster-render-realistic' },
])('roster render from cache ($kind)', ({ kind, name }) => {
  it(`paints the first of ${CONTACTS} cached contacts and scrolls through them`, async () => {
    expect(fs.existsSync(WEB_ENTRY), 'build first: npx electron-vite build').toBe(true);
    const data = seed(kind);
    browser ??= await launchChromium();
    const runs: Paint[] = [];
    const before: Paint[] = [];
    let scroll: TreeScroll | null = null;
    let scrollBefore: TreeScroll | null = null;

    for (let run = 0; run < RUNS; run++) {
      // With an earlier build, both load in every run, taking turns to go first.
      const turns: ('after' | 'before')[] = BEFORE_ENTRY
        ? run % 2
          ? ['before', 'after']
          : ['after', 'before']
        : ['after'];
      for (const turn of turns) {
        // The last run scrolls, in both builds: the scroll's long tasks as a pair too.
        const last = SCROLL && run === RUNS - 1;
        // BENCH_TRACE=all traces every run (NAME[-before].trace-RUN.json), for CPU time by run.
        const every = process.env.BENCH_TRACE === 'all';
        const { paint, scroll: scrolled } = await loadOnce(
          turn === 'after' ? WEB_ENTRY : BEFORE_ENTRY!,
          data.dir,
          `${turn === 'after' ? name : `${name}-before`}${every ? `.trace-${run}` : ''}`,
          { record: run === 0 || every, scrollAfter: last },
        );
        (turn === 'after' ? runs : before).push(paint);
        expect(paint.summary).toContain(`${CONTACTS.toLocaleString('en')} contacts`);
        expect(paint.groupRows).toBe(data.groups);
        expect(paint.rows).toBe(data.memberships + data.groups);
        if (scrolled) {
          if (turn === 'after') scroll = scrolled;
          else scrollBefore = scrolled;
          expect(scrolled.rowsSeen).toBe(data.memberships + data.groups);
        }
      }
    }
    report(name, kind, data, runs, scroll);
    if (BEFORE_ENTRY) report(`${name}-before`, kind, data, before, scrollBefore);
  });
});
