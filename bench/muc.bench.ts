/**
 * MUC join benchmark: the headless client (out/main/headless.js, the real core) joins a room
 * on the replay server (replay-server.mjs, workload `muc`), which answers with 5,000 occupant
 * presences, our self-presence (110), 500 history messages (<delay/>, stanza-id by the room) and the
 * subject; the client's archive query to the room gets the latest 100 of the same messages (same
 * ids), which must not be stored twice. Measured: join presence sent → self-presence handled and the
 * occupants event flushed to the subscriber ("joined and listed"), and the main event-loop delay
 * p99 from online to the stream's end. Each run checks the final state first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLESS, runHeadless, spread, startReplayServer, writeResults, type ReplayServer } from './replay';
import fs from 'node:fs';
import { OCCUPANTS, SUBJECT } from './replay-server.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 7;
const ROOM = 'bench-room@conference.localhost';
const NICK = 'benchbot';
const results: Record<string, unknown> = {};
let server: ReplayServer;

beforeAll(async () => {
  expect(fs.existsSync(HEADLESS)).toBe(true);
  server = await startReplayServer('muc');
});

afterAll(async () => {
  await server?.stop();
  writeResults('muc', results);
});

describe('muc', () => {
  it('join of a 5,000-occupant room with 500 history messages: joined and listed', async () => {
    const joined: number[] = [];
    const p99: number[] = [];
    const rss: number[] = [];
    const total: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { result, metrics } = await runHeadless(server, { BENCH_JOIN_ROOM: `${ROOM}/${NICK}` });
      const room = metrics.room!;
      // The final state first: a fast wrong answer fails.
      expect(room.atPing).toEqual({ state: 'joined', occupants: OCCUPANTS + 1 });
      expect(room.listedAtJoin).toBe(OCCUPANTS + 1);
      expect(room.selfListed).toBe(true);
      expect(room.subject).toBe(SUBJECT);
      expect(room.messagesStored).toBe(500);
      expect(metrics.messages).toMatchObject({ stored: 500, distinctServerIds: 500, conversations: 1 });
      expect(metrics.pings).toBe(1);
      expect(result.atPing).toEqual({ rosterItems: 0, availableResources: 0, onlineContacts: 0 });
      joined.push(room.joinedListedMs!);
      p99.push(metrics.eventLoopDelayP99Ms);
      rss.push(metrics.maxRssBytes / 1024 / 1024);
      total.push(metrics.lastPingMs!);
    }
    Object.assign(results, {
      occupants: OCCUPANTS + 1,
      historyMessages: 500,
      runs: RUNS,
      joinedListedMs: spread(joined),
      onlineToLastPingMs: spread(total),
      eventLoopDelayP99Ms: spread(p99),
      peakRssMb: spread(rss),
      budgets: { joinedListedMs: 1000, eventLoopDelayP99Ms: 50 },
    });
  });
});
