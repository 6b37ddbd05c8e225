/**
 * Incoming encrypted one-to-one messages (live, carbons both ways, the account's archive), after
 * chat checked their envelope:
 *
 * - They are read one after another, in the order they arrived: a session's messages must be read
 *   in order, and a conversation keeps its order (a message in the clear behind an encrypted one of
 *   the same conversation waits for it).
 * - Each is looked up before it is read: reading uses its keys up, so a second copy (live and from
 *   the archive) could not be read again.
 * - What was read is stored with the device that sent it and that device's trust; what could not be
 *   read is stored too, without text and with the reason (never lost in silence); keys without a
 *   text are not stored.
 * - The sender of a pre-key message gets a key transport once the queue is read, unless we wrote to
 *   them first: until we answer, their device keeps starting the session anew.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { MESSAGE_BODY_MAX, type MessageEncryption } from '../../../../shared/contract';
import { onlineClient } from '../../accounts/client';
import type { DecryptResult } from '../../encryption/types';
import type { Logger, RateLimitedLogger } from '../../log';
import type { MessagesRepository, NewMessage } from '../../store/messages-repo';
import { background } from '../../util/background';
import { capText } from '../../util/text';
import { NS_CORRECT } from '../../xmpp/ns';
import { originIdOf, type AccountChat } from './accounts';
import type { Corrections } from './corrections';
import type { ChatEncryptionPort } from './encryption-port';
import { isAesgcmFile } from '../upload/aesgcm';
import { serverId, type Inbox } from './inbox';
import type { Receipts } from './receipts';
import { readSealedReply } from './sealed-replies';
import type { MessageWrites } from './writes';

/** Where a live or carbon-copied encrypted message belongs, as chat verified it. */
export interface Envelope {
  /** The conversation: the contact's bare JID. */
  conversation: string;
  /** 'out': a copy of what another of our devices sent (a 'sent' carbon). */
  direction: 'in' | 'out';
  /** Whose device encrypted it: the contact's bare JID, or ours. */
  author: string;
  /** The full JID to send a receipt to (a live incoming message); null for none. */
  receiptTo: string | null;
}

/** An encrypted room message, as chat verified it (from an occupant of a room we are in). */
export interface RoomEnvelope {
  room: string;
  nick: string;
  /** The occupant's real bare JID (from the room's presence), or null when the room does not show it. */
  author: string | null;
  occupantId: string | null;
}

/** A room message whose sender's real JID is unknown: nobody's keys can be chosen to read it. */
const UNKNOWN_SENDER: DecryptResult = {
  kind: 'undecryptable',
  protocol: 'eu.siacs.conversations.axolotl',
  reason: 'unknown-sender',
  device: null,
};

export interface DecryptionParts {
  encryption: ChatEncryptionPort;
  repo: MessagesRepository;
  inbox: Inbox;
  corrections: Corrections;
  receipts: Receipts;
  writes: MessageWrites;
  log: Logger;
  floodLog: RateLimitedLogger;
}

export class IncomingDecryption {
  constructor(private readonly parts: DecryptionParts) {}

  isEncrypted(stanza: Element): boolean {
    return this.parts.encryption.isEncrypted(stanza);
  }

  /** Whether its encrypted element carries a text (not only keys). */
  hasText(stanza: Element): boolean {
    return this.parts.encryption.carriesText(stanza);
  }

  /** A live message or a carbon copy: read in turn, then stored (or applied as a correction). */
  live(account: AccountChat, stanza: Element, envelope: Envelope): void {
    const { conversation, direction } = envelope;
    void this.inTurn(account, conversation, undefined, async () => {
      const { repo, inbox, corrections, receipts, encryption } = this.parts;
      const sender = direction === 'out' ? (account.ownJid ?? envelope.author) : conversation;
      const byServer = direction === 'in' ? serverId(stanza, account.ownJid) : null;
      inbox.flush(account); // a copy may still wait in this turn
      if (repo.holds(account.accountId, conversation, sender, originIdOf(stanza), byServer)) {
        account.stats.duplicates++;
        return;
      }
      const result = await encryption.decryptMessage(account.accountId, stanza, {
        sender: envelope.author,
        via: envelope.receiptTo === null ? 'carbon' : 'live',
      });
      const read = this.reading(account, stanza, envelope.author, result);
      if (!read) return;
      const replace = stanza.getChild('replace', NS_CORRECT)?.attrs.id;
      const corrected =
        typeof replace === 'string' &&
        read.encryption.undecryptable === null &&
        corrections.received(account, conversation, sender, replace, read.body, read.encryption);
      if (!corrected) {
        const replied = readSealedReply(repo, stanza, read.body, {
          accountId: account.accountId,
          conversation,
          kind: 'chat',
          self: account.ownJid,
        });
        inbox.store(account, stanza, {
          conversation,
          kind: 'chat',
          direction,
          sender,
          body: replied.body,
          reply: replied.reply,
          state: direction === 'out' ? 'sent' : 'received',
          serverId: byServer,
          encryption: read.encryption,
          // An encrypted message shares a file when its text is exactly an aesgcm: address.
          file: isAesgcmFile(read.body),
        });
      }
      if (envelope.receiptTo !== null) receipts.answer(account, stanza, envelope.receiptTo, conversation);
    });
  }

  /** A room message from an occupant (our own reflected copies were matched before): read in turn, then stored. */
  room(account: AccountChat, stanza: Element, envelope: RoomEnvelope): void {
    const { room, nick, author } = envelope;
    void this.inTurn(account, room, undefined, async () => {
      const { repo, inbox, encryption } = this.parts;
      const byServer = serverId(stanza, room);
      inbox.flush(account);
      if (repo.holds(account.accountId, room, nick, originIdOf(stanza), byServer)) {
        account.stats.duplicates++;
        return;
      }
      const result =
        author === null
          ? UNKNOWN_SENDER
          : await encryption.decryptMessage(account.accountId, stanza, { sender: author, via: 'live' });
      const read = this.reading(account, stanza, author ?? room, result);
      if (!read) return;
      inbox.store(account, stanza, {
        conversation: room,
        kind: 'groupchat',
        direction: 'in',
        sender: nick,
        body: read.body,
        occupantId: envelope.occupantId,
        state: 'received',
        serverId: byServer,
        encryption: read.encryption,
        file: isAesgcmFile(read.body),
      });
    });
  }

  /**
   * A message of the account's archive, built as it would be stored: read in turn. Its page is
   * stored once every message of it was read; null when there is nothing to store.
   */
  archived(
    account: AccountChat,
    inner: Element,
    message: NewMessage,
    author: string | null,
  ): Promise<NewMessage | null> {
    return this.inTurn(account, message.conversation, null, async () => {
      const { repo, encryption } = this.parts;
      if (repo.holds(account.accountId, message.conversation, message.sender, message.originId, message.serverId)) {
        account.stats.duplicates++;
        if (author !== null && message.kind === 'groupchat')
          await this.readHeldUnknownSender(account, inner, message, author);
        return null;
      }
      const result =
        author === null
          ? UNKNOWN_SENDER
          : await encryption.decryptMessage(account.accountId, inner, { sender: author, via: 'archive' });
      const read = this.reading(account, inner, author ?? message.conversation, result);
      if (!read) return null;
      const context = { accountId: account.accountId, conversation: message.conversation, kind: message.kind };
      const replied = readSealedReply(repo, inner, read.body, { ...context, self: account.ownJid });
      return {
        ...message,
        body: replied.body,
        reply: replied.reply,
        encryption: read.encryption,
        file: isAesgcmFile(read.body),
      };
    });
  }

  /**
   * A room message stored unreadable because the room did not show its sender's real JID (its
   * history replayed on join, the sender gone): the archive's copy names it, and is read into that
   * row. Its keys were never used (the first copy was not read), so it can be read now.
   */
  private async readHeldUnknownSender(
    account: AccountChat,
    inner: Element,
    message: NewMessage,
    author: string,
  ): Promise<void> {
    const { repo, encryption, writes } = this.parts;
    const id = repo.heldId(account.accountId, message.conversation, message.sender, message.originId, message.serverId);
    if (id === null || repo.get(id)?.encryption?.undecryptable !== 'unknown-sender') return;
    const result = await encryption.decryptMessage(account.accountId, inner, { sender: author, via: 'archive' });
    const read = this.reading(account, inner, author, result);
    if (!read || read.encryption.undecryptable !== null) return;
    const updated = repo.readUnknownSender(id, read.body, read.encryption, isAesgcmFile(read.body));
    if (updated) writes.changed(updated);
  }

  /** Runs `store` now, or after the encrypted messages of its conversation that arrived before it. */
  inOrder(account: AccountChat, conversation: string, store: () => void): void {
    if (!account.decryptions.waiting.has(conversation)) store();
    else void this.inTurn(account, conversation, undefined, async () => store());
  }

  /** We wrote an encrypted message to `jid`: that answers its pre-key messages. */
  wrote(account: AccountChat, jid: string): void {
    account.owedKeyTransports.delete(jid);
  }

  /** What a result gives to store: its text and how it travelled, or null when there is nothing to show. */
  private reading(
    account: AccountChat,
    stanza: Element,
    author: string,
    result: DecryptResult,
  ): { body: string; encryption: MessageEncryption } | null {
    switch (result.kind) {
      case 'plain':
        return null; // not ours: chat asked isEncrypted first
      case 'key-transport':
        if (result.preKey) account.owedKeyTransports.add(author);
        return null;
      case 'decrypted': {
        if (result.preKey) account.owedKeyTransports.add(author);
        const { deviceId, fingerprint, trust } = result.device;
        return {
          body: capText(result.body, MESSAGE_BODY_MAX),
          encryption: { protocol: 'omemo', device: { id: deviceId, fingerprint, trust }, undecryptable: null },
        };
      }
      case 'undecryptable':
        // Keys without a text: nothing is lost by not reading them. Our own correction coming back
        // (it has no origin-id to find it by): its text is already in the message it corrected.
        if (!this.parts.encryption.carriesText(stanza)) return null;
        if (result.reason === 'own-device' && stanza.getChild('replace', NS_CORRECT)) return null;
        this.parts.floodLog.info('chat.undecryptable', 'an encrypted message could not be read', {
          reason: result.reason,
        });
        return {
          body: '',
          encryption: {
            protocol: 'omemo',
            device: result.device ? { id: result.device.deviceId, fingerprint: null, trust: null } : null,
            undecryptable: result.reason,
          },
        };
    }
  }

  /** Queues `task` behind every message being read; counts it for its conversation meanwhile. */
  private inTurn<T>(account: AccountChat, conversation: string, fallback: T, task: () => Promise<T>): Promise<T> {
    const queue = account.decryptions;
    queue.total++;
    queue.waiting.set(conversation, (queue.waiting.get(conversation) ?? 0) + 1);
    const run = queue.tail.then(task).catch((error: unknown) => {
      this.parts.log.error('an encrypted message could not be handled', { accountId: account.accountId, error });
      // The archive still has it: read again from its marker once storing works.
      this.parts.writes.storeFailed(error, account.accountId, '');
      return fallback;
    });
    queue.tail = run.then(() => {
      queue.total--;
      const left = (queue.waiting.get(conversation) ?? 1) - 1;
      if (left > 0) queue.waiting.set(conversation, left);
      else queue.waiting.delete(conversation);
      if (queue.total === 0) this.sendOwedKeyTransports(account);
    });
    return run;
  }

  private sendOwedKeyTransports(account: AccountChat): void {
    for (const jid of account.owedKeyTransports) {
      account.owedKeyTransports.delete(jid);
      background(this.sendKeyTransport(account, jid), this.parts.log, 'sending a key transport');
    }
  }

  private async sendKeyTransport(account: AccountChat, jid: string): Promise<void> {
    if (!onlineClient(account.xmpp)) return; // the sender's next pre-key message owes it again
    const children = await this.parts.encryption.keyTransport(account.accountId, jid);
    const xmpp = onlineClient(account.xmpp);
    if (!children || !xmpp) return;
    await xmpp.send(xml('message', { to: jid, type: 'chat', id: randomUUID() }, ...children));
  }
}
