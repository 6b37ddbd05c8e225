/**
 * A contact's timeline built from stored rows and the recorder's memory: memory's end wins for a
 * stored run, overlaps are cut and identical neighbours joined, seconds online and recorded per
 * quarter hour, and the device that last got messages sent to the bare address.
 */
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  QUARTER_MS,
  type TimelineInput,
} from '../../../../../../src/main/core/features/presence/timeline';
import { OPEN, Stored, type HistoryRun } from '../../../../../../src/main/core/store/presence-history-repo';
import { historyRun } from '../../../../../support/presence-history';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const HOUR = 3_600_000;

function input(overrides: Partial<TimelineInput>): TimelineInput {
  return {
    accountId: 'acc',
    jid: 'bob@x',
    now: NOW,
    from: NOW - 24 * HOUR,
    keptFrom: NOW - 30 * 24 * HOUR,
    retentionDays: 30,
    stored: { devices: [], runs: [] },
    memory: [],
    live: new Set(),
    coverage: [{ start: NOW - 48 * HOUR, stop: NOW }],
    ...overrides,
  };
}

function memoryRun(overrides: Partial<HistoryRun>): HistoryRun {
  return historyRun({ bare: 'bob@x', resource: 'desk', start: NOW - HOUR, end: OPEN, ...overrides });
}

const run = (device: number, startH: number, endH: number | null, show = 'available', priority = 0) => ({
  device,
  start: NOW + startH * HOUR,
  end: endH === null ? null : NOW + endH * HOUR,
  until: endH === null ? NOW + startH * HOUR : NOW + endH * HOUR,
  show: show as 'available',
  status: null,
  priority,
});

describe('buildTimeline', () => {
  it('takes a lasting stored run’s end from memory, and runs not stored yet', () => {
    const lasting = memoryRun({ device: 1, start: NOW - 2 * HOUR, stored: Stored.Open });
    const young = memoryRun({ resource: 'phone', start: NOW - 10_000, show: 'away' });
    const view = buildTimeline(
      input({
        stored: {
          devices: [{ id: 1, resource: 'desk', client: 'Gajim', kind: 'pc' }],
          runs: [run(1, -5, -3), run(1, -2, null)],
        },
        memory: [young],
        live: new Set([lasting, young]),
      }),
    );
    expect(view.devices.map((d) => [d.resource, d.client, d.lastSeen, d.runs.map((r) => r.end)])).toEqual([
      ['desk', { name: 'Gajim', device: 'pc' }, null, [NOW - 3 * HOUR, null]],
      ['phone', null, null, [null]],
    ]);
  });

  it('a stored lasting run nothing in memory lasts for ends where what was written ends', () => {
    const view = buildTimeline(
      input({ stored: { devices: [{ id: 1, resource: 'desk', client: null, kind: null }], runs: [run(1, -2, null)] } }),
    );
    expect(view.devices[0].runs).toEqual([]);
    expect(view.devices[0].lastSeen).toBe(NOW - 2 * HOUR);
  });

  it('cuts overlaps, joins identical neighbours, clips to the span and orders devices by last seen', () => {
    const view = buildTimeline(
      input({
        stored: {
          devices: [
            { id: 1, resource: 'desk', client: null, kind: null },
            { id: 2, resource: 'old', client: null, kind: null },
          ],
          runs: [
            run(1, -30, -20),
            run(1, -21, -10), // starts inside the one before: from its end, then joins it
            run(1, -12, -11, 'away'), // inside: dropped
            run(1, -10, -5, 'dnd'),
            run(2, -100, -50),
          ],
        },
      }),
    );
    expect(view.devices.map((d) => d.resource)).toEqual(['desk', 'old']);
    expect(view.devices[0].runs).toEqual([
      { start: NOW - 24 * HOUR, end: NOW - 10 * HOUR, show: 'available', status: null, priority: 0 },
      { start: NOW - 10 * HOUR, end: NOW - 5 * HOUR, show: 'dnd', status: null, priority: 0 },
    ]);
    expect(view.devices[1]).toMatchObject({ lastSeen: NOW - 50 * HOUR, runs: [] });
  });

  it('counts seconds online (any device) and recorded per quarter hour, from the first known', () => {
    const view = buildTimeline(
      input({
        now: NOW + QUARTER_MS,
        stored: {
          devices: [
            { id: 1, resource: 'desk', client: null, kind: null },
            { id: 2, resource: 'phone', client: null, kind: null },
          ],
          runs: [
            { ...run(1, 0, null), end: NOW + 5 * 60_000 },
            { ...run(2, 0, null), start: NOW + 3 * 60_000, end: NOW + 10 * 60_000 },
          ],
        },
        coverage: [{ start: NOW - QUARTER_MS / 3, stop: NOW + QUARTER_MS }],
      }),
    );
    expect(view.quarters.from).toBe(NOW - QUARTER_MS);
    expect(view.quarters.online).toEqual([0, 600]);
    expect(view.quarters.recorded).toEqual([300, 900]);
  });

  it('names the device that last got messages to the bare address: highest non-negative priority then', () => {
    const devices = [
      { id: 1, resource: 'desk', client: null, kind: null },
      { id: 2, resource: 'phone', client: null, kind: null },
      { id: 3, resource: 'bot', client: null, kind: null },
    ];
    // The desk left at -3 h; the phone (lower priority) stayed until -1 h; the bot never gets them.
    const ended = buildTimeline(
      input({
        stored: {
          devices,
          runs: [run(1, -6, -3, 'available', 10), run(2, -6, -1, 'away', 1), run(3, -6, 0, 'available', -1)],
        },
      }),
    );
    expect(ended.lastTarget).toEqual({ resource: 'phone', until: NOW - HOUR });
    const both = buildTimeline(
      input({ stored: { devices, runs: [run(1, -6, -1, 'available', 10), run(2, -6, -1, 'away', 1)] } }),
    );
    expect(both.lastTarget).toEqual({ resource: 'desk', until: NOW - HOUR });
    expect(
      buildTimeline(input({ stored: { devices, runs: [run(3, -6, -1, 'available', -1)] } })).lastTarget,
    ).toBeNull();
  });
});
