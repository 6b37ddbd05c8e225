/**
 * Presence for every account: what each contact's resources say (per-resource state in a
 * PresenceTracker), and what we say (own show/status/priority per account, re-sent on every new
 * session; directed presences remembered and ended when we go offline, RFC 6121 §4.6).
 *
 * Session order: `sessionStarted` (a new session: forget what contacts said) → the roster answers →
 * `announce` (our initial presence, RFC 6121 §2.2 roster before presence). A resumed stream calls
 * `sessionResumed` and keeps everything. It reports changes through `onContactChanged`, once per
 * contact per stanza, so the caller can coalesce before building views.
 */
import type { Middleware } from '@xmpp/middleware';
import xml, { type Element } from '@xmpp/xml';
import type { Subscription } from '../../../../shared/contract';
import type { Show } from '../../../../shared/presence';
import { rateLimited, type Logger } from '../../log';
import type { RawPresence } from '../../accounts/stream/raw-presence';
import { detach } from '../../util/text';
import type { CapsCache, CapsQuery, CapsReference, CapsResolved, ClientInfo } from '../caps/cache';
import { CapsReferences, NOT_RECORDED, PresenceRead, readPresence, STATUS_MAX, type TrackedPresence } from './stanza';
import { PresenceTracker, type ContactResources, type PresenceError } from './tracker';

export interface OwnPresence {
  /** 'offline' sends unavailable and keeps the account's connection. */
  show: Show | 'offline';
  status: string | null;
  priority: number;
}

export const DEFAULT_OWN_PRESENCE: OwnPresence = { show: 'available', status: null, priority: 0 };

/** The part of the account's client the presence feature uses. */
export interface PresenceClient {
  middleware: Middleware;
  send(element: Element): Promise<unknown>;
  /** disco#info to a full JID with a node (for entity capabilities); without it caps stay unresolved. */
  discoInfo?: CapsQuery;
}

export interface LastSeen {
  resource: string;
  at: number;
  status: string | null;
  /** The client the resource ran, when its caps were known. */
  client: ClientInfo | null;
}

/**
 * What presence history (history.ts) is told by the presence path. `ended` runs for every tracked
 * resource that goes, so it must be cheap; the others mark when we hear the account's contacts.
 */
export interface PresenceHistoryHooks {
  /** A tracked resource is gone at `at` (unavailable, an error presence, or we stopped hearing). */
  ended(accountId: string, bare: string, entry: TrackedPresence, at: number): void;
  /** From `at` we hear the account's contacts (our available presence went out). */
  listening(accountId: string, at: number): void;
  /** The connection dropped at `at`; a resumed stream takes it back. */
  lost(accountId: string, at: number): void;
  resumed(accountId: string): void;
  /** We stopped hearing them at `at` (a new session, offline, disabled). */
  deaf(accountId: string, at: number): void;
}

export interface PresenceDeps {
  log: Logger;
  /** The subscription of `bare` in the account's roster, or null when it is not a contact. */
  subscriptionOf(accountId: string, bare: string): Subscription | null;
  /** True when `bare` is a room of the account: its presence is not a contact's. */
  isRoom?(accountId: string, bare: string): boolean;
  /**
   * An available presence carried an XEP-0153 <photo/> (its text, unchecked): about its sender's bare JID.
   * `contact`: the contact's tracker entry when it has one, whose photoState the hook may keep.
   */
  onPhoto?(
    accountId: string,
    bare: string,
    photo: string,
    contact: ContactResources<TrackedPresence> | undefined,
  ): void;
  /** Elements our presence carries besides caps (the XEP-0153 hash of our avatar). */
  ownExtras?(accountId: string): Element[];
  /** Called once per stanza that changed what we know of a contact. */
  /** `resources`: the contact's entry in the tracker, when the caller holds it (saves a lookup). */
  onContactChanged(accountId: string, bare: string, resources?: ContactResources<TrackedPresence>): void;
  /** Called when a resource went offline (persist it as last seen). */
  onLastSeen?(accountId: string, bare: string, seen: LastSeen): void;
  /** Resolves contacts' entity capabilities into client infos (one shared cache). */
  caps?: CapsCache;
  /** Our own <c/> (XEP-0115), appended to every available presence we send. */
  ownCaps?: () => Element | null;
  /** Presence history: told when resources go and when we start and stop hearing. */
  history?: PresenceHistoryHooks;
  now?: () => number;
}

interface AccountPresence {
  accountId: string;
  bare: string;
  tracker: PresenceTracker<TrackedPresence>;
  own: OwnPresence;
  client: PresenceClient | null;
  online: boolean;
  /** Our initial presence of this session went out (after the roster). */
  announced: boolean;
  /** Full or bare JIDs we sent directed presence to; they get unavailable when we go offline. */
  directed: Set<string>;
  /** When the connection dropped, while we do not know whether the stream resumes. */
  lostAt: number | null;
}

export class PresenceService {
  private readonly accounts = new Map<string, AccountPresence>();
  private readonly now: () => number;
  private readonly unsubscribeCaps: (() => void) | null;
  /** Scratch for handle (synchronous, one stanza at a time). */
  private readonly read = new PresenceRead();
  private readonly capsRef: CapsReference = { node: '', ver: '', hash: '' };
  /** The caps every tracked resource keeps, one shared object per ver. */
  private readonly capsReferences = new CapsReferences();
  /** A flood repeats these per stanza: one line a minute per kind. */
  private readonly floodLog: ReturnType<typeof rateLimited>;

  constructor(private readonly deps: PresenceDeps) {
    this.now = deps.now ?? Date.now;
    this.floodLog = rateLimited(deps.log, { now: this.now });
    this.unsubscribeCaps = deps.caps?.onResolved((resolved) => this.capsResolved(resolved)) ?? null;
  }

  /** Registers the account (with its remembered own presence) and its stanza handler. */
  attach(
    accountId: string,
    accountBare: string,
    client: PresenceClient,
    own: OwnPresence = DEFAULT_OWN_PRESENCE,
  ): void {
    const account: AccountPresence = {
      accountId,
      bare: accountBare,
      tracker: new PresenceTracker(),
      own,
      client,
      online: false,
      announced: false,
      directed: new Set(),
      lostAt: null,
    };
    // A new client for the account (re-enabled, endpoint edited): what the old one heard is gone.
    const previous = this.accounts.get(accountId);
    if (previous) this.forget(previous);
    this.accounts.set(accountId, account);
    client.middleware.use((ctx, next) => {
      if (ctx.stanza.name !== 'presence') return next();
      return this.handle(account, ctx.stanza) ? undefined : next();
    });
  }

  /**
   * Handles one presence stanza for the account outside the middleware chain (fast paths).
   * Returns false when the stanza is not this feature's (subscription, MUC): pass it on.
   */
  receive(accountId: string, stanza: Element | RawPresence): boolean {
    const account = this.accounts.get(accountId);
    return account ? this.handle(account, stanza) : false;
  }

  detach(accountId: string): void {
    this.accounts.delete(accountId);
    this.deps.caps?.forgetAccount(accountId);
  }

  close(): void {
    this.unsubscribeCaps?.();
  }

  /**
   * A new session (not a resumed stream): forget everything contacts said and every directed
   * presence. With `announce` our presence goes out at once; otherwise wait for `announce`.
   */
  async sessionStarted(accountId: string, announce = true): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) return;
    this.forget(account);
    account.online = true;
    account.announced = false;
    account.directed.clear();
    account.lostAt = null;
    if (announce) await this.announce(accountId);
  }

  /** XEP-0198 resumed the stream: everything stands. */
  sessionResumed(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.online = true;
    account.lostAt = null;
    this.deps.history?.resumed(accountId);
  }

  /** Sends our initial presence of this session (once), unless we chose to be offline. */
  async announce(accountId: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account?.online || account.announced) return;
    account.announced = true;
    if (account.own.show === 'offline') return;
    // Before the write: contacts' presence may answer before the send resolves.
    this.deps.history?.listening(accountId, this.now());
    await this.sendOwn(account, null);
  }

  isAnnounced(accountId: string): boolean {
    return this.accounts.get(accountId)?.announced ?? false;
  }

  /** The stream went away; presence stays until we know whether it resumes. */
  connectionLost(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.online = false;
    account.lostAt ??= this.now();
    this.deps.history?.lost(accountId, account.lostAt);
  }

  /** The account went offline for good (disabled, stopped): forget contacts and directed presences. */
  sessionEnded(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.online = false;
    account.announced = false;
    account.directed.clear();
    this.forget(account);
    this.deps.caps?.forgetAccount(accountId);
  }

  /** Sets our presence for one account; changing only the status keeps the show (pass show undefined). */
  async setOwn(accountId: string, change: Partial<OwnPresence>): Promise<OwnPresence | null> {
    const account = this.accounts.get(accountId);
    if (!account) return null;
    const status = change.status === undefined ? account.own.status : change.status;
    const wasOffline = account.own.show === 'offline';
    account.own = {
      show: change.show ?? account.own.show,
      status: status === null ? null : status.slice(0, STATUS_MAX),
      priority: change.priority ?? account.own.priority,
    };
    // Before the roster is in, `announce` will send whatever is current then.
    if (!account.online || !account.client || !account.announced) return account.own;
    if (account.own.show === 'offline') {
      if (!wasOffline) await this.goOffline(account);
    } else {
      if (wasOffline) this.deps.history?.listening(accountId, this.now());
      await this.sendOwn(account, null);
      for (const to of account.directed) await this.sendOwn(account, to);
    }
    return account.own;
  }

  own(accountId: string): OwnPresence | undefined {
    return this.accounts.get(accountId)?.own;
  }

  /** Sends our current presence to a JID outside our subscriptions, and remembers it. */
  async sendDirected(accountId: string, to: string): Promise<boolean> {
    const account = this.accounts.get(accountId);
    if (!account?.online || account.own.show === 'offline') return false;
    account.directed.add(to);
    await this.sendOwn(account, to);
    return true;
  }

  /** Ends a directed presence with unavailable. */
  async endDirected(accountId: string, to: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account?.directed.delete(to) || !account.online) return;
    await account.client?.send(xml('presence', { to, type: 'unavailable' }));
  }

  /** True when we sent directed presence to `bare` or one of its resources (no copy: runs per view). */
  hasDirected(accountId: string, bare: string): boolean {
    const directed = this.accounts.get(accountId)?.directed;
    if (!directed || directed.size === 0) return false;
    for (const to of directed) {
      if (to === bare || (to.startsWith(bare) && to.charCodeAt(bare.length) === 47)) return true;
    }
    return false;
  }

  directedTo(accountId: string): string[] {
    return [...(this.accounts.get(accountId)?.directed ?? [])];
  }

  tracker(accountId: string): PresenceTracker<TrackedPresence> | undefined {
    return this.accounts.get(accountId)?.tracker;
  }

  errorOf(accountId: string, bare: string): PresenceError | undefined {
    return this.accounts.get(accountId)?.tracker.errorOf(bare);
  }

  /** Returns true when the stanza was presence this feature owns (consumed). */
  private handle(account: AccountPresence, stanza: Element | RawPresence): boolean {
    const { accountId } = account;
    // One reused read per service: nothing below keeps it, and strings are copied where they are kept.
    const read = this.read;
    const kind = readPresence(stanza, this.now(), read);
    switch (kind) {
      case 'available': {
        // The contact's JID as the tracker keeps it (a copy): what is passed on and stored elsewhere.
        const resources = account.tracker.resources(read.bare);
        const current = resources?.get(read.resource);
        const capsUnchanged = current !== undefined && sameCaps(current.caps, read);
        const caps = this.deps.caps;
        let client: ClientInfo | null = null;
        if (read.caps && caps && account.client?.discoInfo) {
          if (capsUnchanged && current.client !== null) {
            // The caps this resource announced last time, already resolved (and kept current by
            // capsResolved): what the cache would answer again, without asking it.
            client = current.client;
          } else {
            const ref = this.capsRef;
            ref.node = read.capsNode;
            ref.ver = read.capsVer;
            ref.hash = read.capsHash;
            client = caps.resolve(accountId, read.full, ref, account.client.discoInfo);
          }
        }
        // A room's own presence (ejabberd sends one from the bare room JID, with caps): its caps are
        // looked up like anyone's, but the presence is the MUC feature's, never a contact's.
        if (this.deps.isRoom?.(accountId, read.bare)) return false;
        if (read.photo !== undefined) {
          this.deps.onPhoto?.(accountId, resources?.bare ?? read.bare, read.photo, resources);
        }
        if (read.idleRejected) {
          this.floodLog.info('presence.idle', 'idle time not believed; presence kept without it', { from: read.bare });
        }
        if (current !== undefined) {
          // The same state again (a client re-announcing itself, a server replaying): nothing changes,
          // so nothing is copied, viewed or written, and the state keeps its `since`. The photo hash
          // went to the avatars above, which compare it themselves.
          if (capsUnchanged && sameState(current, read) && current.client === client) return true;
          // Updated in place: the long-lived entry stays, nothing is allocated for what did not change.
          current.show = read.show;
          if (current.status !== read.status) current.status = read.status === null ? null : detach(read.status);
          current.priority = read.priority;
          current.since = read.since;
          current.idleSince = read.idleSince;
          if (!capsUnchanged) current.caps = this.capsReferences.of(read);
          current.client = client;
          current.view = null;
          this.deps.onContactChanged(accountId, resources!.bare, resources);
          return true;
        }
        const presence: TrackedPresence = {
          resource: detach(read.resource),
          show: read.show,
          status: read.status === null ? null : detach(read.status),
          priority: read.priority,
          since: read.since,
          caps: this.capsReferences.of(read),
          client,
          view: null,
          recordedSince: NOT_RECORDED,
          recorded: null,
          idleSince: read.idleSince,
        };
        const bare = resources?.bare ?? detach(read.bare);
        const added =
          resources !== undefined
            ? account.tracker.availableIn(resources, presence)
            : account.tracker.available(bare, presence);
        if (added) {
          this.deps.onContactChanged(accountId, bare, resources);
        } else {
          this.floodLog.warn('presence.resource-cap', 'too many resources; presence ignored', { from: bare });
        }
        return true;
      }
      case 'unavailable': {
        if (this.deps.isRoom?.(accountId, read.bare)) return false;
        const resources = account.tracker.resources(read.bare);
        const left = resources?.get(read.resource);
        if (left === undefined) return true;
        const bare = resources!.bare;
        account.tracker.unavailable(bare, left.resource);
        this.deps.history?.ended(accountId, bare, left, read.since);
        this.deps.onLastSeen?.(accountId, bare, {
          resource: left.resource,
          at: read.since,
          status: read.status === null ? null : detach(read.status),
          client: left.client,
        });
        this.deps.onContactChanged(accountId, bare);
        return true;
      }
      case 'invalid':
        this.floodLog.warn('presence.invalid', 'invalid presence ignored', { reason: read.reason });
        return true;
      case 'muc':
        return false;
    }
    const parsed = read.other!;
    switch (parsed.kind) {
      case 'error': {
        // A room's error (a refused join) is the MUC feature's, never a contact's state.
        if (this.deps.isRoom?.(accountId, parsed.bare)) return false;
        const erred = account.tracker.resources(parsed.bare);
        for (const entry of erred?.values() ?? []) this.deps.history?.ended(accountId, erred!.bare, entry, parsed.at);
        account.tracker.error(detach(parsed.bare), {
          condition: parsed.condition,
          text: parsed.text,
          since: parsed.at,
        });
        this.deps.onContactChanged(accountId, parsed.bare);
        return true;
      }
      case 'probe': {
        // Servers answer probes themselves; one that reaches us gets an answer only if it may see us.
        const subscription = this.deps.subscriptionOf(accountId, parsed.bare);
        if ((subscription === 'from' || subscription === 'both') && account.online && account.own.show !== 'offline') {
          void this.sendOwn(account, parsed.from).catch(() => {});
        } else {
          this.floodLog.info('presence.probe', 'probe ignored: sender may not see our presence', { from: parsed.bare });
        }
        return true;
      }
      case 'subscription':
        return false;
      default:
        return false;
    }
  }

  /** A caps lookup finished: give the client to every resource that still advertises that ver. */
  private capsResolved(resolved: CapsResolved): void {
    for (const { accountId, jid } of resolved.jids) {
      const account = this.accounts.get(accountId);
      if (!account) continue;
      const slash = jid.indexOf('/'); // none: a bare sender, tracked with the empty resource
      const bare = slash === -1 ? jid : jid.slice(0, slash);
      const resources = account.tracker.resources(bare);
      const entry = resources?.get(slash === -1 ? '' : jid.slice(slash + 1));
      if (!entry?.caps || entry.caps.ver !== resolved.info.ver) continue;
      entry.client = resolved.info;
      entry.view = null;
      this.deps.onContactChanged(accountId, resources!.bare, resources);
    }
  }

  /** Everything contacts said is no longer current: since the connection dropped, or from now. */
  private forget(account: AccountPresence): void {
    const gone = [...account.tracker.knownJids()];
    const history = this.deps.history;
    if (history) {
      const at = account.lostAt ?? this.now();
      for (const bare of gone) {
        for (const entry of account.tracker.resources(bare)?.values() ?? []) {
          history.ended(account.accountId, bare, entry, at);
        }
      }
      history.deaf(account.accountId, at);
    }
    account.tracker.clear();
    for (const bare of gone) this.deps.onContactChanged(account.accountId, bare);
  }

  private async goOffline(account: AccountPresence): Promise<void> {
    const client = account.client;
    if (!client) return;
    // RFC 6121 §4.6.3: end directed presences ourselves, before the broadcast.
    for (const to of account.directed) await client.send(xml('presence', { to, type: 'unavailable' }));
    account.directed.clear();
    await client.send(xml('presence', { type: 'unavailable' }));
    // The server stops telling an unavailable resource about contacts: what we hold would go stale.
    this.forget(account);
  }

  private sendOwn(account: AccountPresence, to: string | null): Promise<unknown> {
    const { show, status, priority } = account.own;
    const stanza = xml(
      'presence',
      to ? { to } : {},
      show !== 'available' && show !== 'offline' ? xml('show', {}, show) : null,
      status ? xml('status', {}, status) : null,
      priority !== 0 ? xml('priority', {}, String(priority)) : null,
      this.deps.ownCaps?.() ?? null,
      ...(this.deps.ownExtras?.(account.accountId) ?? []),
    );
    return account.client?.send(stanza) ?? Promise.resolve();
  }
}

/** Whether `read` announces what `current` holds already (caps and client aside). */
function sameState(current: TrackedPresence, read: PresenceRead): boolean {
  return (
    current.show === read.show &&
    current.priority === read.priority &&
    current.idleSince === read.idleSince &&
    current.status === read.status
  );
}

/** The kept caps reference against the one just read (no copy made to compare). */
function sameCaps(kept: CapsReference | null, read: PresenceRead): boolean {
  if (!read.caps) return kept === null;
  return kept !== null && kept.ver === read.capsVer && kept.node === read.capsNode && kept.hash === read.capsHash;
}
