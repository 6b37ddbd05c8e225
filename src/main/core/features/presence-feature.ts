/**
 * Presence wired into the messenger: one PresenceService and one CapsCache for every account, own
 * presence remembered in SQLite, views built for the contract, last seen persisted in batches, the
 * tray model and the idle controller.
 *
 * - Per stanza only (account, jid) is marked dirty (EventBus.emitLazy): the ContactPresenceView is
 *   built once per flush, however many presences a contact sent meanwhile.
 * - Own presence: the user's choice is stored; an idle change (auto-away/xa) is an override on top,
 *   never stored, shown as `auto: true`, dropped when the user chooses or the user comes back.
 * - Initial presence waits for the roster of the new session (RFC 6121 §2.2).
 */
import xml, { type Element } from '@xmpp/xml';
import {
  DEFAULT_PREFS,
  type AppEvent,
  type ContactPresenceView,
  type LastSeenView,
  type OwnPresenceView,
  type ParsedInput,
  type Prefs,
  type ResourceView,
} from '../../../shared/contract';
import { formatJid, parseJid, bareJid } from '../../../shared/jid';
import { compareResources } from '../../../shared/presence';
import { fail, ok, type Result } from '../../../shared/result';
import type { AccountLifecycleListener, AccountManager } from '../accounts/account-manager';
import type { SessionOnline } from '../accounts/session-api';
import type { EventBus, LazyEvent } from '../events';
import { IdleController, type IdleAccounts, type IdleClock, type IdleSource } from '../idle';
import type { Logger } from '../log';
import { summarize, type OwnShow, type StatusSummary } from '../status-summary';
import type { PresenceRepository } from '../store/presence-repo';
import type { SettingsRepository } from '../store/settings-repo';
import type { ShowTarget, TrayModel } from '../tray-api';
import { CapsCache, type ClientInfo } from './caps';
import { discoInfoResponder, JABBERWOCK_CAPS_NODE, ownCapsElement, ownDiscoInfo } from './caps-own';
import type { CapsRepository } from './caps-repo';
import { DEFAULT_OWN_PRESENCE, PresenceService, type LastSeen, type OwnPresence } from './presence';
import { detach, type TrackedPresence } from './presence-stanza';
import type { RosterService } from './roster';
import { background } from '../util/background';
import { NS_DISCO_INFO } from '../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../xmpp/timeouts';
import { type SessionXmpp } from '../accounts/client';

export const RECENT_STATUSES_KEY = 'recentStatuses';
export const RECENT_STATUSES_MAX = 10;
/** Last-seen rows are written at most this often (one transaction each). */
export const LAST_SEEN_FLUSH_MS = 250;
/**
 * How long contacts' presence changes gather before they go to the bus. Presence is not a chat
 * message: a quarter of a second is hardly visible, and in a flood it sends each busy contact once
 * per window, not once per stanza. 250 rather than 100 ms: each window builds a view per changed
 * contact, and in the 100,000-stanza flood that garbage was what kept peak RSS above 150 MB.
 */
export const PRESENCE_COALESCE_MS = 250;

export interface PresenceIdleOptions {
  source: IdleSource;
  clock?: IdleClock;
  pollSeconds?: number;
  idlePollSeconds?: number;
}

export interface PresenceFeatureOptions {
  bus: EventBus;
  accounts: AccountManager;
  roster: RosterService;
  repo: PresenceRepository;
  capsRepo: CapsRepository | null;
  settings: SettingsRepository;
  log: Logger;
  prefs: Prefs;
  idle?: PresenceIdleOptions;
  now?: () => number;
}

interface DirtyContacts {
  jids: Set<string>;
  key: string;
  build: LazyEvent;
  timer: ReturnType<typeof setTimeout> | null;
}

interface OwnState {
  /** What the user chose (stored). */
  user: OwnPresence;
  /** Set by idle detection on top of the user's choice (not stored). */
  auto: OwnPresence | null;
}

export class PresenceFeature implements AccountLifecycleListener {
  readonly service: PresenceService;
  readonly caps: CapsCache;
  readonly tray: TrayModel;
  readonly idle: IdleController | null = null;

  private readonly bus: EventBus;
  private readonly accounts: AccountManager;
  private readonly repo: PresenceRepository;
  private readonly settings: SettingsRepository;
  private readonly log: Logger;
  private readonly own = new Map<string, OwnState>();
  private readonly dirty = new Map<string, DirtyContacts>();
  private readonly clientViews = new WeakMap<ClientInfo, NonNullable<ResourceView['client']>>();
  /** Account ids removed in this run (ids are never reused). */
  private readonly removed = new Set<string>();
  private readonly lastSeen = new Map<string, Map<string, LastSeenView>>();
  private recent: string[];
  private readonly ownInfo = ownDiscoInfo();
  private readonly ownCaps: Element;
  private readonly trayListeners = new Set<() => void>();
  private lastSeenTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribers: (() => void)[] = [];
  private closed = false;
  private pendingRequests: () => number = () => 0;
  private unreadMessages: () => number = () => 0;
  private isRoom: (accountId: string, bare: string) => boolean = () => false;

  constructor(options: PresenceFeatureOptions) {
    this.bus = options.bus;
    this.accounts = options.accounts;
    this.repo = options.repo;
    this.settings = options.settings;
    this.log = options.log;
    this.ownCaps = ownCapsElement(this.ownInfo, JABBERWOCK_CAPS_NODE);
    this.caps = new CapsCache({ repo: options.capsRepo, log: this.log.child('caps') });
    const roster = options.roster;
    this.service = new PresenceService({
      log: this.log,
      caps: this.caps,
      ownCaps: () => xml('c', { ...this.ownCaps.attrs }),
      now: options.now,
      subscriptionOf: (accountId, bare) => roster.item(accountId, bare)?.subscription ?? null,
      isRoom: (accountId, bare) => this.isRoom(accountId, bare),
      onContactChanged: (accountId, bare) => this.changed(accountId, bare),
      onLastSeen: (accountId, bare, seen) => this.seen(accountId, bare, seen),
    });

    for (const [accountId, stored] of this.repo.loadOwn()) this.own.set(accountId, { user: stored, auto: null });
    for (const record of this.repo.loadLastSeen()) {
      const { accountId, jid, ...view } = record;
      this.lastSeenOf(accountId).set(jid, view);
    }
    const recent = this.settings.get<unknown>(RECENT_STATUSES_KEY, []);
    this.recent = Array.isArray(recent) ? recent.filter((s): s is string => typeof s === 'string') : [];

    // RFC 6121 §2.2: the roster first, then our initial presence.
    this.unsubscribers.push(roster.onSessionReady((id) => background(this.announce(id), this.log, 'our presence')));
    this.unsubscribers.push(
      this.bus.subscribe((batch) => {
        if (this.trayListeners.size === 0) return;
        const relevant = batch.events.some(
          (event) =>
            event.type === 'presence.own' ||
            event.type === 'account.connection' ||
            event.type === 'account.upserted' ||
            event.type === 'account.removed' ||
            event.type === 'subscription.request' ||
            event.type === 'subscription.requestRemoved' ||
            event.type === 'conversation',
        );
        if (relevant) this.notifyTray();
      }),
    );

    this.tray = {
      summary: () => this.summary(),
      subscribe: (listener) => {
        this.trayListeners.add(listener);
        return () => {
          this.trayListeners.delete(listener);
        };
      },
      setShow: async (target: ShowTarget, show: OwnShow) => {
        const result = await this.set(target === 'all' ? { show } : { accountId: target, show });
        if (!result.ok) throw new Error(result.error.message);
      },
    };

    if (options.idle) {
      this.idle = new IdleController({
        source: options.idle.source,
        clock: options.idle.clock,
        pollSeconds: options.idle.pollSeconds,
        idlePollSeconds: options.idle.idlePollSeconds,
        accounts: this.idleAccounts(),
        settings: idleSettings(options.prefs),
        log: this.log.child('idle'),
      });
      this.idle.start();
    }
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    const account = this.accounts.list().find((a) => a.id === accountId);
    if (!account) return;
    xmpp.iqCallee.get(NS_DISCO_INFO, 'query', discoInfoResponder(this.ownInfo, JABBERWOCK_CAPS_NODE));
    this.service.attach(
      accountId,
      account.jid,
      {
        middleware: xmpp.middleware,
        send: (element) => xmpp.send(element),
        discoInfo: (to, node) =>
          xmpp.iqCaller.get(xml('query', { xmlns: NS_DISCO_INFO, node }), to, IQ_TIMEOUT_MS) as Promise<Element>,
      },
      this.effective(accountId),
    );
    // Presence skips xmpp.js's middleware on the fast path; what this feature does not take goes on.
    const failed = (error: unknown) => this.log.error('presence handler failed', { accountId, error });
    xmpp.hooks.onPresence((stanza) => this.service.receive(accountId, stanza), failed);
    xmpp.hooks.onRawPresence((raw) => this.service.receive(accountId, raw), failed);
    // A new account (or a new session object) announces its own presence, so the UI never guesses it.
    this.bus.emit({
      type: 'presence.own',
      accountId,
      presence: this.ownView(accountId),
      recentStatuses: this.recentStatuses(),
    });
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
    this.idle?.userChanged(accountId);
    this.own.delete(accountId);
    this.lastSeen.delete(accountId);
  }

  /** The account was disabled: what contacts said is no longer known. */
  sessionEnded(accountId: string): void {
    this.service.sessionEnded(accountId);
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
      if (!all.some((a) => a.id === input.accountId)) return fail('not_found', 'There is no such account.');
      targets = [input.accountId];
    } else {
      targets = all.filter((a) => a.enabled).map((a) => a.id);
    }
    if (typeof input.status === 'string' && input.status.trim() !== '') this.remember(input.status);
    await Promise.all(
      targets.map(async (accountId) => {
        const state = this.state(accountId);
        const user: OwnPresence = {
          show: input.show ?? state.user.show,
          status: input.status === undefined ? state.user.status : input.status === '' ? null : input.status,
          priority: input.priority ?? state.user.priority,
        };
        state.user = user;
        state.auto = null;
        this.repo.saveOwn(accountId, user);
        this.idle?.userChanged(accountId);
        await this.apply(accountId);
      }),
    );
    return ok(null);
  }

  /** presence.directed: send our presence to (or end it for) a JID outside our subscriptions. */
  async directed(input: ParsedInput<'presence.directed'>): Promise<Result<null>> {
    if (!this.accounts.list().some((a) => a.id === input.accountId)) {
      return fail('not_found', 'There is no such account.');
    }
    const parsed = parseJid(input.jid);
    if ('error' in parsed) return fail('invalid_input', parsed.error);
    const to = formatJid(parsed.jid);
    try {
      if (input.send) {
        const sent = await this.service.sendDirected(input.accountId, to);
        if (!sent) {
          return fail('not_connected', 'This account is not online (or set to offline); connect it first.');
        }
      } else {
        await this.service.endDirected(input.accountId, to);
      }
    } catch {
      return fail('not_connected', 'The connection dropped before the presence was sent.');
    }
    this.changed(input.accountId, bareJid(to));
    return ok(null);
  }

  // ---------- views ----------

  ownView(accountId: string): OwnPresenceView {
    const state = this.state(accountId);
    const current = state.auto ?? state.user;
    return { show: current.show, status: current.status, priority: current.priority, auto: state.auto !== null };
  }

  ownPresence(): Record<string, OwnPresenceView> {
    const views: Record<string, OwnPresenceView> = {};
    for (const account of this.accounts.list()) views[account.id] = this.ownView(account.id);
    return views;
  }

  recentStatuses(): string[] {
    return [...this.recent];
  }

  /** Every JID with presence, an error, last seen or directed presence, on every account. */
  views(): ContactPresenceView[] {
    const views: ContactPresenceView[] = [];
    for (const account of this.accounts.list()) {
      for (const jid of this.jidsOf(account.id)) views.push(this.contactView(account.id, jid));
    }
    return views;
  }

  contactView(accountId: string, jid: string): ContactPresenceView {
    const tracker = this.service.tracker(accountId);
    const resources: ResourceView[] = [];
    const tracked = tracker?.resources(jid);
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
      lastSeen: this.lastSeen.get(accountId)?.get(jid) ?? null,
      directed: this.service.hasDirected(accountId, jid),
    };
  }

  private resourceView(entry: TrackedPresence): ResourceView {
    return {
      resource: entry.resource,
      show: entry.show,
      status: entry.status,
      priority: entry.priority,
      since: entry.since,
      client: entry.client ? this.clientView(entry.client) : null,
    };
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
    for (const jid of this.lastSeen.get(accountId)?.keys() ?? []) jids.add(jid);
    for (const to of this.service.directedTo(accountId)) jids.add(bareJid(to));
    return jids;
  }

  /**
   * Marks (account, jid) dirty. A stanza costs a Set.add: every account's dirty contacts go to the
   * bus together, PRESENCE_COALESCE_MS after the first change, as one lazy entry whose views are
   * built when the batch flushes. A contact that changes ten times meanwhile is sent once.
   */
  private changed(accountId: string, bare: string): void {
    let dirty = this.dirty.get(accountId);
    if (!dirty) {
      const jids = new Set<string>();
      dirty = {
        jids,
        key: `presenceContacts:${accountId}`,
        timer: null,
        build: () => {
          if (this.removed.has(accountId)) {
            jids.clear();
            return null;
          }
          const events: AppEvent[] = [];
          for (const jid of jids) events.push({ type: 'presence.contact', presence: this.contactView(accountId, jid) });
          jids.clear();
          return events;
        },
      };
      this.dirty.set(accountId, dirty);
    }
    dirty.jids.add(bare);
    if (dirty.timer === null && !this.closed) {
      const entry = dirty;
      entry.timer = setTimeout(() => this.release(entry), PRESENCE_COALESCE_MS);
    }
  }

  private release(dirty: DirtyContacts): void {
    if (dirty.timer !== null) clearTimeout(dirty.timer);
    dirty.timer = null;
    if (dirty.jids.size > 0) this.bus.emitLazy(dirty.key, dirty.build);
  }

  /** Hands every dirty contact to the bus now (before a snapshot's flush, so its seq covers them). */
  flushContacts(): void {
    for (const dirty of this.dirty.values()) this.release(dirty);
  }

  private seen(accountId: string, bare: string, seen: LastSeen): void {
    const view: LastSeenView = {
      resource: seen.resource,
      at: seen.at,
      status: seen.status,
      device: seen.client?.device ?? null,
    };
    const map = this.lastSeenOf(accountId);
    const before = map.get(bare);
    if (!before) map.set(detach(bare), view);
    else if (before.at <= view.at) map.set(bare, view);
    this.repo.queueLastSeen({ accountId, jid: bare, ...view });
    this.lastSeenTimer ??= setTimeout(() => this.flushLastSeen(), LAST_SEEN_FLUSH_MS);
  }

  /** Writes queued last-seen rows now (one transaction). */
  flushLastSeen(): void {
    if (this.lastSeenTimer) clearTimeout(this.lastSeenTimer);
    this.lastSeenTimer = null;
    try {
      const ids = new Set(this.accounts.list().map((a) => a.id));
      this.repo.flushLastSeen((accountId) => ids.has(accountId));
    } catch (error) {
      this.log.error('storing last seen failed', { error });
    }
  }

  private lastSeenOf(accountId: string): Map<string, LastSeenView> {
    let map = this.lastSeen.get(accountId);
    if (!map) {
      map = new Map();
      this.lastSeen.set(accountId, map);
    }
    return map;
  }

  // ---------- own presence ----------

  private state(accountId: string): OwnState {
    let state = this.own.get(accountId);
    if (!state) {
      state = { user: { ...DEFAULT_OWN_PRESENCE }, auto: null };
      this.own.set(accountId, state);
    }
    return state;
  }

  private effective(accountId: string): OwnPresence {
    const state = this.state(accountId);
    return state.auto ?? state.user;
  }

  /** Sends the account's current presence (when connected) and announces it. */
  private async apply(accountId: string): Promise<void> {
    this.bus.emit({
      type: 'presence.own',
      accountId,
      presence: this.ownView(accountId),
      recentStatuses: this.recentStatuses(),
    });
    try {
      await this.service.setOwn(accountId, this.effective(accountId));
    } catch (error) {
      this.log.warn('could not send our presence', { accountId, error });
    }
  }

  private remember(status: string): void {
    this.recent = [status, ...this.recent.filter((s) => s !== status)].slice(0, RECENT_STATUSES_MAX);
    this.settings.set(RECENT_STATUSES_KEY, this.recent);
  }

  private idleAccounts(): IdleAccounts {
    return {
      accountIds: () =>
        this.accounts
          .list()
          .filter((a) => a.enabled)
          .map((a) => a.id),
      own: (accountId) => {
        if (!this.accounts.list().some((a) => a.id === accountId)) return undefined;
        const current = this.effective(accountId);
        return { show: current.show, status: current.status };
      },
      setOwn: async (accountId, presence, meta) => {
        const state = this.state(accountId);
        // Going idle sets an override; coming back drops it (the user's choice stands again).
        state.auto =
          meta.idleSince !== null
            ? { show: presence.show, status: presence.status, priority: state.user.priority }
            : null;
        await this.apply(accountId);
      },
    };
  }

  /** Idle settings follow the preferences. */
  prefsChanged(prefs: Prefs): void {
    if (this.idle) background(this.idle.configure(idleSettings(prefs)), this.log, 'idle settings');
  }

  // ---------- tray ----------

  private summary(): StatusSummary {
    return summarize(
      this.accounts.list().map((account) => ({
        id: account.id,
        label: account.label,
        jid: account.jid,
        enabled: account.enabled,
        connection: account.connection,
        show: this.effective(account.id).show,
      })),
      this.pendingRequests(),
      this.unreadMessages(),
    );
  }

  /** Presence from these JIDs belongs to the MUC feature (room errors are not contacts' errors). */
  leaveRoomsTo(isRoom: (accountId: string, bare: string) => boolean): void {
    this.isRoom = isRoom;
  }

  /** The tray also counts pending subscription requests; the subscriptions feature supplies them. */
  countPendingRequestsWith(count: () => number): void {
    this.pendingRequests = count;
  }

  /** The tray also counts unread messages; the chat feature supplies them. */
  countUnreadWith(count: () => number): void {
    this.unreadMessages = count;
  }

  private notifyTray(): void {
    for (const listener of [...this.trayListeners]) {
      try {
        listener();
      } catch (error) {
        this.log.error('tray listener failed', { error });
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle?.stop();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.trayListeners.clear();
    this.flushContacts();
    this.flushLastSeen();
    this.service.close();
  }
}

function idleSettings(prefs: Prefs = DEFAULT_PREFS) {
  return { enabled: prefs.idleEnabled, awayAfterMin: prefs.idleAwayMinutes, xaAfterMin: prefs.idleXaMinutes };
}
