/**
 * Who is told of the roster's changes (RosterService.onItemChanged): item by item for a push, and a
 * full fetch's whole difference in one call to those who take it that way (a first fetch of 10,000
 * items is one call, not 10,000), item by item to the others.
 */
import type { RosterItemView } from '../../../../shared/contract';
import type { Logger } from '../../log';

export type RosterItemListener = (
  accountId: string,
  before: RosterItemView | undefined,
  after: RosterItemView | undefined,
) => void;

/** A full fetch's whole difference. */
export interface RosterFetchChange {
  /** Items removed, as they were. */
  removed: readonly RosterItemView[];
  /** Items new or changed, in document order. */
  changed: readonly RosterItemView[];
  /** The roster was empty before (a first fetch): every changed item is new. */
  allNew: boolean;
  /** A changed item's view before the fetch (undefined: new). */
  before(jid: string): RosterItemView | undefined;
}
export type RosterFetchListener = (accountId: string, change: RosterFetchChange) => void;

export class RosterItemListeners {
  private readonly listeners = new Set<{ item: RosterItemListener; fetch: RosterFetchListener | undefined }>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Returns the undo. */
  add(item: RosterItemListener, fetch?: RosterFetchListener): () => void {
    const entry = { item, fetch };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  itemChanged(accountId: string, before: RosterItemView | undefined, after: RosterItemView | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener.item(accountId, before, after);
      } catch (error) {
        this.log.error('roster item listener failed', { accountId, error });
      }
    }
  }

  /** A full fetch's difference: in one call, or item by item (removals first) to a listener without `fetch`. */
  fetchChanged(accountId: string, change: RosterFetchChange): void {
    for (const listener of this.listeners) {
      try {
        if (listener.fetch) {
          listener.fetch(accountId, change);
          continue;
        }
        for (const item of change.removed) listener.item(accountId, item, undefined);
        for (const item of change.changed) listener.item(accountId, change.before(item.jid), item);
      } catch (error) {
        this.log.error('roster item listener failed', { accountId, error });
      }
    }
  }
}
