/** Shared fixtures for the renderer store tests: items, snapshots, and a transport the test drives. */
import {
  DEFAULT_PREFS,
  type CommandName,
  type EventBatch,
  type RosterItemView,
  type Snapshot,
  type SubscriptionRequestView,
} from '../../../src/shared/contract';
import { ok } from '../../../src/shared/result';
import type { Transport } from '../../../src/renderer/src/api/types';

export function item(accountId: string, jid: string, extra: Partial<RosterItemView> = {}): RosterItemView {
  return { accountId, jid, name: null, subscription: 'both', pendingOut: false, groups: [], ...extra };
}

export function request(
  accountId: string,
  jid: string,
  extra: Partial<SubscriptionRequestView> = {},
): SubscriptionRequestView {
  return { accountId, jid, nick: null, message: null, receivedAt: 1000, lookalikeOf: null, ...extra };
}

export function snapshot(extra: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 1,
    accounts: [],
    secretStorage: { encrypted: false, description: 'none' },
    roster: [],
    rosterSync: [],
    prefs: DEFAULT_PREFS,
    presence: [],
    ownPresence: {},
    recentStatuses: [],
    subscriptionRequests: [],
    subscriptionPolicies: [],
    subscriptionNotes: [],
    blockingAccounts: [],
    rooms: [],
    occupants: [],
    roomNotices: [],
    bookmarks: [],
    roomInvites: [],
    conversations: [],
    ...extra,
  };
}

/** Answers app.snapshot with `initial`; the test pushes batches and raises the link. */
export function fakeTransport(initial: Snapshot) {
  let events: ((batch: EventBatch) => void) | null = null;
  let link: ((up: boolean) => void) | null = null;
  const transport: Transport = {
    invoke<K extends CommandName>(command: K) {
      if (command !== 'app.snapshot') throw new Error(`unexpected ${command}`);
      return Promise.resolve(ok(initial)) as never;
    },
    onEvents(listener) {
      events = listener;
      return () => (events = null);
    },
    onLink(listener) {
      link = listener;
      return () => (link = null);
    },
  };
  return { transport, push: (batch: EventBatch) => events?.(batch), up: () => link?.(true) };
}
