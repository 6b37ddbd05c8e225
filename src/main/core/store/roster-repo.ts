/** All SQL for roster items and roster versions (migration 2). */
import type { RosterItemView, Subscription } from '../../../shared/contract';
import type { Db } from './db';
import { withoutFsync } from './commit-without-fsync';

/** Rows per multi-row INSERT: 10,000 single-row statements cost about twice as much as 100 of these. */
const ROWS_PER_INSERT = 100;
const UPSERT_TAIL = `ON CONFLICT (account_id, jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
  ask_subscribe = excluded.ask_subscribe, groups = excluded.groups`;

export interface StoredRoster {
  items: RosterItemView[];
  /** The account's bare JID the roster was last synced for; null when never synced. */
  jid: string | null;
  /** XEP-0237 version of the stored roster; null when the server does not version rosters. */
  version: string | null;
  /** Epoch ms of the last successful sync; null when never synced. */
  syncedAt: number | null;
}

interface ItemRecord {
  account_id: string;
  jid: string;
  name: string | null;
  subscription: Subscription;
  ask_subscribe: number;
  groups: string;
}

interface VersionRecord {
  account_id: string;
  jid: string | null;
  version: string | null;
  synced_at: number | null;
}

export class RosterRepository {
  private readonly selectItems;
  private readonly selectVersions;
  private readonly upsertItem;
  private readonly upsertMany;
  private readonly deleteItem;
  private readonly upsertVersion;
  private readonly upsertVersionOnly;
  private readonly clearVersion;
  private readonly applySyncTx;
  private readonly applySyncPartTx: (accountId: string, upserts: RosterItemView[], removed: string[]) => void;
  private readonly applyPushTx;

  constructor(db: Db) {
    this.selectItems = db.prepare<[], ItemRecord>(
      'SELECT account_id, jid, name, subscription, ask_subscribe, groups FROM roster_items',
    );
    this.selectVersions = db.prepare<[], VersionRecord>(
      'SELECT account_id, jid, version, synced_at FROM roster_versions',
    );
    const insert = 'INSERT INTO roster_items (account_id, jid, name, subscription, ask_subscribe, groups) VALUES';
    this.upsertItem = db.prepare<[string, string, string | null, string, number, string]>(
      `${insert} (?, ?, ?, ?, ?, ?) ${UPSERT_TAIL}`,
    );
    this.upsertMany = db.prepare<[unknown[]]>(
      `${insert} ${Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?)').join(', ')} ${UPSERT_TAIL}`,
    );
    this.deleteItem = db.prepare<[string, string]>('DELETE FROM roster_items WHERE account_id = ? AND jid = ?');
    this.upsertVersion = db.prepare<[string, string | null, string | null, number]>(
      `INSERT INTO roster_versions (account_id, jid, version, synced_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET jid = excluded.jid, version = excluded.version,
       synced_at = excluded.synced_at`,
    );
    this.upsertVersionOnly = db.prepare<[string, string]>(
      `INSERT INTO roster_versions (account_id, version, synced_at) VALUES (?, ?, NULL)
       ON CONFLICT (account_id) DO UPDATE SET version = excluded.version`,
    );
    const writeItems = (accountId: string, upserts: RosterItemView[], removed: string[]) => {
      for (const gone of removed) this.deleteItem.run(accountId, gone);
      // In key order, the B-tree grows at its right edge instead of splitting pages all over (an
      // already ordered part, as the store writer hands them, costs one comparison a row here).
      const ordered = upserts.length > 1 ? [...upserts].sort(byJid) : upserts;
      let next = 0;
      if (ordered.length >= ROWS_PER_INSERT) {
        const values: unknown[] = new Array(ROWS_PER_INSERT * 6);
        for (; next + ROWS_PER_INSERT <= ordered.length; next += ROWS_PER_INSERT) {
          for (let k = 0; k < ROWS_PER_INSERT; k++) setRow(values, k * 6, accountId, ordered[next + k]);
          this.upsertMany.run(values);
        }
      }
      for (; next < ordered.length; next++) this.writeItem(accountId, ordered[next]);
    };
    this.clearVersion = db.prepare<[string]>('UPDATE roster_versions SET version = NULL WHERE account_id = ?');
    this.applySyncTx = db.transaction(
      (
        accountId: string,
        upserts: RosterItemView[],
        removed: string[],
        version: string | null,
        syncedAt: number,
        jid: string | null,
      ) => {
        writeItems(accountId, upserts, removed);
        this.upsertVersion.run(accountId, jid, version, syncedAt);
      },
    );
    // A part is committed without its own fsync (commit-without-fsync.ts): the final part
    // (synchronous=FULL) makes every earlier part durable with it, and is never kept without them.
    this.applySyncPartTx = withoutFsync(
      db,
      db.transaction((accountId: string, upserts: RosterItemView[], removed: string[]) => {
        writeItems(accountId, upserts, removed);
        this.clearVersion.run(accountId);
      }),
    );
    this.applyPushTx = db.transaction(
      (accountId: string, item: RosterItemView | null, removedJid: string | null, version: string | null) => {
        if (item) this.writeItem(accountId, item);
        if (removedJid !== null) this.deleteItem.run(accountId, removedJid);
        if (version !== null) this.upsertVersionOnly.run(accountId, version);
      },
    );
  }

  /** Every account's stored roster (at start-up, before any connection). */
  loadAll(): Map<string, StoredRoster> {
    const rosters = new Map<string, StoredRoster>();
    const get = (accountId: string) => {
      let roster = rosters.get(accountId);
      if (!roster) {
        roster = { items: [], jid: null, version: null, syncedAt: null };
        rosters.set(accountId, roster);
      }
      return roster;
    };
    for (const record of this.selectVersions.all()) {
      const roster = get(record.account_id);
      roster.jid = record.jid;
      roster.version = record.version;
      roster.syncedAt = record.synced_at;
    }
    for (const record of this.selectItems.all()) {
      get(record.account_id).items.push({
        accountId: record.account_id,
        jid: record.jid,
        name: record.name,
        subscription: record.subscription,
        pendingOut: record.ask_subscribe === 1,
        groups: parseGroups(record.groups),
      });
    }
    return rosters;
  }

  /**
   * Makes the stored roster equal to the server's, in ONE transaction: `upserts` are the new and
   * changed items, `removed` the JIDs that vanished (the caller diffs against what it loaded, so
   * unchanged rows are not rewritten), plus the version and the time of the sync.
   */
  applySync(
    accountId: string,
    upserts: readonly RosterItemView[],
    removed: readonly string[],
    version: string | null,
    syncedAt: number,
    /** The account's bare JID the roster belongs to. */
    jid: string | null = null,
  ): void {
    this.applySyncTx(accountId, upserts as RosterItemView[], removed as string[], version, syncedAt, jid);
  }

  /**
   * One part of a sync applied in several transactions (a large roster, written a chunk per event-loop
   * turn): the items, and the stored version cleared, so that a roster stored halfway is never taken for
   * the version's. The last part is an applySync, which writes the version.
   */
  applySyncPart(accountId: string, upserts: readonly RosterItemView[], removed: readonly string[]): void {
    this.applySyncPartTx(accountId, upserts as RosterItemView[], removed as string[]);
  }

  /** Clears the stored version (the items stored may not be the version's): the next sync is a full one. */
  forgetVersion(accountId: string): void {
    this.clearVersion.run(accountId);
  }

  /** One roster push: an item set or removed, and the push's version (kept when null). */
  applyPush(accountId: string, change: { item: RosterItemView } | { removed: string }, version: string | null): void {
    if ('item' in change) this.applyPushTx(accountId, change.item, null, version);
    else this.applyPushTx(accountId, null, change.removed, version);
  }

  private writeItem(accountId: string, item: RosterItemView): void {
    this.upsertItem.run(
      accountId,
      item.jid,
      item.name,
      item.subscription,
      item.pendingOut ? 1 : 0,
      groupsJson(item.groups),
    );
  }
}

function groupsJson(groups: readonly string[]): string {
  return groups.length === 0 ? '[]' : JSON.stringify(groups);
}

function setRow(values: unknown[], at: number, accountId: string, item: RosterItemView): void {
  values[at] = accountId;
  values[at + 1] = item.jid;
  values[at + 2] = item.name;
  values[at + 3] = item.subscription;
  values[at + 4] = item.pendingOut ? 1 : 0;
  values[at + 5] = groupsJson(item.groups);
}

/** Items in key order (the order the table keeps them in). */
export function byJid(a: RosterItemView, b: RosterItemView): number {
  return a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0;
}

function parseGroups(text: string): string[] {
  if (text === '[]') return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : [];
  } catch {
    return [];
  }
}
