/**
 * The headless client's BENCH_STATE_FILE, written piece by piece: the same text as
 * `JSON.stringify({ roster, presence })`, but never the whole state as one array of records nor as
 * one string. After a flood that state is 10,000 roster items and ~20,000 resources, and building it
 * whole (records, then a string of several MB) raised the process's recorded peak RSS, which is the
 * bench's figure, above the session's own (bench/RESULTS.md, 2026-12-07, mem3).
 */
import fs from 'node:fs';

/** One roster item as the bench compares it. */
export interface BenchRosterEntry {
  jid: string;
  name: string | null;
  subscription: string;
  ask: boolean;
  groups: string[];
}

/** One available resource as the bench compares it. */
export interface BenchPresenceEntry {
  jid: string;
  resource: string;
  show: string;
  priority: number;
  status: string | null;
}

/** What BENCH_STATE_FILE receives: the roster and every contact's available resources. */
export interface BenchState {
  roster: BenchRosterEntry[];
  presence: BenchPresenceEntry[];
}

/** Characters gathered before a write: large enough for few system calls, small beside the heap. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes `{"roster":[…],"presence":[…]}` to `file`, each entry stringified on its own as it comes
 * from the iterables, in writes of about `chunkChars` characters.
 */
export function writeBenchState(
  file: string,
  roster: Iterable<BenchRosterEntry>,
  presence: Iterable<BenchPresenceEntry>,
  chunkChars = CHUNK_CHARS,
): void {
  const fd = fs.openSync(file, 'w');
  try {
    let pending = '';
    const put = (text: string) => {
      pending += text;
      if (pending.length >= chunkChars) {
        fs.writeSync(fd, pending);
        pending = '';
      }
    };
    const list = (entries: Iterable<unknown>) => {
      let first = true;
      for (const entry of entries) {
        put(first ? JSON.stringify(entry) : `,${JSON.stringify(entry)}`);
        first = false;
      }
    };
    put('{"roster":[');
    list(roster);
    put('],"presence":[');
    list(presence);
    put(']}');
    if (pending !== '') fs.writeSync(fd, pending);
  } finally {
    fs.closeSync(fd);
  }
}
