/**
 * Blocking (XEP-0191), the one owner of it: whether the server offers blocking, the block list
 * (fetched on every new session, which also asks the server for pushes), block and unblock of one or
 * many addresses (the subscription inbox blocks through `blockMany` too), and the pushes our other
 * clients' changes cause, applied live.
 *
 * - A push is believed only from our own bare JID or without a `from` (the server on our behalf);
 *   anything else is refused with <service-unavailable/> and changes nothing.
 * - A push that arrives while the list is being fetched is applied after the fetched list (the reply
 *   and the push can be read in one chunk, and the push is newer).
 * - Our own changes are applied when the server confirms them; the push that follows changes nothing
 *   more. The whole list goes to the renderer after each change (`blocklist.changed`, one per flush).
 */
import xml, { type Element } from '@xmpp/xml';
import type { BlocklistView } from '../../../../shared/control';
import { formatJid, normalizeJid, parseJid } from '../../../../shared/jid';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus } from '../../events';
import { rateLimited, type Logger, type RateLimitedLogger } from '../../log';
import { background } from '../../util/background';
import { requestError, stanzaErrorElement } from '../../util/stanza-errors';
import { NS_BLOCKING, NS_DISCO_INFO } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** Addresses per block or unblock request. */
export const BLOCK_CHUNK = 500;

interface AccountBlocklist {
  accountId: string;
  xmpp: SessionXmpp | null;
  supported: boolean;
  /** Null until fetched in this process. */
  blocked: Set<string> | null;
  /** Pushes read while the list was being fetched, applied after it. */
  queued: Element[] | null;
  /** Bumped per fetch: an older fetch's answer is dropped. */
  fetchToken: number;
}

/** The addresses a block request could not cover, with what the request failed with (those before them were blocked). */
export interface BlockOutcome {
  blocked: string[];
  failed: { jids: string[]; cause: unknown } | null;
}

export interface BlockingServiceOptions {
  bus: EventBus;
  log: Logger;
}

/** A block list address: any JID (bare, full, a domain), normalized; null when it is not one. */
export function blockedJid(raw: string): string | null {
  const parsed = parseJid(raw);
  return 'error' in parsed ? null : formatJid(parsed.jid);
}

export class BlockingService implements AccountLifecycleListener {
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly floodLog: RateLimitedLogger;
  private readonly accounts = new Map<string, AccountBlocklist>();

  constructor(options: BlockingServiceOptions) {
    this.bus = options.bus;
    this.log = options.log;
    this.floodLog = rateLimited(options.log);
  }

  // ---------- views ----------

  supported(accountId: string): boolean {
    return this.accounts.get(accountId)?.supported ?? false;
  }

  /** Account ids whose server offers blocking. */
  blockingAccounts(): string[] {
    return [...this.accounts.values()].filter((state) => state.supported).map((state) => state.accountId);
  }

  /** Every block list known in this process. */
  views(): BlocklistView[] {
    return [...this.accounts.values()].flatMap((state) =>
      state.blocked ? [{ accountId: state.accountId, blocked: [...state.blocked] }] : [],
    );
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    xmpp.iqCallee.set(NS_BLOCKING, 'block', (ctx) => this.onPush(accountId, xmpp, ctx.stanza, ctx.element));
    xmpp.iqCallee.set(NS_BLOCKING, 'unblock', (ctx) => this.onPush(accountId, xmpp, ctx.stanza, ctx.element));
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const state = this.state(accountId);
    state.xmpp = online.xmpp;
    // A resumed stream missed no push (they are redelivered); a new one refetches.
    if (online.resumed && state.blocked !== null) return;
    background(this.discover(state, online.xmpp), this.log, 'block list');
  }

  onOffline(accountId: string): void {
    const state = this.accounts.get(accountId);
    if (!state) return;
    state.xmpp = null;
    state.queued = null;
    state.fetchToken++;
  }

  onRemoved(accountId: string): void {
    this.accounts.delete(accountId);
  }

  // ---------- commands ----------

  /** Fetches the list from the server now. */
  async list(accountId: string): Promise<Result<string[]>> {
    const state = this.state(accountId);
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return fail('not_connected', 'blocking.notConnected');
    if (!state.supported) return unsupported();
    const fetched = await this.fetch(state, xmpp);
    return fetched.ok ? ok([...(state.blocked ?? [])]) : fetched;
  }

  async block(accountId: string, jids: string[]): Promise<Result<null>> {
    const state = this.state(accountId);
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return fail('not_connected', 'blocking.notConnected');
    if (!state.supported) return unsupported();
    const outcome = await this.blockMany(accountId, xmpp, jids);
    return outcome.failed ? requestError(outcome.failed.cause, { action: 'blocking.block' }) : ok(null);
  }

  /** XEP-0191 block in chunks, for this module and the subscription inbox (block also refuses there). */
  async blockMany(accountId: string, xmpp: SessionXmpp, jids: string[]): Promise<BlockOutcome> {
    const state = this.state(accountId);
    const unique = [...new Set(jids)];
    for (let start = 0; start < unique.length; start += BLOCK_CHUNK) {
      const chunk = unique.slice(start, start + BLOCK_CHUNK);
      try {
        await xmpp.iqCaller.set(itemsElement('block', chunk), undefined, IQ_TIMEOUT_MS);
      } catch (error) {
        return { blocked: unique.slice(0, start), failed: { jids: unique.slice(start), cause: error } };
      }
      this.apply(state, 'block', chunk);
    }
    return { blocked: unique, failed: null };
  }

  /** Unblocks the given addresses, or everyone with 'all'. */
  async unblock(accountId: string, jids: string[] | 'all'): Promise<Result<null>> {
    const state = this.state(accountId);
    const xmpp = onlineClient(state.xmpp);
    if (!xmpp) return fail('not_connected', 'blocking.notConnected');
    if (!state.supported) return unsupported();
    const chunks: (string[] | 'all')[] = [];
    if (jids === 'all') chunks.push('all');
    else {
      const unique = [...new Set(jids)];
      for (let start = 0; start < unique.length; start += BLOCK_CHUNK)
        chunks.push(unique.slice(start, start + BLOCK_CHUNK));
    }
    for (const chunk of chunks) {
      try {
        await xmpp.iqCaller.set(itemsElement('unblock', chunk === 'all' ? [] : chunk), undefined, IQ_TIMEOUT_MS);
      } catch (error) {
        return requestError(error, { action: 'blocking.unblock' });
      }
      this.apply(state, 'unblock', chunk);
    }
    return ok(null);
  }

  // ---------- server ----------

  private async discover(state: AccountBlocklist, xmpp: SessionXmpp): Promise<void> {
    const domain = xmpp.jid?.domain;
    if (!domain) return;
    let supported = false;
    try {
      const info = await iqGet(xmpp, xml('query', { xmlns: NS_DISCO_INFO }), domain);
      supported = (info?.getChildren('feature') ?? []).some((feature) => feature.attrs.var === NS_BLOCKING);
    } catch (error) {
      this.log.info('server features unknown; blocking not offered', { accountId: state.accountId, error });
    }
    if (state.xmpp !== xmpp) return;
    if (state.supported !== supported) {
      state.supported = supported;
      this.bus.emit({ type: 'subscription.blocking', accountId: state.accountId, supported });
    }
    if (supported) await this.fetch(state, xmpp);
  }

  private async fetch(state: AccountBlocklist, xmpp: SessionXmpp): Promise<Result<null>> {
    const token = ++state.fetchToken;
    state.queued ??= [];
    let list: Element | undefined;
    try {
      list = await iqGet(xmpp, xml('blocklist', { xmlns: NS_BLOCKING }));
    } catch (error) {
      if (token === state.fetchToken) state.queued = null;
      return requestError(error, { action: 'blocking.list' });
    }
    if (token !== state.fetchToken || state.xmpp !== xmpp) return ok(null);
    const blocked = new Set<string>();
    for (const item of list?.getChildren('item') ?? []) {
      const jid = typeof item.attrs.jid === 'string' ? blockedJid(item.attrs.jid) : null;
      if (jid !== null) blocked.add(jid);
    }
    state.blocked = blocked;
    const queued = state.queued ?? [];
    state.queued = null;
    for (const push of queued) this.applyPush(state, push);
    this.changed(state);
    return ok(null);
  }

  private onPush(accountId: string, xmpp: SessionXmpp, stanza: Element, child: Element): Element | true {
    const from = stanza.attrs.from;
    const own = xmpp.jid ? normalizeJid(xmpp.jid.bare().toString()) : null;
    if (from !== undefined && (own === null || normalizeJid(from) !== own)) {
      this.floodLog.warn('blocklist.forged-push', 'ignored a block list push from another address', {
        accountId,
        from: String(from).slice(0, 200),
      });
      return stanzaErrorElement('cancel', 'service-unavailable');
    }
    const state = this.state(accountId);
    if (state.queued) state.queued.push(child);
    else if (state.blocked !== null) this.applyPush(state, child);
    return true;
  }

  private applyPush(state: AccountBlocklist, push: Element): void {
    const jids = push.getChildren('item').flatMap((item) => {
      const jid = typeof item.attrs.jid === 'string' ? blockedJid(item.attrs.jid) : null;
      return jid === null ? [] : [jid];
    });
    if (push.name === 'block') this.apply(state, 'block', jids);
    // An <unblock/> without items unblocks everyone; one whose items were all invalid unblocks no one.
    else if (push.getChildren('item').length === 0) this.apply(state, 'unblock', 'all');
    else this.apply(state, 'unblock', jids);
  }

  private apply(state: AccountBlocklist, action: 'block' | 'unblock', jids: string[] | 'all'): void {
    if (state.blocked === null) return;
    let changed = false;
    if (jids === 'all') {
      changed = state.blocked.size > 0;
      state.blocked.clear();
    } else {
      for (const jid of jids) {
        if (action === 'block' && !state.blocked.has(jid)) {
          state.blocked.add(jid);
          changed = true;
        } else if (action === 'unblock' && state.blocked.delete(jid)) changed = true;
      }
    }
    if (changed) this.changed(state);
  }

  private changed(state: AccountBlocklist): void {
    this.bus.emitLazy(`blocklist:${state.accountId}`, () =>
      state.blocked && this.accounts.get(state.accountId) === state
        ? { type: 'blocklist.changed', accountId: state.accountId, blocked: [...state.blocked] }
        : null,
    );
  }

  private state(accountId: string): AccountBlocklist {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { accountId, xmpp: null, supported: false, blocked: null, queued: null, fetchToken: 0 };
      this.accounts.set(accountId, state);
    }
    return state;
  }
}

function itemsElement(name: 'block' | 'unblock', jids: string[]): Element {
  return xml(name, { xmlns: NS_BLOCKING }, ...jids.map((jid) => xml('item', { jid })));
}

function unsupported(): Result<never> {
  return fail('forbidden', 'blocking.unsupported');
}
