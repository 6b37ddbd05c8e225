/**
 * Presence wired into the messenger: one PresenceService for every account, views built for the
 * contract, our own presence (own.ts) and last seen (last-seen.ts), and the commands.
 *
 * - Per stanza only (account, jid) is marked dirty: every account's dirty contacts go to the bus as
 *   one lazy entry (EventBus.emitLazy with PRESENCE_COALESCE_MS), whose views are built when it is
 *   sent, however many presences a contact sent meanwhile; a window of more than PRESENCE_SLICE_VIEWS
 *   contacts is built and sent in slices, in the order they were marked.
 * - Initial presence waits for the roster of the new session (RFC 6121 §2.2).
 * - Presence takes the stream layer's fast path (the client's presence hooks); what this feature
 *   does not take (subscriptions, rooms) goes on to the middleware.
 * - Presence history (history.ts) reads the same coalescing step: the contacts of a window are
 *   compared with their recorded runs just before their views are built.
 */
import xml, { type Element } from '@xmpp/xml';
import type {
  AppEvent,
  ContactPresenceView,
  HistorySettingsView,
  OwnPresenceView,
  ParsedInput,
  ResourceView,
  TimelineView,
} from '../../../../shared/contract';
import { bareJid, formatJid, parseJid } from '../../../../shared/jid';
import { compareResources } from '../../../../shared/presence';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener, AccountManager } from '../../accounts/account-manager';
import type { SessionXmpp } from '../../accounts/client';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus, LazyEvent } from '../../events';
import type { Logger } from '../../log';
import type { PresenceHistoryRepository } from '../../store/presence-history-repo';
import type { PresenceRepository } from '../../store/presence-repo';
import type { SettingsRepository } from '../../store/settings-repo';
import { background } from '../../util/background';
import { NS_DISCO_INFO } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { CapsCache, ClientInfo } from '../caps/cache';
import type { RosterService } from '../roster/service';
import { PresenceHistory } from './history';
import type { IdleAccounts } from './idle';
import { NOT_IDLE } from './idle-since';
import { LastSeenStore } from './last-seen';
import { OwnPresences } from './own';
import { PresenceService, type PresenceDeps } from './service';
import type { TrackedPresence } from './stanza';
import type { ContactResources } from './tracker';

/**
 * How long contacts' presence changes gather before they go to the bus. Presence is not a chat
 * message: a quarter of a second is hardly visible, and in a flood it sends each busy contact once
 * per window, not once per stanza. 250 rather than 100 ms: each window builds a view per changed
 * contact, and in the 100,000-stanza flood that garbage was what kept peak RSS above 150 MB.
 */
export const PRESENCE_COALESCE_MS = 250;
/**
 * A window that gathered this many contacts is a flood (a login's burst): the next one is
 * PRESENCE_FLOOD_COALESCE_MS long, until a window gathers fewer. At 250 ms a flood of 100,000
 * presences from 10,000 contacts built a view (and a history comparison) for nearly every stanza,
 * since each window saw most contacts once; the roster's changes then show once a second.
 */
export const PRESENCE_FLOOD_CONTACTS = 1_000;
export const PRESENCE_FLOOD_COALESCE_MS = 1_000;
/**
 * Views built per batch: a flood's window of 10,000 contacts built in one turn held the loop for
 * 100–250 ms (the pinned flood's p99). A larger window goes out in slices, one per batch
 * PRESENCE_SLICE_GAP_MS apart, in the order its contacts were marked; `flush()` still sends all of it.
 */
export const PRESENCE_SLICE_VIEWS = 500;
/** The time between a window's slices: the reading of the stream and other work go on in between. */
export const PRESENCE_SLICE_GAP_MS = 10;

export interface PresenceFeatureOptions {
  bus: EventBus;
  accounts: AccountManager;
  roster: RosterService;
  repo: PresenceRepository;
  /** Presence history's store (the timeline). */
  historyRepo: PresenceHistoryRepository;
  /** Background writes and prunes of presence history (off in tests that drive them). */
  historyInBackground?: boolean;
  /** How long a state must last to be kept (default a minute; tests record every change). */
  historyMinRunMs?: number;
  settings: SettingsRepository;
  log: Logger;
  /** Resolves contacts' caps into clients (shared by every account). */
  caps: CapsCache;
  /** Our own <c/>, appended to every available presence we send. */
  ownCaps: () => Element;
  /** Presence from these JIDs belongs to the MUC feature (a room's error is not a contact's). */
  isRoom: (accountId: string, bare: string) => boolean;
  /** A contact's (or our other client's) presence carried an XEP-0153 photo hash (unchecked text). */
  onPhoto?: PresenceDeps['onPhoto'];
  /** Elements our presence carries besides caps. */
  ownExtras?: (accountId: string) => Element[];
  now?: () => number;
}

interface DirtyContacts {
  /** Contacts marked through their tracker entry (the hot path: a field set, no lookup). */
  contacts: ContactResources<TrackedPresence>[];
  /** Contacts marked by JID (no tracker entry at hand: gone, an error, directed presence). */
  jids: Set<string>;
  /** The window being gathered: entries marked in it carry this in markedIn. */
  window: number;
  key: string;
  build: LazyEvent;
  /** The next window's length: PRESENCE_COALESCE_MS, or PRESENCE_FLOOD_COALESCE_MS after a flood's window. */
  windowMs: number;
  /** Ended windows whose views are not all built yet, oldest first (see PRESENCE_SLICE_VIEWS). */
  backlog: EndedWindow[];
  /** The bus key of the backlog's next slice, and its factory. */
  sliceKey: string;
  buildSlice: LazyEvent;
}

/** A window's marks, built in order: contacts first, then JIDs; `next` is the first not built yet. */
interface EndedWindow {
  window: number;
  contacts: ContactResources<TrackedPresence>[];
  jids: string[];
  next: number;
  /** JIDs sent whose contact had no tracker entry when built (gone; a few). */
  sentGone: Set<string> | null;
}

export class PresenceFeature implements AccountLifecycleListener {
  readonly service: PresenceService;
  readonly caps: CapsCache;
  readonly own: OwnPresences;
  readonly history: PresenceHistory;

  private readonly bus: EventBus;
  private readonly accounts: AccountManager;
  private readonly log: Logger;
  private readonly lastSeen: LastSeenStore;
  private readonly dirty = new Map<string, DirtyContacts>();
  private readonly clientViews = new WeakMap<ClientInfo, NonNullable<ResourceView['client']>>();
  /** Account ids removed in this run (ids are never reused). */
  private readonly removed = new Set<string>();
  private readonly userChoiceListeners = new Set<(accountId: string) => void>();
  private readonly unsubscribers: (() => void)[] = [];
  private closed = false;

  constructor(options: PresenceFeatureOptions) {
    this.bus = options.bus;
    this.accounts = options.accounts;
    this.log = options.log;
    this.caps = options.caps;
    this.own = new OwnPresences(options.repo, options.settings);
    this.lastSeen = new LastSeenStore(options.repo, this.log, () => this.accounts.list().map((a) => a.id));
    const roster = options.roster;
    this.history = new PresenceHistory({
      repo: options.historyRepo,
      log: this.log.child('history'),
      accountIds: () => this.accounts.list().map((a) => a.id),
      tracker: (accountId) => this.service.tracker(accountId),
      inRoster: (accountId, bare) => roster.item(accountId, bare) !== undefined,
      now: options.now,
      background: options.historyInBackground,
      minRunMs: options.historyMinRunMs,
    });
    this.service = new PresenceService({
      log: this.log,
      caps: this.caps,
      ownCaps: options.ownCaps,
      now: options.now,
      subscriptionOf: (accountId, bare) => roster.item(accountId, bare)?.subscription ?? null,
      isRoom: options.isRoom,
      onPhoto: options.onPhoto,
      ownExtras: options.ownExtras,
      onContactChanged: (accountId, bare, resources) => this.changed(accountId, bare, resources),
      onLastSeen: (accountId, bare, seen) => this.lastSeen.seen(accountId, bare, seen),
      history: this.history,
    });
    // RFC 6121 §2.2: the roster first, then our initial presence.
    this.unsubscribers.push(roster.onSessionReady((id) => background(this.announce(id), this.log, 'our presence')));
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    const account = this.accounts.list().find((a) => a.id === accountId);
    if (!account) return;
    this.history.attach(accountId, account.jid);
    this.service.attach(
      accountId,
      account.jid,
      {
        middleware: xmpp.middleware,
        send: (element) => xmpp.send(element),
        discoInfo: (to, node) =>
          xmpp.iqCaller.get(xml('query', { xmlns: NS_DISCO_INFO, node }), to, IQ_TIMEOUT_MS) as Promise<Element>,
      },
      this.own.effective(accountId),
    );
    // Presence skips xmpp.js's middleware on the fast path; what this feature does not take goes on.
    const failed = (error: unknown) => this.log.error('presence handler failed', { accountId, error });
    xmpp.hooks.onPresence((stanza) => this.service.receive(accountId, stanza), failed);
    xmpp.hooks.onRawPresence((raw) => this.service.receive(accountId, raw), failed);
    // A new account (or a new session object) announces its own presence, so the UI never guesses it.
    this.emitOwn(accountId);
  }

  onOnline(accountId: string, online: SessionOnline): void {
    if (online.resumed) this.service.sessionResumed(accountId);
    else background(this.service.sessionStarted(accountId, false), this.log, 'sending our presence');
  }

  onOffline(accountId: string): void {
    this.service.connectionLost(accountId);
  }

  onRemoved(accountId: string): void {
    // The renderer drops the account's presence with account.removed; nothing left to build.
    this.removed.add(accountId);
    this.service.detach(accountId);
    this.userChose(accountId);
    this.own.forget(accountId);
    this.lastSeen.forget(accountId);
    this.history.remove(accountId);
  }

  /** The account was disabled: what contacts said is no longer known. */
  sessionEnded(accountId: string): void {
    this.service.sessionEnded(accountId);
  }

  /**
   * Called when the user set an account's presence (or the account is gone): an idle override
   * stops there. Returns the undo.
   */
  onUserChoice(listener: (accountId: string) => void): () => void {
    this.userChoiceListeners.add(listener);
    return () => this.userChoiceListeners.delete(listener);
  }

  private userChose(accountId: string): void {
    for (const listener of this.userChoiceListeners) {
      try {
        listener(accountId);
      } catch (error) {
        this.log.error('presence choice listener failed', { accountId, error });
      }
    }
  }

  private async announce(accountId: string): Promise<void> {
    try {
      await this.service.announce(accountId);
    } catch (error) {
      this.log.warn('could not send our presence', { accountId, error });
    }
  }

  // ---------- commands ----------

  /** presence.set: one account, or every enabled account; omitted fields keep their value. */
  async set(input: ParsedInput<'presence.set'>): Promise<Result<null>> {
    const all = this.accounts.list();
    let targets: string[];
    if (input.accountId !== undefined) {
      if (!all.some((a) => a.id === input.accountId)) return fail('not_found', 'account.notFound');
      targets = [input.accountId];
    } else {
      targets = all.filter((a) => a.enabled).map((a) => a.id);
    }
    if (typeof input.status === 'string' && input.status.trim() !== '') this.own.remember(input.status);
    await Promise.all(
      targets.map(async (accountId) => {
        this.own.choose(accountId, input);
        this.userChose(accountId);
        await this.apply(accountId);
      }),
    );
    return ok(null);
  }

  /** presence.directed: send our presence to (or end it for) a JID outside our subscriptions. */
  async directed(input: ParsedInput<'presence.directed'>): Promise<Result<null>> {
    if (!this.accounts.list().some((a) => a.id === input.accountId)) {
      return fail('not_found', 'account.notFound');
    }
    const parsed = parseJid(input.jid);
    if ('error' in parsed) return fail('invalid_input', 'presence.invalidAddress');
    const to = formatJid(parsed.jid);
    try {
      if (input.send) {
        const sent = await this.service.sendDirected(input.accountId, to);
        if (!sent) {
          return fail('not_connected', 'presence.notOnline');
        }
      } else {
        await this.service.endDirected(input.accountId, to);
      }
    } catch {
      return fail('not_connected', 'presence.notSent');
    }
    this.changed(input.accountId, bareJid(to));
    return ok(null);
  }

  /** The accounts' own presence as the idle controller sees and changes it (an override, never stored). */
  idleAccounts(): IdleAccounts {
    return {
      accountIds: () =>
        this.accounts
          .list()
          .filter((a) => a.enabled)
          .map((a) => a.id),
      own: (accountId) => {
        if (!this.accounts.list().some((a) => a.id === accountId)) return undefined;
        const current = this.own.effective(accountId);
        return { show: current.show, status: current.status };
      },
      setOwn: async (accountId, presence, meta) => {
        // Going idle sets an override; coming back drops it (the user's choice stands again).
        this.own.setAuto(accountId, meta.idleSince !== null ? presence : null);
        await this.apply(accountId);
      },
    };
  }

  // ---------- presence history ----------

  /** timeline.get: one contact's recorded presence. */
  timeline(input: ParsedInput<'timeline.get'>): Result<TimelineView> {
    if (!this.accounts.list().some((a) => a.id === input.accountId)) return fail('not_found', 'account.notFound');
    return ok(this.history.timeline(input.accountId, input.jid, input.days));
  }

  timelineSettings(): HistorySettingsView[] {
    return this.history.settings(this.accounts.list().map((a) => a.id));
  }

  setRetention(input: ParsedInput<'timeline.setRetention'>): Result<HistorySettingsView> {
    if (!this.accounts.list().some((a) => a.id === input.accountId)) return fail('not_found', 'account.notFound');
    return ok(this.history.setRetention(input.accountId, input.retentionDays));
  }

  clearTimeline(input: ParsedInput<'timeline.clear'>): Result<null> {
    if (!this.accounts.list().some((a) => a.id === input.accountId)) return fail('not_found', 'account.notFound');
    this.history.clear(input.accountId, input.jid ?? null);
    return ok(null);
  }

  // ---------- views ----------

  ownView(accountId: string): OwnPresenceView {
    return this.own.view(accountId);
  }

  ownPresence(): Record<string, OwnPresenceView> {
    const views: Record<string, OwnPresenceView> = {};
    for (const account of this.accounts.list()) views[account.id] = this.own.view(account.id);
    return views;
  }

  recentStatuses(): string[] {
    return this.own.recentStatuses();
  }

  /** The show the account sends now: the user's choice, or the idle override. */
  showOf(accountId: string): OwnPresenceView['show'] {
    return this.own.effective(accountId).show;
  }

  /** Every JID with presence, an error, last seen or directed presence, on every account. */
  views(): ContactPresenceView[] {
    const views: ContactPresenceView[] = [];
    for (const account of this.accounts.list()) {
      for (const jid of this.jidsOf(account.id)) views.push(this.contactView(account.id, jid));
    }
    return views;
  }

  /** `tracked`: the contact's resources when the caller looked them up already. */
  contactView(
    accountId: string,
    jid: string,
    tracked = this.service.tracker(accountId)?.resources(jid),
  ): ContactPresenceView {
    const tracker = this.service.tracker(accountId);
    const resources: ResourceView[] = [];
    if (tracked) {
      // A resource's view is built once per presence it sends, not once per flush of its contact.
      for (const entry of tracked.values()) {
        // Insertion sort: few resources, and Array#sort allocates a work array per call.
        const view = (entry.view ??= this.resourceView(entry));
        let i = resources.length;
        resources.push(view);
        while (i > 0 && compareResources(view, resources[i - 1]) < 0) {
          resources[i] = resources[i - 1];
          i--;
        }
        resources[i] = view;
      }
    }
    const error = tracker?.errorOf(jid);
    return {
      accountId,
      jid,
      resources,
      error: error ? { condition: error.condition, text: error.text } : null,
      lastSeen: this.lastSeen.get(accountId, jid),
      directed: this.service.hasDirected(accountId, jid),
    };
  }

  private resourceView(entry: TrackedPresence): ResourceView {
    const view: ResourceView = {
      resource: entry.resource,
      show: entry.show,
      status: entry.status,
      priority: entry.priority,
      since: entry.since,
      client: entry.client ? this.clientView(entry.client) : null,
    };
    // Only when the contact said: most presence carries no idle time.
    if (entry.idleSince !== NOT_IDLE) view.idleSince = entry.idleSince;
    return view;
  }

  private clientView(info: ClientInfo): ResourceView['client'] {
    let view = this.clientViews.get(info);
    if (!view) {
      view = { name: info.clientName, device: info.device };
      this.clientViews.set(info, view);
    }
    return view;
  }

  private jidsOf(accountId: string): Set<string> {
    const jids = new Set<string>(this.service.tracker(accountId)?.knownJids() ?? []);
    for (const jid of this.lastSeen.jids(accountId)) jids.add(jid);
    for (const to of this.service.directedTo(accountId)) jids.add(bareJid(to));
    return jids;
  }

  /**
   * Marks (account, jid) dirty. A stanza costs a Set.add: the account's dirty contacts go to the bus
   * PRESENCE_COALESCE_MS (in a flood PRESENCE_FLOOD_COALESCE_MS) after the first change, as one lazy entry whose views are built when it is
   * sent. A contact that changes ten times meanwhile is sent once.
   */
  private changed(accountId: string, bare: string, resources?: ContactResources<TrackedPresence>): void {
    let dirty = this.dirty.get(accountId);
    if (!dirty) {
      const marked: DirtyContacts = {
        contacts: [],
        jids: new Set<string>(),
        window: 0,
        key: `presenceContacts:${accountId}`,
        build: (flushing) => this.buildWindow(accountId, marked, flushing),
        windowMs: PRESENCE_COALESCE_MS,
        backlog: [],
        sliceKey: `presenceSlice:${accountId}`,
        buildSlice: (flushing) => this.buildSlice(accountId, marked, flushing),
      };
      dirty = marked;
      this.dirty.set(accountId, dirty);
    }
    // The first change since the last send opens the window; the others join it.
    if (dirty.jids.size === 0 && dirty.contacts.length === 0 && !this.closed) {
      this.bus.emitLazy(dirty.key, dirty.build, dirty.windowMs);
    }
    if (resources === undefined) {
      dirty.jids.add(bare);
    } else if (resources.markedIn !== dirty.window) {
      resources.markedIn = dirty.window;
      dirty.contacts.push(resources);
    }
  }

  /** The window that ends now joins the backlog; its views (the first slice of them, unless flushing) are built. */
  private buildWindow(accountId: string, dirty: DirtyContacts, flushing: boolean): AppEvent[] | null {
    const { contacts, jids } = dirty;
    const window = dirty.window++;
    dirty.contacts = [];
    dirty.jids = new Set();
    if (this.removed.has(accountId)) return null;
    const count = contacts.length + jids.size;
    dirty.windowMs = count >= PRESENCE_FLOOD_CONTACTS ? PRESENCE_FLOOD_COALESCE_MS : PRESENCE_COALESCE_MS;
    dirty.backlog.push({ window, contacts, jids: [...jids], next: 0, sentGone: null });
    return this.buildSlice(accountId, dirty, flushing);
  }

  /**
   * Up to PRESENCE_SLICE_VIEWS views from the backlog (all of it when flushing), oldest window first;
   * what is left is marked again on the bus for its next batch. A view is built from the contact's
   * state when its slice runs, so a contact changed meanwhile is sent as it is now (and again with
   * the window it was marked in): a slice never sends an older state after a newer one.
   */
  private buildSlice(accountId: string, dirty: DirtyContacts, flushing: boolean): AppEvent[] | null {
    if (this.removed.has(accountId)) {
      dirty.backlog = [];
      return null;
    }
    const tracker = this.service.tracker(accountId);
    const recording = this.history.recording(accountId);
    const events: AppEvent[] = [];
    const budget = flushing ? Infinity : PRESENCE_SLICE_VIEWS;
    const send = (jid: string, tracked: ContactResources<TrackedPresence> | undefined) => {
      // One lookup of the contact for its history and its view.
      if (recording && tracked) this.recordHistory(accountId, tracked);
      events.push({ type: 'presence.contact', presence: this.contactView(accountId, jid, tracked) });
    };
    const backlog = dirty.backlog;
    while (backlog.length > 0 && events.length < budget) {
      const ended = backlog[0];
      const { window, contacts, jids } = ended;
      // Each contact once per window however it was marked: its current entry carries sentIn, a
      // contact without one (gone) is remembered by JID.
      const sendOnce = (jid: string, marked: ContactResources<TrackedPresence> | null) => {
        // Marked through its entry, which the tracker still holds: that is the current one, no look-up.
        const tracked = marked !== null && !marked.dropped ? marked : tracker?.resources(jid);
        if (tracked !== undefined) {
          if (tracked.sentIn === window) return;
          tracked.sentIn = window;
        } else {
          ended.sentGone ??= new Set();
          if (ended.sentGone.has(jid)) return;
          ended.sentGone.add(jid);
        }
        send(jid, tracked);
      };
      const total = contacts.length + jids.length;
      while (ended.next < total && events.length < budget) {
        const i = ended.next++;
        if (i < contacts.length) sendOnce(contacts[i].bare, contacts[i]);
        else sendOnce(jids[i - contacts.length], null);
      }
      if (ended.next === total) backlog.shift();
    }
    if (backlog.length > 0 && !this.closed) this.bus.emitLazy(dirty.sliceKey, dirty.buildSlice, PRESENCE_SLICE_GAP_MS);
    return events;
  }

  /** A contact of the coalescing step to presence history; its failure loses no event. */
  private recordHistory(accountId: string, tracked: ContactResources<TrackedPresence>): void {
    try {
      this.history.captureContact(accountId, tracked);
    } catch (error) {
      this.log.error('presence history failed', { accountId, error });
    }
  }

  /** Writes queued last-seen rows now (one transaction). */
  flushLastSeen(): void {
    this.lastSeen.flush();
  }

  // ---------- own presence ----------

  private emitOwn(accountId: string): void {
    this.bus.emit({
      type: 'presence.own',
      accountId,
      presence: this.own.view(accountId),
      recentStatuses: this.own.recentStatuses(),
    });
  }

  /** Sends the account's current presence (when connected) and announces it. */
  private async apply(accountId: string): Promise<void> {
    this.emitOwn(accountId);
    try {
      await this.service.setOwn(accountId, this.own.effective(accountId));
    } catch (error) {
      this.log.warn('could not send our presence', { accountId, error });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.userChoiceListeners.clear();
    this.lastSeen.flush();
    this.history.close();
    this.service.close();
  }
}
