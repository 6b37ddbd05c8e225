/**
 * The outbox: a message is stored as 'queued' before any network write (with an origin-id), becomes
 * 'sent' when stream management acknowledges it (XEP-0198), 'failed' on an error reply (retry sends
 * it again). Messages typed while offline go out once, in order, when the account is back; a stream
 * that could not be resumed puts unacknowledged ones back in the queue (same origin-id, so receivers
 * that saw them drop the copy). Room messages wait until we are in the room. A one-to-one message
 * marked encrypted when it was written goes out only encrypted (sealing.ts); the messages after it
 * in its conversation wait for it, other conversations do not.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { bareJid, jidOf } from '../../../../shared/jid';
import type { FileMetadataView, MessageView, ParsedInput } from '../../../../shared/contract';
import { fail, failIn, ok, type Result } from '../../../../shared/result';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { Logger } from '../../log';
import type { MessagesRepository, StoredMessage, StoredReply } from '../../store/messages-repo';
import { background } from '../../util/background';
import { NS_CHAT_MARKERS, NS_DELAY, NS_MUC_USER, NS_RECEIPTS, NS_SID, NS_STANZAS } from '../../xmpp/ns';
import { conversationOf, view, type AccountChat, type JoinedRooms } from './accounts';
import type { ChatEncryptionPort } from './encryption-port';
import { isAesgcmFile } from '../upload/aesgcm';
import { replyParts, replyTo } from './replies';
import { sealedReference } from './sealed-replies';
import type { OutgoingSeals } from './sealing';
import type { MessageWrites } from './writes';

export interface OutboxOptions {
  repo: MessagesRepository;
  writes: MessageWrites;
  rooms: JoinedRooms;
  /** The account's own bare JID (known before any connection). */
  accountJid(accountId: string): string | null;
  /** An element to add to an outgoing message (e.g. jabber:x:oob for an uploaded file's address). */
  outgoingExtra?(message: StoredMessage): Element | Element[] | null;
  /** End-to-end encryption, with the encrypted children of messages being sent. */
  encryption?: { port: ChatEncryptionPort; seals: OutgoingSeals };
  /** An encrypted message went to `jid`: it answers a pre-key message as well as a key transport would. */
  wroteEncrypted?(account: AccountChat, jid: string): void;
  log: Logger;
  now: () => number;
}

export class Outbox {
  private readonly repo: MessagesRepository;
  private readonly writes: MessageWrites;

  constructor(private readonly options: OutboxOptions) {
    this.repo = options.repo;
    this.writes = options.writes;
  }

  /** Stores a new message as queued and sends what is queued. */
  send(
    account: AccountChat,
    input: ParsedInput<'message.send'>,
    file = false,
    fileMeta: FileMetadataView | null = null,
  ): Result<MessageView> {
    const target = conversationOf(input.conversation, input.kind);
    if (!target) return failIn('conversation', 'invalid_input', 'chat.invalidAddress');
    const { rooms } = this.options;
    if (input.kind === 'groupchat' && rooms.joinedNick(input.accountId, target) === null) {
      return fail('not_found', 'muc.notInRoom');
    }
    let reply: StoredReply | null = null;
    if (input.replyTo !== undefined) {
      const self =
        input.kind === 'groupchat'
          ? (rooms.joinedNick(input.accountId, target) ?? '')
          : (account.ownJid ?? this.options.accountJid(input.accountId) ?? '');
      const answered = replyTo(this.repo.get(input.replyTo), input.accountId, target, self);
      if (!answered.ok) return answered;
      reply = answered.value;
    }
    const stanzaId = randomUUID();
    // An encrypted file's address carries its key: it goes encrypted whatever the conversation says now.
    const decision: boolean | 'pending' =
      input.kind !== 'pm' &&
      ((file && isAesgcmFile(input.body)) ||
        (this.options.encryption?.port.encryptsTo(input.accountId, target) ?? false));
    // Undecided (a room being read): kept encrypted, so that it cannot go in the clear before it is decided.
    const encrypted = decision !== false;
    const stored = this.repo.add({
      accountId: input.accountId,
      conversation: target,
      kind: input.kind,
      direction: 'out',
      sender:
        input.kind === 'chat'
          ? (account.ownJid ?? this.options.accountJid(input.accountId) ?? '')
          : (rooms.joinedNick(input.accountId, bareJid(target)) ?? ''),
      body: input.body,
      at: this.options.now(),
      state: 'queued',
      stanzaId,
      originId: stanzaId,
      serverId: null,
      resource: input.kind === 'chat' ? (input.resource ?? null) : null,
      read: true,
      encryption: encrypted ? { protocol: 'omemo', device: null, undecryptable: null } : null,
      file,
      fileMeta,
      reply,
    });
    if (!stored) return fail('internal', 'chat.notStored');
    if (decision === 'pending') account.undecided.add(stored.id);
    this.writes.changed(stored);
    this.flushLater(account);
    return ok(view(stored));
  }

  /**
   * Queues a failed message again (encrypted again when it was). `withoutEncryption`: the user chose
   * to send one that could not be encrypted in the clear.
   */
  retry(account: AccountChat, id: number, withoutEncryption = false): Result<MessageView> {
    const message = this.repo.get(id);
    if (!message || message.accountId !== account.accountId || message.direction !== 'out') {
      return fail('not_found', 'chat.noSuchMessage');
    }
    if (message.state !== 'failed') return ok(view(message));
    if (withoutEncryption) {
      if (!message.error?.encryption) return fail('conflict', 'encryption.notEncrypted');
      if (message.file && isAesgcmFile(message.body)) return fail('conflict', 'encryption.fileKeyInClear');
      this.repo.clearEncryption(message.id);
    }
    this.options.encryption?.seals.forget(message.id);
    const queued = this.repo.setState(message.id, 'queued')!;
    this.writes.changed(queued);
    this.flushLater(account);
    return ok(view(queued));
  }

  /** A new stream resends nothing by itself: whatever was unacknowledged goes out again. */
  newStream(account: AccountChat): void {
    account.inFlight.clear();
  }

  flushLater(account: AccountChat): void {
    background(this.flush(account), this.options.log, 'sending the outbox');
  }

  /** Sends every queued message of the account, in order, once. */
  async flush(account: AccountChat): Promise<void> {
    if (account.flushing) {
      account.flushAgain = true;
      return;
    }
    account.flushing = true;
    /** Conversations whose next message is being encrypted: the rest of each waits, in order. */
    const waiting = new Set<string>();
    try {
      for (let message of this.repo.queued(account.accountId)) {
        const xmpp = onlineClient(account.xmpp);
        if (!xmpp) return;
        if (account.inFlight.has(message.stanzaId)) continue; // resent by stream resumption
        if (this.writes.pending.hasState(message.id)) continue; // answered; the answer waits to be stored
        if (waiting.has(message.conversation)) continue;
        if (
          message.kind === 'groupchat' &&
          this.options.rooms.joinedNick(account.accountId, message.conversation) === null
        )
          continue;
        if (account.undecided.has(message.id)) {
          const decided = this.decide(account, message);
          if (decided === null) {
            waiting.add(message.conversation);
            continue;
          }
          message = decided;
        }
        let sealed: Element[] | null = null;
        if (message.encryption) {
          // Never in the clear: without an encryption layer it waits (and tells nobody it went).
          sealed = this.options.encryption?.seals.children(account, message) ?? null;
          if (sealed === null) {
            waiting.add(message.conversation);
            continue;
          }
        }
        await this.transmit(account, xmpp, message, sealed);
      }
    } catch (error) {
      this.options.log.error('the outbox could not be sent', { accountId: account.accountId, error });
      this.writes.storeFailed(error);
    } finally {
      account.flushing = false;
      if (account.flushAgain) {
        account.flushAgain = false;
        this.flushLater(account);
      }
    }
  }

  /**
   * A room message written while the room was being read, once it is read: encrypted when the room's
   * setting (the user's choice, else its default) says so, else in the clear; null while still read.
   */
  private decide(account: AccountChat, message: StoredMessage): StoredMessage | null {
    const decision = this.options.encryption?.port.encryptsTo(account.accountId, message.conversation, true) ?? false;
    if (decision === 'pending') return null;
    account.undecided.delete(message.id);
    if (decision) return message;
    const clear = this.repo.clearEncryption(message.id);
    if (clear) this.writes.changed(clear);
    return clear;
  }

  /** The server acknowledged a stanza (XEP-0198). */
  acked(account: AccountChat, stanza: Element): void {
    if (stanza.name !== 'message') return;
    const id = account.inFlight.get(stanza.attrs.id);
    if (id === undefined) return;
    account.inFlight.delete(stanza.attrs.id);
    this.options.encryption?.seals.forget(id);
    const current = this.repo.get(id);
    if (current?.state === 'queued') this.writes.setState(id, 'sent');
  }

  /** The stream ended without resumption: the server may not have it; send again next time (same origin-id). */
  unacked(account: AccountChat, stanza: Element): void {
    if (stanza.name !== 'message') return;
    account.inFlight.delete(stanza.attrs.id);
  }

  /** An error reply to one of our messages from its recipient: the message failed. */
  errorReply(account: AccountChat, bare: string, stanza: Element): boolean {
    const id =
      typeof stanza.attrs.id === 'string'
        ? this.repo.outgoingByStanzaId(account.accountId, bare, stanza.attrs.id)
        : null;
    if (id === null) return true;
    account.inFlight.delete(stanza.attrs.id); // answered: a retry must send it again
    this.options.encryption?.seals.forget(id);
    const error = stanza.getChild('error');
    const condition = error?.children.find(
      (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS,
    )?.name;
    const text = error?.getChildText('text', NS_STANZAS);
    this.writes.setState(id, 'failed', { condition: condition ?? null, text: text ? text.slice(0, 200) : null });
    return true;
  }

  /** Writes one message: its body, or (`sealed`) its encrypted children with their fallback body. */
  private async transmit(
    account: AccountChat,
    xmpp: SessionXmpp,
    message: StoredMessage,
    sealed: Element[] | null,
  ): Promise<void> {
    const to = jidOf(message.conversation, message.kind === 'chat' ? message.resource : null);
    const stanza = xml(
      'message',
      { to, type: message.kind === 'groupchat' ? 'groupchat' : 'chat', id: message.stanzaId },
      // Encrypted: the reply's reference beside it in the clear, its quote only inside (sealed-replies.ts).
      ...(sealed ? [...sealed, ...sealedReference(message)] : (replyParts(message) ?? [xml('body', {}, message.body)])),
      xml('origin-id', { xmlns: NS_SID, id: message.originId ?? message.stanzaId }),
      message.kind === 'chat' ? xml('request', { xmlns: NS_RECEIPTS }) : null,
      message.kind === 'chat' ? xml('markable', { xmlns: NS_CHAT_MARKERS }) : null,
      // XEP-0045 §7.5: a private message to an occupant says so.
      message.kind === 'pm' ? xml('x', { xmlns: NS_MUC_USER }) : null,
      // The original time for a message typed while offline (XEP-0203).
      this.options.now() - message.at > 10_000
        ? xml('delay', { xmlns: NS_DELAY, stamp: new Date(message.at).toISOString() })
        : null,
      // An address in the clear beside an encrypted body would tell the server what was shared.
      sealed ? null : (this.options.outgoingExtra?.(message) ?? null),
    );
    if (sealed) this.options.wroteEncrypted?.(account, message.conversation);
    account.inFlight.set(message.stanzaId, message.id);
    account.stats.sent++;
    try {
      await xmpp.send(stanza);
    } catch (error) {
      account.inFlight.delete(message.stanzaId);
      this.options.log.info('message not written; stays queued', { error });
      return;
    }
    if (!xmpp.streamManagement.enabled) {
      // Without stream management, written is all we can know.
      account.inFlight.delete(message.stanzaId);
      this.options.encryption?.seals.forget(message.id);
      this.writes.setState(message.id, 'sent');
    }
  }
}
