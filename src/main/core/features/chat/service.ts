/**
 * One-to-one and room messages (XEP-0479's core IM where it concerns messages): the feature the
 * account manager and the commands talk to. Its parts:
 *
 *   outbox.ts       queued → sent (stream management ack) → failed on an error reply; resending
 *   receipts.ts     delivery receipts in and out
 *   corrections.ts  corrections in and out
 *   chat-states.ts  typing in and out
 *   markers.ts      chat markers (displayed) in and out; displayed-sync.ts our read position across devices
 *   carbons.ts      copies of what our other clients send and receive
 *   archive.ts      catching up from the account's and rooms' archives
 *   archive-paging.ts  older pages of a conversation from the archive, as the user scrolls back
 *   incoming.ts     reading an incoming message; inbox.ts stores received ones once
 *   writes.ts       stored changes shown, refused ones kept (pending.ts) and written later
 *   sealing.ts      end-to-end encryption of outgoing one-to-one messages (with an encryption layer)
 *   decrypting.ts   reading encrypted incoming ones: live, carbons and the archive, in order
 */
import type { Element } from '@xmpp/xml';
import { normalizeJid } from '../../../../shared/jid';
import type {
  ConversationView,
  FileMetadataView,
  MessageView,
  OlderMessages,
  ParsedInput,
  Subscription,
} from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import { takeStanzas } from '../../accounts/take-stanzas';
import type { EventBus } from '../../events';
import { moderate } from '../muc/moderation';
import { rateLimited, type Logger } from '../../log';
import type { MessagesRepository, StoredMessage } from '../../store/messages-repo';
import type { ReadStateRepository } from '../../store/read-state-repo';
import type { OlderMessagesRepository } from '../../store/older-messages-repo';
import { background } from '../../util/background';
import { newAccountChat, view, type AccountChat, type ChatStats, type JoinedRooms } from './accounts';
import { Archive } from './archive';
import { ArchivePaging } from './archive-paging';
import { Carbons } from './carbons';
import { ChatStates } from './chat-states';
import { Corrections } from './corrections';
import { IncomingDecryption } from './decrypting';
import type { ChatEncryptionPort } from './encryption-port';
import { DisplayedSync } from './displayed-sync';
import { Inbox } from './inbox';
import { IncomingMessages } from './incoming';
import { ChatMarkers } from './markers';
import { Outbox } from './outbox';
import { movesForward } from './pending';
import { Reactions } from './reactions';
import { Receipts } from './receipts';
import { MessageReferences } from './references';
import { Retractions } from './retractions';
import { OutgoingSeals } from './sealing';
import { MessageWrites } from './writes';

export interface ChatOptions {
  repo: MessagesRepository;
  bus: EventBus;
  log: Logger;
  /** The rooms we are in (MucService): room messages count only from them; a finished join catches up. */
  rooms: JoinedRooms;
  /** The account's own bare JID (known before any connection). */
  accountJid(accountId: string): string | null;
  /** The roster subscription of a contact, for receipts (never tell a stranger we are online). */
  subscriptionOf(accountId: string, bare: string): Subscription | null;
  /** A new incoming message arrived live (not from the archive, not a duplicate): notify if appropriate. */
  onIncoming?(message: MessageView): void;
  /** An element to add to an outgoing message (e.g. jabber:x:oob for an uploaded file's address). */
  outgoingExtra?(message: StoredMessage): Element | Element[] | null;
  /** A message write failed in the store (disk full, I/O error, damage): tell the user. */
  storeFailed?(error: unknown): void;
  /** Every write that had failed has now been made. */
  storeRecovered?(): void;
  /** How often writes that failed are tried again (ms). */
  storeRetryMs?: number;
  /** Accounts whose store was rebuilt: an archive with no marker is read back further than a new account's. */
  restoreHistoryOf?: ReadonlySet<string>;
  /** End-to-end encryption of one-to-one chats; without it everything goes in the clear. */
  encryption?: ChatEncryptionPort;
  /** Read state (chat markers, our read position across devices) and drafts; without it neither. */
  readState?: ReadStateRepository;
  /** Older pages from the server's archive as the user scrolls back; without it there are none. */
  older?: OlderMessagesRepository;
  /** How long an older page from the archive may take (the IQ time limit by default). */
  olderPageTimeoutMs?: number;
  now?: () => number;
}

export class ChatService implements AccountLifecycleListener {
  private readonly repo: MessagesRepository;
  private readonly log: Logger;
  private readonly accounts = new Map<string, AccountChat>();
  private readonly writes: MessageWrites;
  private readonly inbox: Inbox;
  private readonly outbox: Outbox;
  private readonly corrections: Corrections;
  private readonly chatStates: ChatStates;
  private readonly carbons: Carbons;
  private readonly archive: Archive;
  private readonly incoming: IncomingMessages;
  private readonly markers?: ChatMarkers;
  private readonly displayedSync?: DisplayedSync;
  private readonly reactions: Reactions;
  private readonly retractions: Retractions;
  private readonly paging: ArchivePaging | null;

  constructor(private readonly options: ChatOptions) {
    const { repo, bus, log, rooms } = options;
    const now = options.now ?? Date.now;
    const floodLog = rateLimited(log);
    this.repo = repo;
    this.log = log;
    const writes = (this.writes = new MessageWrites({
      repo,
      bus,
      retry: () => this.retryStoreWrites(),
      storeFailed: options.storeFailed,
      storeRecovered: options.storeRecovered,
      storeRetryMs: options.storeRetryMs,
    }));
    const inbox = (this.inbox = new Inbox({
      repo,
      bus,
      writes,
      log,
      now,
      onIncoming: options.onIncoming,
      arrived: (account, stored) => this.displayedSync?.arrived(account, stored),
    }));
    const port = options.encryption;
    const sealing = port
      ? { port, seals: new OutgoingSeals({ encryption: port, writes, log, sealed: (a) => this.outbox.flushLater(a) }) }
      : undefined;
    let decryption: IncomingDecryption | undefined;
    const outbox = (this.outbox = new Outbox({
      repo,
      writes,
      rooms,
      accountJid: options.accountJid,
      outgoingExtra: options.outgoingExtra,
      encryption: sealing,
      wroteEncrypted: (account, jid) => decryption?.wrote(account, jid),
      log,
      now,
    }));
    const corrections = (this.corrections = new Corrections(repo, writes, inbox, sealing));
    const chatStates = (this.chatStates = new ChatStates(bus, rooms, options.subscriptionOf));
    const receipts = new Receipts(repo, writes, floodLog, options.subscriptionOf);
    if (port) {
      decryption = new IncomingDecryption({
        encryption: port,
        repo,
        inbox,
        corrections,
        receipts,
        writes,
        log,
        floodLog,
      });
    }
    const reactions = (this.reactions = new Reactions(repo, writes, inbox, now));
    const retractions = (this.retractions = new Retractions(repo, writes, inbox));
    const references = new MessageReferences(rooms, reactions, retractions, floodLog);
    const carbons = (this.carbons = new Carbons(inbox, log, floodLog, decryption, references));
    const archive = (this.archive = new Archive({
      repo,
      bus,
      inbox,
      writes,
      rooms,
      log,
      floodLog,
      now,
      restoreHistoryOf: options.restoreHistoryOf,
      decryption,
      references,
    }));
    const readState = options.readState;
    const markers = (this.markers = readState
      ? new ChatMarkers({ repo, readState, bus, floodLog, subscriptionOf: options.subscriptionOf })
      : undefined);
    if (readState) this.displayedSync = new DisplayedSync({ repo, readState, bus, log, floodLog });
    this.paging = options.older
      ? new ArchivePaging({
          repo,
          older: options.older,
          archive,
          bus,
          log,
          timeoutMs: options.olderPageTimeoutMs,
        })
      : null;
    this.incoming = new IncomingMessages({
      references,
      repo,
      rooms,
      writes,
      inbox,
      outbox,
      archive,
      carbons,
      receipts,
      chatStates,
      corrections,
      floodLog,
      decryption,
      markers,
    });
    // A room we are in finished joining in a new session: catch up from its archive.
    rooms.onJoined((accountId, room) => this.roomJoined(accountId, room));
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
    takeStanzas(xmpp, (stanza) => {
      if (stanza.name !== 'message') return false;
      try {
        return this.displayedSync?.receive(account, stanza) || this.incoming.receive(account, stanza);
      } catch (error) {
        this.log.error('message could not be handled', { accountId, error });
        this.writes.storeFailed(error, account.accountId, '');
        return true;
      }
    });
    xmpp.streamManagement.on('ack', (stanza: Element) => this.guard(() => this.outbox.acked(account, stanza)));
    xmpp.streamManagement.on('fail', (stanza: Element) => this.outbox.unacked(account, stanza));
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.account(accountId);
    account.xmpp = online.xmpp;
    account.ownJid = online.xmpp.jid ? normalizeJid(online.xmpp.jid.bare().toString()) : null;
    // A resumed stream resends its own queue; a new one sends again what was not acknowledged.
    if (!online.resumed) this.outbox.newStream(account);
    // A new session reads the archives again from their markers anyway.
    if (!online.resumed) this.writes.pending.takeArchives(accountId);
    this.outbox.flushLater(account);
    if (!online.resumed) {
      background(this.carbons.enable(account, online.xmpp), this.log, 'enabling carbons');
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
    const sync = this.displayedSync;
    // Read positions name archived messages: read them once the catch-up stored those.
    const catchUp = this.archive.catchUp(account, xmpp).then(() => sync?.catchUp(account, xmpp));
    background(catchUp, this.log, 'archive catch-up');
  }

  onOffline(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.xmpp = null;
    this.inbox.flush(account);
  }

  /** Writes what was received in this turn (before the store closes). */
  close(): void {
    this.writes.close();
    for (const account of this.accounts.values()) this.inbox.flush(account);
  }

  onRemoved(accountId: string): void {
    this.accounts.delete(accountId);
    this.paging?.forget(accountId);
  }

  /** A room we are in finished joining in a new session: catch up from its archive. */
  roomJoined(accountId: string, room: string): void {
    const account = this.accounts.get(accountId);
    const xmpp = account ? onlineClient(account.xmpp) : null;
    if (account && xmpp) background(this.archive.catchUp(account, xmpp, room), this.log, 'room archive catch-up');
  }

  // ---------- commands ----------

  /** With `file`: the body is the address of our upload, sent with jabber:x:oob (and `fileMeta`, XEP-0446). */
  async send(
    input: ParsedInput<'message.send'>,
    options: { file?: boolean; fileMeta?: FileMetadataView } = {},
  ): Promise<Result<MessageView>> {
    const account = this.account(input.accountId);
    if (input.replaces !== undefined) return this.corrections.correct(account, input, input.replaces);
    return this.outbox.send(account, input, options.file ?? false, options.fileMeta ?? null);
  }

  /** XEP-0444: our whole set of reactions to a message. */
  react(input: ParsedInput<'message.react'>): Promise<Result<MessageView>> {
    return this.reactions.react(this.account(input.accountId), input);
  }

  /** XEP-0424: takes back one of our messages. */
  retract(input: ParsedInput<'message.retract'>): Promise<Result<MessageView>> {
    return this.retractions.retract(this.account(input.accountId), input.id);
  }

  /** XEP-0425: a room moderator asks the room to remove a message of it. */
  async moderate(input: ParsedInput<'muc.moderate'>): Promise<Result<null>> {
    const message = this.repo.get(input.id);
    if (!message || message.accountId !== input.accountId || message.kind !== 'groupchat')
      return fail('not_found', 'chat.noSuchMessage');
    if (this.options.rooms.ownRole?.(input.accountId, message.conversation) !== 'moderator')
      return fail('forbidden', 'replies.notModerator');
    if (message.serverId === null) return fail('conflict', 'replies.noReference');
    const xmpp = onlineClient(this.accounts.get(input.accountId)?.xmpp);
    if (!xmpp) return fail('not_connected', 'replies.offline');
    return moderate(xmpp, message.conversation, message.serverId, input.reason);
  }

  /** XEP-0085: our chat state, only to someone who may see our presence (or a room occupant). */
  setChatState(input: ParsedInput<'chat.setState'>): Promise<Result<null>> {
    return this.chatStates.send(this.account(input.accountId), input);
  }

  async retry(input: ParsedInput<'message.retry'>): Promise<Result<MessageView>> {
    return this.outbox.retry(this.account(input.accountId), input.id, input.withoutEncryption ?? false);
  }

  /** The account's encryption can work now (its session is online): encrypted messages waiting go out. */
  encryptionReady(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) this.outbox.flushLater(account);
  }

  history(input: ParsedInput<'message.history'>): Result<MessageView[]> {
    return ok(this.repo.history(input.accountId, input.conversation, input.before, input.limit).map(view));
  }

  /** The page before the oldest stored message of a conversation, from the server's archive. */
  older(input: ParsedInput<'history.older'>): Promise<Result<OlderMessages>> {
    if (!this.paging) return Promise.resolve(fail('not_connected', 'history.offline'));
    return this.paging.older(this.account(input.accountId), input);
  }

  search(input: ParsedInput<'message.search'>): Result<MessageView[]> {
    return ok(this.repo.search(input.query, input.accountId, input.limit).map(view));
  }

  markRead(input: ParsedInput<'conversation.markRead'>): Result<null> {
    if (this.repo.markRead(input.accountId, input.conversation) > 0) {
      const conversation = this.repo.conversation(input.accountId, input.conversation);
      if (conversation) this.options.bus.emit({ type: 'conversation', conversation });
      const account = this.account(input.accountId);
      if (conversation?.kind === 'chat') this.markers?.displayed(account, input.conversation);
      if (conversation && this.displayedSync) {
        const publishing = this.displayedSync.publish(account, input.conversation, conversation.kind);
        background(publishing, this.log, 'publishing the read position');
      }
    }
    return ok(null);
  }

  draft(input: ParsedInput<'draft.get'>): Result<string | null> {
    return ok(this.options.readState?.draft(input.accountId, input.conversation) ?? null);
  }

  setDraft(input: ParsedInput<'draft.set'>): Result<null> {
    this.options.readState?.setDraft(input.accountId, input.conversation, input.text);
    return ok(null);
  }

  // ---------- store failures ----------

  /** Runs an event handler of the stream: an error there must not reach xmpp.js's parser. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.log.error('a message event could not be handled', { error });
      this.writes.storeFailed(error);
    }
  }

  /** Writes what the store refused before (PendingWrites), then sends what is queued. */
  private async retryStoreWrites(): Promise<void> {
    const pending = this.writes.pending;
    for (const [id, change] of pending.takeStates()) {
      const current = this.repo.get(id);
      if (current && movesForward(current.state, change.state)) this.writes.setState(id, change.state, change.error);
    }
    const catchUps: Promise<void>[] = [];
    for (const accountId of pending.accountsWithArchives()) {
      const account = this.accounts.get(accountId);
      const xmpp = onlineClient(account?.xmpp);
      // Offline: the next session reads every archive from its marker anyway.
      const archives = pending.takeArchives(accountId);
      if (!account || !xmpp) continue;
      for (const archive of archives) catchUps.push(this.archive.catchUp(account, xmpp, archive));
    }
    await Promise.all(catchUps);
    for (const account of this.accounts.values()) this.outbox.flushLater(account);
  }

  private account(accountId: string): AccountChat {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = newAccountChat(accountId);
      this.accounts.set(accountId, account);
    }
    return account;
  }
}
