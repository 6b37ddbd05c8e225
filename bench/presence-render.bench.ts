/**
 * Renderer benchmark: the built renderer in Chromium, served by the browser bridge, with a
 * stand-in for the core injected as window.jabberwock (the preload's API) so the batches are exactly
 * the ones we choose: a 10,000-contact roster (500 groups, 1–3 groups each), then rounds of one
 * batch carrying a presence change for every contact (parsed from JSON, as the transports deliver
 * them). Watches long tasks. Budget: no long task over 50 ms while applying a batch. Reported, not
 * asserted: the asserts check that each batch was applied (online counts on screen).
 * Needs `npx electron-vite build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, startWeb, WEB_ENTRY, type WebProcess } from '../tests/support/web';
import { RESULTS_DIR } from './results-dir';

const CONTACTS = Number(process.env.BENCH_CONTACTS) || 10_000;
const GROUPS = 500;
const ROUNDS = 6;
const BUDGET_MS = 50;
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
];

let browser: Browser | null = null;
let web: WebProcess | null = null;
let dataDir = '';

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Runs in the page before its scripts: the stand-in core, and long-task collection from the start.
const STAND_IN = `
  window.__jw = { longtasks: [], listener: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const roster = [];
  for (let i = 0; i < ${CONTACTS}; i++) {
    const groups = new Set(['Team ' + String(i % ${GROUPS}).padStart(3, '0')]);
    const extra = next() % 3;
    for (let g = 0; g < extra; g++) groups.add('Team ' + String(next() % ${GROUPS}).padStart(3, '0'));
    roster.push({ accountId: 'bench', jid: 'user' + i + '@example.org', name: 'Contact ' + (next() % 100000) + ' ' + i,
      subscription: 'both', pendingOut: false, groups: [...groups] });
  }
  const account = { id: 'bench', jid: 'bench@example.org', host: null, port: null, label: 'Bench', color: '#3a5bd9',
    enabled: true, password: 'session', pinnedCertificates: [], connection: { status: 'online', since: Date.now() } };
  const snapshot = { seq: 1, accounts: [account], secretStorage: { encrypted: false, description: 'bench' }, roster,
    rosterSync: [{ accountId: 'bench', state: 'synced', version: null, syncedAt: Date.now() }],
    prefs: { rosterSort: 'availability', rosterHideOffline: false, rosterCollapsed: [], rosterView: 'all',
      closeToTray: false, idleEnabled: false, idleAwayMinutes: 5, idleXaMinutes: null },
    presence: [], ownPresence: { bench: { show: 'available', status: null, priority: 0, auto: false } }, recentStatuses: [] };
  window.jabberwock = {
    invoke: (command) => Promise.resolve(command === 'app.snapshot' ? { ok: true, value: snapshot }
      : { ok: false, error: { code: 'internal', message: 'bench stand-in' } }),
    onEvents: (listener) => { window.__jw.listener = listener; return () => {}; },
  };
  const shows = ['dnd', 'chat', 'available', 'away', 'xa'];
  // One batch per round, as JSON text: every contact changes; every tenth goes offline with a last seen.
  window.__jw.batches = [];
  for (let round = 0; round < ${ROUNDS}; round++) {
    const events = roster.map((item, i) => ({ type: 'presence.contact', presence: {
      accountId: 'bench', jid: item.jid, error: null, directed: false,
      lastSeen: (i + round) % 10 === 0 ? { resource: 'phone', at: Date.now() - 3600000, status: null, device: 'phone' } : null,
      resources: (i + round) % 10 === 0 ? [] : [
        { resource: 'desk', show: shows[(i + round) % 5], status: 'Status ' + i, priority: 0, since: Date.now(), client: { name: 'Bench', device: 'pc' } },
        ...((i % 3) ? [] : [{ resource: 'phone', show: 'away', status: null, priority: -1, since: Date.now(), client: null }]),
      ] } }));
    window.__jw.batches.push(JSON.stringify({ seq: 2 + round, events }));
  }
`;

// Pushes one batch in its own task and resolves after the next frame, with the time it took.
const PUSH = `(round) => new Promise((resolve) => setTimeout(() => {
  const started = performance.now();
  window.__jw.listener(JSON.parse(window.__jw.batches[round]));
  requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
}, 0))`;

describe('presence batches in the renderer', () => {
  it(`applies ${ROUNDS} batches of ${CONTACTS} presence changes`, async () => {
    expect(fs.existsSync(WEB_ENTRY), 'build first: npx electron-vite build').toBe(true);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-presence-render-'));
    web = await startWeb(dataDir);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 }, colorScheme: 'light' });
    await page.addInitScript({ content: STAND_IN });
    await page.goto(web.url);
    await page.locator('.roster-row').first().waitFor({ timeout: 30_000 });
    await page.getByText(`0 online · ${CONTACTS.toLocaleString('en')} contacts`).waitFor();
    await page.waitForTimeout(500);

    // Profiling output, off by default (the profiler and tracing slow the page down): BENCH_PROFILE=1
    // writes a CPU profile of each round, BENCH_TRACE=<round> a Chromium trace of that round (both
    // open in DevTools' Performance panel) to bench/results/presence-render-round<n>.*.
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    }
    const output = (round: number, ext: string) => path.join(RESULTS_DIR, `presence-render-round${round}.${ext}`);
    const rounds: { applyMs: number; longTasks: number[] }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = (await page.evaluate('window.__jw.longtasks.length')) as number;
      const tracing = process.env.BENCH_TRACE === String(round);
      if (tracing || cdp) fs.mkdirSync(RESULTS_DIR, { recursive: true });
      if (tracing)
        await browser.startTracing(page, { path: output(round, 'trace.json'), categories: TRACE_CATEGORIES });
      if (cdp) await cdp.send('Profiler.start');
      const applyMs = (await page.evaluate(`(${PUSH})(${round})`)) as number;
      if (cdp) fs.writeFileSync(output(round, 'cpuprofile'), JSON.stringify((await cdp.send('Profiler.stop')).profile));
      if (tracing) await browser.stopTracing();
      // Each round leaves a tenth of the contacts offline.
      await page
        .getByText(
          `${(CONTACTS - CONTACTS / 10).toLocaleString('en')} online · ${CONTACTS.toLocaleString('en')} contacts`,
        )
        .waitFor();
      const tasks = (await page.evaluate(`window.__jw.longtasks.slice(${before}).map((t) => t[1])`)) as number[];
      rounds.push({ applyMs, longTasks: tasks });
    }
    // The first row is the most available contact (dnd) with its status and device count.
    const first = page.locator('.roster-row:not(.roster-row-group)').first();
    expect(await first.locator('.presence-dot').getAttribute('class')).toContain('presence-dnd');

    const longest = Math.max(0, ...rounds.flatMap((r) => r.longTasks));
    const over = rounds.flatMap((r) => r.longTasks).filter((ms) => ms > BUDGET_MS).length;
    const result = {
      date: new Date().toISOString(),
      contacts: CONTACTS,
      rounds: rounds.map((r) => ({ applyMs: Math.round(r.applyMs), longTasks: r.longTasks.map(Math.round) })),
      longestTaskMs: Math.round(longest),
      tasksOverBudget: over,
      budgetMs: BUDGET_MS,
    };
    const file = path.join(RESULTS_DIR, 'presence-render.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.info(
      `presence batches of ${CONTACTS}: apply+frame ${result.rounds.map((r) => r.applyMs).join(', ')} ms; ` +
        `longest task ${result.longestTaskMs} ms; ${over} over ${BUDGET_MS} ms`,
    );
  }, 300_000);
});
