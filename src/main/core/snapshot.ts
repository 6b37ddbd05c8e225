/**
 * The `app.snapshot` answers: the whole snapshot, and the window's first screen built on its own.
 *
 * The first screen is what the whole snapshot narrowed to the roster column's first rows would be
 * (shared/roster-first-screen.ts): the same parts, but the roster as a table of the shown contacts,
 * and presence and identities of those contacts only. It is built without the whole snapshot's
 * O(contacts) parts (every presence view, every identity view), and its roster part is kept ready
 * from an idle turn at start-up: the answer then only reads the small parts and is sent.
 */
import type {
  AppEvent,
  ContactPresenceView,
  IdentityView,
  RosterFirstScreen,
  RosterTable,
  Snapshot,
} from '../../shared/contract';
import { toIdentityTable } from '../../shared/identity-table';
import { bareJid } from '../../shared/jid';
import { rosterFirstScreen } from '../../shared/roster-first-screen';
import { toRosterTable } from '../../shared/roster-table';
import type { AccountManager } from './accounts/account-manager';
import type { AppNotices } from './app-notices';
import type { Control } from './control';
import type { EventBus } from './events';
import type { BlockingService } from './features/blocking/service';
import type { BookmarksService } from './features/bookmarks/service';
import type { ChatService } from './features/chat/service';
import type { IdentityService } from './features/avatars/service';
import type { MucService } from './features/muc/service';
import type { PresenceFeature } from './features/presence/feature';
import type { RosterService } from './features/roster/service';
import type { SubscriptionService } from './features/subscriptions/service';
import type { MediaService } from './media/media-service';
import type { PrefsService } from './prefs';
import type { SecretStore } from './secrets';

/** Everything a snapshot is read from. */
export interface SnapshotSources {
  bus: EventBus;
  accounts: AccountManager;
  secrets: SecretStore;
  roster: RosterService;
  prefs: PrefsService;
  presence: PresenceFeature;
  subscriptions: SubscriptionService;
  blocking: BlockingService;
  muc: MucService;
  bookmarks: BookmarksService;
  chat: ChatService;
  notices: AppNotices;
  control: Control;
  media: MediaService;
  identities: IdentityService;
  /** A damaged part of the store is reported (the notice says so) and shown empty. */
  readOrReport<T>(read: () => T, fallback: T): T;
}

/** The roster column's part of a first screen. */
interface RosterPart {
  rows: number;
  rosterTable: RosterTable;
  rosterFirstScreen: RosterFirstScreen | null;
  presence: ContactPresenceView[];
  /** The shown contacts' identities that have an avatar or a nickname (contactKey). */
  identities: Map<string, IdentityView>;
  /** The shown contacts (contactKey). */
  shown: Set<string>;
  /** The nicknames the order was computed with, where there was one (contactKey). */
  nicks: Map<string, string>;
}

const contactKey = (accountId: string, jid: string) => `${accountId}\n${jid}`;

type SnapshotParts = Omit<Snapshot, 'roster' | 'rosterTable' | 'rosterFirstScreen' | 'presence' | 'identities'>;

export class SnapshotBuilder {
  /**
   * The first screen's roster part, computed ahead (prepareFirstScreen). A batch the bus sends
   * drops it unless it only holds identities whose nickname (which can move a contact in the order)
   * is the one it was computed with; a shown contact's new face is put in it (the kept avatars,
   * loaded while the window starts, would otherwise have the 10,000-contact order computed again). Every change the window would see (the roster, the prefs, a presence,
   * an identity) is an event, and what was pending when it was computed goes out in a batch too,
   * at the latest in the flush that starts the answer.
   */
  private ready: RosterPart | null = null;
  /** Computed again once dropped: once (for the events of the start-up), and only until a first screen is asked. */
  private againLeft = 1;
  private asked = false;

  constructor(private readonly from: SnapshotSources) {
    from.bus.subscribe((batch) => {
      const ready = this.ready;
      if (ready && !batch.events.every((event) => this.keepsReady(ready, event))) this.dropReady();
    });
  }

  /** The whole snapshot: every part, the roster and the identities in full (as views, or as compact tables). */
  whole(compactRoster: boolean): Snapshot {
    const { roster, presence, identities, control } = this.from;
    // Flush first: every event emitted before this snapshot carries a seq at or below it.
    const seq = this.from.bus.flush();
    const items = roster.items();
    return {
      ...this.parts(seq),
      roster: compactRoster ? [] : items,
      ...(compactRoster ? { rosterTable: toRosterTable(items) } : {}),
      presence: presence.views(),
      xmppUri: control.takeXmppUriForSnapshot(),
      // The window's (compact) snapshot carries only what it draws of each identity.
      ...(compactRoster
        ? { identities: [], identityTable: toIdentityTable(identities.views()) }
        : { identities: identities.views() }),
    };
  }

  /**
   * The whole snapshot narrowed to the roster column's first `rows` rows: their contacts as a table,
   * presence and identities of those contacts only, the counts; the rest as in the whole snapshot
   * but the `xmpp:` link, left for it. Without a first screen (someone online, offline contacts
   * hidden) the roster is left empty and `rosterFirstScreen` unset: the window waits for the whole.
   */
  firstScreen(rows: number): Snapshot {
    const seq = this.from.bus.flush();
    const ready = this.ready;
    const part = ready && ready.rows === rows ? ready : this.rosterPart(rows);
    this.ready = null;
    this.asked = true;
    return {
      ...this.parts(seq),
      roster: [],
      rosterTable: part.rosterTable,
      ...(part.rosterFirstScreen ? { rosterFirstScreen: part.rosterFirstScreen } : {}),
      presence: part.presence,
      xmppUri: null,
      identities: [...part.identities.values()],
    };
  }

  /**
   * Computes the first screen's roster part now, in an idle turn before the window asks: its
   * answer then only reads the small parts and is sent.
   */
  prepareFirstScreen(rows: number): void {
    this.ready = this.rosterPart(rows);
  }

  /**
   * Whether the prepared part stays right after `event`: an identity that keeps the order (its
   * nickname is the one the order was computed with) does, a shown contact's face then put in it.
   */
  private keepsReady(ready: RosterPart, event: AppEvent): boolean {
    if (event.type !== 'identity') return false;
    const identity = event.identity;
    const key = contactKey(identity.accountId, identity.jid);
    if (identity.nick !== (ready.nicks.get(key) ?? null)) return false;
    if (ready.shown.has(key)) {
      if (identity.avatar || identity.nick) ready.identities.set(key, identity);
      else ready.identities.delete(key);
    }
    return true;
  }

  private dropReady(): void {
    const dropped = this.ready;
    if (!dropped) return;
    this.ready = null;
    if (this.asked || this.againLeft === 0) return;
    this.againLeft -= 1;
    setImmediate(() => {
      if (!this.asked && this.ready === null) this.prepareFirstScreen(dropped.rows);
    }).unref();
  }

  /** Every part but the roster column's. */
  private parts(seq: number): SnapshotParts {
    const { accounts, secrets, roster, prefs, presence, subscriptions, blocking, muc, bookmarks } = this.from;
    const { chat, notices, media, readOrReport } = this.from;
    const accountList = accounts.list();
    return {
      seq,
      accounts: accountList,
      secretStorage: secrets.info,
      rosterSync: accountList.map((account) => roster.syncView(account.id)),
      prefs: prefs.get(),
      ownPresence: presence.ownPresence(),
      recentStatuses: presence.recentStatuses(),
      subscriptionRequests: subscriptions.requests(),
      subscriptionPolicies: subscriptions.policies(),
      subscriptionNotes: subscriptions.notes(),
      blockingAccounts: blocking.blockingAccounts(),
      rooms: muc.rooms(),
      occupants: muc.occupants(),
      roomNotices: muc.notices(),
      bookmarks: bookmarks.list(),
      roomInvites: muc.invites(),
      voiceRequests: muc.voiceRequests(),
      conversations: readOrReport(() => chat.conversations(), []),
      notices: notices.list(),
      blocklists: blocking.views(),
      transfers: media.transfers.views(),
    };
  }

  /** The roster column's first rows and what they show, read for the shown contacts only. */
  private rosterPart(rows: number): RosterPart {
    const { accounts, roster, prefs, identities } = this.from;
    const listed = new Set(accounts.list().map((account) => account.id));
    const nicks = new Map<string, string>();
    const nickOf = (accountId: string, jid: string) => {
      const nick = identities.view(accountId, jid).nick;
      if (nick !== null) nicks.set(contactKey(accountId, jid), nick);
      return nick;
    };
    const first = rosterFirstScreen(roster.items(), prefs.get(), nickOf, this.anyoneOnline(listed), rows);
    const shown = first?.items ?? [];
    const presence: ContactPresenceView[] = [];
    const shownIdentities = new Map<string, IdentityView>();
    for (const { accountId, jid } of shown) {
      const view = listed.has(accountId) ? this.presenceView(accountId, jid) : null;
      if (view) presence.push(view);
      const identity = identities.view(accountId, jid);
      if (identity.avatar || identity.nick) shownIdentities.set(contactKey(accountId, jid), identity);
    }
    return {
      rows,
      rosterTable: toRosterTable(shown),
      rosterFirstScreen: first?.screen ?? null,
      presence,
      identities: shownIdentities,
      shown: new Set(shown.map(({ accountId, jid }) => contactKey(accountId, jid))),
      nicks,
    };
  }

  /** Whether any contact of a listed account has an available resource (presence views with resources). */
  private anyoneOnline(listed: ReadonlySet<string>): boolean {
    for (const accountId of listed) {
      const tracker = this.from.presence.service.tracker(accountId);
      if (!tracker) continue;
      for (const resources of tracker.online()) if (resources.size > 0) return true;
    }
    return false;
  }

  /**
   * The contact's presence view when the whole snapshot has one (PresenceFeature.views: resources or
   * an error tracked, a last-seen time, a directed presence), else null.
   */
  private presenceView(accountId: string, jid: string): ContactPresenceView | null {
    const { presence } = this.from;
    const tracker = presence.service.tracker(accountId);
    const view = presence.contactView(accountId, jid);
    const known =
      tracker?.resources(jid) !== undefined ||
      tracker?.errorOf(jid) !== undefined ||
      view.lastSeen !== null ||
      presence.service.directedTo(accountId).some((to) => bareJid(to) === jid);
    return known ? view : null;
  }
}
