/**
 * Avatars in the roster (`avatars-render`): the first paint of a 10,000-contact cached roster of
 * which 5,000 contacts have a cached avatar (a real PNG each, kept in the media store under its
 * SHA-1 as the core keeps them), through the real browser bridge into Chromium, then a scroll from
 * top to bottom with the pictures loading, watched for long tasks. Budgets: first row painted
 * ≤ 500 ms (pictures may fill in after it); no long task over 50 ms while scrolling. Each run is
 * checked first: the roster has every contact, and pictures show in the rows in view. Needs
 * `npx electron-vite build` first.
 *
 * The scroll's long tasks are counted twice: by wall clock (the page's long-task observer) and by
 * the main thread's CPU time per task (a `toplevel` trace), which a loaded machine inflates far
 * less. Options: BENCH_RUNS=N loads per kind (5); BENCH_SCROLLS=N how many of the last loads also
 * scroll (1); BENCH_ONLY=avatars|none one kind; BENCH_BEFORE=path/to/out/main/web.js adds an
 * earlier build turn by turn (`avatars-before`, `none-before`) for a before/after under the same
 * load. For diagnosis, BENCH_PROFILE=1 writes a CPU profile of the first scroll with avatars
 * (bench/results/avatars-render-scroll.cpuprofile) and BENCH_TRACE=1 a Chromium trace of it
 * (avatars-render-scroll.trace.json; BENCH_TRACE=js with JavaScript samples); that scroll's numbers are then slowed.
 * BENCH_TRACE=load traces every load instead (not the scroll) and reports the page main thread's CPU
 * time to the first rows and while the whole snapshot is received, parsed and applied; with
 * BENCH_TRACE_KEEP=1 each load's trace is kept (bench/results/avatars-render-load-<kind>-<n>.trace.json,
 * BENCH_TRACE_KEEP=js with JavaScript samples). BENCH_WEB_NODE_ARGS profiles the core (tests/support/web.ts).
 * Every load also reports the core's CPU time from its `ready` to the first row's paint
 * (`coreCpuReadyToPaintMs`, from /proc): what the core does while the window loads.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, expect, it } from 'vitest';
import type { RosterItemView } from '../src/shared/contract';
import { IdentitiesRepository } from '../src/main/core/features/avatars/repo';
import { createLogger } from '../src/main/core/log';
import { AVATAR_LIMITS } from '../src/main/core/media/limits';
import { MediaStore } from '../src/main/core/media/store';
import { DATABASE_FILE } from '../src/main/core/messenger';
import { AccountsRepository } from '../src/main/core/store/accounts-repo';
import { openDatabase } from '../src/main/core/store/db';
import { RosterRepository } from '../src/main/core/store/roster-repo';
import { png } from '../tests/support/media-samples';
import { launchChromium, ROOT, startWeb, WEB_ENTRY } from '../tests/support/web';
import { percentile, rendererTaskCpuMs } from './trace-tasks';
import { scrollThroughTree, type TreeScroll } from './roster-scroll';

const CONTACTS = Number(process.env.BENCH_CONTACTS) || 10_000;
const AVATARS = Math.min(5_000, CONTACTS / 2);
const GROUPS = 500;
const BUDGET_MS = 500;
const LONG_TASK_BUDGET_MS = 50;
const RUNS = Number(process.env.BENCH_RUNS) || 5;
const SCROLLS = Math.min(RUNS, Number(process.env.BENCH_SCROLLS) || 1);
const BEFORE = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
const RESULTS = process.env.BENCH_RESULTS_DIR || path.join(ROOT, 'bench/results');

const dirs: string[] = [];
let browser: Browser | null = null;

afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A data directory: one disabled account, 10,000 cached contacts, every second one with a kept avatar (or none). */
async function seed(avatars: number): Promise<{ dir: string; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-avatars-bench-'));
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
  const items: RosterItemView[] = [];
  const used = new Set<string>();
  for (let i = 0; i < CONTACTS; i++) {
    const group = `Team ${String(i % GROUPS).padStart(3, '0')}`;
    used.add(group);
    items.push({
      accountId: 'bench',
      jid: `user${i}@example.org`,
      name: `Contact ${String(i).padStart(5, '0')}`,
      subscription: 'both',
      pendingOut: false,
      groups: [group],
    });
  }
  new RosterRepository(db).applySync('bench', items, [], 'bench-1', Date.now());
  // Where the media service keeps its store (media-service.ts: DATA_DIR/media/store).
  const store = await MediaStore.open({
    dir: path.join(dir, 'media', 'store'),
    log: createLogger(() => {}, 'warn'),
  });
  const identities = new IdentitiesRepository(db);
  for (let i = 0; i < avatars; i++) {
    // Distinct pictures: sizes × colours.
    const bytes = png(32 + (i % 32), 32 + (i % 32), { seed: Math.floor(i / 32) % 256 });
    const hash = createHash('sha1').update(bytes).digest('hex');
    const kept = await store.ingest(bytes, 'sha1', AVATAR_LIMITS);
    expect(kept.ok).toBe(true);
    identities.save(
      { accountId: 'bench', jid: `user${i * 2}@example.org`, avatarHash: hash, source: 'pep', nick: null },
      Date.now(),
    );
  }
  await store.settle(); // its index, as a run of the app leaves it
  db.close();
  return { dir, rows: CONTACTS + used.size };
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
  // Identity events reaching the window, by arrival time (compared with the first screen's mark).
  window.__jw.identities = [];
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        const count = event.data.split('"type":"identity"').length - 1;
        if (count > 0) window.__jw.identities.push([performance.now(), count]);
      });
    }
  };
`;

/** BENCH_TRACE=load: every load traced, for the main thread's CPU time (not the scroll). */
const TRACE_LOADS = process.env.BENCH_TRACE === 'load';

/**
 * From a trace of a load: the CPU time (thread time) of the page's main thread's tasks up to the
 * first rows' mark, and those that started between the whole snapshot's request and its application
 * (its answer's parse and the stores' apply; the first screen's tasks in between count too).
 */
function loadCpu(trace: Buffer): { toFirstRowsMs: number; wholeSnapshotMs: number } {
  type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; tdur?: number };
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const at = (name: string) => events.find((event) => event.name === name);
  const firstRows = at('jw-roster-first-rows');
  const requested = at('jw-snapshot-requested');
  const applied = at('jw-snapshot-applied');
  if (!firstRows) return { toFirstRowsMs: -1, wholeSnapshotMs: -1 };
  let toFirstRows = 0;
  let wholeSnapshot = 0;
  for (const event of events) {
    if (event.name !== 'RunTask' || event.ph !== 'X' || event.pid !== firstRows.pid || event.tid !== firstRows.tid)
      continue;
    if (event.ts < firstRows.ts) toFirstRows += event.tdur ?? 0;
    if (requested && applied && event.ts >= requested.ts && event.ts <= applied.ts) wholeSnapshot += event.tdur ?? 0;
  }
  return {
    toFirstRowsMs: Math.round(toFirstRows / 1000),
    wholeSnapshotMs: requested && applied ? Math.round(wholeSnapshot / 1000) : -1,
  };
}

/**
 * A process's CPU time (user + system, ms; 10 ms ticks) from /proc: the core's work from its `ready`
 * to the first row's paint (what it does while the window loads), which load inflates far less than
 * wall time. NaN where /proc is missing.
 */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

interface Paint {
  firstRowPainted: number;
  firstRowsMark: number;
  summary: string;
  marks: Record<string, number>;
  identityEvents: { beforeFirstScreen: number; after: number };
}

interface Scroll extends TreeScroll {
  /** By the main thread's CPU time per task: tasks over 50 ms, the longest, the 99th percentile, the sum. */
  cpu?: { longTasks: number; longestTaskMs: number; p99Ms: number; tasks: number; totalMs: number };
}
type Kind = 'avatars' | 'none' | 'avatars-before' | 'none-before';

interface Measured {
  painted: number[];
  /** The renderer's jw-* marks (ms) and the identity events that reached it before/after the first screen. */
  marks: Record<string, number>[];
  picturesInView: number[];
  scrolls: Scroll[];
}

type Diagnosis = 'profile' | 'trace' | null;

/** One load of the page on a data directory: the first row's paint, the pictures in view, optionally a scroll. */
async function measure(
  data: { dir: string; rows: number },
  pictures: boolean,
  scrollToo: boolean,
  into: Measured,
  entry: string,
  diagnosis: Diagnosis,
  label: string,
) {
  const web = await startWeb(data.dir, undefined, entry);
  const coreCpuAtReady = processCpuMs(web.pid);
  const page = await browser!.newPage({ viewport: { width: 1200, height: 760 }, colorScheme: 'light' });
  try {
    await page.addInitScript(OBSERVE);
    if (TRACE_LOADS)
      await browser!.startTracing(page, {
        categories: [
          'toplevel',
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          ...(process.env.BENCH_TRACE_KEEP === 'js' ? ['v8.execute', 'disabled-by-default-v8.cpu_profiler'] : []),
        ],
      });
    await page.goto(web.url);
    await page.locator('.roster-row').first().waitFor({ timeout: 30_000 });
    // The whole snapshot applied (traced loads: its tasks are in the trace then).
    if (TRACE_LOADS)
      await page.waitForFunction(() => performance.getEntriesByName('jw-snapshot-applied').length > 0, undefined, {
        timeout: 60_000,
      });
    const paint = (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
      const mark = performance.getEntriesByName('jw-roster-first-rows')[0];
      resolve({
        firstRowPainted: window.__jw.element.length ? Math.min(...window.__jw.element) : -1,
        firstRowsMark: mark ? mark.startTime : -1,
        summary: document.querySelector('.roster-summary').textContent,
        marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('jw-')).map((m) => [m.name, Math.round(m.startTime)])),
        identityEvents: (() => {
          const at = performance.getEntriesByName('jw-first-screen-received')[0]?.startTime ?? Infinity;
          const sum = (list) => list.reduce((total, [, count]) => total + count, 0);
          return { beforeFirstScreen: sum(window.__jw.identities.filter(([t]) => t <= at)), after: sum(window.__jw.identities.filter(([t]) => t > at)) };
        })(),
      });
    }, 50)))`)) as Paint;
    const coreCpuToPaint = processCpuMs(web.pid) - coreCpuAtReady;
    expect(paint.summary).toContain(`${CONTACTS.toLocaleString('en')} contacts`);
    into.painted.push(Math.round(paint.firstRowPainted >= 0 ? paint.firstRowPainted : paint.firstRowsMark));
    const loadTrace = TRACE_LOADS ? await browser!.stopTracing() : null;
    // BENCH_TRACE_KEEP=1: each load's trace kept for reading (avatars-render-load-<kind>-<n>.trace.json).
    if (loadTrace && process.env.BENCH_TRACE_KEEP) {
      fs.mkdirSync(RESULTS, { recursive: true });
      fs.writeFileSync(path.join(RESULTS, `avatars-render-load-${label}-${into.painted.length}.trace.json`), loadTrace);
    }
    const loadCpuMs = loadTrace ? loadCpu(loadTrace) : null;
    into.marks.push({
      ...paint.marks,
      ...(loadCpuMs
        ? { cpuToFirstRowsMs: loadCpuMs.toFirstRowsMs, cpuWholeSnapshotMs: loadCpuMs.wholeSnapshotMs }
        : {}),
      coreCpuReadyToPaintMs: coreCpuToPaint,
      identityEventsBeforeFirstScreen: paint.identityEvents.beforeFirstScreen,
      identityEventsAfter: paint.identityEvents.after,
    });
    const images = page.locator('[role="tree"] [data-avatar] img');
    // The pictures fill in after the first paint: every second row in view has one.
    if (pictures) await images.first().waitFor({ timeout: 60_000 });
    into.picturesInView.push(await images.count());
    if (pictures) expect(into.picturesInView.at(-1)).toBeGreaterThan(0);
    else expect(into.picturesInView.at(-1)).toBe(0);
    if (!scrollToo) return;
    const cdp = diagnosis === 'profile' ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    fs.mkdirSync(RESULTS, { recursive: true });
    await browser!.startTracing(page, {
      path: diagnosis === 'trace' ? path.join(RESULTS, 'avatars-render-scroll.trace.json') : undefined,
      categories:
        diagnosis === 'trace'
          ? [
              'toplevel',
              'devtools.timeline',
              'disabled-by-default-devtools.timeline',
              'v8.execute',
              'blink.user_timing',
              // BENCH_TRACE=js: the JavaScript samples too (which functions a long task ran).
              ...(process.env.BENCH_TRACE === 'js' ? ['disabled-by-default-v8.cpu_profiler'] : []),
            ]
          : ['toplevel'],
    });
    const scroll: Scroll = await scrollThroughTree(page, { trace: false });
    const trace = await browser!.stopTracing();
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(path.join(RESULTS, 'avatars-render-scroll.cpuprofile'), JSON.stringify(profile));
    }
    const cpu = rendererTaskCpuMs(trace);
    scroll.cpu = {
      longTasks: cpu.filter((ms) => ms > LONG_TASK_BUDGET_MS).length,
      longestTaskMs: Math.round(Math.max(0, ...cpu)),
      p99Ms: Math.round(percentile(cpu, 0.99) * 10) / 10,
      tasks: cpu.length,
      totalMs: Math.round(cpu.reduce((sum, ms) => sum + ms, 0)),
    };
    expect(scroll.rowsSeen).toBe(data.rows);
    into.scrolls.push(scroll);
  } finally {
    await page.close();
    await web.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const summary = (m: Measured) => ({
  firstRowPaintedMs: m.painted,
  firstRowPaintedMedianMs: median(m.painted),
  marks: m.marks,
  picturesInView: m.picturesInView,
  scroll: m.scrolls.at(-1) ?? null,
  scrolls: m.scrolls,
});

it(`paints the first of ${CONTACTS} cached contacts with ${AVATARS} cached avatars and scrolls through them`, async () => {
  expect(fs.existsSync(WEB_ENTRY), 'build first: npx electron-vite build').toBe(true);
  // The same roster without pictures, run turn by turn with it: on a loaded machine, what the
  // pictures add is the difference under the same load.
  const data = { avatars: await seed(AVATARS), none: await seed(0) };
  browser ??= await launchChromium();
  const only = process.env.BENCH_ONLY;
  const kinds = (['avatars', 'none'] as const)
    .filter((kind) => !only || kind === only)
    .flatMap((kind): Kind[] => (BEFORE ? [`${kind}-before`, kind] : [kind]));
  const results = Object.fromEntries(
    kinds.map((kind) => [kind, { painted: [], marks: [], picturesInView: [], scrolls: [] } as Measured]),
  ) as Record<Kind, Measured>;
  let diagnosis: Diagnosis = process.env.BENCH_PROFILE
    ? 'profile'
    : process.env.BENCH_TRACE && !TRACE_LOADS
      ? 'trace'
      : null;
  for (let run = 0; run < RUNS; run++)
    for (const kind of kinds) {
      const pictures = kind.startsWith('avatars');
      const scrollToo = run >= RUNS - SCROLLS;
      const entry = kind.endsWith('-before') ? BEFORE! : WEB_ENTRY;
      const diagnose = scrollToo && kind === 'avatars' ? diagnosis : null;
      await measure(data[pictures ? 'avatars' : 'none'], pictures, scrollToo, results[kind], entry, diagnose, kind);
      if (diagnose) diagnosis = null;
    }
  const withAvatars = results.avatars ?? { painted: [-1], marks: [], picturesInView: [], scrolls: [] };
  const record = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    load: os.loadavg().map((l) => Math.round(l * 10) / 10),
    node: process.version,
    contacts: CONTACTS,
    avatars: AVATARS,
    runs: RUNS,
    ...summary(withAvatars),
    firstRowPaintedMinMs: Math.min(...withAvatars.painted),
    withoutAvatars: results.none ? summary(results.none) : null,
    before: BEFORE
      ? {
          entry: BEFORE,
          avatars: results['avatars-before'] ? summary(results['avatars-before']) : null,
          withoutAvatars: results['none-before'] ? summary(results['none-before']) : null,
        }
      : null,
    budgetMs: BUDGET_MS,
    withinBudget:
      median(withAvatars.painted) <= BUDGET_MS &&
      (withAvatars.scrolls.at(-1)?.longestTaskMs ?? Infinity) <= LONG_TASK_BUDGET_MS,
  };
  const file = path.join(RESULTS, 'avatars-render.json');
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log('\nBENCH avatars-render', JSON.stringify(record));
}, 1_800_000);
