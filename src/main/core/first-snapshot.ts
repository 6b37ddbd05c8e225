/**
 * Keeping the first snapshot's way clear: what it does not need waits until it has been answered.
 */
import { commands } from '../../shared/contract';
import { toRosterTable } from '../../shared/roster-table';
import type { RosterItemView } from '../../shared/contract';
import { FIRST_SCREEN_ROWS } from '../../shared/roster-first-screen';
import type { SnapshotBuilder } from './snapshot';

/** How long the shells with a window let accounts wait for the first snapshot before connecting anyway. */
export const CONNECT_FALLBACK_MS = 3_000;

/**
 * Runs `start` once: after the first snapshot was answered (`snapshotServed`), or after `fallbackMs`
 * if none is asked for; at once when `fallbackMs` is undefined.
 */
export class AfterFirstSnapshot {
  private start: (() => void) | null;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;

  constructor(start: () => void, fallbackMs: number | undefined) {
    this.start = start;
    if (fallbackMs === undefined) this.run();
    else this.timer = setTimeout(() => this.run(), fallbackMs);
  }

  /** Called as the answer goes out: `start` runs after it was sent. */
  snapshotServed(): void {
    if (this.start) setImmediate(() => this.run());
  }

  close(): void {
    this.start = null;
    clearTimeout(this.timer);
  }

  private run(): void {
    const start = this.start;
    this.close();
    start?.();
  }
}

/**
 * The window's first command runs cold code: zod compiles a schema's parser on its first use, and the
 * loops over every contact start interpreted. In an idle moment before the window asks: the first
 * screen's roster part is computed and kept (its answer is then mostly a send), and the whole
 * snapshot's compact roster is made once (dropped) so its loop is compiled too.
 */
export function warmUpFirstSnapshot(snapshots: SnapshotBuilder, items: () => RosterItemView[]): void {
  setImmediate(() => {
    commands['app.snapshot'].input.safeParse({});
    snapshots.prepareFirstScreen(FIRST_SCREEN_ROWS);
    toRosterTable(items());
  }).unref();
}
