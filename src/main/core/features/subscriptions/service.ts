/**
 * Presence subscriptions (RFC 6121 §3): the request inbox, the per-account policy, and
 * what the explainer needs beyond the roster.
 *
 * - State = the roster's subscription + ask (from roster pushes, never from presence) + pending in
 *   (incoming requests, persisted here). A request redelivered at login updates its row but is not
 *   new: no event unless nick or message changed, never a dialog.
 * - Policies: ask (inbox), accept, accept and subscribe back, deny; independently, accept a request
 *   from someone we asked ourselves. No loops: we subscribe back only when we neither see their
 *   status nor have asked, and every automatic answer to one JID is limited per session.
 * - Spoofing: the sender must be a valid JID other than ours. `subscribed` from someone we never
 *   asked is ignored; `unsubscribed` changes nothing by itself: the roster push that follows does
 *   (and then the note says "declined" or "stopped sharing").
 * - Blocking (XEP-0191, the blocking feature) when the server offers it; block also denies.
 */
import { bareJid, normalizeJid } from '../../../../shared/jid';
import xml, { type Element } from '@xmpp/xml';
import {
  NICK_MAX,
  STATUS_TEXT_MAX,
  type ParsedInput,
  type RosterItemView,
  type SubscriptionNoteView,
  type SubscriptionPolicyView,
  type SubscriptionRequestView,
  type SubscriptionRespondResult,
} from '../../../../shared/contract';
import { appError, fail, failIn, ok, type AppError, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener, AccountManager } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus } from '../../events';
import { rateLimited, type Logger, type RateLimitedLogger } from '../../log';
import type { SubscriptionsRepository } from '../../store/subscriptions-repo';
import type { RosterFetchChange, RosterService } from '../roster/service';
import { capText } from '../../util/text';
import { NS_NICK } from '../../xmpp/ns';
import { lookalikeIndex, lookalikeOf, type LookalikeIndex } from './lookalike';
import type { BlockingService } from '../blocking/service';
import { requestFailure } from '../../util/stanza-errors';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import { takeStanzas } from '../../accounts/take-stanzas';

/** Automatic answers to one JID per session before the inbox takes over (a loop breaker). */
export const AUTO_ANSWERS_PER_JID = 3;
/** Queued request writes are flushed this often (one transaction each). */
export const REQUEST_FLUSH_MS = 100;

const DEFAULT_POLICY = { incoming: 'ask', acceptAsked: true } as const;

type SubscriptionType = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';

/** Counters for tests and diagnostics. */
export interface SubscriptionStats {
  received: number;
  dropped: number;
  autoAnswers: number;
  sent: number;
}

interface AccountSubscriptions {
  accountId: string;
  xmpp: SessionXmpp | null;
  /** Our own bare JID, once known. */
  ownJid: string | null;
  requests: Map<string, SubscriptionRequestView>;
  notes: Map<string, SubscriptionNoteView>;
  policy: SubscriptionPolicyView;
  /** Automatic answers sent per JID in this session. */
  autoAnswers: Map<string, number>;
  /** JIDs we just asked to stop seeing (our own unsubscribe): the lost 'to' is not "they revoked". */
  ownUnsubscribes: Set<string>;
  /** Skeletons of contacts' names and localparts, built on demand, dropped on roster change. */
  lookalikes: LookalikeIndex | null;
  stats: SubscriptionStats;
}

/** What subscriptions need from the roster: its items, their changes, and roster sets. */
export type SubscriptionRoster = Pick<RosterService, 'item' | 'itemsOf' | 'onItemChanged' | 'update'>;

export interface SubscriptionServiceOptions {
  repo: SubscriptionsRepository;
  roster: SubscriptionRoster;
  accounts: Pick<AccountManager, 'list'>;
  /** Whether the server offers blocking, and the block requests (XEP-0191 has one owner). */
  blocking: Pick<BlockingService, 'supported' | 'blockMany'>;
  bus: EventBus;
  log: Logger;
  now?: () => number;
}

export class SubscriptionService implements AccountLifecycleListener {
  private readonly repo: SubscriptionsRepository;
  private readonly roster: SubscriptionRoster;
  private readonly accountManager: Pick<AccountManager, 'list'>;
  private readonly blocking: Pick<BlockingService, 'supported' | 'blockMany'>;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly floodLog: RateLimitedLogger;
  private readonly now: () => number;
  private readonly accounts = new Map<string, AccountSubscriptions>();
  private readonly unsubscribeRoster: () => void;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SubscriptionServiceOptions) {
    this.repo = options.repo;
    this.roster = options.roster;
    this.accountManager = options.accounts;
    this.blocking = options.blocking;
    this.bus = options.bus;
    this.log = options.log;
    this.floodLog = rateLimited(options.log);
    this.now = options.now ?? Date.now;
    for (const policy of this.repo.loadPolicies()) this.state(policy.accountId).policy = policy;
    for (const stored of this.repo.loadRequests()) {
      this.state(stored.accountId).requests.set(stored.jid, { ...stored, lookalikeOf: null });
    }
    for (const note of this.repo.loadNotes()) this.state(note.accountId).notes.set(note.jid, note);
    this.unsubscribeRoster = this.roster.onItemChanged(
      (accountId, before, after) => this.rosterChanged(this.state(accountId), before, after),
      (accountId, change) => this.rosterFetched(accountId, change),
    );
  }

  // ---------- views ----------

  requests(): SubscriptionRequestView[] {
    const all: SubscriptionRequestView[] = [];
    for (const state of this.accounts.values()) for (const request of state.requests.values()) all.push(request);
    return all;
  }

  policies(): SubscriptionPolicyView[] {
    return this.accountManager.list().map((account) => this.state(account.id).policy);
  }

  notes(): SubscriptionNoteView[] {
    const all: SubscriptionNoteView[] = [];
    for (const state of this.accounts.values()) for (const note of state.notes.values()) all.push(note);
    return all;
  }

  /** Pending requests over every account (the tray shows it). */
  pendingCount(): number {
    let count = 0;
    for (const state of this.accounts.values()) count += state.requests.size;
    return count;
  }

  stats(accountId: string): SubscriptionStats | null {
    const state = this.accounts.get(accountId);
    return state ? { ...state.stats } : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    takeStanzas(xmpp, (stanza) => {
      if (stanza.name !== 'presence' || !isSubscriptionType(stanza.attrs.type)) return false;
      this.receive(accountId, stanza);
      return true;
    });
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const state = this.state(accountId);
    state.xmpp = online.xmpp;
    state.ownJid = online.xmpp.jid ? normalizeJid(online.xmpp.jid.bare().toString()) : null;
    if (online.resumed) return;
    state.autoAnswers.clear();
  }

  onOffline(accountId: string): void {
    const state = this.accounts.get(accountId);
    if (state) state.xmpp = null;
  }

  onRemoved(accountId: string): void {
    // The rows went with the account (ON DELETE CASCADE); queued writes for it must not follow.
    this.repo.dropQueued(accountId);
    this.accounts.delete(accountId);
  }

  close(): void {
    this.unsubscribeRoster();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.repo.flush();
  }

  // ---------- incoming ----------

  /** Handles one subscription presence (subscribe, subscribed, unsubscribe, unsubscribed). */
  receive(accountId: string, stanza: Element): void {
    const state = this.state(accountId);
    state.stats.received++;
    const type = stanza.attrs.type as SubscriptionType;
    const from = typeof stanza.attrs.from === 'string' ? normalizeJid(stanza.attrs.from) : null;
    if (from === null) {
      state.stats.dropped++;
      this.floodLog.warn('subscription.invalid-from', 'subscription presence from an invalid JID dropped', {
        accountId,
        type,
        from: String(stanza.attrs.from ?? '').slice(0, 200),
      });
      return;
    }
    const bare = bareJid(from);
    if (bare === state.ownJid) {
      state.stats.dropped++;
      this.log.info('subscription presence from our own JID ignored', { accountId, type });
      return;
    }
    try {
      switch (type) {
        case 'subscribe':
          return this.onSubscribe(state, bare, stanza);
        case 'subscribed':
          return this.onSubscribed(state, bare);
        case 'unsubscribe':
          return this.onUnsubscribe(state, bare);
        case 'unsubscribed':
          // RFC 6121 §3.2: the roster push that follows changes the state (see rosterChanged).
          this.log.info('unsubscribed received; waiting for the roster push', { accountId, from: bare });
          return;
      }
    } catch (error) {
      this.log.error('subscription presence could not be handled', { accountId, type, error });
    }
  }

  private onSubscribe(state: AccountSubscriptions, bare: string, stanza: Element): void {
    const item = this.roster.item(state.accountId, bare);
    if (item && (item.subscription === 'from' || item.subscription === 'both')) {
      // Already approved (servers normally answer this themselves): confirm, never ask the user again.
      this.autoAnswer(state, bare, ['subscribed'], 'already approved');
      return;
    }
    const asked = this.weAsked(state, bare, item);
    const policy = state.policy;
    if (asked && policy.acceptAsked) {
      if (this.autoAnswer(state, bare, ['subscribed'], 'we asked them')) return;
    } else if (policy.incoming === 'accept') {
      if (this.autoAnswer(state, bare, ['subscribed'], 'policy accept')) return;
    } else if (policy.incoming === 'accept-subscribe') {
      // Subscribe back only when we neither see their status nor have asked: that is what ends loops.
      const back = asked || item?.subscription === 'to' ? [] : (['subscribe'] as const);
      if (this.autoAnswer(state, bare, ['subscribed', ...back], 'policy accept and subscribe back')) return;
    } else if (policy.incoming === 'deny') {
      if (this.autoAnswer(state, bare, ['unsubscribed'], 'policy deny')) return;
    }
    this.storeRequest(state, bare, stanza);
  }

  private onSubscribed(state: AccountSubscriptions, bare: string): void {
    const item = this.roster.item(state.accountId, bare);
    if (!this.weAsked(state, bare, item)) {
      state.stats.dropped++;
      this.floodLog.warn('subscription.unasked-subscribed', 'subscribed from a JID we never asked ignored', {
        accountId: state.accountId,
        from: bare,
      });
      return;
    }
    // The roster push carries the new state; the note forgets an earlier refusal.
    const note = state.notes.get(bare);
    if (note?.ended) this.saveNote(state, { ...note, ended: null, endedAt: null });
  }

  private onUnsubscribe(state: AccountSubscriptions, bare: string): void {
    // They withdrew their request, or stopped seeing our status (the roster push follows for that).
    if (state.requests.has(bare)) this.removeRequest(state, bare);
  }

  /** We asked to see their status and have no answer yet (or they accepted: 'to'). */
  private weAsked(state: AccountSubscriptions, bare: string, item: RosterItemView | undefined): boolean {
    if (item?.pendingOut || item?.subscription === 'to' || item?.subscription === 'both') return true;
    const note = state.notes.get(bare);
    return note !== undefined && note.askedAt !== null && note.ended === null;
  }

  /**
   * Sends an automatic answer unless this JID already had its share this session; returns false
   * when the request should go to the inbox instead.
   */
  private autoAnswer(
    state: AccountSubscriptions,
    bare: string,
    types: readonly SubscriptionType[],
    reason: string,
  ): boolean {
    const xmpp = onlineClient(state.xmpp);
    const count = state.autoAnswers.get(bare) ?? 0;
    if (!xmpp || count >= AUTO_ANSWERS_PER_JID) {
      if (xmpp)
        this.floodLog.warn('subscription.auto-cap', 'too many automatic answers to one JID; left to the user', {
          from: bare,
        });
      return false;
    }
    state.autoAnswers.set(bare, count + 1);
    state.stats.autoAnswers++;
    this.log.info('subscription request answered automatically', { accountId: state.accountId, from: bare, reason });
    for (const type of types) {
      if (type === 'subscribe') this.asked(state, bare);
      void this.sendPresence(state, xmpp, bare, type).catch(() => {});
    }
    if (state.requests.has(bare)) this.removeRequest(state, bare);
    return true;
  }

  private storeRequest(state: AccountSubscriptions, bare: string, stanza: Element): void {
    const nickText = stanza.getChildText('nick', NS_NICK);
    const statusText = stanza.getChildText('status');
    const existing = state.requests.get(bare);
    // A redelivery may carry less (ejabberd drops the nick): what it leaves out keeps its stored value.
    const nick = nickText?.trim() ? capText(nickText.trim(), NICK_MAX) : (existing?.nick ?? null);
    const message = statusText?.trim() ? capText(statusText, STATUS_TEXT_MAX) : (existing?.message ?? null);
    if (existing && existing.nick === nick && existing.message === message) return; // a redelivery
    const request: SubscriptionRequestView = {
      accountId: state.accountId,
      jid: bare,
      nick,
      message,
      receivedAt: existing?.receivedAt ?? this.now(),
      lookalikeOf: nick === null ? null : this.lookalikeOf(state, bare, nick),
    };
    state.requests.set(bare, request);
    this.repo.queuePut({ accountId: request.accountId, jid: bare, nick, message, receivedAt: request.receivedAt });
    this.scheduleFlush();
    this.bus.emit({ type: 'subscription.request', request });
  }

  private removeRequest(state: AccountSubscriptions, bare: string): void {
    if (!state.requests.delete(bare)) return;
    this.repo.queueRemove(state.accountId, bare);
    this.scheduleFlush();
    this.bus.emit({ type: 'subscription.requestRemoved', accountId: state.accountId, jid: bare });
  }

  /** The name of a contact (other than `bare`) that `nick` imitates, or null (the index is built on demand). */
  private lookalikeOf(state: AccountSubscriptions, bare: string, nick: string): string | null {
    state.lookalikes ??= lookalikeIndex(this.roster.itemsOf(state.accountId));
    return lookalikeOf(state.lookalikes, bare, nick);
  }

  // ---------- roster changes ----------

  /** A full fetch's difference in one call: a new item matters only to a request, note or unsubscribe of ours. */
  private rosterFetched(accountId: string, change: RosterFetchChange): void {
    const state = this.state(accountId);
    state.lookalikes = null;
    if (change.allNew && !state.requests.size && !state.notes.size && !state.ownUnsubscribes.size) return;
    for (const item of change.removed) this.rosterChanged(state, item, undefined);
    for (const item of change.changed) this.rosterChanged(state, change.before(item.jid), item);
  }

  private rosterChanged(state: AccountSubscriptions, before?: RosterItemView, after?: RosterItemView): void {
    const { accountId } = state;
    state.lookalikes = null;
    const jid = (after ?? before)!.jid;
    if (after && (after.subscription === 'from' || after.subscription === 'both') && state.requests.has(jid)) {
      // Approved by another of our clients.
      this.removeRequest(state, jid);
    }
    const note = state.notes.get(jid);
    if (!after) {
      if (note) this.saveNote(state, { ...note, askedAt: null, endedAt: null, ended: null });
      state.ownUnsubscribes.delete(jid);
      return;
    }
    const sawBefore = before?.subscription === 'to' || before?.subscription === 'both';
    const seesNow = after.subscription === 'to' || after.subscription === 'both';
    const ours = state.ownUnsubscribes.has(jid);
    if (seesNow) {
      state.ownUnsubscribes.delete(jid);
      if (note?.ended) this.saveNote(state, { ...note, ended: null, endedAt: null });
    } else if (sawBefore || (before?.pendingOut && !after.pendingOut)) {
      state.ownUnsubscribes.delete(jid);
      const base = note ?? { accountId, jid, askedAt: null, endedAt: null, ended: null };
      if (ours) this.saveNote(state, { ...base, ended: null, endedAt: null });
      else this.saveNote(state, { ...base, ended: sawBefore ? 'revoked' : 'declined', endedAt: this.now() });
    }
  }

  // ---------- commands ----------

  async respond(input: ParsedInput<'subscription.respond'>): Promise<Result<SubscriptionRespondResult>> {
    const state = this.state(input.accountId);
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return notConnected();
    if (input.action === 'block' && !this.blocking.supported(input.accountId)) {
      return fail('forbidden', 'subscription.noBlocking');
    }
    const jids = [...new Set(input.jids)];
    const done: string[] = [];
    const failed: { jid: string; error: AppError }[] = [];
    const pending = jids.filter((jid) => {
      if (state.requests.has(jid)) return true;
      failed.push({ jid, error: appError('not_found', 'subscription.requestGone') });
      return false;
    });

    if (input.action === 'accept-add') {
      for (const jid of pending) {
        const added = await this.roster.update({
          accountId: input.accountId,
          jid,
          name: input.name ?? state.requests.get(jid)?.nick ?? null,
          groups: input.groups,
        });
        if (!added.ok) {
          failed.push({ jid, error: added.error });
          continue;
        }
        done.push(jid);
      }
    } else {
      done.push(...pending);
    }

    const answer: SubscriptionType =
      input.action === 'accept' || input.action === 'accept-add' ? 'subscribed' : 'unsubscribed';
    const sent = await Promise.all(
      done.map(async (jid): Promise<{ jid: string; error: AppError } | null> => {
        try {
          await this.sendPresence(state, xmpp, jid, answer);
          if (input.action === 'accept-add') {
            const item = this.roster.item(input.accountId, jid);
            if (!this.weAsked(state, jid, item)) {
              this.asked(state, jid);
              await this.sendPresence(state, xmpp, jid, 'subscribe');
            }
          }
          this.removeRequest(state, jid);
          return null;
        } catch {
          return { jid, error: appError('not_connected', 'subscription.answerNotSent') };
        }
      }),
    );
    const sendFailures = sent.filter((entry): entry is { jid: string; error: AppError } => entry !== null);
    const failedSend = new Set(sendFailures.map((entry) => entry.jid));
    const answered = done.filter((jid) => !failedSend.has(jid));
    // Blocked after the refusal went out: the server would not deliver it to a blocked JID.
    if (input.action === 'block') failed.push(...(await this.block(input.accountId, xmpp, answered)));
    const failedNow = new Set(failed.map((entry) => entry.jid));
    return ok({ done: answered.filter((jid) => !failedNow.has(jid)), failed: [...failed, ...sendFailures] });
  }

  async add(input: ParsedInput<'subscription.add'>): Promise<Result<{ existing: boolean }>> {
    const state = this.state(input.accountId);
    const xmpp = onlineClient(state.xmpp);
    if (this.roster.item(input.accountId, input.jid)) return ok({ existing: true });
    if (input.jid === (state.ownJid ?? this.ownBareJid(input.accountId))) {
      return failIn('jid', 'invalid_input', 'subscription.ownAddress');
    }
    if (!xmpp) return notConnected();
    const set = await this.roster.update({
      accountId: input.accountId,
      jid: input.jid,
      name: input.name ?? null,
      groups: input.groups ?? [],
    });
    if (!set.ok) return set;
    this.asked(state, input.jid);
    const nick = input.nick ? xml('nick', { xmlns: NS_NICK }, input.nick) : null;
    const status = input.message ? xml('status', {}, input.message) : null;
    try {
      await this.send(state, xmpp, xml('presence', { to: input.jid, type: 'subscribe' }, nick, status));
    } catch {
      return fail('not_connected', 'subscription.requestNotSent');
    }
    return ok({ existing: false });
  }

  async change(input: ParsedInput<'subscription.change'>): Promise<Result<null>> {
    const state = this.state(input.accountId);
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return notConnected();
    try {
      switch (input.action) {
        case 'request': {
          this.asked(state, input.jid);
          const status = input.message ? xml('status', {}, input.message) : null;
          await this.send(state, xmpp, xml('presence', { to: input.jid, type: 'subscribe' }, status));
          break;
        }
        case 'unsubscribe':
          state.ownUnsubscribes.add(input.jid);
          await this.sendPresence(state, xmpp, input.jid, 'unsubscribe');
          break;
        case 'revoke':
          await this.sendPresence(state, xmpp, input.jid, 'unsubscribed');
          this.removeRequest(state, input.jid);
          break;
      }
    } catch {
      return fail('not_connected', 'subscription.changeNotSent');
    }
    return ok(null);
  }

  setPolicy(input: ParsedInput<'subscription.setPolicy'>): Result<SubscriptionPolicyView> {
    if (!this.accountManager.list().some((account) => account.id === input.accountId)) {
      return fail('not_found', 'account.notFound');
    }
    const state = this.state(input.accountId);
    const policy: SubscriptionPolicyView = {
      accountId: input.accountId,
      incoming: input.incoming ?? state.policy.incoming,
      acceptAsked: input.acceptAsked ?? state.policy.acceptAsked,
    };
    this.repo.savePolicy(policy);
    state.policy = policy;
    this.bus.emit({ type: 'subscription.policy', policy });
    return ok(policy);
  }

  // ---------- helpers ----------

  /** Records that we asked to see `bare`'s status now. */
  private asked(state: AccountSubscriptions, bare: string): void {
    this.saveNote(state, { accountId: state.accountId, jid: bare, askedAt: this.now(), endedAt: null, ended: null });
  }

  private saveNote(state: AccountSubscriptions, note: SubscriptionNoteView): void {
    this.repo.saveNote(note);
    if (note.askedAt === null && note.endedAt === null && note.ended === null) state.notes.delete(note.jid);
    else state.notes.set(note.jid, note);
    this.bus.emit({ type: 'subscription.note', note });
  }

  private sendPresence(state: AccountSubscriptions, xmpp: SessionXmpp, to: string, type: SubscriptionType) {
    return this.send(state, xmpp, xml('presence', { to, type }));
  }

  private async send(state: AccountSubscriptions, xmpp: SessionXmpp, stanza: Element): Promise<void> {
    state.stats.sent++;
    await xmpp.send(stanza);
  }

  /** Blocks `jids` (the blocking feature); returns the JIDs that could not be blocked, with the reason. */
  private async block(
    accountId: string,
    xmpp: SessionXmpp,
    jids: string[],
  ): Promise<{ jid: string; error: AppError }[]> {
    const { failed } = await this.blocking.blockMany(accountId, xmpp, jids);
    if (!failed) return [];
    const cause = requestFailure(failed.cause, { action: 'subscription.block' });
    const notBlocked = appError(cause.code, 'subscription.notBlocked', { cause });
    return failed.jids.map((jid) => ({ jid, error: notBlocked }));
  }

  private ownBareJid(accountId: string): string | null {
    return this.accountManager.list().find((account) => account.id === accountId)?.jid ?? null;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      try {
        this.repo.flush();
      } catch (error) {
        this.log.error('subscription requests could not be stored', { error });
      }
    }, REQUEST_FLUSH_MS);
  }

  private state(accountId: string): AccountSubscriptions {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = {
        accountId,
        xmpp: null,
        ownJid: null,
        requests: new Map(),
        notes: new Map(),
        policy: { accountId, ...DEFAULT_POLICY },
        autoAnswers: new Map(),
        ownUnsubscribes: new Set(),
        lookalikes: null,
        stats: { received: 0, dropped: 0, autoAnswers: 0, sent: 0 },
      };
      this.accounts.set(accountId, state);
    }
    return state;
  }
}

function isSubscriptionType(type: unknown): type is SubscriptionType {
  return type === 'subscribe' || type === 'subscribed' || type === 'unsubscribe' || type === 'unsubscribed';
}

function notConnected(): Result<never> {
  return fail('not_connected', 'subscription.notConnected');
}
