/**
 * One-to-one and room messages (XEP-0479's core IM where it concerns messages; design §4–§5).
 *
 * - Outbox: a message is stored as 'queued' before any network write, becomes 'sent' when stream
 *   management acknowledges it (XEP-0198), 'delivered' on a receipt from the right JID (XEP-0184) or
 *   when the room reflects it, 'failed' on an error reply (retry sends it again). Messages typed while
 *   offline go out once, in order, when the account is back; a stream that could not be resumed puts
 *   unacknowledged ones back in the queue.
 * - Incoming: the sender must be a valid JID; room messages only from rooms we are in; a carbon
 *   (XEP-0280) only when its outer `from` is our own bare JID (CVE-2017-5589 class). Stored once:
 *   deduplicated by origin-id per sender or by the stanza-id our server or the room assigned.
 * - Times come from a valid <delay/> stamp, else the receive time; bodies are capped.
 */
import { bareJid, jidOf } from '../../../shared/jid';
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import {
  MESSAGE_BODY_MAX,
  type ChatState,
  type ConversationKind,
  type ConversationView,
  type MessageView,
  type ParsedInput,
  type Subscription,
} from '../../../shared/contract';
import { fail, ok, type Result } from '../../../shared/result';
import type { AccountLifecycleListener } from '../accounts/account-manager';
import type { SessionOnline } from '../accounts/session-api';
import { onlineClient, type SessionXmpp } from '../accounts/session';
import type { EventBus } from '../events';
import { delayTime, NS_DELAY } from '../util/delay-stamp';
import { rateLimited, type Logger, type RateLimitedLogger } from '../log';
import type { MessagesRepository, NewMessage, StoredMessage } from '../store/messages-repo';
import { storeFailureOf } from '../store/store-check';
import { movesForward, PendingWrites } from './chat-pending';
import { capText, normalizeBareJid, normalizeJid } from './roster-items';
import { background } from '../util/background';

export const NS_RECEIPTS = 'urn:xmpp:receipts';
export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_SID = 'urn:xmpp:sid:0';
export { NS_DELAY } from '../util/delay-stamp';
export const NS_CORRECT = 'urn:xmpp:message-correct:0';
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
const NS_HINTS = 'urn:xmpp:hints';
const CHAT_STATES: ReadonlySet<string> = new Set(['active', 'composing', 'paused', 'inactive', 'gone']);
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
/** Archive page size, and how many messages a first session (no marker yet) fetches. */
export const ARCHIVE_PAGE = 100;
/** Pages per catch-up before giving up (a runaway archive must not loop forever). */
const ARCHIVE_MAX_PAGES = 500;
/** After the store was rebuilt: how much history each archive gives back (2,000 messages, 30 days). */
const RESTORE_PAGES = 20;
const RESTORE_DAYS = 30;
const DAY_MS = 86_400_000;
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const IQ_TIMEOUT_MS = 20_000;
/** A <delay/> this far in the future is not believed. */

export interface ChatOptions {
  repo: MessagesRepository;
  bus: EventBus;
  log: Logger;
  /** True when `room` is a room the account is in (joined). */
  inRoom(accountId: string, room: string): boolean;
  /** Our nick in a joined room. */
  roomNick(accountId: string, room: string): string | null;
  /** The account's own bare JID (known before any connection). */
  accountJid(accountId: string): string | null;
  /** The roster subscription of a contact, for receipts (never tell a stranger we are online). */
  subscriptionOf(accountId: string, bare: string): Subscription | null;
  /** A new incoming message arrived live (not from the archive, not a duplicate): notify if appropriate. */
  onIncoming?(message: MessageView): void;
  /** An element to add to an outgoing message (e.g. jabber:x:oob for an uploaded file's address). */
  outgoingExtra?(message: StoredMessage): Element | null;
  /** A message write failed in the store (disk full, I/O error, damage): tell the user. */
  storeFailed?(error: unknown): void;
  /** Every write that had failed has now been made. */
  storeRecovered?(): void;
  /** How often writes that failed are tried again (ms). */
  storeRetryMs?: number;
  /** Accounts whose store was rebuilt: an archive with no marker is read back further than a new account's. */
  restoreHistoryOf?: ReadonlySet<string>;
  now?: () => number;
}

/** Counters for tests and diagnostics. */
export interface ChatStats {
  received: number;
  duplicates: number;
  dropped: number;
  sent: number;
}

interface AccountChat {
  accountId: string;
  xmpp: SessionXmpp | null;
  ownJid: string | null;
  /** Rows written in this stream and not yet acknowledged, by stanza id. */
  inFlight: Map<string, number>;
  /** The queue is being sent; a second flush waits for the next online. */
  flushing: boolean;
  /** Received messages of this loop turn, written together. */
  incoming: NewMessage[];
  /** A new session whose archive catch-up waits for our initial presence. */
  catchUpPending: boolean;
  /** Archive queries we opened and have not finished, by queryid ('' = our own archive, else a room). */
  queries: Map<string, { archive: string; received: number; page: NewMessage[] }>;
  stats: ChatStats;
}

export class ChatService implements AccountLifecycleListener {
  private readonly repo: MessagesRepository;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly floodLog: RateLimitedLogger;
  private readonly options: ChatOptions;
  private readonly now: () => number;
  private readonly accounts = new Map<string, AccountChat>();
  private readonly pending: PendingWrites;

  constructor(options: ChatOptions) {
    this.options = options;
    this.repo = options.repo;
    this.bus = options.bus;
    this.log = options.log;
    this.floodLog = rateLimited(options.log);
    this.now = options.now ?? Date.now;
    this.pending = new PendingWrites(
      () => this.retryStoreWrites(),
      () => options.storeRecovered?.(),
      options.storeRetryMs,
    );
  }

  conversations(): ConversationView[] {
    return this.repo.conversations();
  }

  /** Unread messages over every account (the tray shows it). */
  unreadTotal(): number {
    return this.repo.unreadTotal();
  }

  stats(accountId: string): ChatStats | null {
    const account = this.accounts.get(accountId);
    return account ? { ...account.stats } : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    const account = this.account(accountId);
    xmpp.middleware.use((ctx, next) => {
      if (ctx.stanza.name !== 'message') return next();
      try {
        return this.receive(account, ctx.stanza) ? undefined : next();
      } catch (error) {
        this.log.error('message could not be handled', { accountId, error });
        this.storeFailed(error, account, '');
        return undefined;
      }
    });
    xmpp.streamManagement.on('ack', (stanza: Element) => this.guard(() => this.acked(account, stanza)));
    xmpp.streamManagement.on('fail', (stanza: Element) => this.unacked(account, stanza));
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.account(accountId);
    account.xmpp = online.xmpp;
    account.ownJid = online.xmpp.jid ? normalizeJid(online.xmpp.jid.bare().toString()) : null;
    // A new stream resends nothing by itself: whatever was unacknowledged goes out again (same
    // origin-id, so receivers that saw it drop the copy). A resumed stream resends its own queue.
    if (!online.resumed) account.inFlight.clear();
    // A new session reads the archives again from their markers anyway.
    if (!online.resumed) this.pending.takeArchives(accountId);
    background(this.flush(account), this.log, 'sending the outbox');
    if (!online.resumed) {
      background(this.enableCarbons(account, online.xmpp), this.log, 'enabling carbons');
      // A resumed stream lost nothing; a new session catches up from the archive, once our initial
      // presence is out (sessionReady): until then the server archives messages instead of
      // delivering them, and one arriving between the query and our presence would be missed.
      account.catchUpPending = true;
    }
  }

  /** The session's roster is in and our initial presence went out (RosterService.onSessionReady). */
  sessionReady(accountId: string): void {
    const account = this.accounts.get(accountId);
    const xmpp = onlineClient(account?.xmpp);
    if (!account || !xmpp || !account.catchUpPending) return;
    account.catchUpPending = false;
    background(this.catchUp(account, xmpp), this.log, 'archive catch-up');
  }

  onOffline(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.xmpp = null;
    this.flushIncoming(account);
  }

  /** Writes what was received in this turn (before the store closes). */
  close(): void {
    this.pending.close();
    for (const account of this.accounts.values()) this.flushIncoming(account);
  }

  onRemoved(accountId: string): void {
    this.accounts.delete(accountId);
  }

  // ---------- commands ----------

  async send(input: ParsedInput<'message.send'>): Promise<Result<MessageView>> {
    if (input.replaces !== undefined) return this.correct(input, input.replaces);
    const target = conversationOf(input.conversation, input.kind);
    if (!target)
      return fail('invalid_input', 'That is not a valid address for this kind of conversation.', {
        conversation: 'Not a valid address.',
      });
    const account = this.account(input.accountId);
    if (input.kind === 'groupchat' && !this.options.inRoom(input.accountId, target)) {
      return fail('not_found', 'You are not in that room.');
    }
    const stanzaId = randomUUID();
    const stored = this.repo.add({
      accountId: input.accountId,
      conversation: target,
      kind: input.kind,
      direction: 'out',
      sender:
        input.kind === 'chat'
          ? (account.ownJid ?? this.options.accountJid(input.accountId) ?? '')
          : (this.options.roomNick(input.accountId, bareJid(target)) ?? ''),
      body: input.body,
      at: this.now(),
      state: 'queued',
      stanzaId,
      originId: stanzaId,
      serverId: null,
      resource: input.kind === 'chat' ? (input.resource ?? null) : null,
      read: true,
    });
    if (!stored) return fail('internal', 'The message could not be stored.');
    this.changed(stored);
    background(this.flush(account), this.log, 'sending the outbox');
    return ok(view(stored));
  }

  /**
   * XEP-0308: replaces the body of our message `id` in this conversation. A message still queued is
   * simply changed before it goes out; a sent one gets a correction stanza.
   */
  private async correct(input: ParsedInput<'message.send'>, id: number): Promise<Result<MessageView>> {
    const original = this.repo.get(id);
    const target = conversationOf(input.conversation, input.kind);
    if (
      !original ||
      original.accountId !== input.accountId ||
      original.direction !== 'out' ||
      original.conversation !== target
    ) {
      return fail('not_found', 'Only your own messages in this conversation can be corrected.');
    }
    const account = this.account(input.accountId);
    if (original.state !== 'queued' || account.inFlight.has(original.stanzaId)) {
      const xmpp = onlineClient(account.xmpp);
      if (!xmpp) return fail('not_connected', 'Connect the account to correct a message that was already sent.');
      const stanza = xml(
        'message',
        { to: original.conversation, type: original.kind === 'groupchat' ? 'groupchat' : 'chat', id: randomUUID() },
        xml('body', {}, input.body),
        xml('replace', { xmlns: NS_CORRECT, id: original.stanzaId }),
      );
      try {
        await xmpp.send(stanza);
      } catch {
        return fail('not_connected', 'The connection dropped before the correction was sent.');
      }
    }
    const updated = this.repo.correct(
      original.accountId,
      original.conversation,
      original.from,
      original.stanzaId,
      input.body,
    );
    if (!updated) return fail('not_found', 'That message is gone.');
    this.changed(updated);
    return ok(view(updated));
  }

  /** XEP-0085: our chat state, only to someone who may see our presence (or a room occupant). */
  async setChatState(input: ParsedInput<'chat.setState'>): Promise<Result<null>> {
    const target = conversationOf(input.conversation, input.kind);
    if (!target) return fail('invalid_input', 'That is not a valid address.');
    if (input.kind === 'chat') {
      const subscription = this.options.subscriptionOf(input.accountId, target);
      if (subscription !== 'from' && subscription !== 'both') return ok(null);
    }
    const xmpp = onlineClient(this.account(input.accountId).xmpp);
    if (!xmpp) return ok(null);
    await xmpp
      .send(
        xml(
          'message',
          { to: target, type: 'chat' },
          xml(input.state, { xmlns: NS_CHATSTATES }),
          xml('no-store', { xmlns: NS_HINTS }),
        ),
      )
      .catch(() => {});
    return ok(null);
  }

  async retry(input: ParsedInput<'message.retry'>): Promise<Result<MessageView>> {
    const message = this.repo.get(input.id);
    if (!message || message.accountId !== input.accountId || message.direction !== 'out') {
      return fail('not_found', 'There is no such message to send again.');
    }
    if (message.state !== 'failed') return ok(view(message));
    const queued = this.repo.setState(message.id, 'queued')!;
    this.changed(queued);
    background(this.flush(this.account(input.accountId)), this.log, 'sending the outbox');
    return ok(view(queued));
  }

  history(input: ParsedInput<'message.history'>): Result<MessageView[]> {
    return ok(this.repo.history(input.accountId, input.conversation, input.before, input.limit).map(view));
  }

  search(input: ParsedInput<'message.search'>): Result<MessageView[]> {
    return ok(this.repo.search(input.query, input.accountId, input.limit).map(view));
  }

  markRead(input: ParsedInput<'conversation.markRead'>): Result<null> {
    if (this.repo.markRead(input.accountId, input.conversation) > 0) {
      const conversation = this.repo.conversation(input.accountId, input.conversation);
      if (conversation) this.bus.emit({ type: 'conversation', conversation });
    }
    return ok(null);
  }

  // ---------- outbox ----------

  /** Sends every queued message of the account, in order, once. */
  private async flush(account: AccountChat): Promise<void> {
    if (account.flushing) return;
    account.flushing = true;
    try {
      for (const message of this.repo.queued(account.accountId)) {
        const xmpp = onlineClient(account.xmpp);
        if (!xmpp) return;
        if (account.inFlight.has(message.stanzaId)) continue; // resent by stream resumption
        if (this.pending.hasState(message.id)) continue; // answered; the answer waits to be stored
        if (message.kind === 'groupchat' && !this.options.inRoom(account.accountId, message.conversation)) continue;
        await this.transmit(account, xmpp, message);
      }
    } catch (error) {
      this.log.error('the outbox could not be sent', { accountId: account.accountId, error });
      this.storeFailed(error);
    } finally {
      account.flushing = false;
    }
  }

  private async transmit(account: AccountChat, xmpp: SessionXmpp, message: StoredMessage): Promise<void> {
    const to = jidOf(message.conversation, message.kind === 'chat' ? message.resource : null);
    const stanza = xml(
      'message',
      { to, type: message.kind === 'groupchat' ? 'groupchat' : 'chat', id: message.stanzaId },
      xml('body', {}, message.body),
      xml('origin-id', { xmlns: NS_SID, id: message.originId ?? message.stanzaId }),
      message.kind === 'chat' ? xml('request', { xmlns: NS_RECEIPTS }) : null,
      // XEP-0045 §7.5: a private message to an occupant says so.
      message.kind === 'pm' ? xml('x', { xmlns: NS_MUC_USER }) : null,
      // The original time for a message typed while offline (XEP-0203).
      this.now() - message.at > 10_000
        ? xml('delay', { xmlns: NS_DELAY, stamp: new Date(message.at).toISOString() })
        : null,
      this.options.outgoingExtra?.(message) ?? null,
    );
    account.inFlight.set(message.stanzaId, message.id);
    account.stats.sent++;
    try {
      await xmpp.send(stanza);
    } catch (error) {
      account.inFlight.delete(message.stanzaId);
      this.log.info('message not written; stays queued', { error });
      return;
    }
    if (!xmpp.streamManagement.enabled) {
      // Without stream management, written is all we can know.
      account.inFlight.delete(message.stanzaId);
      this.setState(message.id, 'sent');
    }
  }

  private acked(account: AccountChat, stanza: Element): void {
    if (stanza.name !== 'message') return;
    const id = account.inFlight.get(stanza.attrs.id);
    if (id === undefined) return;
    account.inFlight.delete(stanza.attrs.id);
    const current = this.repo.get(id);
    if (current?.state === 'queued') this.setState(id, 'sent');
  }

  /** The stream ended without resumption: the server may not have it; send again next time (same origin-id). */
  private unacked(account: AccountChat, stanza: Element): void {
    if (stanza.name !== 'message') return;
    account.inFlight.delete(stanza.attrs.id);
  }

  // ---------- incoming ----------

  /** Returns true when the message was handled (consumed). */
  private receive(account: AccountChat, stanza: Element): boolean {
    const result = stanza.getChild('result', NS_MAM);
    if (result) return this.archived(account, stanza, result);
    const from = typeof stanza.attrs.from === 'string' ? normalizeJid(stanza.attrs.from) : null;
    if (from === null) {
      account.stats.dropped++;
      this.floodLog.warn('chat.invalid-from', 'message from an invalid JID dropped', {
        from: String(stanza.attrs.from ?? '').slice(0, 200),
      });
      return true;
    }
    const bare = bareJid(from);

    const carbon = stanza.getChild('received', NS_CARBONS) ?? stanza.getChild('sent', NS_CARBONS);
    if (carbon) {
      if (bare !== account.ownJid || from !== bare) {
        account.stats.dropped++;
        this.floodLog.warn('chat.forged-carbon', 'forged carbon dropped', { from: from.slice(0, 200) });
        return true;
      }
      const inner = carbon.getChild('forwarded', NS_FORWARD)?.getChild('message');
      if (!inner) return true;
      if (carbon.name === 'received') return this.receive(account, inner);
      this.ownCarbon(account, inner);
      return true;
    }

    // A forward outside a carbon or an archive result is the sender's quote: never the inner sender's message.
    if (stanza.getChild('forwarded', NS_FORWARD))
      this.floodLog.warn('chat.bare-forward', 'ignoring unencapsulated forwarded message', {
        from: from.slice(0, 200),
      });
    if (stanza.attrs.type === 'error') return this.errorReply(account, bare, stanza);

    const receipt = stanza.getChild('received', NS_RECEIPTS);
    if (receipt && typeof receipt.attrs.id === 'string') {
      const id = this.repo.outgoingByStanzaId(account.accountId, bare, receipt.attrs.id);
      if (id !== null) this.setState(id, 'delivered');
      else
        this.floodLog.info('chat.stray-receipt', 'receipt for no message of ours from that JID ignored', {
          from: bare,
        });
      if (!stanza.getChild('body')) return true;
    }

    this.chatState(account, stanza, from, bare);
    const bodyText = stanza.getChildText('body');
    if (bodyText === null) return false; // markers, …: other features'
    const body = capText(bodyText, MESSAGE_BODY_MAX);

    if (stanza.attrs.type === 'groupchat') return this.roomMessage(account, stanza, from, bare, body);

    const slash = from.indexOf('/');
    const isPm =
      stanza.getChild('x', NS_MUC_USER) !== undefined && this.options.inRoom(account.accountId, bare) && slash !== -1;
    if (bare === account.ownJid && !isPm) {
      account.stats.dropped++;
      return true;
    }
    const kind: ConversationKind = isPm ? 'pm' : 'chat';
    const conversation = isPm ? from : bare;
    const sender = isPm ? from.slice(slash + 1) : bare;
    const replace = stanza.getChild('replace', NS_CORRECT)?.attrs.id;
    if (typeof replace === 'string' && this.corrected(account, conversation, sender, replace, body)) return true;
    this.store(account, stanza, {
      conversation,
      kind,
      direction: 'in',
      sender,
      body,
      state: 'received',
      serverId: this.serverId(stanza, account.ownJid),
    });
    this.answerReceipt(account, stanza, from, bare);
    return true;
  }

  /** XEP-0085 from a contact or a room occupant (private messages): shown as typing. */
  private chatState(account: AccountChat, stanza: Element, from: string, bare: string): void {
    if (stanza.attrs.type === 'groupchat' || stanza.attrs.type === 'error') return;
    const state = stanza.children.find(
      (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_CHATSTATES && CHAT_STATES.has(c.name),
    )?.name as ChatState | undefined;
    if (state === undefined || bare === account.ownJid) return;
    const slash = from.indexOf('/');
    const isPm =
      stanza.getChild('x', NS_MUC_USER) !== undefined && this.options.inRoom(account.accountId, bare) && slash !== -1;
    this.bus.emit({
      type: 'chat.typing',
      accountId: account.accountId,
      conversation: isPm ? from : bare,
      from: isPm ? from.slice(slash + 1) : bare,
      state,
    });
  }

  private roomMessage(account: AccountChat, stanza: Element, from: string, bare: string, body: string): boolean {
    const slash = from.indexOf('/');
    if (!this.options.inRoom(account.accountId, bare) || slash === -1) {
      account.stats.dropped++;
      this.floodLog.info(
        'chat.stray-room-message',
        'room message from a room we are not in (or from the room itself) dropped',
        { from: bare },
      );
      return true;
    }
    const nick = from.slice(slash + 1);
    const originId = stanza.getChild('origin-id', NS_SID)?.attrs.id;
    // Our own message reflected by the room: that is its delivery.
    if (nick === this.options.roomNick(account.accountId, bare) && typeof originId === 'string') {
      const own = this.repo.outgoingByOriginId(account.accountId, bare, originId);
      if (own !== null) {
        this.setState(own, 'delivered');
        return true;
      }
    }
    const replace = stanza.getChild('replace', NS_CORRECT)?.attrs.id;
    if (typeof replace === 'string' && this.corrected(account, bare, nick, replace, body)) return true;
    this.store(account, stanza, {
      conversation: bare,
      kind: 'groupchat',
      direction: 'in',
      sender: nick,
      body,
      state: 'received',
      serverId: this.serverId(stanza, bare),
    });
    return true;
  }

  /** A message another of our clients sent (carbon 'sent'): it belongs to the conversation with its recipient. */
  private ownCarbon(account: AccountChat, inner: Element): void {
    const to = typeof inner.attrs.to === 'string' ? normalizeJid(inner.attrs.to) : null;
    const bodyText = inner.getChildText('body');
    if (to === null || bodyText === null || inner.attrs.type === 'groupchat') return;
    const isPm = inner.getChild('x', NS_MUC_USER) !== undefined && to.includes('/');
    this.store(account, inner, {
      conversation: isPm ? to : bareJid(to),
      kind: isPm ? 'pm' : 'chat',
      direction: 'out',
      sender: account.ownJid ?? '',
      body: capText(bodyText, MESSAGE_BODY_MAX),
      state: 'sent',
      serverId: null,
    });
  }

  private errorReply(account: AccountChat, bare: string, stanza: Element): boolean {
    const id =
      typeof stanza.attrs.id === 'string'
        ? this.repo.outgoingByStanzaId(account.accountId, bare, stanza.attrs.id)
        : null;
    if (id === null) return true;
    account.inFlight.delete(stanza.attrs.id); // answered: a retry must send it again
    const error = stanza.getChild('error');
    const condition = error?.children.find(
      (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS,
    )?.name;
    const text = error?.getChildText('text', NS_STANZAS);
    this.setState(
      id,
      'failed',
      `The message was not delivered (${condition ?? 'error'})${text ? `: ${text.slice(0, 200)}` : '.'}`,
    );
    return true;
  }

  private corrected(
    account: AccountChat,
    conversation: string,
    sender: string,
    replaceId: string,
    body: string,
  ): boolean {
    this.flushIncoming(account); // the original may still be waiting in this turn
    const updated = this.repo.correct(account.accountId, conversation, sender, replaceId, body);
    if (!updated) return false;
    this.changed(updated);
    return true;
  }

  private store(
    account: AccountChat,
    stanza: Element,
    fields: Pick<NewMessage, 'conversation' | 'kind' | 'direction' | 'sender' | 'body' | 'state' | 'serverId'>,
  ): void {
    account.stats.received++;
    const stanzaId = typeof stanza.attrs.id === 'string' ? stanza.attrs.id : randomUUID();
    account.incoming.push({
      accountId: account.accountId,
      ...fields,
      at: delayTime(stanza, this.now()),
      stanzaId: stanzaId.slice(0, 256),
      originId: originIdOf(stanza),
      resource: null,
      read: fields.direction === 'out',
    });
    // Received messages of one loop turn (a room's history, a burst) share one transaction.
    if (account.incoming.length === 1) setImmediate(() => this.flushIncoming(account));
  }

  /** Writes the received messages waiting in this turn, then tells the UI (and maybe the desktop). */
  private flushIncoming(account: AccountChat): void {
    if (account.incoming.length === 0) return;
    const batch = account.incoming;
    account.incoming = [];
    try {
      this.announce(account, this.repo.addMany(batch), true);
    } catch (error) {
      // The server's archive still has them: read it again from its marker once storing works.
      this.log.error('received messages could not be stored', { accountId: account.accountId, error });
      const archives = new Set(batch.map((message) => (message.kind === 'groupchat' ? message.conversation : '')));
      for (const archive of archives) this.storeFailed(error, account, archive);
    }
  }

  /** Events for stored messages (duplicates counted), one conversation event per conversation. */
  private announce(account: AccountChat, stored: (StoredMessage | null)[], live: boolean): void {
    const conversations = new Set<string>();
    for (const message of stored) {
      if (!message) {
        account.stats.duplicates++;
        continue;
      }
      this.bus.emit({ type: 'message', message: view(message) });
      conversations.add(message.conversation);
      if (live && message.direction === 'in') this.options.onIncoming?.(view(message));
    }
    for (const id of conversations) {
      const conversation = this.repo.conversation(account.accountId, id);
      if (conversation) this.bus.emit({ type: 'conversation', conversation });
    }
  }

  /** XEP-0359 stanza-id, believed only when `by` is the entity that assigns it (our account or the room). */
  /** The stanza-id `by` assigned; none when two claim it (the archive strips others', so one is forged). */
  private serverId(stanza: Element, by: string | null): string | null {
    if (by === null) return null;
    const ids = stanza.getChildren('stanza-id', NS_SID).filter((child) => child.attrs.by === by);
    return ids.length === 1 && typeof ids[0].attrs.id === 'string' ? ids[0].attrs.id.slice(0, 256) : null;
  }

  private answerReceipt(account: AccountChat, stanza: Element, from: string, bare: string): void {
    if (!stanza.getChild('request', NS_RECEIPTS) || typeof stanza.attrs.id !== 'string') return;
    const subscription = this.options.subscriptionOf(account.accountId, bare);
    if (subscription !== 'from' && subscription !== 'both') return; // a receipt would tell a stranger we are here
    const xmpp = onlineClient(account.xmpp);
    void xmpp
      ?.send(
        xml('message', { to: from, id: randomUUID() }, xml('received', { xmlns: NS_RECEIPTS, id: stanza.attrs.id })),
      )
      .catch(() => {});
  }

  // ---------- archive (XEP-0313) ----------

  /** A room we are in finished joining in a new session: catch up from its archive. */
  roomJoined(accountId: string, room: string): void {
    const account = this.accounts.get(accountId);
    const xmpp = account ? onlineClient(account.xmpp) : null;
    if (account && xmpp) background(this.catchUp(account, xmpp, room), this.log, 'room archive catch-up');
  }

  /**
   * Pages through an archive ('' = our own, else a room's) from the newest id we hold; without
   * one (a first session), takes the latest page only.
   */
  private async catchUp(account: AccountChat, xmpp: SessionXmpp, archive = ''): Promise<void> {
    let after = this.repo.archiveMarker(account.accountId, archive);
    const firstSession = after === null;
    // A rebuilt store reads its history back, newest first: RESTORE_PAGES pages of the last RESTORE_DAYS.
    const restoring = firstSession && (this.options.restoreHistoryOf?.has(account.accountId) ?? false);
    let before: string | null = null;
    let newestStored = false;
    let fetched = 0;
    const progress = (state: 'syncing' | 'done' | 'failed') => {
      if (archive === '') this.bus.emit({ type: 'archive.sync', accountId: account.accountId, state, fetched });
    };
    progress('syncing');
    try {
      for (let pageNo = 0; pageNo < ARCHIVE_MAX_PAGES; pageNo++) {
        const queryId = randomUUID();
        account.queries.set(queryId, { archive, received: 0, page: [] });
        const rsm =
          after === null
            ? xml('set', { xmlns: NS_RSM }, xml('max', {}, String(ARCHIVE_PAGE)), xml('before', {}, before ?? ''))
            : xml('set', { xmlns: NS_RSM }, xml('max', {}, String(ARCHIVE_PAGE)), xml('after', {}, after));
        const query = xml(
          'query',
          { xmlns: NS_MAM, queryid: queryId },
          xml(
            'x',
            { xmlns: NS_DATA, type: 'submit' },
            xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
            restoring
              ? xml(
                  'field',
                  { var: 'start' },
                  xml('value', {}, new Date(this.now() - RESTORE_DAYS * DAY_MS).toISOString()),
                )
              : null,
          ),
          rsm,
        );
        let reply: Element;
        let page: NewMessage[] = [];
        try {
          const iq = xml('iq', archive === '' ? { type: 'set' } : { type: 'set', to: archive }, query);
          reply = (await xmpp.iqCaller.request(iq, IQ_TIMEOUT_MS)) as Element;
        } finally {
          const open = account.queries.get(queryId);
          fetched += open?.received ?? 0;
          page = open?.page ?? [];
          account.queries.delete(queryId);
        }
        const fin = reply.getChild('fin', NS_MAM);
        const last = fin?.getChild('set', NS_RSM)?.getChildText('last') ?? null;
        // Restored history was read before the store was lost; only the newest page moves the marker.
        if (restoring) for (const message of page) message.read = true;
        const marker: Parameters<MessagesRepository['storePage']>[1] =
          last === null || newestStored ? null : { accountId: account.accountId, archive, lastId: last };
        // The page and the marker in one transaction: a page costs one commit, not one per message.
        this.flushIncoming(account);
        const stored = this.repo.storePage(page, marker);
        this.announce(account, stored, false);
        if (restoring) {
          newestStored ||= marker !== null;
          before = fin?.getChild('set', NS_RSM)?.getChildText('first') ?? null;
          progress('syncing');
          if (fin?.attrs.complete === 'true' || before === null || pageNo + 1 >= RESTORE_PAGES) break;
          continue;
        }
        if (last !== null) after = last;
        progress('syncing');
        if (fin?.attrs.complete === 'true' || last === null || firstSession) break;
      }
      progress('done');
    } catch (error) {
      this.log.info('archive catch-up failed', { accountId: account.accountId, archive, error });
      this.storeFailed(error, account, archive);
      progress('failed');
    }
  }

  /** One archived message: only for a query we opened, only from the archive we asked. */
  private archived(account: AccountChat, stanza: Element, result: Element): boolean {
    const from = stanza.attrs.from;
    const query = account.queries.get(result.attrs.queryid);
    const sender = typeof from === 'string' ? normalizeJid(from) : null;
    const fromArchive =
      query !== undefined &&
      (query.archive === '' ? from === undefined || sender === account.ownJid : sender === query.archive);
    if (!query || !fromArchive) {
      account.stats.dropped++;
      this.floodLog.warn('chat.stray-archive-result', 'archive result for no query of ours dropped', {
        from: String(from ?? '').slice(0, 200),
      });
      return true;
    }
    query.received++;
    const forwarded = result.getChild('forwarded', NS_FORWARD);
    const inner = forwarded?.getChild('message');
    const archiveId = typeof result.attrs.id === 'string' ? result.attrs.id.slice(0, 256) : null;
    if (!forwarded || !inner || archiveId === null) return true;
    const innerFrom = typeof inner.attrs.from === 'string' ? normalizeJid(inner.attrs.from) : null;
    const bodyText = inner.getChildText('body');
    if (innerFrom === null || bodyText === null) return true;
    const common = {
      accountId: account.accountId,
      body: capText(bodyText, MESSAGE_BODY_MAX),
      at: delayTime(forwarded, this.now()),
      stanzaId: (typeof inner.attrs.id === 'string' ? inner.attrs.id : randomUUID()).slice(0, 256),
      originId: originIdOf(inner),
      serverId: archiveId,
      resource: null,
    };
    let message: NewMessage;
    if (query.archive !== '') {
      // A room's archive: messages from its occupants (room/nick) only.
      const slash = innerFrom.indexOf('/');
      if (inner.attrs.type !== 'groupchat' || bareJid(innerFrom) !== query.archive || slash === -1) return true;
      const nick = innerFrom.slice(slash + 1);
      const ours = nick === this.options.roomNick(account.accountId, query.archive);
      message = {
        ...common,
        conversation: query.archive,
        kind: 'groupchat',
        direction: ours && common.originId !== null ? 'out' : 'in',
        sender: nick,
        state: ours && common.originId !== null ? 'delivered' : 'received',
        read: ours,
      };
    } else {
      if (inner.attrs.type === 'groupchat') return true;
      const outgoing = bareJid(innerFrom) === account.ownJid;
      const to = typeof inner.attrs.to === 'string' ? normalizeJid(inner.attrs.to) : null;
      if (outgoing && to === null) return true;
      message = {
        ...common,
        conversation: outgoing ? bareJid(to!) : bareJid(innerFrom),
        kind: 'chat',
        direction: outgoing ? 'out' : 'in',
        sender: outgoing ? account.ownJid! : bareJid(innerFrom),
        state: outgoing ? 'sent' : 'received',
        read: outgoing,
      };
    }
    account.stats.received++;
    query.page.push(message);
    return true;
  }

  private async enableCarbons(account: AccountChat, xmpp: SessionXmpp): Promise<void> {
    try {
      await xmpp.iqCaller.set(xml('enable', { xmlns: NS_CARBONS }), undefined, IQ_TIMEOUT_MS);
    } catch (error) {
      this.log.info('carbons not enabled', { accountId: account.accountId, error });
    }
  }

  /** Stores a state change, then shows it; one the store refused is kept and written later. */
  private setState(id: number, state: MessageView['state'], error: string | null = null): void {
    let updated: StoredMessage | null;
    try {
      updated = this.repo.setState(id, state, error);
    } catch (failure) {
      if (storeFailureOf(failure) === null) throw failure;
      this.pending.addState(id, { state, error });
      this.storeFailed(failure);
      return;
    }
    if (updated) this.changed(updated);
  }

  /**
   * A store failure: the user is told (once per failure kind), and for received messages the archive
   * they came from is read again once storing works. Other errors are only logged by the caller.
   */
  private storeFailed(error: unknown, account?: AccountChat, archive?: string): void {
    if (storeFailureOf(error) === null) return;
    if (account && archive !== undefined) this.pending.addArchive(account.accountId, archive);
    this.options.storeFailed?.(error);
  }

  /** Runs an event handler of the stream: an error there must not reach xmpp.js's parser. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.log.error('a message event could not be handled', { error });
      this.storeFailed(error);
    }
  }

  /** Writes what the store refused before (PendingWrites), then sends what is queued. */
  private async retryStoreWrites(): Promise<void> {
    for (const [id, pending] of this.pending.takeStates()) {
      const current = this.repo.get(id);
      if (current && movesForward(current.state, pending.state)) this.setState(id, pending.state, pending.error);
    }
    const catchUps: Promise<void>[] = [];
    for (const accountId of this.pending.accountsWithArchives()) {
      const account = this.accounts.get(accountId);
      const xmpp = onlineClient(account?.xmpp);
      // Offline: the next session reads every archive from its marker anyway.
      const archives = this.pending.takeArchives(accountId);
      if (!account || !xmpp) continue;
      for (const archive of archives) catchUps.push(this.catchUp(account, xmpp, archive));
    }
    await Promise.all(catchUps);
    for (const account of this.accounts.values()) background(this.flush(account), this.log, 'sending the outbox');
  }

  private changed(message: StoredMessage): void {
    this.bus.emit({ type: 'message', message: view(message) });
    const conversation = this.repo.conversation(message.accountId, message.conversation);
    if (conversation) this.bus.emit({ type: 'conversation', conversation });
  }

  private account(accountId: string): AccountChat {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = {
        accountId,
        xmpp: null,
        ownJid: null,
        inFlight: new Map(),
        incoming: [],
        catchUpPending: false,
        flushing: false,
        queries: new Map(),
        stats: { received: 0, duplicates: 0, dropped: 0, sent: 0 },
      };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}

function view(message: StoredMessage): MessageView {
  const { stanzaId: _s, originId: _o, resource: _r, ...rest } = message;
  return rest;
}

/** The normalized conversation address for a kind: a bare JID, or room/nick for private messages. */
function conversationOf(raw: string, kind: ConversationKind): string | null {
  if (kind === 'pm') {
    const full = normalizeJid(raw);
    return full !== null && full.includes('/') && full.includes('@') ? full : null;
  }
  const bare = normalizeBareJid(raw);
  if (bare === null) return null;
  return kind === 'groupchat' && !bare.includes('@') ? null : bare;
}

function originIdOf(stanza: Element): string | null {
  const id = stanza.getChild('origin-id', NS_SID)?.attrs.id;
  return typeof id === 'string' ? id.slice(0, 256) : null;
}
