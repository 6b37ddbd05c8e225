/**
 * The event pump: the only listener for event batches. It loads a snapshot whenever the link to
 * the core comes up (at start, and after a bridge reconnect), applies buffered batches newer than
 * the snapshot, then applies each live batch with one action per store (design §6).
 */
import type { AppEvent, EventBatch } from '../../../shared/contract';
import type { useAccountsStore } from '../stores/accounts';
import type { useAppStore } from '../stores/app';
import type { useChatStore } from '../stores/chat';
import type { useMucStore } from '../stores/muc';
import type { usePrefsStore } from '../stores/prefs';
import type { usePresenceStore } from '../stores/presence';
import type { useRosterStore } from '../stores/roster';
import type { useSubscriptionsStore } from '../stores/subscriptions';
import type { Transport } from './types';

export interface PumpStores {
  accounts: ReturnType<typeof useAccountsStore>;
  app: ReturnType<typeof useAppStore>;
  roster?: ReturnType<typeof useRosterStore>;
  prefs?: ReturnType<typeof usePrefsStore>;
  /** Applied after the roster: it feeds availability into the roster index. */
  presence?: ReturnType<typeof usePresenceStore>;
  subscriptions?: ReturnType<typeof useSubscriptionsStore>;
  muc?: ReturnType<typeof useMucStore>;
  chat?: ReturnType<typeof useChatStore>;
}

const SNAPSHOT_RETRY_MS = 2000;

/**
 * The batch without contacts' presence, in order. Only the presence store reads presence.contact,
 * and in a busy batch nearly every event is one: the other stores then loop over the few others.
 */
export function withoutContactPresence(events: readonly AppEvent[]): readonly AppEvent[] {
  let at = 0;
  while (at < events.length && events[at].type !== 'presence.contact') at++;
  if (at === events.length) return events;
  const rest = events.slice(0, at);
  for (at += 1; at < events.length; at++) if (events[at].type !== 'presence.contact') rest.push(events[at]);
  return rest;
}

/** Timeline marks for the renderer benchmark (no-ops where the Performance API is missing). */
function mark(name: string) {
  globalThis.performance?.mark?.(name);
}

export function startEventPump(transport: Transport, stores: PumpStores): () => void {
  let lastSeq = -1;
  // Batches that arrive while a snapshot is on its way; applied afterwards if newer than it.
  let buffer: EventBatch[] | null = null;
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const apply = (batch: EventBatch) => {
    if (batch.seq <= lastSeq) return;
    lastSeq = batch.seq;
    const rest = withoutContactPresence(batch.events);
    stores.accounts.applyEvents(rest);
    stores.prefs?.applyEvents(rest);
    stores.roster?.applyEvents(rest);
    stores.presence?.applyEvents(batch.events);
    stores.subscriptions?.applyEvents(rest);
    stores.muc?.applyEvents(rest);
    stores.chat?.applyEvents(rest);
  };

  const loadSnapshot = async () => {
    const mine = ++generation;
    buffer = [];
    mark('jw-snapshot-requested');
    const result = await transport.invoke('app.snapshot', {});
    mark('jw-snapshot-received');
    if (mine !== generation) return;
    if (!result.ok) {
      stores.app.setSnapshotError(result.error.message);
      retryTimer = setTimeout(() => void loadSnapshot(), SNAPSHOT_RETRY_MS);
      return;
    }
    const snapshot = result.value;
    stores.accounts.applySnapshot(snapshot);
    stores.prefs?.applySnapshot(snapshot);
    stores.roster?.applySnapshot(snapshot);
    stores.presence?.applySnapshot(snapshot);
    stores.subscriptions?.applySnapshot(snapshot);
    stores.muc?.applySnapshot(snapshot);
    stores.chat?.applySnapshot(snapshot);
    mark('jw-snapshot-applied');
    stores.app.setSnapshotError(null);
    lastSeq = snapshot.seq;
    const waiting = buffer;
    buffer = null;
    waiting.forEach(apply);
  };

  const stopEvents = transport.onEvents((batch) => {
    if (buffer) buffer.push(batch);
    else apply(batch);
  });
  const stopLink = transport.onLink((up) => {
    stores.app.setLink(up);
    clearTimeout(retryTimer);
    if (up) void loadSnapshot();
    else generation++;
  });

  return () => {
    stopEvents();
    stopLink();
    clearTimeout(retryTimer);
  };
}
