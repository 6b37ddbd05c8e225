/**
 * Prints what `npm run bench` measured: the side-by-side tables of side-by-side.bench.ts (realistic
 * data; ltx, xmpp.js + Map and Jabberwock over the same bytes, pinned and unpinned) and every budget,
 * met (✓) or not (✗), or not measured (—). Reads bench/results/*.json.
 *
 *   node bench/report.mjs [--since ISO-DATE]     only results written since then (this invocation)
 *
 * Exits 1 when a budget is not met or a run failed (a run that crashed or did not verify), else 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const sinceArg = process.argv.indexOf('--since');
const since = sinceArg === -1 ? 0 : Date.parse(process.argv[sinceArg + 1]);

function load(name) {
  const file = path.join(RESULTS, `${name}.json`);
  if (!fs.existsSync(file)) return null;
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  return Date.parse(record.date) >= since ? record : null;
}

const fmt = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en'));
const range = (s) => (s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '—');
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '—');

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
}

const budgets = [];
/** One budget: `value` against `limit` (≤ unless `atLeast`); null value: not measured (or failed). */
function budget(name, value, limit, { atLeast = false, unit = '', failed = false, digits = 0 } = {}) {
  let mark = '—';
  if (failed) mark = '✗ (a run failed)';
  else if (value !== null && value !== undefined && Number.isFinite(value)) {
    mark = (atLeast ? value >= limit : value <= limit) ? '✓' : '✗';
  }
  const shown = value === null || value === undefined ? '—' : `${digits ? value.toFixed(digits) : fmt(value)}${unit}`;
  budgets.push([name, shown, `${atLeast ? '≥' : '≤'} ${limit.toLocaleString('en')}${unit}`, mark]);
}

console.log(
  `\n# Benchmarks (${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})\n`,
);

const side = load('side-by-side');
if (side) {
  console.log(`Realistic data, side by side. Load during the run: ${side.loadDuringRun?.join(' → ') ?? '?'}\n`);
  const s = side.summary;
  // `jabberwock-before`: an earlier build run in the same turns (BENCH_BEFORE), for before/after.
  const clientNames = ['ltx', 'xmpp.js', 'jabberwock-before', 'jabberwock'];
  for (const mode of ['pinned', 'unpinned']) {
    const roster = s.roster?.[mode];
    if (roster) {
      console.log(`## roster of 10,000 contacts, ${mode}: roster result written → pong (server's clock), ms`);
      const ceiling = roster.ltx?.serverMs?.median;
      table(
        [
          'client',
          'server: result → pong',
          '× ltx',
          'client: first byte → done',
          'CPU ms',
          'peak RSS MB',
          'loop p99 ms',
          'failed',
        ],
        clientNames
          .filter((c) => roster[c])
          .map((c) => {
            const r = roster[c];
            return [
              c,
              range(r.serverMs),
              ratio(r.serverMs?.median, ceiling),
              range(r.clientMs),
              range(r.cpuMs),
              range(r.peakRssMb),
              range(r.eventLoopP99Ms),
              `${r.failed}/${r.runs}`,
            ];
          }),
      );
    }
    const presence = s.presence?.[mode];
    if (presence) {
      console.log(`## presence flood of 100,000 stanzas, ${mode}: first flood byte written → pong (server's clock)`);
      const rate = (r) => (r?.serverMs?.median ? 100_000 / (r.serverMs.median / 1000) : null);
      table(
        [
          'client',
          'presences/s',
          '÷ ltx',
          'server ms',
          'client: first byte → last ms',
          'CPU ms',
          'peak RSS MB',
          'loop p99 ms',
          'failed',
        ],
        clientNames
          .filter((c) => presence[c])
          .map((c) => {
            const r = presence[c];
            return [
              c,
              fmt(rate(r)),
              ratio(rate(r), rate(presence.ltx)),
              range(r.serverMs),
              range(r.clientMs),
              range(r.cpuMs),
              range(r.peakRssMb),
              range(r.eventLoopP99Ms),
              `${r.failed}/${r.runs}`,
            ];
          }),
      );
    }
  }
  const jw = (workload, mode) => s[workload]?.[mode]?.jabberwock;
  const rows = [];
  for (const workload of ['muc', 'archive']) {
    for (const mode of ['pinned', 'unpinned']) {
      const r = jw(workload, mode);
      if (r)
        rows.push([
          workload,
          mode,
          range(r.clientMs),
          range(r.peakRssMb),
          range(r.eventLoopP99Ms),
          `${r.failed}/${r.runs}`,
        ]);
    }
  }
  if (rows.length) {
    console.log(
      '## room of 5,000 occupants (join → joined and listed) and archive of 20,000 (online → caught up), Jabberwock',
    );
    table(['workload', 'mode', 'ms', 'peak RSS MB', 'loop p99 ms', 'failed'], rows);
  }

  // Budgets on realistic data, pinned, ratios from this run.
  const failedIn = (workload, mode) => Object.values(s[workload]?.[mode] ?? {}).some((r) => r.failed > 0);
  const pr = s.roster?.pinned;
  budget(
    'realistic pinned: roster ÷ ltx ceiling (server clock)',
    pr?.jabberwock?.serverMs && pr?.ltx?.serverMs ? pr.jabberwock.serverMs.median / pr.ltx.serverMs.median : null,
    1.5,
    { unit: '×', digits: 2, failed: failedIn('roster', 'pinned') },
  );
  const pp = s.presence?.pinned;
  const rateOf = (r) => (r?.serverMs?.median ? 100_000 / (r.serverMs.median / 1000) : null);
  const jwRate = rateOf(pp?.jabberwock);
  budget(
    'realistic pinned: flood rate ÷ xmpp.js + Map',
    jwRate && rateOf(pp?.['xmpp.js']) ? jwRate / rateOf(pp['xmpp.js']) : null,
    2,
    { atLeast: true, unit: '×', digits: 2, failed: failedIn('presence', 'pinned') },
  );
  budget(
    'realistic pinned: flood rate ÷ ltx ceiling',
    jwRate && rateOf(pp?.ltx) ? jwRate / rateOf(pp.ltx) : null,
    0.6,
    { atLeast: true, unit: '×', digits: 2, failed: failedIn('presence', 'pinned') },
  );
  for (const mode of ['pinned', 'unpinned']) {
    const all = ['roster', 'presence', 'muc', 'archive'].map((w) => jw(w, mode)).filter(Boolean);
    budget(
      `realistic ${mode}: peak RSS, highest of all Jabberwock runs`,
      all.length ? Math.max(...all.map((r) => r.peakRssMb?.max ?? 0)) : null,
      150,
      { unit: ' MB' },
    );
    for (const workload of ['roster', 'presence', 'muc', 'archive']) {
      budget(
        `realistic ${mode}: ${workload} event-loop p99 (median)`,
        jw(workload, mode)?.eventLoopP99Ms?.median ?? null,
        50,
        { unit: ' ms', failed: failedIn(workload, mode) },
      );
    }
    budget(
      `realistic ${mode}: room of 5,000 joined and listed (median)`,
      jw('muc', mode)?.clientMs?.median ?? null,
      1000,
      { unit: ' ms', failed: failedIn('muc', mode) },
    );
  }
  const up = s.presence?.unpinned?.jabberwock;
  budget(
    'realistic unpinned: flood presences/s, client clock (median)',
    up?.clientMs?.median ? 100_000 / (up.clientMs.median / 1000) : null,
    120_000,
    { atLeast: true, failed: failedIn('presence', 'unpinned') },
  );
  budget(
    'realistic unpinned: roster first byte → stored and emitted (median)',
    s.roster?.unpinned?.jabberwock?.clientMs?.median ?? null,
    180,
    { unit: ' ms', failed: failedIn('roster', 'unpinned') },
  );
}

const paint = load('roster-render-realistic');
if (paint)
  budget('renderer first paint, realistic 10,000-contact cache (median)', paint.firstRowPaintedMedianMs, 500, {
    unit: ' ms',
  });

// The ASCII workloads of the replay server (roster, presence, MUC join, archive), each with the budgets it records.
for (const name of ['roster-headless', 'presence-headless', 'muc', 'archive']) {
  const record = load(name);
  if (!record?.budgets) continue;
  for (const [key, limit] of Object.entries(record.budgets)) {
    const atLeast = key === 'presencesPerSecond';
    budget(`ASCII ${name}: ${key} (median)`, record[key]?.median ?? null, limit, { atLeast });
  }
}
const asciiPaint = load('roster-render');
if (asciiPaint) budget('ASCII renderer first paint (median)', asciiPaint.firstRowPaintedMedianMs, 500, { unit: ' ms' });
const presence = load('presence');
if (presence) {
  budget('ASCII presence in-process: presences/s (median)', presence.presencesPerSecondMedian, 120_000, {
    atLeast: true,
  });
  budget('ASCII presence in-process: peak RSS', presence.peakRssMb, 150, { unit: ' MB' });
  if (presence.historyOffPresencesPerSecondMedian) {
    budget(
      'presence history on: presences/s against off (median, same turns)',
      (100 * presence.presencesPerSecondMedian) / presence.historyOffPresencesPerSecondMedian,
      90,
      { atLeast: true, unit: ' %' },
    );
  }
}
const history = load('presence-history');
if (history) {
  budget('presence history: 30 days of 10,000 contacts on disk', history.fileMb, 50, { unit: ' MB' });
  budget('presence history: one contact’s timeline (slowest of the sample)', history.timelineMsMax, 50, {
    unit: ' ms',
  });
}

if (budgets.length === 0) {
  console.log('No results from this run.');
  process.exit(1);
}
console.log('## Budgets');
table(['budget', 'measured', 'limit', 'met'], budgets);
const missed = budgets.filter((b) => b[3] !== '✓');
console.log(
  missed.length === 0 ? 'Every budget met.' : `${missed.length} of ${budgets.length} budgets not met or not measured.`,
);
process.exit(missed.length === 0 ? 0 : 1);
