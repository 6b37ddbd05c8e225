/**
 * What presence history is tuned by (how long a run must last, how often and how much is written,
 * the bounds on memory and rows), what it is given, and what it keeps per account.
 */
import type { HistoryRetention } from '../../../../shared/contract';
import type { Logger } from '../../log';
import { OPEN, type HistoryRun, type PresenceHistoryRepository } from '../../store/presence-history-repo';
import type { TrackedPresence } from './stanza';
import type { PresenceTracker } from './tracker';
import { DAY_MS } from '../../util/time';

/** A state that lasted less than this is taken over by the next one (no row for it). */
export const MIN_RUN_MS = 60_000;
/** How often young runs are looked at (and what is due stored). */
export const TICK_MS = 10_000;
/** How often runs are stored (and coverage brought up to date) while nothing else is waiting. */
export const WRITE_INTERVAL_MS = 30_000;
/** The pause between two chunks when more runs wait. */
export const WRITE_CONTINUE_MS = 100;
/**
 * Days of runs written per transaction (a run is written once for each day it touches): a thousand
 * took 25–30 ms of CPU on a large store, too long a pause.
 */
export const WRITE_CHUNK = 250;
/** A contact (all its devices) starts at most this many runs a day; beyond, it is not recorded that day. */
export const MAX_RUNS_PER_CONTACT_DAY = 500;
/** Runs held for storing; a store that keeps refusing must not grow memory. */
export const MAX_HELD_RUNS = 200_000;

export interface PresenceHistoryOptions {
  repo: PresenceHistoryRepository;
  log: Logger;
  /** Every account there is (pruning covers those not connected in this run too). */
  accountIds(): Iterable<string>;
  /** The account's tracker (live resources). */
  tracker(accountId: string): PresenceTracker<TrackedPresence> | undefined;
  /** True when `bare` is in the account's roster (only contacts and our own devices are recorded). */
  inRoster(accountId: string, bare: string): boolean;
  now?: () => number;
  /** Background writes and prunes (off in unit tests that drive them). */
  background?: boolean;
  /** MIN_RUN_MS unless told (integration tests record every change at once). */
  minRunMs?: number;
}

export interface AccountHistory {
  accountId: string;
  ownJid: string;
  retention: HistoryRetention;
  /** Runs not stored yet (lasting or ended). */
  pending: HistoryRun[];
  /** Runs stored while they lasted to write again: they ended, or a day began since. */
  rewrite: Set<HistoryRun>;
  /** Since when we hear the account's contacts (and record it); null while we do not. */
  listeningSince: number | null;
  /** The connection dropped then; a resumed stream clears it. */
  lostAt: number | null;
  /** Runs stored today per contact (the day in UTC days); touched by writes only. */
  runsToday: Map<string, number>;
  day: number;
  lastWrite: number;
}

/** How many days' rows writing the run touches (its pieces not written for good yet). */
export function daysTouched(run: HistoryRun, now: number): number {
  const last = Math.floor((run.end === OPEN ? now : run.end) / DAY_MS);
  return Math.max(1, last - Math.max(run.firstDay, Math.floor(run.start / DAY_MS)) + 1);
}
