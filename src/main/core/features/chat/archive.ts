/**
 * Catching up from the server's archive (XEP-0313) after a new session: the account's archive once
 * our initial presence is out, and each joined room's archive, read from the newest id we hold, in
 * pages (each page and its marker in one transaction). Without a marker (a first session) only the
 * latest page is taken; after the store was rebuilt, up to RESTORE_PAGES pages of the last
 * RESTORE_DAYS. Results count only for a query we opened and only from the archive we asked.
 * Corrections in a page replace their originals' bodies once the page is stored.
 * Encrypted one-to-one messages are read (decrypting.ts) before their page is stored; when a page
 * fails, what was read of it is stored all the same (it could not be read a second time).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import { MESSAGE_BODY_MAX } from '../../../../shared/contract';
import type { SessionXmpp } from '../../accounts/client';
import type { EventBus } from '../../events';
import type { Logger, RateLimitedLogger } from '../../log';
import type { MessagesRepository, NewMessage, StoredMessage } from '../../store/messages-repo';
import { delayTime } from '../../util/delay-stamp';
import { capText } from '../../util/text';
import { archivedSenderJid } from '../muc/room-encryption';
import { NS_CORRECT, NS_DATA, NS_FORWARD, NS_MAM, NS_REACTIONS, NS_RSM } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { sharedFileOf } from '../upload/oob';
import { originIdOf, type AccountChat, type ArchivedCorrection, type JoinedRooms, type PageEntry } from './accounts';
import type { IncomingDecryption } from './decrypting';
import type { Inbox } from './inbox';
import { refersToMessage, type MessageReferences } from './references';
import { readReply } from './replies';
import type { MessageWrites } from './writes';
import { DAY_MS } from '../../util/time';

/** Archive page size, and how many messages a first session (no marker yet) fetches. */
export const ARCHIVE_PAGE = 100;
/** Pages per catch-up before giving up (a runaway archive must not loop forever). */
const ARCHIVE_MAX_PAGES = 500;
/** After the store was rebuilt: how much history each archive gives back (2,000 messages, 30 days). */
const RESTORE_PAGES = 20;
const RESTORE_DAYS = 30;
/** Messages of a page stored in one transaction (one loop turn); see storeInChunks. */
export const ARCHIVE_CHUNK = 25;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ArchiveOptions {
  repo: MessagesRepository;
  bus: EventBus;
  inbox: Inbox;
  writes: MessageWrites;
  rooms: JoinedRooms;
  log: Logger;
  floodLog: RateLimitedLogger;
  now: () => number;
  /** Accounts whose store was rebuilt: an archive with no marker is read back further than a new account's. */
  restoreHistoryOf?: ReadonlySet<string>;
  decryption?: IncomingDecryption;
  /** Reactions and retractions found in the archive, applied with the live checks. */
  references: MessageReferences;
}

export class Archive {
  private readonly repo: MessagesRepository;

  constructor(private readonly options: ArchiveOptions) {
    this.repo = options.repo;
  }

  /**
   * Pages through an archive ('' = our own, else a room's) from the newest id we hold; without
   * one (a first session), takes the latest page only.
   */
  async catchUp(account: AccountChat, xmpp: SessionXmpp, archive = ''): Promise<void> {
    const { bus, inbox, now } = this.options;
    let after = this.repo.archiveMarker(account.accountId, archive);
    const firstSession = after === null;
    // A rebuilt store reads its history back, newest first: RESTORE_PAGES pages of the last RESTORE_DAYS.
    const restoring = firstSession && (this.options.restoreHistoryOf?.has(account.accountId) ?? false);
    let before: string | null = null;
    let newestStored = false;
    let fetched = 0;
    const progress = (state: 'syncing' | 'done' | 'failed') => {
      if (archive === '') bus.emit({ type: 'archive.sync', accountId: account.accountId, state, fetched });
    };
    progress('syncing');
    try {
      for (let pageNo = 0; pageNo < ARCHIVE_MAX_PAGES; pageNo++) {
        const queryId = randomUUID();
        account.queries.set(queryId, { archive, received: 0, page: [], corrections: [], after: [] });
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
              ? xml('field', { var: 'start' }, xml('value', {}, new Date(now() - RESTORE_DAYS * DAY_MS).toISOString()))
              : null,
          ),
          rsm,
        );
        let reply: Element;
        let entries: PageEntry[] = [];
        let deferred: (() => void)[] = [];
        let corrections: ArchivedCorrection[] = [];
        try {
          const iq = xml('iq', archive === '' ? { type: 'set' } : { type: 'set', to: archive }, query);
          reply = (await xmpp.iqCaller.request(iq, IQ_TIMEOUT_MS)) as Element;
        } catch (error) {
          // Encrypted messages read so far cannot be read again: keep them (the marker stays).
          await this.storeRead(account, account.queries.get(queryId)?.page ?? []);
          throw error;
        } finally {
          const open = account.queries.get(queryId);
          fetched += open?.received ?? 0;
          entries = open?.page ?? [];
          deferred = open?.after ?? [];
          corrections = open?.corrections ?? [];
          account.queries.delete(queryId);
        }
        const page = (await Promise.all(entries)).filter((message) => message !== null);
        const fin = reply.getChild('fin', NS_MAM);
        const last = fin?.getChild('set', NS_RSM)?.getChildText('last') ?? null;
        // Restored history was read before the store was lost; only the newest page moves the marker.
        if (restoring) for (const message of page) message.read = true;
        const marker: Parameters<MessagesRepository['storePage']>[1] =
          last === null || newestStored ? null : { accountId: account.accountId, archive, lastId: last };
        // The archive's last page in one go: the catch-up is done before anything sent after its <fin/> is read.
        const chunk = fin?.attrs.complete === 'true' ? Math.max(page.length, 1) : ARCHIVE_CHUNK;
        const stored = await this.storeInChunks(account, page, marker, chunk);
        inbox.announce(account, stored, false);
        // A correction of a message we do not hold is kept as a message of its own, as a live one is.
        const unmatched = this.applyCorrections(account, corrections).map((correction) => correction.message);
        if (unmatched.length > 0) inbox.announce(account, this.repo.storePage(unmatched, null), false);
        for (const apply of deferred) apply();
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
      this.options.log.info('archive catch-up failed', { accountId: account.accountId, archive, error });
      this.options.writes.storeFailed(error, account.accountId, archive);
      progress('failed');
    }
  }

  /**
   * Stores a page `chunk` messages a transaction, one transaction a loop turn, so that a page
   * (its rows and their search index) never holds the event loop for long; the marker moves with the
   * last chunk only: a crash between chunks fetches the page again, and its stored part is known by
   * its archive ids.
   */
  private async storeInChunks(
    account: AccountChat,
    page: NewMessage[],
    marker: Parameters<MessagesRepository['storePage']>[1],
    chunk: number,
  ): Promise<(StoredMessage | null)[]> {
    const stored: (StoredMessage | null)[] = [];
    // An empty page still runs once (it moves the marker); a chunk of at least one always ends.
    const size = Math.max(chunk, 1);
    for (let start = 0; start === 0 || start < page.length; start += size) {
      if (start > 0) await nextTurn();
      // Live messages of this turn first, then the chunk: the archive never overtakes them.
      this.options.inbox.flush(account);
      const last = start + size >= page.length;
      const part = page.slice(start, start + size);
      stored.push(...(last ? this.repo.storePage(part, marker) : this.repo.storePagePart(part)));
    }
    return stored;
  }

  /**
   * Applies the corrections a stored page held, in the archive's order; returns those whose
   * original is not stored (yet).
   */
  applyCorrections(account: AccountChat, corrections: ArchivedCorrection[]): ArchivedCorrection[] {
    const unmatched: ArchivedCorrection[] = [];
    for (const correction of corrections) {
      const { conversation, sender, body } = correction.message;
      const updated = this.repo.correct(account.accountId, conversation, sender, correction.replaceId, body, null);
      if (updated) this.options.writes.changed(updated);
      else unmatched.push(correction);
    }
    return unmatched;
  }

  /** Stores the encrypted messages of a failed page that were read (the rest comes again with the page). */
  private async storeRead(account: AccountChat, entries: PageEntry[]): Promise<void> {
    const read = await Promise.all(entries.filter((entry) => entry instanceof Promise));
    const messages = read.filter((message) => message !== null);
    if (messages.length > 0) this.options.inbox.announce(account, this.repo.storePage(messages, null), false);
  }

  /** One archived message: only for a query we opened, only from the archive we asked. */
  read(account: AccountChat, stanza: Element, result: Element): boolean {
    const from = stanza.attrs.from;
    const query = account.queries.get(result.attrs.queryid);
    const sender = typeof from === 'string' ? normalizeJid(from) : null;
    const fromArchive =
      query !== undefined &&
      (query.archive === '' ? from === undefined || sender === account.ownJid : sender === query.archive);
    if (!query || !fromArchive) {
      account.stats.dropped++;
      this.options.floodLog.warn('chat.stray-archive-result', 'archive result for no query of ours dropped', {
        from: String(from ?? '').slice(0, 200),
      });
      return true;
    }
    query.received++;
    // More results than the page we asked for: a server flooding us; the page keeps what it asked for.
    if (query.max !== undefined && query.received > query.max) {
      account.stats.dropped++;
      return true;
    }
    const forwarded = result.getChild('forwarded', NS_FORWARD);
    const inner = forwarded?.getChild('message');
    const archiveId = typeof result.attrs.id === 'string' ? result.attrs.id.slice(0, 256) : null;
    if (!forwarded || !inner || archiveId === null) return true;
    const innerFrom = typeof inner.attrs.from === 'string' ? normalizeJid(inner.attrs.from) : null;
    const bodyText = inner.getChildText('body');
    const encrypted = this.options.decryption?.isEncrypted(inner) ?? false;
    if (encrypted && query.backwards) return true;
    if (innerFrom === null) return true;
    if (refersToMessage(inner)) {
      // A reaction or retraction is not a message: it applies, checked as a live one, once the page is
      // stored (paging back, a reaction set never replaces a newer one).
      const older = query.backwards === true;
      const apply = () => this.options.references.read(account, inner, innerFrom, bareJid(innerFrom), older);
      // Paging back, a reaction often comes a page before its message: it waits for it.
      const to = query.reactions ? inner.getChild('reactions', NS_REACTIONS)?.attrs.id : undefined;
      if (typeof to === 'string' && to !== '') query.reactions!.push({ to: to.slice(0, 256), apply });
      else query.after.push(apply);
      return true;
    }
    if (bodyText === null && !encrypted) return true;
    const common = {
      accountId: account.accountId,
      body: capText(bodyText ?? '', MESSAGE_BODY_MAX),
      at: delayTime(forwarded, this.options.now()),
      stanzaId: (typeof inner.attrs.id === 'string' ? inner.attrs.id : randomUUID()).slice(0, 256),
      originId: originIdOf(inner),
      serverId: archiveId,
      resource: null,
      ...(bodyText !== null ? sharedFileOf(inner, bodyText) : { file: false }),
    };
    let message: NewMessage;
    if (query.archive !== '') {
      // A room's archive: messages from its occupants (room/nick) only.
      const slash = innerFrom.indexOf('/');
      if (inner.attrs.type !== 'groupchat' || bareJid(innerFrom) !== query.archive || slash === -1) return true;
      const nick = innerFrom.slice(slash + 1);
      const ours = nick === this.options.rooms.joinedNick(account.accountId, query.archive);
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
    // A query for one conversation takes messages of that conversation only.
    if (query.conversation !== undefined && message.conversation !== query.conversation) {
      account.stats.dropped++;
      return true;
    }
    if (!encrypted) {
      const self =
        message.kind === 'groupchat' ? this.options.rooms.joinedNick(account.accountId, query.archive) : account.ownJid;
      const context = { accountId: account.accountId, conversation: message.conversation, kind: message.kind, self };
      const replied = readReply(this.repo, inner, message.body, context);
      message.body = replied.body;
      message.reply = replied.reply;
    }
    account.stats.received++;
    const replaceId = inner.getChild('replace', NS_CORRECT)?.attrs.id;
    if (typeof replaceId === 'string' && bodyText !== null && !encrypted) {
      // A correction found in the archive replaces its original's body once the page is stored.
      query.corrections.push({ replaceId: replaceId.slice(0, 256), message });
      return true;
    }
    // A room's: the sender's real JID as the room's archive gives it (null: unknown, not readable).
    const author =
      message.direction === 'out'
        ? account.ownJid!
        : message.kind === 'groupchat'
          ? archivedSenderJid(inner)
          : message.conversation;
    if (encrypted && message.conversation !== account.ownJid)
      query.page.push(this.options.decryption!.archived(account, inner, message, author));
    else if (bodyText !== null) query.page.push(message);
    return true;
  }
}
