/**
 * What chat keeps per account, and the small helpers every part of it shares. Each part owns its
 * fields: the outbox `inFlight`, `flushing` and `flushAgain`, the inbox `incoming`, the archive
 * `queries` and `catchUpPending`, decryption (decrypting.ts) `decryptions` and `owedKeyTransports`;
 * the service sets `xmpp` and `ownJid` as the connection comes and goes.
 */
import type { Element } from '@xmpp/xml';
import { normalizeBareJid, normalizeJid } from '../../../../shared/jid';
import type { ConversationKind, MessageView } from '../../../../shared/contract';
import type { SessionXmpp } from '../../accounts/client';
import type { NewMessage, StoredMessage } from '../../store/messages-repo';
import { NS_SID } from '../../xmpp/ns';

/** Counters for tests and diagnostics. */
export interface ChatStats {
  received: number;
  duplicates: number;
  dropped: number;
  sent: number;
}

export interface AccountChat {
  accountId: string;
  xmpp: SessionXmpp | null;
  ownJid: string | null;
  /** Rows written in this stream and not yet acknowledged, by stanza id. */
  inFlight: Map<string, number>;
  /** The queue is being sent; a flush asked for meanwhile runs once this one ends (flushAgain). */
  flushing: boolean;
  flushAgain: boolean;
  /** Received messages of this loop turn, written together. */
  incoming: NewMessage[];
  /** A new session whose archive catch-up waits for our initial presence. */
  catchUpPending: boolean;
  /**
   * Archive queries we opened and have not finished, by queryid ('' = our own archive, else a room);
   * an encrypted message in a page is a promise until it is read (null: nothing to store); `after`:
   * reactions and retractions of the page, applied once its messages are stored.
   */
  queries: Map<string, ArchiveQuery>;
  /** Encrypted messages being read, one after another: the last in line, and how many wait per conversation. */
  decryptions: { tail: Promise<void>; waiting: Map<string, number>; total: number };
  /** Senders of pre-key messages we read: they get a key transport unless we write to them first. */
  owedKeyTransports: Set<string>;
  /**
   * Queued room messages written while the room was being read (stored encrypted, so never in the
   * clear): whether they go encrypted is decided when the room is read.
   */
  undecided: Set<number>;
  stats: ChatStats;
}

/** One archive query we opened: its results are taken only from `archive` ('' = our own, else a room). */
export interface ArchiveQuery {
  archive: string;
  received: number;
  page: PageEntry[];
  /** Corrections (XEP-0308) the page holds, applied once the page is stored. */
  corrections: ArchivedCorrection[];
  /** Reactions and retractions the page holds, applied once its messages are stored. */
  after: (() => void)[];
  /** A query for one conversation (`with`): results of any other are dropped. */
  conversation?: string;
  /** The page size we asked for: results beyond it are dropped. */
  max?: number;
  /** Paging back: encrypted messages are not read (their sessions moved on since). */
  backwards?: boolean;
  /** Paging back: the page's reactions, by the id they refer to, applied once their message is stored. */
  reactions?: ArchivedReaction[];
}

/** A reaction set read from an archive page: applied once the message `to` names is stored. */
export interface ArchivedReaction {
  to: string;
  apply: () => void;
}

/** A correction read from an archive: its sender's message `replaceId` gets its body (else it is a message of its own). */
export interface ArchivedCorrection {
  replaceId: string;
  message: NewMessage;
}

/** A message of an archive page: an encrypted one is a promise until it was read (null: nothing to store). */
export type PageEntry = NewMessage | Promise<NewMessage | null>;

export function newAccountChat(accountId: string): AccountChat {
  return {
    accountId,
    xmpp: null,
    ownJid: null,
    inFlight: new Map(),
    undecided: new Set(),
    incoming: [],
    catchUpPending: false,
    flushing: false,
    flushAgain: false,
    queries: new Map(),
    decryptions: { tail: Promise.resolve(), waiting: new Map(), total: 0 },
    owedKeyTransports: new Set(),
    stats: { received: 0, duplicates: 0, dropped: 0, sent: 0 },
  };
}

/** The rooms chat needs to know of (MucService): our nick in a room we are in, and when a join completes. */
export interface JoinedRooms {
  /** Our nick in a room we are in (joined), else null. */
  joinedNick(accountId: string, room: string): string | null;
  /** The room assigns occupant-ids (XEP-0421), so the one on a message names its sender. */
  providesOccupantIds?(accountId: string, room: string): boolean;
  /** An occupant's real bare JID when the room shows it (whose keys read their encrypted messages). */
  occupantJid?(accountId: string, room: string, nick: string): string | null;
  /** Our role in a room we are in (moderation is a moderator's), else null. */
  ownRole?(accountId: string, room: string): string | null;
  /** Called each time a room finishes joining (first join, or again after a new session). */
  onJoined(listener: (accountId: string, room: string) => void): () => void;
}

export function view(message: StoredMessage): MessageView {
  const { stanzaId: _s, originId: _o, resource: _r, serverId: _i, occupantId: _c, replyId: _p, ...rest } = message;
  return rest;
}

/** The normalized conversation address for a kind: a bare JID, or room/nick for private messages. */
export function conversationOf(raw: string, kind: ConversationKind): string | null {
  if (kind === 'pm') {
    const full = normalizeJid(raw);
    return full !== null && full.includes('/') && full.includes('@') ? full : null;
  }
  const bare = normalizeBareJid(raw);
  if (bare === null) return null;
  return kind === 'groupchat' && !bare.includes('@') ? null : bare;
}

export function originIdOf(stanza: Element): string | null {
  const id = stanza.getChild('origin-id', NS_SID)?.attrs.id;
  return typeof id === 'string' ? id.slice(0, 256) : null;
}
