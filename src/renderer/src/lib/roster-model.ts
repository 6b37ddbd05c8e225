/**
 * The roster as the UI sees it: views, groups, entries and rows, the changes the index takes, and
 * the keys and names they are known by. The index that keeps them is lib/roster-index.ts.
 */
import type { RosterItemView } from '../../../shared/contract';
import { localOf } from '../../../shared/jid';
import { t } from '../i18n';
import { cap, DISPLAY_MAX } from './text';

/** The all-accounts view. Account views are keyed by account id (which never contains '|'). */
export const ALL_VIEW = '*';
/** Internal name of the group holding contacts without groups (a real group name is never empty). */
export const DEFAULT_GROUP = '';

export type RosterSort = 'availability' | 'name';

export interface RosterEntry {
  /** `${accountId}|${jid}` */
  readonly key: string;
  item: RosterItemView;
  /** Roster name, else the JID's local part, else the JID; capped at DISPLAY_MAX. */
  display: string;
  /** sortKey(display): what the name order compares. */
  sortKey: string;
  /** Distinct groups as stored (the core caps them); [DEFAULT_GROUP] when the item has none. */
  groups: string[];
  /** 0 = offline; higher is more available (filled in by the presence layer). */
  rank: number;
  /** Status text (filled in by the presence layer). */
  status: string;
}

export interface GroupBucket {
  /** The view key used in prefs.rosterCollapsed: `${view}|${name}`. */
  readonly key: string;
  readonly view: string;
  readonly name: string;
  /** Sorted by the index's current order. */
  readonly entries: RosterEntry[];
  online: number;
}

export interface GroupRow {
  kind: 'group';
  key: string;
  group: GroupBucket;
  collapsed: boolean;
  /** 1-based place among the group rows shown (for aria-posinset). */
  pos: number;
  /** Contacts of the group that pass the filter (shown unless collapsed). */
  size: number;
}

export interface ContactRow {
  readonly kind: 'contact';
  readonly key: string;
  readonly entry: RosterEntry;
  readonly group: GroupBucket;
  /** 1-based place within its group's rows. */
  readonly pos: number;
  readonly header: GroupRow;
}

export type RosterRow = GroupRow | ContactRow;

export interface FlattenOptions {
  view: string;
  collapsed?: ReadonlySet<string>;
  hideOffline?: boolean;
  /** Case-insensitive substring of the name, JID or group. */
  query?: string;
}

export interface FlatRoster {
  rows: RosterRow[];
  /** Contact rows among rows (a contact in three groups counts three times). */
  contactRows: number;
  /** Groups of the view before filtering. */
  groupCount: number;
  /** Group rows among rows. */
  groupRows: number;
}

/** A contact's new availability: rank 0 = offline, else higher is more available. */
export interface AvailabilityChange {
  accountId: string;
  jid: string;
  /** entryKey(accountId, jid), when the caller has it at hand (saves building it again). */
  key?: string;
  rank: number;
  status: string;
}

export type RosterChange =
  { type: 'upsert'; item: RosterItemView } | { type: 'remove'; accountId: string; jid: string };

export { sortKey } from '../../../shared/names';

export function entryKey(accountId: string, jid: string): string {
  return `${accountId}|${jid}`;
}

/** Deletes an account's entries from a map keyed by entryKey; true when it held any. */
export function dropAccountEntries(map: Map<string, unknown>, accountId: string): boolean {
  const prefix = entryKey(accountId, '');
  let dropped = false;
  for (const key of map.keys()) {
    if (!key.startsWith(prefix)) continue;
    map.delete(key);
    dropped = true;
  }
  return dropped;
}

export function groupKey(view: string, group: string): string {
  return `${view}|${group}`;
}

/**
 * The one rule for a contact's name: the name the user gave them in the roster, else the nickname
 * they chose (XEP-0172, when known), else their address's local part (or the whole address).
 */
export function displayName(item: Pick<RosterItemView, 'name' | 'jid'>, nick?: string | null): string {
  const name = item.name?.trim() || nick?.trim();
  return cap(name || localOf(item.jid) || item.jid, DISPLAY_MAX);
}

export function groupLabel(name: string): string {
  return name === DEFAULT_GROUP ? t('roster.defaultGroup') : name;
}
