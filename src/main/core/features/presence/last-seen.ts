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

export class LastSeenStore {
  private readonly lastSeen = new Map<string, Map<string, LastSeenView>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

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
    this.timer ??= setTimeout(() => this.flush(), LAST_SEEN_FLUSH_MS);
  }

  /** Writes queued rows now (one transaction). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      const ids = new Set(this.accountIds());
      this.repo.flushLastSeen((accountId) => ids.has(accountId));
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
