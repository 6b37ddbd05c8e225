/**
 * Paging back through a 20,000-message archive (XEP-0313 + RSM, 50 a page), twice:
 *
 * - the chat view: the built renderer in Chromium with a stand-in core injected as
 *   window.jabberwock whose store holds the latest 100 messages and whose `history.older` answers
 *   with the archive's pages (ids below the stored ones, as the core gives them) after 20 ms; the
 *   view is scrolled to the top again and again until the first message is shown. Long tasks
 *   while paging (budget: none over 50 ms), how far the top message moved when a page arrived,
 *   rows in the DOM at the end.
 * - the core: ArchivePaging over a real SQLite file and a fake server that answers each query with
 *   its page at once: the time each page holds the main thread (reading its 50 results, storing
 *   them in one transaction, the answer), p50/p99/max.
 *
 * Needs `npx electron-vite build` first. Checked before reporting: every message shown once in
 * order (the view reached message 1; the core stored 20,000 rows, each archive id once).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import type { Browser } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionXmpp } from '../src/main/core/accounts/client';
import { EventBus } from '../src/main/core/events';
import { OLDER_PAGE } from '../src/main/core/features/chat/archive-paging';
import { ChatService } from '../src/main/core/features/chat/service';
import { silentLogger } from '../src/main/core/log';
import { openDatabase } from '../src/main/core/store/db';
import { MessagesRepository } from '../src/main/core/store/messages-repo';
import { OlderMessagesRepository } from '../src/main/core/store/older-messages-repo';
import { NS_DELAY, NS_FORWARD, NS_MAM, NS_RSM } from '../src/main/core/xmpp/ns';
import { launchChromium, startWeb, WEB_ENTRY, type WebProcess } from '../tests/support/web';
import { percentile, rendererTaskCpuMs } from './trace-tasks';
import { RESULTS_DIR } from './results-dir';

/** BENCH_HISTORY_ARCHIVE=N for a quick look (a multiple of 50, over 100). */
const ARCHIVE = Number(process.env.BENCH_HISTORY_ARCHIVE ?? 20_000);
const STORED = 100;
const PAGE = 50;
const BUDGET_MS = 50;

/**
 * BENCH_BEFORE_WEB=path/to/out/main/web.js: an earlier build's renderer (a copy of its `out/`) runs
 * in the same invocation, turn by turn with this one (before/after under the same load);
 * BENCH_RUNS=N turns (default 1).
 */
const BEFORE_WEB = process.env.BENCH_BEFORE_WEB;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
/** BENCH_TRACE=1: the paging's Chromium trace with timeline detail (what each long task did). */
const TRACE = process.env.BENCH_TRACE === '1';
/** BENCH_PROFILE=1: a CPU profile of the paging (opens in DevTools). Both slow that run. */
const PROFILE = process.env.BENCH_PROFILE === '1';
const TRACE_CATEGORIES = TRACE
  ? [
      'toplevel',
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8',
      'v8.execute',
      'blink.user_timing',
      'disabled-by-default-v8.gc',
    ]
  : ['toplevel'];

let browser: Browser | null = null;
const webs: WebProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await browser?.close();
  for (const web of webs) await web.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Runs in the page before its scripts: a stand-in core with one conversation and its archive.
const STAND_IN = `
  // older/answered: history.older asked/answered; onAsk: called as a page is asked (before it is in the view).
  window.__jw = { longtasks: [], older: 0, answered: 0, complete: false, onAsk: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const account = { id: 'bench', jid: 'bench@example.org', host: null, port: null, label: 'Bench', color: '#3a5bd9',
    enabled: true, password: 'session', pinnedCertificates: [], connection: { status: 'online', since: Date.now() } };
  const peer = 'romeo@example.org';
  const start = Date.now() - ${ARCHIVE} * 60_000;
  const words = ['wherefore', 'art', 'thou', 'see https://example.org/balcony', 'light', 'yonder', 'window', 'breaks'];
  // Message n (1 = oldest); the store holds the last ${STORED} (ids 1..${STORED}), the archive the rest (ids below 1).
  const message = (n, id) => {
    const out = n % 3 === 0;
    const length = 1 + ((n * 7919) % 40);
    const body = Array.from({ length }, (_, j) => words[(n + j) % words.length]).join(' ');
    return { accountId: 'bench', id, conversation: peer, kind: 'chat', direction: out ? 'out' : 'in',
      from: out ? 'bench@example.org' : peer, body: 'm' + n + ' ' + body, at: start + n * 60_000,
      state: out ? 'delivered' : 'received', corrected: false, error: null };
  };
  const stored = [];
  for (let i = 1; i <= ${STORED}; i++) stored.push(message(${ARCHIVE} - ${STORED} + i, i));
  let reached = ${ARCHIVE} - ${STORED}; // messages 1..reached are still in the archive only
  const snapshot = { seq: 1, accounts: [account], secretStorage: { encrypted: false, description: 'bench' },
    roster: [{ accountId: 'bench', jid: peer, name: 'Romeo', subscription: 'both', pendingOut: false, groups: [] }],
    rosterSync: [{ accountId: 'bench', state: 'synced', version: null, syncedAt: Date.now() }],
    prefs: { rosterSort: 'availability', rosterHideOffline: false, rosterCollapsed: [], rosterView: 'all',
      closeToTray: false, idleEnabled: false, idleAwayMinutes: 5, idleXaMinutes: null },
    presence: [], ownPresence: { bench: { show: 'available', status: null, priority: 0, auto: false } }, recentStatuses: [],
    subscriptionRequests: [], subscriptionPolicies: [], subscriptionNotes: [], blockingAccounts: [],
    rooms: [], occupants: [], roomNotices: [], bookmarks: [], roomInvites: [],
    conversations: [{ accountId: 'bench', conversation: peer, kind: 'chat', lastAt: stored[stored.length - 1].at,
      lastBody: 'last', unread: 0 }], notices: [] };
  const answer = (value, ms = 0) => new Promise((resolve) => setTimeout(() => resolve({ ok: true, value }), ms));
  window.jabberwock = {
    invoke: (command, input) => {
      if (command === 'app.snapshot') return answer(snapshot);
      if (command === 'message.history') {
        const end = input.before === undefined ? stored.length : Math.max(0, input.before - 1);
        return answer(input.before !== undefined && input.before <= 1 ? [] : stored.slice(Math.max(0, end - (input.limit ?? 100)), end));
      }
      if (command === 'history.older') {
        window.__jw.older++;
        window.__jw.onAsk?.();
        const from = Math.max(1, reached - ${PAGE} + 1);
        const page = [];
        for (let n = from; n <= reached; n++) page.push(message(n, n - (${ARCHIVE} - ${STORED})));
        reached = from - 1;
        const complete = reached === 0;
        return answer({ messages: page, complete }, 20).then((result) => {
          window.__jw.answered++;
          window.__jw.complete = complete;
          return result;
        });
      }
      if (command === 'draft.get') return answer(null);
      if (command === 'conversation.markRead' || command === 'chat.setState') return answer(null);
      return Promise.resolve({ ok: false, error: { code: 'internal', reason: 'app.internal' } });
    },
    onEvents: () => () => {},
  };
`;

describe('paging back through a 20,000-message archive', () => {
  it('keeps the chat view free of long tasks', async () => {
    browser = await launchChromium();
    const builds: [string, string][] = BEFORE_WEB
      ? [
          ['before', BEFORE_WEB],
          ['after', WEB_ENTRY],
        ]
      : [['', WEB_ENTRY]];
    for (let turn = 0; turn < RUNS; turn++) {
      for (const [label, entry] of builds) {
        const result = await pageBack(browser, entry, `history-render${label ? `-${label}` : ''}`);
        console.info(`BENCH history-render${label ? ` ${label}` : ''} ${JSON.stringify(result)}`);
      }
    }
  }, 3_600_000);

  it('stores each page in the core in a few milliseconds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-history-core-'));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, 'store.sqlite'));
    db.prepare(
      `INSERT INTO accounts (id, jid, color, resource, position, created_at) VALUES ('a', 'alice@example.org', '#336699', 'jw', 0, 0)`,
    ).run();
    const bus = new EventBus(1);
    const repo = new MessagesRepository(db);
    const service = new ChatService({
      repo,
      older: new OlderMessagesRepository(db, repo),
      bus,
      log: silentLogger,
      rooms: { joinedNick: () => null, onJoined: () => () => {} },
      accountJid: () => 'alice@example.org',
      subscriptionOf: () => 'both',
    });
    let middleware: (ctx: { stanza: Element }, next: () => unknown) => unknown = () => undefined;
    let reached = ARCHIVE;
    const pageMs: number[] = [];
    const fake = {
      status: 'online',
      jid: { bare: () => ({ toString: () => 'alice@example.org' }) },
      send: async () => undefined,
      iqCaller: {
        request: async (iq: Element) => {
          const queryId = iq.getChild('query', NS_MAM)!.attrs.queryid as string;
          const from = Math.max(1, reached - OLDER_PAGE + 1);
          for (let n = from; n <= reached; n++) {
            const stanza = xml(
              'message',
              {},
              xml(
                'result',
                { xmlns: NS_MAM, queryid: queryId, id: `arch-${n}` },
                xml(
                  'forwarded',
                  { xmlns: NS_FORWARD },
                  xml('delay', { xmlns: NS_DELAY, stamp: new Date(1_700_000_000_000 + n * 60_000).toISOString() }),
                  xml(
                    'message',
                    { from: 'romeo@example.org/balcony', to: 'alice@example.org', type: 'chat', id: `m${n}` },
                    xml('body', {}, `m${n} wherefore art thou, see https://example.org/balcony`),
                  ),
                ),
              ),
            );
            middleware({ stanza }, () => undefined);
          }
          const first = `arch-${from}`;
          reached = from - 1;
          return xml(
            'iq',
            { type: 'result' },
            xml(
              'fin',
              { xmlns: NS_MAM, ...(reached === 0 ? { complete: 'true' } : {}) },
              xml('set', { xmlns: NS_RSM }, xml('first', {}, first)),
            ),
          );
        },
      },
      streamManagement: Object.assign(new EventEmitter(), { enabled: true }),
      middleware: { use: (fn: typeof middleware) => (middleware = fn) },
    } as unknown as SessionXmpp;
    service.onClient('a', fake);
    service.onOnline('a', { xmpp: fake, boundJid: 'alice@example.org/jw', resumed: true });
    for (let i = 0; i < ARCHIVE / OLDER_PAGE; i++) {
      const t0 = performance.now();
      const page = await service.older({ accountId: 'a', conversation: 'romeo@example.org', kind: 'chat' });
      pageMs.push(performance.now() - t0);
      if (page.ok && page.value.complete) break;
    }
    const count = db.prepare('SELECT count(*) AS n, count(DISTINCT server_id) AS ids FROM messages').get() as {
      n: number;
      ids: number;
    };
    expect(count).toEqual({ n: ARCHIVE, ids: ARCHIVE });
    const sorted = [...pageMs].sort((a, b) => a - b);
    const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
    const result = {
      date: new Date().toISOString(),
      loadavg: os.loadavg().map((n) => Math.round(n * 100) / 100),
      archive: ARCHIVE,
      pages: pageMs.length,
      pageP50Ms: at(0.5),
      pageP99Ms: at(0.99),
      pageMaxMs: Math.round(Math.max(...pageMs) * 10) / 10,
      totalMs: Math.round(pageMs.reduce((a, b) => a + b, 0)),
    };
    bus.close();
    db.close();
    write('history-core', result);
    console.info(`BENCH history-core ${JSON.stringify(result)}`);
  }, 600_000);
});

/** Pages the view back through the whole archive with one build's renderer; writes and returns the result. */
async function pageBack(browser: Browser, entry: string, name: string): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-history-render-'));
  dirs.push(dir);
  const web = await startWeb(dir, undefined, entry);
  webs.push(web);
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, colorScheme: 'light' });
  await page.addInitScript({ content: STAND_IN });
  await page.goto(web.url);
  const romeo = page.getByRole('button', { name: 'Romeo', exact: true });
  await romeo.waitFor({ timeout: 30_000 });
  await romeo.click();
  const log = page.getByRole('region', { name: 'Messages with Romeo' });
  await log.locator(`[data-message-id="${STORED}"]`).waitFor();
  await page.waitForTimeout(300);
  const before = (await page.evaluate('window.__jw.longtasks.length')) as number;
  // The renderer's tasks with their thread (CPU) time: on a loaded machine a long task's wall time
  // counts the time the thread waited for a core; its thread time is the view's own work.
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const profiler = PROFILE ? await page.context().newCDPSession(page) : null;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.send('Profiler.start');
  }
  const started = Date.now();
  // In the page, one page per round: scroll to the top, wait for the next page to be asked and
  // shown, note how far the text at the top moved (no round trips to the test between rounds).
  // The counter is read before the scroll: the view asks within the frame the scroll lands in,
  // and the text at the top is noted as the page is asked, before it can arrive. A round whose
  // scroll asks for nothing ends the loop with what the view showed (a failure, not a hang).
  const paging = (await log.evaluate(async (el) => {
    const page = globalThis as unknown as {
      __jw: { older: number; answered: number; complete: boolean; onAsk: (() => void) | null };
      requestAnimationFrame(callback: () => void): void;
    };
    const jw = page.__jw;
    const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(resolve));
    const topText = () => {
      const row = [...el.querySelectorAll('[data-message-id]')].find(
        (r) => r.getBoundingClientRect().bottom > el.getBoundingClientRect().top + 40,
      );
      const id = row?.getAttribute('data-message-id');
      const y = row?.querySelector('.chat-body')?.getBoundingClientRect().top;
      return id && y !== undefined ? { id, y } : null;
    };
    const moved: number[] = [];
    let maxRows = 0;
    for (let round = 0; round < 1000 && !jw.complete; round++) {
      const asked = jw.older;
      let mark: { id: string; y: number } | null = null;
      jw.onAsk = () => (mark ??= topText());
      el.scrollTop = 0;
      for (let i = 0; i < 600 && jw.older === asked; i++) await frame();
      if (jw.older === asked) {
        const edge = el.querySelector('.history-edge')?.textContent?.trim();
        return { moved, maxRows, stalled: { round, asked, scrollTop: el.scrollTop, edge } };
      }
      for (let i = 0; i < 600 && jw.answered < jw.older; i++) await frame();
      for (let i = 0; i < 4; i++) await frame();
      maxRows = Math.max(maxRows, el.querySelectorAll('[data-message-id]').length);
      const at = mark as { id: string; y: number } | null;
      const after = at && el.querySelector(`[data-message-id="${at.id}"] .chat-body`)?.getBoundingClientRect().top;
      if (at && typeof after === 'number') moved.push(Math.abs(after - at.y));
    }
    jw.onAsk = null;
    return { moved, maxRows, stalled: null };
  })) as { moved: number[]; maxRows: number; stalled: object | null };
  const pagingMs = Date.now() - started;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  const trace = await browser.stopTracing();
  if (TRACE) fs.writeFileSync(path.join(RESULTS_DIR, `${name}-${turnOf(name)}.trace.json`), trace);
  const cpuTasks = rendererTaskCpuMs(trace);
  const gc = TRACE ? gcInTasks(trace) : null;
  expect(paging.stalled).toBeNull();
  const jumps = paging.moved;
  await log.evaluate((el) => (el.scrollTop = 0));
  await log.getByText(/^m1 /).waitFor();
  await page.getByText('Start of the conversation: the server keeps nothing older.').waitFor();
  const pages = (await page.evaluate('window.__jw.older')) as number;
  expect(pages).toBe((ARCHIVE - STORED) / PAGE);
  const rendered = await log.locator('[data-message-id]').count();
  const tasks = (await page.evaluate(`window.__jw.longtasks.slice(${before}).map((t) => t[1])`)) as number[];
  const result = {
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((n) => Math.round(n * 100) / 100),
    archive: ARCHIVE,
    pages,
    pagingMs,
    renderedRows: rendered,
    maxRenderedRows: paging.maxRows,
    jumpsMeasured: jumps.length,
    longTasks: tasks.map(Math.round),
    longestTaskMs: Math.round(Math.max(0, ...tasks)),
    tasksOverBudget: tasks.filter((ms) => ms > BUDGET_MS).length,
    // The same tasks by thread time (trace): what the view itself spent.
    cpuTasks: cpuTasks.length,
    longestTaskCpuMs: Math.round(Math.max(0, ...cpuTasks)),
    cpuTasksOverBudget: cpuTasks.filter((ms) => ms > BUDGET_MS).length,
    cpuTaskP99Ms: Math.round(percentile(cpuTasks, 0.99) * 10) / 10,
    cpuTaskP999Ms: Math.round(percentile(cpuTasks, 0.999) * 10) / 10,
    cpuTasksOver35Ms: cpuTasks.filter((ms) => ms > 35).length,
    // The renderer's main thread busy in all (the view's whole cost of paging back).
    cpuTotalMs: Math.round(cpuTasks.reduce((a, b) => a + b, 0)),
    // With BENCH_TRACE=1: the garbage collector's share of the longest tasks and of all of them.
    ...(gc ? gcSummary(gc) : {}),
    largestJumpPx: Math.round(Math.max(0, ...jumps)),
    jumpsOver2Px: jumps.filter((px) => px > 2).length,
    jumpP50Px: Math.round(percentile(jumps, 0.5) * 10) / 10,
    budgetMs: BUDGET_MS,
  };
  write(name, result);
  await page.close();
  await web.stop();
  return result;
}

const turns = new Map<string, number>();
/** 1 for a build's first turn, then 2, 3… (each turn's trace is kept). */
function turnOf(name: string): number {
  const n = (turns.get(name) ?? 0) + 1;
  turns.set(name, n);
  return n;
}

interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

interface TaskGc {
  /** Thread time of the task, ms. */
  cpuMs: number;
  wallMs: number;
  /** Wall time inside the task covered by garbage collection events on the same thread, ms. */
  gcMs: number;
  /** Their thread time, ms (on a loaded machine a scavenge's wall time is mostly waiting for its helper threads). */
  gcCpuMs: number;
}

/** Each renderer main-thread task with the garbage collection inside it (a trace with the v8.gc category). */
function gcInTasks(trace: Buffer): TaskGc[] {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  // The outermost GC events (they nest): disjoint, in order, with their thread time.
  const spans = onMain
    .filter((e) => e.cat?.includes('v8.gc') || /GC/.test(e.name))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const union: [number, number, number][] = [];
  for (const e of spans) {
    const last = union[union.length - 1];
    if (last && e.ts < last[1]) last[1] = Math.max(last[1], e.ts + (e.dur ?? 0));
    else union.push([e.ts, e.ts + (e.dur ?? 0), e.tdur ?? 0]);
  }
  return onMain
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask')
    .map((task) => {
      const end = task.ts + (task.dur ?? 0);
      let lo = 0;
      let hi = union.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (union[mid][1] <= task.ts) lo = mid + 1;
        else hi = mid;
      }
      let gcUs = 0;
      let gcCpuUs = 0;
      for (let i = lo; i < union.length && union[i][0] < end; i++) {
        gcUs += Math.min(end, union[i][1]) - Math.max(task.ts, union[i][0]);
        gcCpuUs += union[i][2];
      }
      return {
        cpuMs: (task.tdur ?? task.dur ?? 0) / 1000,
        wallMs: (task.dur ?? 0) / 1000,
        gcMs: gcUs / 1000,
        gcCpuMs: gcCpuUs / 1000,
      };
    });
}

function gcSummary(tasks: TaskGc[]): Record<string, unknown> {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const longest = [...tasks].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
  const longestWall = [...tasks].sort((a, b) => b.wallMs - a.wallMs).slice(0, 5);
  return {
    // [thread ms, wall ms, GC wall ms, GC thread ms] of the five longest tasks by thread time, and by wall time.
    longestCpuTasksGc: longest.map((t) => [t.cpuMs, t.wallMs, t.gcMs, t.gcCpuMs].map(round)),
    longestWallTasksGc: longestWall.map((t) => [t.cpuMs, t.wallMs, t.gcMs, t.gcCpuMs].map(round)),
    gcMsInTasksOver35Ms: round(tasks.filter((t) => t.wallMs > 35).reduce((sum, t) => sum + t.gcMs, 0)),
    gcMsInAll: round(tasks.reduce((sum, t) => sum + t.gcMs, 0)),
    gcCpuMsInAll: round(tasks.reduce((sum, t) => sum + t.gcCpuMs, 0)),
  };
}

function write(name: string, result: object): void {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}
