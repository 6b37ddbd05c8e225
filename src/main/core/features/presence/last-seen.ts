/**
 * When each contact's resource was last seen (it went unavailable): kept per contact for the views,
 * and stored so the roster shows something meaningful before connecting. Rows are written in
 * batches, at most every LAST_SEEN_FLUSH_MS, one transaction each (never once per presence).
 */
import type { LastSeenView } from '../../../../shared/contract';
import type { Logger } from '../../log';
import type { PresenceRepository } from '../../store/presence-repo';
import type { LastSeen } from './service';
import { detach } from '../../util/text';

/** Last-seen rows are written at most this often (one transaction each). */
export const LAST_SEEN_FLUSH_MS = 250;
/**
 * Rows written per transaction; more go on in the next turns. A login's flood takes a thousand
 * contacts offline within a flush, and their one transaction held the loop for 100–180 ms.
 */
export const LAST_SEEN_WRITE_CHUNK = 200;

export class LastSeenStore {
  private readonly lastSeen = new Map<string, Map<string, LastSeenView>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A chunk was written and more rows wait: the next goes in the next turn. */
  private continuing: ReturnType<typeof setImmediate> | null = null;

  constructor(
    private readonly repo: PresenceRepository,
    private readonly log: Logger,
    /** The accounts that still exist: rows of a removed account are not written. */
    private readonly accountIds: () => Iterable<string>,
  ) {
    for (const record of repo.loadLastSeen()) {
      const { accountId, jid, ...view } = record;
      this.of(accountId).set(jid, view);
    }
  }

  get(accountId: string, jid: string): LastSeenView | null {
    return this.lastSeen.get(accountId)?.get(jid) ?? null;
  }

  jids(accountId: string): Iterable<string> {
    return this.lastSeen.get(accountId)?.keys() ?? [];
  }

  /** A resource went offline: the newest time per contact is kept, and the row queued. */
  seen(accountId: string, bare: string, seen: LastSeen): void {
    const view: LastSeenView = {
      resource: seen.resource,
      at: seen.at,
      status: seen.status,
      device: seen.client?.device ?? null,
    };
    const map = this.of(accountId);
    const before = map.get(bare);
    if (!before) map.set(detach(bare), view);
    else if (before.at <= view.at) map.set(bare, view);
    this.repo.queueLastSeen({ accountId, jid: bare, ...view });
    if (this.continuing === null) this.timer ??= setTimeout(() => this.writeChunk(), LAST_SEEN_FLUSH_MS);
  }

  /** Writes every queued row now (one transaction; closing, tests). */
  flush(): void {
    this.write(Infinity);
  }

  /**
   * The timer's write: the rows queued until then, LAST_SEEN_WRITE_CHUNK a turn; rows queued
   * meanwhile wait for the next flush window (fewer, larger transactions while a flood goes on).
   */
  private writeChunk(due = this.repo.queuedLastSeen): void {
    const max = Math.min(due, LAST_SEEN_WRITE_CHUNK);
    this.write(max);
    if (due > max) this.continuing = setImmediate(() => this.writeChunk(due - max));
    else if (this.repo.queuedLastSeen > 0) this.timer = setTimeout(() => this.writeChunk(), LAST_SEEN_FLUSH_MS);
  }

  private write(max: number): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.continuing) clearImmediate(this.continuing);
    this.timer = null;
    this.continuing = null;
    try {
      const ids = new Set(this.accountIds());
      this.repo.flushLastSeen((accountId) => ids.has(accountId), max);
    } catch (error) {
      this.log.error('storing last seen failed', { error });
    }
  }

  forget(accountId: string): void {
    this.lastSeen.delete(accountId);
  }

  private of(accountId: string): Map<string, LastSeenView> {
    let map = this.lastSeen.get(accountId);
    if (!map) {
      map = new Map();
      this.lastSeen.set(accountId, map);
    }
    return map;
  }
}
