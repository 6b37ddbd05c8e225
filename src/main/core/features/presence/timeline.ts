/**
 * One contact's timeline from what presence history stored and what it still holds in memory:
 * each device's runs (overlaps cut, identical neighbours joined), the stretches we were listening,
 * seconds online per quarter hour over everything kept (the renderer folds them into its own
 * time zone for "usually online"), and the device that last got messages sent to the bare address.
 * Pure: the caller reads the store and the recorder.
 */
import type {
  HistoryRetention,
  QuarterHoursView,
  TimelineDeviceView,
  TimelineRunView,
  TimelineView,
} from '../../../../shared/contract';
import type { TrackedPresence } from './stanza';
import { idleOrNull } from './idle-since';
import { messageTarget, type ResourcePresence } from '../../../../shared/presence';
import {
  OPEN,
  Stored,
  type Coverage,
  type HistoryRun,
  type StoredContactHistory,
} from '../../store/presence-history-repo';

export const QUARTER_MS = 15 * 60_000;

export interface TimelineInput {
  accountId: string;
  jid: string;
  now: number;
  /** Start of the runs returned (epoch ms). */
  from: number;
  /** Start of everything kept (now minus the retention). */
  keptFrom: number;
  retentionDays: HistoryRetention;
  stored: StoredContactHistory;
  /** Runs of this contact the recorder holds (not stored yet, or ended since they were stored). */
  memory: readonly HistoryRun[];
  /** Runs of this contact's resources online now (the recorder's current run of each). */
  live: ReadonlySet<HistoryRun>;
  coverage: readonly Coverage[];
}

interface Run extends TimelineRunView {
  resource: string;
}

interface DeviceAcc {
  resource: string;
  client: TimelineDeviceView['client'];
  runs: Run[];
}

export function buildTimeline(input: TimelineInput): TimelineView {
  const devices = collectDevices(input);
  const all: Run[] = [];
  for (const device of devices.values()) {
    device.runs = tidy(device.runs, input.now);
    all.push(...device.runs);
  }
  const views: TimelineDeviceView[] = [...devices.values()].map((device) => {
    const last = device.runs.at(-1);
    return {
      resource: device.resource,
      client: device.client,
      lastSeen: last === undefined ? null : last.end === null ? null : last.end,
      runs: device.runs
        .filter((run) => (run.end ?? input.now) >= input.from && (run.end === null || run.end > run.start))
        .map((run) => clip(run, input.from)),
    };
  });
  // Online first (no last seen), then the most recently seen.
  views.sort((a, b) => (b.lastSeen ?? Infinity) - (a.lastSeen ?? Infinity) || a.resource.localeCompare(b.resource));
  const recorded = input.coverage
    .filter((c) => c.stop >= input.from)
    .map((c) => ({ start: Math.max(c.start, input.from), end: Math.min(c.stop, input.now) }));
  return {
    accountId: input.accountId,
    jid: input.jid,
    from: input.from,
    to: input.now,
    retentionDays: input.retentionDays,
    devices: views.filter((view) => view.runs.length > 0 || view.lastSeen !== null),
    recorded,
    quarters: quarters(all, input.coverage, input.keptFrom, input.now),
    lastTarget: lastTarget(all),
  };
}

/**
 * The stored runs by device, with what memory knows better: a run held in memory (lasting, or ended
 * and not written yet) replaces the pieces stored of it, which start at its start or later.
 */
function collectDevices(input: TimelineInput): Map<string, DeviceAcc> {
  const byResource = new Map<string, DeviceAcc>();
  const byId = new Map<number, DeviceAcc>();
  const device = (resource: string): DeviceAcc => {
    let acc = byResource.get(resource);
    if (!acc) {
      acc = { resource, client: null, runs: [] };
      byResource.set(resource, acc);
    }
    return acc;
  };
  for (const row of input.stored.devices) {
    const acc = device(row.resource);
    if (row.client !== null || row.kind !== null) acc.client = { name: row.client, device: row.kind ?? 'unknown' };
    byId.set(row.id, acc);
  }
  const memory = new Set([...input.memory, ...input.live]);
  const replaced = (deviceId: number, start: number) => {
    for (const run of memory) {
      if (
        run.device === deviceId &&
        run.stored !== Stored.No &&
        start >= run.start &&
        (run.end === OPEN || start < run.end)
      )
        return true;
    }
    return false;
  };
  for (const row of input.stored.runs) {
    const acc = byId.get(row.device);
    if (!acc || replaced(row.device, row.start)) continue;
    // Stored as lasting, yet no run in memory lasts: it lasted as long as was written.
    acc.runs.push({ ...row, end: row.end ?? row.until, resource: acc.resource });
  }
  for (const run of memory) {
    const acc = device(run.resource);
    if (run.clientName !== null || run.kind !== null)
      acc.client = { name: run.clientName, device: run.kind ?? 'unknown' };
    acc.runs.push({
      resource: run.resource,
      start: run.start,
      end: run.end !== OPEN ? run.end : input.live.has(run) ? null : input.now,
      show: run.show,
      status: run.status,
      priority: run.priority,
      idleSince: run.idleSince,
    });
  }
  return byResource;
}

/** Oldest first; a run starting inside the one before starts where it ended; identical neighbours joined. */
function tidy(runs: Run[], now: number): Run[] {
  runs.sort((a, b) => a.start - b.start);
  const out: Run[] = [];
  for (const run of runs) {
    const previous = out.at(-1);
    if (previous !== undefined) {
      const previousEnd = previous.end ?? now;
      if (run.start < previousEnd) {
        if ((run.end ?? now) <= previousEnd) continue;
        run.start = previousEnd;
      }
      if (
        run.start === previousEnd &&
        previous.show === run.show &&
        previous.status === run.status &&
        previous.priority === run.priority &&
        (previous.idleSince ?? null) === (run.idleSince ?? null)
      ) {
        previous.end = run.end;
        continue;
      }
    }
    out.push(run);
  }
  return out;
}

/** The run as the view shows it; idleSince only when the contact said (most runs have none). */
function clip(run: Run, from: number): TimelineRunView {
  const view: TimelineRunView = {
    start: Math.max(run.start, from),
    end: run.end,
    show: run.show,
    status: run.status,
    priority: run.priority,
  };
  if (run.idleSince != null) view.idleSince = run.idleSince;
  return view;
}

/** Seconds online (any device) and listening per quarter hour, from the first we know of to now. */
function quarters(
  runs: readonly Run[],
  coverage: readonly Coverage[],
  keptFrom: number,
  now: number,
): QuarterHoursView {
  const first = Math.max(keptFrom, Math.min(coverage[0]?.start ?? now, ...runs.map((run) => run.start)));
  const from = Math.floor(first / QUARTER_MS) * QUARTER_MS;
  const count = Math.max(0, Math.ceil((now - from) / QUARTER_MS));
  const online = new Array<number>(count).fill(0);
  const recorded = new Array<number>(count).fill(0);
  const add = (into: number[], intervals: [number, number][]) => {
    for (const [start, end] of union(intervals)) {
      let t = Math.max(start, from);
      const stop = Math.min(end, now);
      while (t < stop) {
        const slot = Math.floor((t - from) / QUARTER_MS);
        const slotEnd = Math.min(from + (slot + 1) * QUARTER_MS, stop);
        into[slot] += (slotEnd - t) / 1000;
        t = slotEnd;
      }
    }
  };
  add(
    online,
    runs.map((run) => [run.start, run.end ?? now]),
  );
  add(
    recorded,
    coverage.map((c) => [c.start, c.stop]),
  );
  return { from, online: online.map(Math.round), recorded: recorded.map(Math.round) };
}

function union(intervals: [number, number][]): [number, number][] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * The device a server gave messages sent to the bare address to, the last time one could get them:
 * among the runs with a non-negative priority that reach the latest end (or still last), the one
 * messageTarget picks.
 */
function lastTarget(runs: readonly Run[]): TimelineView['lastTarget'] {
  const eligible = runs.filter((run) => run.priority >= 0);
  if (eligible.length === 0) return null;
  const ongoing = eligible.filter((run) => run.end === null);
  let until: number | null = null;
  let candidates = ongoing;
  if (ongoing.length === 0) {
    until = Math.max(...eligible.map((run) => run.end!));
    candidates = eligible.filter((run) => run.end === until && run.start < until!);
    if (candidates.length === 0) candidates = eligible.filter((run) => run.end === until);
  }
  const target = messageTarget(
    candidates.map((run): ResourcePresence => ({
      resource: run.resource,
      show: run.show,
      status: run.status,
      priority: run.priority,
      since: run.start,
    })),
  );
  return target ? { resource: target.resource, until } : null;
}

/**
 * The run of a resource whose state has not lasted long enough to be an object (for reading only),
 * or the object it becomes (starting at `start`: no earlier than what is kept).
 */
export function youngRun(bare: string, entry: TrackedPresence, start = entry.recordedSince): HistoryRun {
  return {
    bare,
    resource: entry.resource,
    start,
    end: OPEN,
    show: entry.show,
    status: entry.status,
    priority: entry.priority,
    clientName: entry.client?.clientName ?? null,
    kind: entry.client?.device ?? null,
    idleSince: idleOrNull(entry.idleSince),
    device: 0,
    stored: Stored.No,
    firstDay: 0,
  };
}

/** Coverage stretches oldest first, overlapping ones joined (the file keeps whole seconds). */
export function mergeCoverage(stretches: { start: number; stop: number }[]): { start: number; stop: number }[] {
  const sorted = [...stretches].sort((a, b) => a.start - b.start);
  const out: { start: number; stop: number }[] = [];
  for (const stretch of sorted) {
    const last = out.at(-1);
    if (last && stretch.start < last.stop + 1000) last.stop = Math.max(last.stop, stretch.stop);
    else out.push({ ...stretch });
  }
  return out;
}
