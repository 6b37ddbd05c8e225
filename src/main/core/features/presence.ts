/**
 * Presence for every account: what each contact's resources say (per-resource state in a
 * PresenceTracker), and what we say (own show/status/priority per account, re-sent on every new
 * session; directed presences remembered and ended when we go offline, RFC 6121 §4.6).
 *
 * Not wired into the messenger yet (the roster issue lands first); it reports changes through
 * `onContactChanged`, once per contact per stanza, so the caller can coalesce before building views.
 */
import type { Middleware } from '@xmpp/middleware';
import xml, { type Element } from '@xmpp/xml';
import type { Subscription } from '../../../shared/contract';
import type { Show } from '../../../shared/presence';
import type { Logger } from '../log';
import { PresenceTracker, type PresenceError } from './presence-tracker';
import { parsePresence, STATUS_MAX } from './presence-stanza';

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
}

export interface LastSeen {
  resource: string;
  at: number;
  status: string | null;
}

export interface PresenceDeps {
  log: Logger;
  /** The subscription of `bare` in the account's roster, or null when it is not a contact. */
  subscriptionOf(accountId: string, bare: string): Subscription | null;
  /** Called once per stanza that changed what we know of a contact. */
  onContactChanged(accountId: string, bare: string): void;
  /** Called when a resource went offline (persist it as last seen). */
  onLastSeen?(accountId: string, bare: string, seen: LastSeen): void;
  now?: () => number;
}

interface AccountPresence {
  bare: string;
  tracker: PresenceTracker;
  own: OwnPresence;
  client: PresenceClient | null;
  online: boolean;
  /** Full or bare JIDs we sent directed presence to; they get unavailable when we go offline. */
  directed: Set<string>;
}

export class PresenceService {
  private readonly accounts = new Map<string, AccountPresence>();
  private readonly now: () => number;

  constructor(private readonly deps: PresenceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Registers the account (with its remembered own presence) and its stanza handler. */
  attach(
    accountId: string,
    accountBare: string,
    client: PresenceClient,
    own: OwnPresence = DEFAULT_OWN_PRESENCE,
  ): void {
    const account: AccountPresence = {
      bare: accountBare,
      tracker: new PresenceTracker(),
      own,
      client,
      online: false,
      directed: new Set(),
    };
    this.accounts.set(accountId, account);
    client.middleware.use((ctx, next) => {
      if (ctx.stanza.name !== 'presence') return next();
      return this.handle(accountId, account, ctx.stanza) ? undefined : next();
    });
  }

  detach(accountId: string): void {
    this.accounts.delete(accountId);
  }

  /** A new session (not a resumed stream): forget everything contacts said, then announce ourselves. */
  async sessionStarted(accountId: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) return;
    this.forget(accountId, account);
    account.online = true;
    account.directed.clear();
    if (account.own.show !== 'offline') await this.sendOwn(account, null);
  }

  /** The stream went away; presence stays until we know whether it resumes. */
  connectionLost(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) account.online = false;
  }

  /** Sets our presence for one account; changing only the status keeps the show (pass show undefined). */
  async setOwn(accountId: string, change: Partial<OwnPresence>): Promise<OwnPresence | null> {
    const account = this.accounts.get(accountId);
    if (!account) return null;
    const status = change.status === undefined ? account.own.status : change.status;
    account.own = {
      show: change.show ?? account.own.show,
      status: status === null ? null : status.slice(0, STATUS_MAX),
      priority: change.priority ?? account.own.priority,
    };
    if (!account.online || !account.client) return account.own;
    if (account.own.show === 'offline') {
      await this.goOffline(account);
    } else {
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

  directedTo(accountId: string): string[] {
    return [...(this.accounts.get(accountId)?.directed ?? [])];
  }

  tracker(accountId: string): PresenceTracker | undefined {
    return this.accounts.get(accountId)?.tracker;
  }

  errorOf(accountId: string, bare: string): PresenceError | undefined {
    return this.accounts.get(accountId)?.tracker.errorOf(bare);
  }

  /** Returns true when the stanza was presence this feature owns (consumed). */
  private handle(accountId: string, account: AccountPresence, stanza: Element): boolean {
    const parsed = parsePresence(stanza, this.now());
    switch (parsed.kind) {
      case 'available':
        if (account.tracker.available(parsed.bare, parsed.presence)) {
          this.deps.onContactChanged(accountId, parsed.bare);
        } else {
          this.deps.log.warn('too many resources; presence ignored', { from: parsed.bare });
        }
        return true;
      case 'unavailable': {
        const known = account.tracker.resources(parsed.bare)?.has(parsed.resource) ?? false;
        account.tracker.unavailable(parsed.bare, parsed.resource);
        if (known) {
          this.deps.onLastSeen?.(accountId, parsed.bare, {
            resource: parsed.resource,
            at: parsed.at,
            status: parsed.status,
          });
          this.deps.onContactChanged(accountId, parsed.bare);
        }
        return true;
      }
      case 'error':
        account.tracker.error(parsed.bare, { condition: parsed.condition, text: parsed.text, since: parsed.at });
        this.deps.onContactChanged(accountId, parsed.bare);
        return true;
      case 'probe': {
        // Servers answer probes themselves; one that reaches us gets an answer only if it may see us.
        const subscription = this.deps.subscriptionOf(accountId, parsed.bare);
        if ((subscription === 'from' || subscription === 'both') && account.online && account.own.show !== 'offline') {
          void this.sendOwn(account, parsed.from).catch(() => {});
        } else {
          this.deps.log.info('probe ignored: sender may not see our presence', { from: parsed.bare });
        }
        return true;
      }
      case 'invalid':
        this.deps.log.warn('invalid presence ignored', { reason: parsed.reason });
        return true;
      case 'muc':
      case 'subscription':
        return false;
    }
  }

  private forget(accountId: string, account: AccountPresence): void {
    const gone = [...account.tracker.knownJids()];
    account.tracker.clear();
    for (const bare of gone) this.deps.onContactChanged(accountId, bare);
  }

  private async goOffline(account: AccountPresence): Promise<void> {
    const client = account.client;
    if (!client) return;
    for (const to of account.directed) await client.send(xml('presence', { to, type: 'unavailable' }));
    account.directed.clear();
    await client.send(xml('presence', { type: 'unavailable' }));
  }

  private sendOwn(account: AccountPresence, to: string | null): Promise<unknown> {
    const { show, status, priority } = account.own;
    const stanza = xml(
      'presence',
      to ? { to } : {},
      show !== 'available' && show !== 'offline' ? xml('show', {}, show) : null,
      status ? xml('status', {}, status) : null,
      priority !== 0 ? xml('priority', {}, String(priority)) : null,
    );
    return account.client?.send(stanza) ?? Promise.resolve();
  }
}
