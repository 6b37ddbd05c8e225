/**
 * The headless client's BENCH_STATE_FILE writer: the same text as JSON.stringify of the whole state,
 * written while the entries are still being produced (never the whole state as one string).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBenchState, type BenchPresenceEntry, type BenchRosterEntry } from '../../../src/main/headless-state';

const roster: BenchRosterEntry[] = [
  { jid: 'a@example.org', name: null, subscription: 'both', ask: false, groups: [] },
  { jid: 'b@example.org', name: 'B "quoted" \\ ünï 😀', subscription: 'none', ask: true, groups: ['x', 'y\n'] },
];
const presence: BenchPresenceEntry[] = [
  { jid: 'a@example.org', resource: 'desk', show: 'away', priority: -1, status: null },
  { jid: 'b@example.org', resource: 'ph\u0000one', show: 'online', priority: 5, status: 'in </a> "meeting"' },
];

describe('writeBenchState', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes exactly what JSON.stringify of the whole state gives, whatever the chunk size', () => {
    for (const chunk of [1, 7, 64 * 1024]) {
      const file = path.join(dir, `state-${chunk}.json`);
      writeBenchState(file, roster, presence, chunk);
      expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify({ roster, presence }));
    }
  });

  it('writes empty lists as JSON.stringify does', () => {
    const file = path.join(dir, 'empty.json');
    writeBenchState(file, [], []);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"roster":[],"presence":[]}');
  });

  it('writes while the entries are still being produced', () => {
    const file = path.join(dir, 'streamed.json');
    const sizesSeen: number[] = [];
    function* many(): Generator<BenchPresenceEntry> {
      for (let i = 0; i < 1000; i++) {
        if (i % 250 === 0) sizesSeen.push(fs.statSync(file).size);
        yield { jid: `c${i}@example.org`, resource: 'r', show: 'online', priority: 0, status: null };
      }
    }
    writeBenchState(file, roster, many(), 1024);
    // The file grew between the entries: the earlier ones were already written, not kept.
    expect(sizesSeen[1]).toBeGreaterThan(0);
    expect(sizesSeen[3]).toBeGreaterThan(sizesSeen[1]);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { roster: unknown[]; presence: unknown[] };
    expect(written.roster).toEqual(roster);
    expect(written.presence).toHaveLength(1000);
  });
});
