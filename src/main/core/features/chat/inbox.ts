/**
 * Received messages into the store: the messages of one loop turn (a room's history, a burst) share
 * one transaction; each is stored once, deduplicated by origin-id per sender or by the stanza-id our
 * server or the room assigned (believed only with the right `by`). Times come from a valid <delay/>
 * stamp, else the receive time. Stored messages are shown, and a new live one may notify.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { MessageView } from '../../../../shared/contract';
import type { EventBus } from '../../events';
import type { Logger } from '../../log';
import type { MessagesRepository, NewMessage, StoredMessage } from '../../store/messages-repo';
import { delayTime } from '../../util/delay-stamp';
import { NS_SID } from '../../xmpp/ns';
import { sharedFileOf } from '../upload/oob';
import { originIdOf, view, type AccountChat } from './accounts';
import type { MessageWrites } from './writes';

/** Received messages written in one transaction (one loop turn); see flushChunk. */
export const INCOMING_CHUNK = 50;

export type ReceivedFields = Pick<
  NewMessage,
  | 'conversation'
  | 'kind'
  | 'direction'
  | 'sender'
  | 'body'
  | 'state'
  | 'serverId'
  | 'encryption'
  | 'reply'
  | 'occupantId'
  | 'file'
>;

export interface InboxOptions {
  repo: MessagesRepository;
  bus: EventBus;
  writes: MessageWrites;
  log: Logger;
  now: () => number;
  /** A new incoming message arrived live (not from the archive, not a duplicate): notify if appropriate. */
  onIncoming?(message: MessageView): void;
  /** Messages were stored, before their conversations are announced (a read position may wait for one). */
  arrived?(account: AccountChat, stored: readonly (StoredMessage | null)[]): void;
}

export class Inbox {
  constructor(private readonly options: InboxOptions) {}

  /** Queues a received message for this turn's write. */
  store(account: AccountChat, stanza: Element, fields: ReceivedFields): void {
    account.stats.received++;
    const stanzaId = typeof stanza.attrs.id === 'string' ? stanza.attrs.id : randomUUID();
    account.incoming.push({
      accountId: account.accountId,
      ...fields,
      at: delayTime(stanza, this.options.now()),
      stanzaId: stanzaId.slice(0, 256),
      originId: originIdOf(stanza),
      resource: null,
      read: fields.direction === 'out',
      ...sharedFileOf(stanza, fields.body),
      // A decrypted aesgcm: address is a file by its encrypted body alone (no oob element with it).
      ...(fields.file ? { file: true } : {}),
    });
    // Received messages of one loop turn (a room's history, a burst) share one transaction.
    if (account.incoming.length === 1) setImmediate(() => this.flushChunk(account));
  }

  /**
   * Writes up to INCOMING_CHUNK waiting messages, the rest in the next loop turn: a room's history
   * of hundreds (and their search index) never holds the loop in one transaction.
   */
  private flushChunk(account: AccountChat): void {
    this.flush(account, INCOMING_CHUNK);
    if (account.incoming.length > 0) setImmediate(() => this.flushChunk(account));
  }

  /** Writes the received messages waiting (all, or the first `max`), then tells the UI (and maybe the desktop). */
  flush(account: AccountChat, max = Infinity): void {
    if (account.incoming.length === 0) return;
    const batch = account.incoming.length <= max ? account.incoming : account.incoming.splice(0, max);
    if (batch === account.incoming) account.incoming = [];
    try {
      this.announce(account, this.options.repo.addMany(batch), true);
    } catch (error) {
      // The server's archive still has them: read it again from its marker once storing works.
      this.options.log.error('received messages could not be stored', { accountId: account.accountId, error });
      const archives = new Set(batch.map((message) => (message.kind === 'groupchat' ? message.conversation : '')));
      for (const archive of archives) this.options.writes.storeFailed(error, account.accountId, archive);
    }
  }

  /** Events for stored messages (duplicates counted), one conversation event per conversation. */
  announce(account: AccountChat, stored: (StoredMessage | null)[], live: boolean): void {
    const { bus, repo, onIncoming, arrived } = this.options;
    const conversations = new Set<string>();
    for (const message of stored) {
      if (!message) {
        account.stats.duplicates++;
        continue;
      }
      bus.emit({ type: 'message', message: view(message) });
      conversations.add(message.conversation);
      if (live && message.direction === 'in') onIncoming?.(view(message));
    }
    if (conversations.size > 0) arrived?.(account, stored);
    for (const id of conversations) {
      const conversation = repo.conversation(account.accountId, id);
      if (conversation) bus.emit({ type: 'conversation', conversation });
    }
  }
}

/** The XEP-0359 stanza-id `by` assigned; none when two claim it (the archive strips others', so one is forged). */
export function serverId(stanza: Element, by: string | null): string | null {
  if (by === null) return null;
  const ids = stanza.getChildren('stanza-id', NS_SID).filter((child) => child.attrs.by === by);
  return ids.length === 1 && typeof ids[0].attrs.id === 'string' ? ids[0].attrs.id.slice(0, 256) : null;
}
