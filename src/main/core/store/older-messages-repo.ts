/**
 * Older messages paged back from the server's archive (migration 12). A conversation's history is
 * read in the order of its local ids, and everything stored before was newer than what the archive
 * gives back now: so a page of older messages takes ids below every id in use (negative ones), in
 * the page's order, and the views, the conversation list (its newest row) and the search index
 * stay as they are. Each conversation remembers the archive id to page before next and whether the
 * archive said it has no more, so it never asks again for what it has.
 */
import type { Db } from './db';
import type { MessagesRepository, NewMessage, StoredMessage } from './messages-repo';

/** How far back a conversation was read: the archive id to ask before next, and whether that was all. */
export interface BackfillState {
  beforeId: string | null;
  complete: boolean;
}

/** Where the next backwards page starts when the conversation was never paged back: its oldest stored message. */
export interface OldestStored {
  serverId: string | null;
  at: number;
}

export class OlderMessagesRepository {
  private readonly insertAt;
  private readonly minId;
  private readonly oldestStmt;
  private readonly stateGet;
  private readonly stateSet;
  private readonly storeOlderTx;

  constructor(
    db: Db,
    private readonly messages: MessagesRepository,
  ) {
    this.insertAt = db.prepare(
      `INSERT INTO messages (id, account_id, conversation, kind, direction, sender, body, at, state, stanza_id,
         origin_id, server_id, resource, read)
       VALUES (@id, @accountId, @conversation, @kind, @direction, @sender, @body, @at, @state, @stanzaId,
         @originId, @serverId, @resource, 1)
       ON CONFLICT DO NOTHING`,
    );
    this.minId = db.prepare<[], { id: number | null }>('SELECT min(id) AS id FROM messages');
    this.oldestStmt = db.prepare<[string, string], { server_id: string | null; at: number }>(
      'SELECT server_id, at FROM messages WHERE account_id = ? AND conversation = ? ORDER BY id LIMIT 1',
    );
    this.stateGet = db.prepare<[string, string], { before_id: string | null; complete: number }>(
      'SELECT before_id, complete FROM archive_backfill WHERE account_id = ? AND conversation = ?',
    );
    this.stateSet = db.prepare<[string, string, string | null, number]>(
      `INSERT INTO archive_backfill (account_id, conversation, before_id, complete) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, conversation) DO UPDATE SET before_id = excluded.before_id, complete = excluded.complete`,
    );
    this.storeOlderTx = db.transaction(
      (accountId: string, conversation: string, page: NewMessage[], state: BackfillState): StoredMessage[] => {
        // Below every id in use (and below 0, so a stored id is never 0), oldest first.
        const top = Math.min(this.minId.get()?.id ?? 0, 0) - 1;
        const stored: StoredMessage[] = [];
        page.forEach((message, index) => {
          const id = top - (page.length - 1 - index);
          const { encryption: _e, ...fields } = message;
          if (this.insertAt.run({ ...fields, id }).changes === 0) return; // held already
          const row = this.messages.get(id);
          if (row) stored.push(row);
        });
        this.stateSet.run(accountId, conversation, state.beforeId, state.complete ? 1 : 0);
        return stored;
      },
    );
  }

  /** How far back the conversation was read from the archive; null when it never was. */
  state(accountId: string, conversation: string): BackfillState | null {
    const row = this.stateGet.get(accountId, conversation);
    return row ? { beforeId: row.before_id, complete: row.complete === 1 } : null;
  }

  /** The conversation's oldest stored message (its archive id, if it has one, and its time), or null. */
  oldest(accountId: string, conversation: string): OldestStored | null {
    const row = this.oldestStmt.get(accountId, conversation);
    return row ? { serverId: row.server_id, at: row.at } : null;
  }

  /**
   * Stores a page of older messages (oldest first; read: old history is never unread) and how far
   * back the conversation now reaches, all or nothing. Returns the rows it added, oldest first
   * (a message held already, by origin-id or archive id, is left out).
   */
  storeOlder(accountId: string, conversation: string, page: NewMessage[], state: BackfillState): StoredMessage[] {
    return this.storeOlderTx(accountId, conversation, page, state);
  }
}
