/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, and the
 * inclusive time of functions whose name matches a pattern. For reading profiles of the headless
 * client and the baselines without DevTools.
 *
 *   node bench/profile-summary.mjs FILE.cpuprofile [TOP=25] [PATTERN]
 */
import fs from 'node:fs';
import path from 'node:path';

const [file, top = '25', pattern] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const self = new Map();
const ticks = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  ticks.set(profile.samples[i], (ticks.get(profile.samples[i]) ?? 0) + dt);
}
const label = (node) => {
  const f = node.callFrame;
  return `${f.functionName || '(anonymous)'} ${f.url ? path.basename(f.url) : ''}:${f.lineNumber + 1}`;
};
let total = 0;
for (const [id, ms] of ticks) {
  total += ms;
  const key = label(nodes.get(id));
  self.set(key, (self.get(key) ?? 0) + ms);
}
console.log(`total ${total.toFixed(0)} ms`);
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${key}`);
}
if (pattern) {
  // Inclusive time: samples with a matching frame on their stack (each sample counted once).
  const re = new RegExp(pattern);
  const inclusive = new Map();
  for (const [id, ms] of ticks) {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const key = label(nodes.get(n));
      if (re.test(key) && !seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
      }
    }
  }
  console.log(`\ninclusive /${pattern}/`);
  for (const [key, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}

// LINES=functionName: where that function's own samples fall, by source line (V8's positionTicks).
if (process.env.LINES) {
  const lines = new Map();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== process.env.LINES) continue;
    for (const { line, ticks: count } of node.positionTicks ?? []) lines.set(line, (lines.get(line) ?? 0) + count);
  }
  const sum = [...lines.values()].reduce((a, b) => a + b, 0);
  console.log(`\nlines of ${process.env.LINES} (${sum} samples)`);
  for (const [line, count] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${String(count).padStart(7)}  ${((100 * count) / sum).toFixed(1).padStart(5)} %  line ${line}`);
  }
}
