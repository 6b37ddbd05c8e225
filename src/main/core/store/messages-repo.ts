/**
 * All SQL for messages (migration 5): history, the outbox, unread counts and full-text search.
 * Every write here is something a user typed or received, so each is its own durable transaction
 * (synchronous=FULL): a queued message survives a crash right after the user pressed Enter.
 */
import type {
  ConversationKind,
  ConversationView,
  DeliveryError,
  FileMetadataView,
  MessageState,
  MessageEncryption,
  MessageView,
  TrustState,
  UndecryptableReason,
} from '../../../shared/contract';
import type { Db } from './db';
import { withoutFsync } from './commit-without-fsync';
import { ReactionsRepository } from './reactions-repo';

/** What a stored row and a message to store name alike. */
interface MessageCore {
  conversation: string;
  kind: ConversationKind;
  direction: 'in' | 'out';
  /** Bare JID in chats, nick in rooms and private messages. */
  sender: string;
  body: string;
  at: number;
  state: MessageState;
}

interface MessageRow extends MessageCore {
  id: number;
  account_id: string;
  stanza_id: string;
  origin_id: string | null;
  resource: string | null;
  corrected: number;
  error: string | null;
  encryption: 'omemo' | null;
  encryption_device: number | null;
  encryption_key: string | null;
  encryption_trust: TrustState | null;
  undecryptable: UndecryptableReason | null;
  oob: number;
  file_name: string | null;
  file_size: number | null;
  file_type: string | null;
  server_id: string | null;
  occupant_id: string | null;
  reply_to: string | null;
  reply_id: string | null;
  reply_quote: string | null;
  reply_target: number | null;
  retracted: 0 | 1 | 2;
}

export interface StoredMessage extends MessageView {
  stanzaId: string;
  originId: string | null;
  resource: string | null;
  serverId: string | null;
  occupantId: string | null;
  /** XEP-0461: the id of the message this one answers (with `reply`). */
  replyId: string | null;
}

export interface NewMessage extends MessageCore {
  accountId: string;
  stanzaId: string;
  originId: string | null;
  serverId: string | null;
  resource: string | null;
  /** Incoming messages in an open conversation are read at once. */
  read: boolean;
  /** It travelled end-to-end encrypted (outgoing: it must); absent or null for a message in the clear. */
  encryption?: MessageEncryption | null;
  /** It shares a file: the body is exactly its jabber:x:oob address. */
  file?: boolean;
  /** With `file`: what the message says about the file (XEP-0446). */
  fileMeta?: FileMetadataView | null;
  /** XEP-0461: the message it answers (replies.ts read it and looked the original up). */
  reply?: StoredReply | null;
  /** XEP-0421: the occupant-id a room that assigns them gave it. */
  occupantId?: string | null;
}

export interface StoredReply {
  /** The id it refers to: the room's stanza-id in rooms, the message's id or origin-id in chats. */
  id: string;
  /** Whom it quotes: a bare JID in chats, a nick in rooms. */
  to: string;
  /** The fallback's quote (XEP-0428), shown while the original is not here. */
  quote: string;
  /** The original's local row, when it was found from that author. */
  target: number | null;
}

const COLUMNS =
  'id, account_id, conversation, kind, direction, sender, body, at, state, stanza_id, origin_id, resource, corrected, error, ' +
  'encryption, encryption_device, encryption_key, encryption_trust, undecryptable, oob, file_name, file_size, file_type, ' +
  'server_id, occupant_id, ' +
  'reply_to, reply_id, reply_quote, reply_target, retracted';
const LAST_BODY_CHARS = 200;

export class MessagesRepository {
  private readonly insert;
  private readonly byId;
  private readonly setStateStmt;
  private readonly findOutgoing;
  private readonly findByOrigin;
  private readonly findCorrectable;
  private readonly correctStmt;
  private readonly readUnknownSenderStmt;
  private readonly queuedStmt;
  private readonly latestStmt;
  private readonly beforeStmt;
  private readonly searchAll;
  private readonly searchAccount;
  private readonly markReadStmt;
  private readonly conversationsStmt;
  private readonly conversationStmt;
  private readonly markerGet;
  private readonly unreadStmt;
  private readonly addManyTx;
  private readonly storePageTx;
  private readonly storePagePartTx;
  private readonly markerSet;
  private readonly setEncryptionStmt;
  private readonly knownByOrigin;
  private readonly knownByServerId;
  /** Reactions, replies' originals and retractions (migration 10). */
  readonly reactions: ReactionsRepository;

  constructor(db: Db) {
    this.reactions = new ReactionsRepository(db);
    // A new message's id is above every id in use and at least 1: SQLite's own choice (the largest
    // id + 1) would be 0 when only older messages paged back from the archive (ids below 0) are stored.
    this.insert = db.prepare<InsertRow>(
      `INSERT INTO messages (id, account_id, conversation, kind, direction, sender, body, at, state, stanza_id, origin_id,
         server_id, resource, read, encryption, encryption_device, encryption_key, encryption_trust, undecryptable, oob,
         file_name, file_size, file_type, occupant_id, reply_id, reply_to, reply_quote, reply_target)
       VALUES ((SELECT max(coalesce(max(id), 0), 0) + 1 FROM messages), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         ?, ?, ?, ?, ?, ?, ?, ?, ?,
         ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.setEncryptionStmt = db.prepare<[string | null, number]>(
      'UPDATE messages SET encryption = ?, encryption_device = NULL, encryption_key = NULL, encryption_trust = NULL WHERE id = ?',
    );
    this.knownByOrigin = db.prepare<[string, string, string, string], { id: number }>(
      'SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND sender = ? AND origin_id = ?',
    );
    this.knownByServerId = db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND server_id = ?',
    );
    this.byId = db.prepare<[number], MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE id = ?`);
    this.setStateStmt = db.prepare<[string, string | null, number]>(
      'UPDATE messages SET state = ?, error = ? WHERE id = ?',
    );
    this.findOutgoing = db.prepare<[string, string, string], { id: number }>(
      `SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND direction = 'out' AND stanza_id = ?
       ORDER BY id DESC LIMIT 1`,
    );
    this.findByOrigin = db.prepare<[string, string, string], { id: number }>(
      `SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND direction = 'out' AND origin_id = ?
       ORDER BY id DESC LIMIT 1`,
    );
    this.findCorrectable = db.prepare<[string, string, string, string, string], { id: number }>(
      `SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND sender = ? AND (stanza_id = ? OR origin_id = ?)
       ORDER BY id DESC LIMIT 1`,
    );
    this.readUnknownSenderStmt = db.prepare<[string, number, number | null, string | null, string | null, number]>(
      `UPDATE messages SET body = ?, oob = ?, encryption_device = ?, encryption_key = ?, encryption_trust = ?,
         undecryptable = NULL WHERE id = ? AND undecryptable = 'unknown-sender'`,
    );
    this.correctStmt = db.prepare<[string, number | null, string | null, string | null, number]>(
      `UPDATE messages SET body = ?, corrected = 1, oob = 0, encryption_device = coalesce(?, encryption_device),
         encryption_key = coalesce(?, encryption_key), encryption_trust = coalesce(?, encryption_trust) WHERE id = ?`,
    );
    this.queuedStmt = db.prepare<[string], MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE account_id = ? AND state = 'queued' ORDER BY id`,
    );
    this.latestStmt = db.prepare<[string, string, number], MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE account_id = ? AND conversation = ? ORDER BY id DESC LIMIT ?`,
    );
    this.beforeStmt = db.prepare<[string, string, number, number], MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE account_id = ? AND conversation = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    );
    this.searchAll = db.prepare<[string, number], MessageRow>(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `m.${c}`)
        .join(', ')} FROM messages_fts f JOIN messages m ON m.id = f.rowid
       WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?`,
    );
    this.searchAccount = db.prepare<[string, string, number], MessageRow>(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `m.${c}`)
        .join(', ')} FROM messages_fts f JOIN messages m ON m.id = f.rowid
       WHERE messages_fts MATCH ? AND m.account_id = ? ORDER BY rank LIMIT ?`,
    );
    this.markReadStmt = db.prepare<[string, string]>(
      'UPDATE messages SET read = 1 WHERE account_id = ? AND conversation = ? AND read = 0',
    );
    const conversationSql = (where: string) =>
      `SELECT m.account_id, m.conversation, m.kind, m.at, substr(m.body, 1, ${LAST_BODY_CHARS}) AS last_body,
         (SELECT count(*) FROM messages u WHERE u.account_id = m.account_id AND u.conversation = m.conversation
            AND u.read = 0) AS unread,
         (SELECT r.peer_displayed FROM chat_read_state r WHERE r.account_id = m.account_id
            AND r.conversation = m.conversation) AS peer_displayed
       FROM messages m
       WHERE m.id IN (SELECT max(id) FROM messages ${where} GROUP BY account_id, conversation)
       ORDER BY m.at DESC, m.id DESC`;
    this.addManyTx = db.transaction((messages: NewMessage[]) => messages.map((message) => this.add(message)));
    this.storePageTx = db.transaction(
      (messages: NewMessage[], marker: { accountId: string; archive: string; lastId: string } | null) => {
        const stored = messages.map((message) => this.add(message));
        if (marker) this.markerSet.run(marker.accountId, marker.archive, marker.lastId);
        return stored;
      },
    );
    this.storePagePartTx = withoutFsync(db, (messages: NewMessage[]) => this.storePageTx(messages, null));
    this.unreadStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages WHERE read = 0');
    this.markerGet = db.prepare<[string, string], { last_id: string }>(
      'SELECT last_id FROM archive_markers WHERE account_id = ? AND archive = ?',
    );
    this.markerSet = db.prepare<[string, string, string]>(
      `INSERT INTO archive_markers (account_id, archive, last_id) VALUES (?, ?, ?)
       ON CONFLICT (account_id, archive) DO UPDATE SET last_id = excluded.last_id`,
    );
    this.conversationsStmt = db.prepare<[], ConversationRow>(conversationSql(''));
    this.conversationStmt = db.prepare<[string, string], ConversationRow>(
      conversationSql('WHERE account_id = ? AND conversation = ?'),
    );
  }

  /**
   * Stores a message; null when it is a duplicate (same origin-id from the same sender, or same
   * stanza-id). The stored message is built from what was written and the new row's id, not read
   * back: a new row has no reactions yet, and its other columns are their defaults.
   */
  add(message: NewMessage): StoredMessage | null {
    const { encryption, reply } = message;
    const meta = message.file ? message.fileMeta : null;
    const device = encryption?.device ?? null;
    const result = this.insert.run(
      message.accountId,
      message.conversation,
      message.kind,
      message.direction,
      message.sender,
      message.body,
      message.at,
      message.state,
      message.stanzaId,
      message.originId,
      message.serverId,
      message.resource,
      message.read ? 1 : 0,
      encryption?.protocol ?? null,
      device?.id ?? null,
      device?.fingerprint ?? null,
      device?.trust ?? null,
      encryption?.undecryptable ?? null,
      message.file ? 1 : 0,
      meta?.name ?? null,
      meta?.size ?? null,
      meta?.type ?? null,
      message.occupantId ?? null,
      reply?.id ?? null,
      reply?.to ?? null,
      reply?.quote ?? null,
      reply?.target ?? null,
    );
    if (result.changes === 0) return null;
    return storedMessageOf(Number(result.lastInsertRowid), message);
  }

  /** Stores several received messages in one transaction; null where one was a duplicate. */
  addMany(messages: NewMessage[]): (StoredMessage | null)[] {
    return messages.length === 0 ? [] : this.addManyTx(messages);
  }

  /**
   * One archive page (XEP-0313) and the archive's new marker, all or nothing: a crash before it is
   * written leaves the marker where it was, and the page is fetched again next time.
   */
  storePage(
    messages: NewMessage[],
    marker: { accountId: string; archive: string; lastId: string } | null,
  ): (StoredMessage | null)[] {
    return this.storePageTx(messages, marker);
  }

  /**
   * A leading part of an archive page, before the part that moves the marker: committed without its
   * own fsync (the part with the marker makes it durable; lost in a power cut before that, it comes
   * again with the page), so that a page cut into parts costs one fsync, not one a part.
   */
  storePagePart(messages: NewMessage[]): (StoredMessage | null)[] {
    return this.storePagePartTx(messages);
  }

  get(id: number): StoredMessage | null {
    const row = this.byId.get(id);
    return row ? this.reactions.attach(toMessage(row)) : null;
  }

  setState(id: number, state: MessageState, error: DeliveryError | null = null): StoredMessage | null {
    this.setStateStmt.run(state, error === null ? null : JSON.stringify(error), id);
    return this.get(id);
  }

  /** Our message with this id attribute in the conversation (receipts, errors). */
  outgoingByStanzaId(accountId: string, conversation: string, stanzaId: string): number | null {
    return this.findOutgoing.get(accountId, conversation, stanzaId)?.id ?? null;
  }

  outgoingByOriginId(accountId: string, conversation: string, originId: string): number | null {
    return this.findByOrigin.get(accountId, conversation, originId)?.id ?? null;
  }

  /**
   * Replaces the body of `sender`'s message `replaceId` (XEP-0308); null when there is no such
   * message. With `encryption` (a received correction: null when it came in the clear), the
   * original must have travelled the same way: a correction in the clear never replaces an
   * encrypted message, nor the reverse; an encrypted one records the device that sent it.
   */
  correct(
    accountId: string,
    conversation: string,
    sender: string,
    replaceId: string,
    body: string,
    encryption?: MessageEncryption | null,
  ): StoredMessage | null {
    const found = this.findCorrectable.get(accountId, conversation, sender, replaceId, replaceId);
    if (!found) return null;
    if (encryption !== undefined) {
      const original = this.get(found.id);
      if ((original?.encryption?.protocol ?? null) !== (encryption?.protocol ?? null)) return null;
      if (original?.encryption?.undecryptable) return null;
    }
    const device = encryption?.device ?? null;
    this.correctStmt.run(body, device?.id ?? null, device?.fingerprint ?? null, device?.trust ?? null, found.id);
    return this.get(found.id);
  }

  /** An outgoing message goes in the clear after all (the user chose it when its encryption failed). */
  clearEncryption(id: number): StoredMessage | null {
    this.setEncryptionStmt.run(null, id);
    return this.get(id);
  }

  /** Whether a message is stored already: by the sender's origin-id, or by our archive's (or the room's) id. */
  holds(
    accountId: string,
    conversation: string,
    sender: string,
    originId: string | null,
    serverId: string | null,
  ): boolean {
    if (originId !== null && this.knownByOrigin.get(accountId, conversation, sender, originId)) return true;
    return serverId !== null && this.knownByServerId.get(accountId, conversation, serverId) !== undefined;
  }

  /** The row `holds` finds: by the sender's origin-id, else by our archive's (or the room's) id. */
  heldId(
    accountId: string,
    conversation: string,
    sender: string,
    originId: string | null,
    serverId: string | null,
  ): number | null {
    const byOrigin = originId !== null ? this.knownByOrigin.get(accountId, conversation, sender, originId) : undefined;
    const found =
      byOrigin ?? (serverId !== null ? this.knownByServerId.get(accountId, conversation, serverId) : undefined);
    return found?.id ?? null;
  }

  /**
   * A room message stored unreadable because its sender's real JID was unknown, read from another
   * copy that named it (the room's archive): its text and the device that sent it replace the reason.
   */
  readUnknownSender(id: number, body: string, encryption: MessageEncryption, file: boolean): StoredMessage | null {
    const changed = this.readUnknownSenderStmt.run(
      body,
      file ? 1 : 0,
      encryption.device?.id ?? null,
      encryption.device?.fingerprint ?? null,
      encryption.device?.trust ?? null,
      id,
    );
    return changed.changes > 0 ? this.get(id) : null;
  }

  queued(accountId: string): StoredMessage[] {
    return this.queuedStmt.all(accountId).map(toMessage);
  }

  /** Up to `limit` messages before `before` (or the latest), oldest first. */
  history(accountId: string, conversation: string, before: number | undefined, limit: number): StoredMessage[] {
    const rows =
      before === undefined
        ? this.latestStmt.all(accountId, conversation, limit)
        : this.beforeStmt.all(accountId, conversation, before, limit);
    return rows.reverse().map((row) => this.reactions.attach(toMessage(row)));
  }

  search(query: string, accountId: string | undefined, limit: number): StoredMessage[] {
    const match = ftsQuery(query);
    if (match === '') return [];
    const rows =
      accountId === undefined ? this.searchAll.all(match, limit) : this.searchAccount.all(match, accountId, limit);
    return rows.map((row) => this.reactions.attach(toMessage(row)));
  }

  unreadTotal(): number {
    return this.unreadStmt.get()?.n ?? 0;
  }

  markRead(accountId: string, conversation: string): number {
    return this.markReadStmt.run(accountId, conversation).changes;
  }

  /** The newest archive id we hold for an archive ('' = the account's own), or null. */
  archiveMarker(accountId: string, archive: string): string | null {
    return this.markerGet.get(accountId, archive)?.last_id ?? null;
  }

  setArchiveMarker(accountId: string, archive: string, lastId: string): void {
    this.markerSet.run(accountId, archive, lastId);
  }

  conversations(): ConversationView[] {
    return this.conversationsStmt.all().map(toConversation);
  }

  conversation(accountId: string, conversation: string): ConversationView | null {
    const row = this.conversationStmt.get(accountId, conversation);
    return row ? toConversation(row) : null;
  }
}

interface ConversationRow {
  account_id: string;
  conversation: string;
  kind: ConversationKind;
  at: number;
  last_body: string;
  unread: number;
  peer_displayed: number | null;
}

function toConversation(row: ConversationRow): ConversationView {
  return {
    accountId: row.account_id,
    conversation: row.conversation,
    kind: row.kind,
    lastAt: row.at,
    lastBody: row.last_body,
    unread: row.unread,
    ...(row.peer_displayed !== null ? { peerDisplayed: row.peer_displayed } : {}),
  };
}

/** The insert's parameters, in its order. */
type InsertRow = [
  ...[accountId: string, conversation: string, kind: ConversationKind, direction: 'in' | 'out', sender: string],
  ...[body: string, at: number, state: MessageState, stanzaId: string, originId: string | null],
  ...[serverId: string | null, resource: string | null, read: 0 | 1, encryption: string | null],
  ...[device: number | null, key: string | null, trust: TrustState | null, undecryptable: UndecryptableReason | null],
  ...[oob: 0 | 1, fileName: string | null, fileSize: number | null, fileType: string | null],
  ...[occupantId: string | null, replyId: string | null, replyTo: string | null, replyQuote: string | null],
  replyTarget: number | null,
];

/** What `toMessage` reads from the row `add` wrote for `message` as `id` (the same fields, the same shape). */
function storedMessageOf(id: number, message: NewMessage): StoredMessage {
  const stored: StoredMessage = {
    accountId: message.accountId,
    id,
    conversation: message.conversation,
    kind: message.kind,
    direction: message.direction,
    from: message.sender,
    body: message.body,
    at: message.at,
    state: message.state,
    corrected: false,
    error: null,
    stanzaId: message.stanzaId,
    originId: message.originId,
    resource: message.resource,
    serverId: message.serverId,
    occupantId: message.occupantId ?? null,
    replyId: message.reply?.id ?? null,
  };
  const meta = message.file ? message.fileMeta : null;
  if (message.file) stored.file = true;
  if (meta && (meta.name != null || meta.size != null || meta.type != null))
    stored.fileMeta = { name: meta.name ?? null, size: meta.size ?? null, type: meta.type ?? null };
  const reply = message.reply;
  if (reply) stored.reply = { to: reply.to, quote: reply.quote ?? '', target: reply.target ?? null };
  const encryption = message.encryption;
  if (encryption) {
    const device = encryption.device;
    stored.encryption = {
      protocol: encryption.protocol,
      device:
        device == null ? null : { id: device.id, fingerprint: device.fingerprint ?? null, trust: device.trust ?? null },
      undecryptable: encryption.undecryptable ?? null,
    };
  }
  return stored;
}

function toMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    accountId: row.account_id,
    id: row.id,
    conversation: row.conversation,
    kind: row.kind,
    direction: row.direction,
    from: row.sender,
    body: row.body,
    at: row.at,
    state: row.state,
    corrected: row.corrected === 1,
    error: readDeliveryError(row.error),
    stanzaId: row.stanza_id,
    originId: row.origin_id,
    resource: row.resource,
    serverId: row.server_id,
    occupantId: row.occupant_id,
    replyId: row.reply_id,
  };
  if (row.oob === 1) message.file = true;
  if (row.oob === 1 && (row.file_name !== null || row.file_size !== null || row.file_type !== null))
    message.fileMeta = { name: row.file_name, size: row.file_size, type: row.file_type };
  if (row.reply_to !== null)
    message.reply = { to: row.reply_to, quote: row.reply_quote ?? '', target: row.reply_target };
  if (row.retracted !== 0) message.retracted = row.retracted === 2 ? 'moderator' : 'sender';
  if (row.encryption !== null) {
    message.encryption = {
      protocol: row.encryption,
      device:
        row.encryption_device === null
          ? null
          : { id: row.encryption_device, fingerprint: row.encryption_key, trust: row.encryption_trust },
      undecryptable: row.undecryptable,
    };
  }
  return message;
}

/** The user's words as FTS5 phrases (each quoted), so operators and syntax errors cannot come from input. */
export function ftsQuery(query: string): string {
  return query
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 16)
    .map((word) => `"${word.replace(/"/g, '""')}"`)
    .join(' ');
}

/** Rows written before errors were stored as codes hold the sentence that then said it. */
const WORDED_ERROR = /^The message was not delivered \((.*?)\)(?:: ([\s\S]*)|\.)$/;

/** The stored refusal of a failed message: `{ condition, text }` as JSON (or, in older rows, the sentence). */
function readDeliveryError(stored: string | null): DeliveryError | null {
  if (stored === null) return null;
  try {
    const parsed = JSON.parse(stored) as Partial<DeliveryError> | null;
    if (parsed && typeof parsed === 'object') {
      return {
        condition: typeof parsed.condition === 'string' ? parsed.condition : null,
        text: typeof parsed.text === 'string' ? parsed.text : null,
        ...(parsed.encryption && typeof parsed.encryption.reason === 'string' ? { encryption: parsed.encryption } : {}),
      };
    }
  } catch {
    // An older row: read the sentence below.
  }
  const worded = WORDED_ERROR.exec(stored);
  if (!worded) return { condition: null, text: null };
  return { condition: worded[1] === 'error' ? null : worded[1], text: worded[2] ?? null };
}
