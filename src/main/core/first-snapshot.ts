/**
 * Keeping the first snapshot's way clear: what it does not need waits until it has been answered.
 */
import { commands } from '../../shared/contract';
import { toRosterTable } from '../../shared/roster-table';
import type { RosterItemView, Snapshot } from '../../shared/contract';
import { rosterFirstScreen } from '../../shared/roster-first-screen';

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
 * compact roster's loop over every contact starts interpreted. Both run once now, in an idle moment
 * before the window asks (results dropped), not while its first paint waits.
 */
export function warmUpFirstSnapshot(items: () => RosterItemView[]): void {
  setImmediate(() => {
    commands['app.snapshot'].input.safeParse({});
    toRosterTable(items());
  }).unref();
}

/**
 * The snapshot narrowed to the roster column's first `rows` rows (see shared/roster-first-screen.ts):
 * their contacts as a compact table, presence and identities of those contacts only, and the counts.
 * Without a first screen (someone online, offline contacts hidden) the roster is left empty and
 * `rosterFirstScreen` unset: the window then waits for the whole snapshot.
 */
export function firstScreenSnapshot(snapshot: Snapshot, items: readonly RosterItemView[], rows: number): Snapshot {
  const anyoneOnline = snapshot.presence.some((view) => view.resources.length > 0);
  const first = rosterFirstScreen(items, snapshot.prefs, snapshot.identities ?? [], anyoneOnline, rows);
  const shown = new Set(first?.items.map((item) => `${item.accountId}|${item.jid}`));
  const isShown = (view: { accountId: string; jid: string }) => shown.has(`${view.accountId}|${view.jid}`);
  return {
    ...snapshot,
    roster: [],
    rosterTable: toRosterTable(first?.items ?? []),
    ...(first ? { rosterFirstScreen: first.screen } : {}),
    presence: snapshot.presence.filter(isShown),
    identities: snapshot.identities?.filter(isShown),
    xmppUri: null,
  };
}
