#!/usr/bin/env node
/**
 * What the page main thread's long tasks in a Chromium trace were made of: for each task over
 * `--over` ms (wall or CPU; 40 by default), its wall and CPU time, the self time of the trace
 * events inside it by name (script, style, layout, paint, GC, image decode…), with JavaScript
 * samples (traces recorded with `disabled-by-default-v8.cpu_profiler`: BENCH_SCROLL_TRACE=js,
 * BENCH_TRACE=js) the functions it ran, and what the other threads of the page's process and the
 * GPU process did meanwhile (where wall time beyond CPU time may have gone).
 *
 *   node bench/scroll-tasks.mjs bench/results/roster-scroll-0.trace.json [--over 40] [--top 12]
 */
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--') && !/^\d+$/.test(arg));
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const OVER = option('over', 40);
const TOP = option('top', 12);
if (!file) {
  console.error('usage: node bench/scroll-tasks.mjs TRACE.json [--over ms] [--top n]');
  process.exit(2);
}

const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
const events = Array.isArray(raw) ? raw : raw.traceEvents;
const threadName = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
const mains = new Set([...threadName].filter(([, name]) => name === 'CrRendererMain').map(([key]) => key));
const key = (e) => `${e.pid}:${e.tid}`;
const isTask = (e) =>
  e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && mains.has(key(e));

// The page main thread's complete events, by thread, sorted by start (outer before inner).
const byThread = new Map();
for (const e of events) {
  if (e.ph !== 'X' || e.dur === undefined) continue;
  let list = byThread.get(key(e));
  if (!list) byThread.set(key(e), (list = []));
  list.push(e);
}
for (const list of byThread.values()) list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);

/** Self (wall) time by event name of the events nested inside `task` on its thread. */
function selfTimes(task) {
  const list = byThread.get(key(task));
  const end = task.ts + task.dur;
  const inside = list.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
  const self = new Map();
  const stack = [];
  const close = (until) => {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= until) stack.pop();
  };
  for (const e of inside) {
    close(e.ts);
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur);
    stack.push(e);
  }
  const covered = inside.filter(
    (e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur),
  );
  const top = covered.reduce((sum, e) => sum + e.dur, 0);
  self.set('(task, outside any event)', task.dur - top);
  return self;
}

// JavaScript samples: Profile / ProfileChunk events, per profile id (one per thread).
const profiles = new Map();
for (const e of events) {
  if (e.name !== 'Profile' && e.name !== 'ProfileChunk') continue;
  const id = `${e.pid}:${e.id}`;
  let p = profiles.get(id);
  if (!p) profiles.set(id, (p = { pid: e.pid, tid: e.tid, start: 0, nodes: new Map(), samples: [] }));
  if (e.name === 'Profile') {
    p.start = e.args.data.startTime;
    p.tid = e.tid;
    continue;
  }
  const data = e.args.data;
  for (const node of data.cpuProfile?.nodes ?? []) p.nodes.set(node.id, node);
  const samples = data.cpuProfile?.samples ?? [];
  const deltas = data.timeDeltas ?? [];
  let t = p.samples.length ? p.samples.at(-1).ts : p.start;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    p.samples.push({ ts: t, node: samples[i] });
  }
}

function jsIn(task) {
  const self = new Map();
  const total = new Map();
  let count = 0;
  for (const p of profiles.values()) {
    if (p.pid !== task.pid) continue;
    const parents = new Map();
    for (const node of p.nodes.values()) {
      if (node.parent !== undefined) parents.set(node.id, node.parent);
      for (const child of node.children ?? []) parents.set(child, node.id);
    }
    const label = (node) => {
      const f = node.callFrame;
      const url = f.url ? f.url.replace(/^.*\//, '') : '';
      return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    };
    for (let i = 0; i < p.samples.length; i++) {
      const s = p.samples[i];
      if (s.ts < task.ts || s.ts > task.ts + task.dur) continue;
      const gap = (p.samples[i + 1]?.ts ?? s.ts) - s.ts;
      const node = p.nodes.get(s.node);
      if (!node) continue;
      count++;
      self.set(label(node), (self.get(label(node)) ?? 0) + gap);
      const seen = new Set();
      for (let id = s.node; id !== undefined; id = parents.get(id)) {
        const n = p.nodes.get(id);
        const name = label(n);
        if (seen.has(name)) continue;
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + gap);
      }
    }
  }
  return { self, total, count };
}

/** What other threads of the renderer and the GPU process ran while the task ran (wall ms by thread). */
function othersDuring(task) {
  const out = new Map();
  const end = task.ts + task.dur;
  for (const [thread, list] of byThread) {
    if (thread === key(task)) continue;
    const name = threadName.get(thread) ?? thread;
    let busy = 0;
    const names = new Map();
    // Top-level tasks of that thread only.
    for (const e of list) {
      if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask' && e.name !== 'ThreadPool_RunTask')
        continue;
      const overlap = Math.min(end, e.ts + e.dur) - Math.max(task.ts, e.ts);
      if (overlap <= 0) continue;
      busy += overlap;
    }
    for (const e of list) {
      if (/RunTask/.test(e.name)) continue;
      const overlap = Math.min(end, e.ts + e.dur) - Math.max(task.ts, e.ts);
      if (overlap > 0) names.set(e.name, (names.get(e.name) ?? 0) + overlap);
    }
    if (busy > 1000) out.set(`${name} (pid ${thread.split(':')[0]})`, { busy, names });
  }
  return out;
}

const ms = (us) => (us / 1000).toFixed(1);
// Both names may wrap one task (toplevel and devtools.timeline): keep the outer one.
const tasks = events
  .filter(isTask)
  .sort((a, b) => a.ts - b.ts || b.dur - a.dur)
  .filter((t, i, all) => {
    const outer = all.slice(Math.max(0, i - 3), i).find((o) => key(o) === key(t) && o.ts + o.dur >= t.ts + t.dur);
    return !outer;
  });
const first = tasks[0]?.ts ?? 0;
const long = tasks.filter((t) => t.dur / 1000 > OVER || (t.tdur ?? 0) / 1000 > OVER);
const cpu = tasks.map((t) => (t.tdur ?? t.dur) / 1000);
console.log(
  `${file}: ${tasks.length} main-thread tasks, CPU total ${cpu.reduce((a, b) => a + b, 0).toFixed(0)} ms; ` +
    `${long.length} over ${OVER} ms (wall or CPU)`,
);
for (const task of long) {
  console.log(
    `\n== task at +${ms(task.ts - first)} ms: wall ${ms(task.dur)} ms, CPU ${ms(task.tdur ?? 0)} ms (pid ${task.pid})`,
  );
  const self = [...selfTimes(task)].filter(([, v]) => v > 300).sort((a, b) => b[1] - a[1]);
  console.log(
    '  self time by event: ' +
      self
        .slice(0, TOP)
        .map(([n, v]) => `${n} ${ms(v)}`)
        .join(' · '),
  );
  const js = jsIn(task);
  if (js.count) {
    const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    console.log(`  JS samples: ${js.count}`);
    console.log(
      '  self:  ' +
        top(js.self)
          .map(([n, v]) => `${n} ${ms(v)}`)
          .join('\n         '),
    );
    console.log(
      '  total: ' +
        top(js.total)
          .map(([n, v]) => `${n} ${ms(v)}`)
          .join('\n         '),
    );
  }
  const others = [...othersDuring(task)].sort((a, b) => b[1].busy - a[1].busy).slice(0, 6);
  for (const [thread, { busy, names }] of others) {
    const what = [...names]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([n, v]) => `${n} ${ms(v)}`)
      .join(', ');
    console.log(`  meanwhile ${thread}: busy ${ms(busy)} ms (${what})`);
  }
}
