/** Shared fixtures for the renderer store tests: items, snapshots, and a transport the test drives. */
import {
  DEFAULT_PREFS,
  type AccountView,
  type CommandName,
  type EventBatch,
  type OccupantView,
  type RoomView,
  type RosterItemView,
  type Snapshot,
  type SubscriptionRequestView,
} from '../../../src/shared/contract';
import { ok } from '../../../src/shared/result';
import type { Transport } from '../../../src/renderer/src/api/types';
import { startEventPump, type PumpStores } from '../../../src/renderer/src/api/pump';

export function item(accountId: string, jid: string, extra: Partial<RosterItemView> = {}): RosterItemView {
  return { accountId, jid, name: null, subscription: 'both', pendingOut: false, groups: [], ...extra };
}

export function account(id: string, jid: string, extra: Partial<AccountView> = {}): AccountView {
  return {
    id,
    jid,
    host: null,
    port: null,
    label: '',
    color: '#3a5bd9',
    enabled: true,
    password: 'session',
    pinnedCertificates: [],
    connection: { status: 'offline', since: 0 },
    ...extra,
  };
}

/** A room of account a1, joined as moderator and owner ('tea@conference.x' unless `extra` says otherwise). */
export function room(extra: Partial<RoomView> = {}): RoomView {
  return {
    accountId: 'a1',
    room: 'tea@conference.x',
    nick: 'me',
    state: 'joined',
    subject: null,
    subjectBy: null,
    role: 'moderator',
    affiliation: 'owner',
    nonAnonymous: false,
    occupantCount: 0,
    error: null,
    ...extra,
  };
}

/** An occupant of account a1's room 'tea@conference.x': a participant, no affiliation, available. */
export function occupant(nick: string, extra: Partial<OccupantView> = {}): OccupantView {
  return {
    accountId: 'a1',
    room: 'tea@conference.x',
    nick,
    role: 'participant',
    affiliation: 'none',
    jid: null,
    show: 'available',
    status: null,
    self: false,
    ...extra,
  };
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
    transfers: [],
    notices: [],
    blocklists: [],
    identities: [],
    ...extra,
  };
}

/** A transport whose commands `invoke` answers; the test pushes batches and raises or drops the link. */
export function scriptedTransport(invoke: Transport['invoke']) {
  let events: ((batch: EventBatch) => void) | null = null;
  let link: ((up: boolean) => void) | null = null;
  const transport: Transport = {
    invoke,
    onEvents(listener) {
      events = listener;
      return () => (events = null);
    },
    onLink(listener) {
      link = listener;
      return () => (link = null);
    },
  };
  return { transport, push: (batch: EventBatch) => events?.(batch), setLink: (up: boolean) => link?.(up) };
}

/** Answers app.snapshot with `initial`; the test pushes batches and raises the link. */
export function fakeTransport(initial: Snapshot) {
  const fake = scriptedTransport(<K extends CommandName>(command: K) => {
    if (command !== 'app.snapshot') throw new Error(`unexpected ${command}`);
    return Promise.resolve(ok(initial)) as never;
  });
  return { transport: fake.transport, push: fake.push, up: () => fake.setLink(true) };
}

/** Lets the pump apply what it was given (a snapshot reply, a batch). */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs the event pump into `stores` on a transport answering app.snapshot with `initial`, link up.
 * `push` numbers batches on from the snapshot's seq; `pushBatch` sends one as given.
 */
export function pumpInto<S extends PumpStores>(initial: Snapshot, stores: S) {
  const fake = fakeTransport(initial);
  startEventPump(fake.transport, stores);
  fake.up();
  let seq = initial.seq;
  return {
    ...stores,
    push: (batch: Omit<EventBatch, 'seq'>) => fake.push({ seq: ++seq, ...batch }),
    pushBatch: fake.push,
  };
}
