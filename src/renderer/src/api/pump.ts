/**
 * The event pump: the only listener for event batches. It loads a snapshot whenever the link to
 * the core comes up (at start, and after a bridge reconnect), applies buffered batches newer than
 * the snapshot, then applies each live batch with one action per store (one reactive trigger each). It can start
 * before the stores exist (startEarlyEventPump): what arrives meanwhile is applied when they do.
 */
import type { AppEvent, EventBatch, Snapshot } from '../../../shared/contract';
import { FIRST_SCREEN_ROWS } from '../../../shared/roster-first-screen';
import type { useAccountsStore } from '../stores/accounts';
import type { useAppStore } from '../stores/app';
import type { useChatStore } from '../stores/chat';
import type { useControlStore } from '../stores/control';
import type { useIdentitiesStore } from '../stores/identities';
import type { useEncryptionStore } from '../stores/encryption';
import type { useMucStore } from '../stores/muc';
import type { usePrefsStore } from '../stores/prefs';
import type { usePresenceStore } from '../stores/presence';
import type { useRosterStore } from '../stores/roster';
import type { useSubscriptionsStore } from '../stores/subscriptions';
import type { useTransfersStore } from '../stores/transfers';
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
  control?: ReturnType<typeof useControlStore>;
  identities?: ReturnType<typeof useIdentitiesStore>;
  encryption?: ReturnType<typeof useEncryptionStore>;
  transfers?: ReturnType<typeof useTransfersStore>;
}

const SNAPSHOT_RETRY_MS = 2000;
/** How long a hidden window (no frames) holds the whole snapshot behind its first screen. */
const HIDDEN_WINDOW_WAIT_MS = 250;

/** What every store does with what the core sends. */
interface CoreFollower {
  applySnapshot(snapshot: Snapshot): void;
  applyEvents(events: readonly AppEvent[]): void;
}

/** The stores there are, in the order they take the snapshot and each batch. */
function inOrder(stores: PumpStores): CoreFollower[] {
  const { accounts, app, prefs, roster, presence, subscriptions, muc, chat } = stores;
  const { control, identities, encryption, transfers } = stores;
  const all: (CoreFollower | undefined)[] = [
    accounts,
    app,
    prefs,
    roster,
    presence,
    subscriptions,
    muc,
    chat,
    control,
    identities,
    encryption,
    transfers,
  ];
  return all.filter((store): store is CoreFollower => store !== undefined);
}

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

/** Runs `then` once the next frame is painted (or soon, in a hidden window that gets no frames). */
function afterNextPaint(then: () => void) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  // A timer set in an animation frame callback runs after that frame is painted.
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(once));
  setTimeout(once, HIDDEN_WINDOW_WAIT_MS);
}

/** Timeline marks for the renderer benchmark (no-ops where the Performance API is missing). */
function mark(name: string) {
  globalThis.performance?.mark?.(name);
}

/** An event pump started before the stores exist (see startEarlyEventPump). */
export interface EarlyEventPump {
  /**
   * Hands over the stores: everything that arrived so far (link changes, the snapshot, batches)
   * is applied to them at once, in arrival order; later arrivals go straight to them. Once only.
   */
  attach(stores: PumpStores): void;
  stop(): void;
}

/**
 * Starts the pump before the stores exist, so the snapshot is asked for as soon as the link is
 * up: the core reads and sends it while the rest of the renderer is still loading. Until attach(),
 * every store update is queued in order; nothing the transport delivers is dropped or reordered.
 */
export function startEarlyEventPump(transport: Transport): EarlyEventPump {
  let stores: PumpStores | null = null;
  // Store updates in arrival order: waiting for the stores, or for the first screen's frame.
  let queued: ((stores: PumpStores) => void)[] | null = [];
  let held = false;
  const drain = () => {
    while (stores && !held && queued && queued.length > 0) queued.shift()!(stores);
  };
  const toStores = (update: (stores: PumpStores) => void) => {
    queued?.push(update);
    drain();
  };
  /** Holds every later update until the frame painting the first screen is out. */
  const holdForPaint = () => {
    held = true;
    afterNextPaint(() => {
      held = false;
      drain();
    });
  };
  let wholeApplied = false;

  let lastSeq = -1;
  // Batches that arrive while a snapshot is on its way; applied afterwards if newer than it.
  let buffer: EventBatch[] | null = null;
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const apply = (batch: EventBatch) => {
    if (batch.seq <= lastSeq) return;
    lastSeq = batch.seq;
    toStores((stores) => {
      const rest = withoutContactPresence(batch.events);
      for (const store of inOrder(stores)) store.applyEvents(store === stores.presence ? batch.events : rest);
    });
  };

  /** The roster column's first rows, painted before the whole snapshot is parsed and applied. */
  const loadFirstScreen = async (mine: number) => {
    const result = await transport.invoke('app.snapshot', { compactRoster: true, firstScreen: FIRST_SCREEN_ROWS });
    mark('jw-first-screen-received');
    if (!result.ok || !result.value.rosterFirstScreen) return;
    const first = result.value;
    toStores((stores) => {
      if (mine !== generation || wholeApplied) return;
      for (const store of inOrder(stores)) store.applySnapshot(first);
      mark('jw-first-screen-applied');
      stores.app.firstScreenApplied();
      holdForPaint();
    });
  };

  const loadSnapshot = async () => {
    const mine = ++generation;
    buffer = [];
    mark('jw-snapshot-requested');
    // Only a window showing nothing yet gains from a first screen (asked first: answered first).
    if (!wholeApplied) void loadFirstScreen(mine);
    // The roster in its compact form: a third of the bytes to write, carry and parse.
    const result = await transport.invoke('app.snapshot', { compactRoster: true });
    mark('jw-snapshot-received');
    if (mine !== generation) return;
    if (!result.ok) {
      const error = result.error;
      toStores((stores) => stores.app.setSnapshotError(error));
      retryTimer = setTimeout(() => void loadSnapshot(), SNAPSHOT_RETRY_MS);
      return;
    }
    const snapshot = result.value;
    toStores((stores) => {
      wholeApplied = true;
      for (const store of inOrder(stores)) store.applySnapshot(snapshot);
      mark('jw-snapshot-applied');
      stores.app.setSnapshotError(null);
      stores.app.snapshotApplied();
    });
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
    toStores((stores) => stores.app.setLink(up));
    clearTimeout(retryTimer);
    if (up) void loadSnapshot();
    else generation++;
  });

  return {
    attach(given) {
      if (stores) throw new Error('The event pump already has its stores.');
      stores = given;
      drain();
    },
    stop() {
      stopEvents();
      stopLink();
      clearTimeout(retryTimer);
      queued = null;
    },
  };
}

export function startEventPump(transport: Transport, stores: PumpStores): () => void {
  const pump = startEarlyEventPump(transport);
  pump.attach(stores);
  return () => pump.stop();
}
