/**
 * One device's runs of one UTC day, packed into a blob (presence_history_days.runs): six to eight
 * bytes a run instead of a row of twenty, which is what keeps 30 days of a 10,000-contact roster
 * small. Status texts are not in it: a run names its text by its row in presence_history_statuses.
 *
 * Format (version 1), integers as unsigned LEB128 varints:
 *   version (1 byte)
 *   number of runs, then each run, oldest first:
 *     start: seconds from the start before it (the first: from midnight)
 *     duration: seconds
 *     show | status << 3   (show 0..4 as SHOW_CODES; status: the text's row id, 0: none)
 *     priority, zigzag-encoded (−128..127)
 * Version 2 is version 1 with one more varint after each run's priority: its XEP-0319 idle time, 0
 * for none, else 1 + the zigzag-encoded seconds it lies before the run's start. A day without any
 * idle time is written as version 1 (a byte a run saved), and both are read.
 * A damaged blob throws DayDecodeError; the reader skips that day.
 */

export interface DayRun {
  /** Seconds from midnight (UTC) of the day. */
  offset: number;
  /** Seconds; for the day's lasting run (the row is open), how long it had lasted when written. */
  duration: number;
  /** SHOW_CODES value. */
  show: number;
  /** The status text's row id; 0: no status. */
  status: number;
  priority: number;
  /** XEP-0319: seconds the user had been idle at the run's start (negative: idle from later on); null or absent: none. */
  idle?: number | null;
}

export class DayDecodeError extends Error {
  constructor(reason: string) {
    super(`presence history: a damaged day (${reason})`);
    this.name = 'DayDecodeError';
  }
}

const VERSION = 1;
const VERSION_IDLE = 2;
/** Idle times stay within ±2^40 s (the varint stays an exact integer). */
const IDLE_MAX = 2 ** 40;
const SECONDS_PER_DAY = 86_400;
/** Text row ids stay below this (2^45): show | status << 3 stays an exact integer. */
const STATUS_MAX = 2 ** 45;

class Writer {
  private bytes = new Uint8Array(64);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.room(1);
    this.bytes[this.length++] = value;
  }

  varint(value: number): void {
    let v = value;
    this.room(8);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  done(): Buffer {
    return Buffer.from(this.bytes.buffer, 0, this.length);
  }
}

class Reader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.position >= this.bytes.length) throw new DayDecodeError('cut short');
    return this.bytes[this.position++];
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 49; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new DayDecodeError('a number too long');
  }

  get done(): boolean {
    return this.position === this.bytes.length;
  }
}

const zigzag = (n: number) => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (n: number) => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

/** Packs a day's runs (sorted by offset, as they are kept). */
export function encodeDay(runs: readonly DayRun[]): Buffer {
  const out = new Writer();
  const withIdle = runs.some((run) => run.idle != null);
  out.byte(withIdle ? VERSION_IDLE : VERSION);
  out.varint(runs.length);
  let previous = 0;
  for (const run of runs) {
    out.varint(run.offset - previous);
    previous = run.offset;
    out.varint(run.duration);
    out.varint(run.show + run.status * 8);
    out.varint(zigzag(run.priority));
    if (withIdle) {
      const idle = run.idle;
      out.varint(idle == null || Math.abs(idle) >= IDLE_MAX ? 0 : zigzag(Math.trunc(idle)) + 1);
    }
  }
  return out.done();
}

export function decodeDay(blob: Uint8Array): DayRun[] {
  const input = new Reader(blob);
  const version = input.byte();
  if (version !== VERSION && version !== VERSION_IDLE) throw new DayDecodeError('unknown version');
  const count = input.varint();
  if (count > blob.length) throw new DayDecodeError('too many runs');
  const runs: DayRun[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offset += input.varint();
    const duration = input.varint();
    const head = input.varint();
    const priority = unzigzag(input.varint());
    const idleCode = version === VERSION_IDLE ? input.varint() : 0;
    const idle = idleCode === 0 ? null : unzigzag(idleCode - 1);
    const show = head % 8;
    const status = Math.floor(head / 8);
    if (
      show > 4 ||
      status >= STATUS_MAX ||
      offset > SECONDS_PER_DAY ||
      priority < -128 ||
      priority > 127 ||
      (idle !== null && Math.abs(idle) >= IDLE_MAX)
    ) {
      throw new DayDecodeError('a value out of range');
    }
    runs.push(
      idle === null ? { offset, duration, show, status, priority } : { offset, duration, show, status, priority, idle },
    );
  }
  if (!input.done) throw new DayDecodeError('bytes after the runs');
  return runs;
}
