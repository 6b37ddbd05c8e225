/**
 * All SQL for read state and drafts (migration 11): how far a contact read our messages (XEP-0333),
 * the newest incoming message still owed a marker, our own read position by the server's stanza-id
 * (XEP-0490), and the draft of each conversation. Reading and marking read touch the messages table
 * (migration 5) by id, server id and the read flag only.
 */
import type { Db } from './db';

export class ReadStateRepository {
  private readonly peerGet;
  private readonly peerSet;
  private readonly markableSet;
  private readonly markableTake;
  private readonly markableClear;
  private readonly lastServerIdStmt;
  private readonly byServerIdStmt;
  private readonly markReadUpToStmt;
  private readonly draftGet;
  private readonly draftSet;
  private readonly draftDelete;
  private readonly draftsAll;

  constructor(db: Db) {
    this.peerGet = db.prepare<[string, string], { peer_displayed: number | null }>(
      'SELECT peer_displayed FROM chat_read_state WHERE account_id = ? AND conversation = ?',
    );
    // Markers are cumulative: the position only moves forward.
    this.peerSet = db.prepare<[string, string, number]>(
      `INSERT INTO chat_read_state (account_id, conversation, peer_displayed) VALUES (?, ?, ?)
       ON CONFLICT (account_id, conversation) DO UPDATE
         SET peer_displayed = max(coalesce(peer_displayed, 0), excluded.peer_displayed)`,
    );
    this.markableSet = db.prepare<[string, string, string]>(
      `INSERT INTO chat_read_state (account_id, conversation, markable_id) VALUES (?, ?, ?)
       ON CONFLICT (account_id, conversation) DO UPDATE SET markable_id = excluded.markable_id`,
    );
    this.markableTake = db.prepare<[string, string], { markable_id: string | null }>(
      'SELECT markable_id FROM chat_read_state WHERE account_id = ? AND conversation = ?',
    );
    this.markableClear = db.prepare<[string, string]>(
      'UPDATE chat_read_state SET markable_id = NULL WHERE account_id = ? AND conversation = ?',
    );
    this.lastServerIdStmt = db.prepare<[string, string], { server_id: string }>(
      `SELECT server_id FROM messages WHERE account_id = ? AND conversation = ? AND server_id IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    );
    this.byServerIdStmt = db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM messages WHERE account_id = ? AND conversation = ? AND server_id = ?',
    );
    this.markReadUpToStmt = db.prepare<[string, string, number]>(
      'UPDATE messages SET read = 1 WHERE account_id = ? AND conversation = ? AND read = 0 AND id <= ?',
    );
    this.draftGet = db.prepare<[string, string], { text: string }>(
      'SELECT text FROM drafts WHERE account_id = ? AND conversation = ?',
    );
    this.draftSet = db.prepare<[string, string, string]>(
      `INSERT INTO drafts (account_id, conversation, text) VALUES (?, ?, ?)
       ON CONFLICT (account_id, conversation) DO UPDATE SET text = excluded.text`,
    );
    this.draftDelete = db.prepare<[string, string]>('DELETE FROM drafts WHERE account_id = ? AND conversation = ?');
    this.draftsAll = db.prepare<[], { account_id: string; conversation: string; text: string }>(
      'SELECT account_id, conversation, text FROM drafts',
    );
  }

  /** The local id of our newest message the contact displayed, or null. */
  peerDisplayed(accountId: string, conversation: string): number | null {
    return this.peerGet.get(accountId, conversation)?.peer_displayed ?? null;
  }

  /** Moves the contact's displayed position forward to `messageId`; true when it moved. */
  setPeerDisplayed(accountId: string, conversation: string, messageId: number): boolean {
    const before = this.peerDisplayed(accountId, conversation);
    if (before !== null && before >= messageId) return false;
    this.peerSet.run(accountId, conversation, messageId);
    return true;
  }

  /** Remembers the newest incoming message that asked for markers. */
  setMarkable(accountId: string, conversation: string, stanzaId: string): void {
    this.markableSet.run(accountId, conversation, stanzaId.slice(0, 256));
  }

  /** The newest incoming message still owed a displayed marker, forgotten as it is taken. */
  takeMarkable(accountId: string, conversation: string): string | null {
    const id = this.markableTake.get(accountId, conversation)?.markable_id ?? null;
    if (id !== null) this.markableClear.run(accountId, conversation);
    return id;
  }

  /** The stanza-id our archive or the room gave the conversation's newest message that has one. */
  lastServerId(accountId: string, conversation: string): string | null {
    return this.lastServerIdStmt.get(accountId, conversation)?.server_id ?? null;
  }

  /** Marks read every message up to the one with this server stanza-id; null when we do not have it. */
  markReadUpTo(accountId: string, conversation: string, serverId: string): number | null {
    const row = this.byServerIdStmt.get(accountId, conversation, serverId);
    if (!row) return null;
    return this.markReadUpToStmt.run(accountId, conversation, row.id).changes;
  }

  draft(accountId: string, conversation: string): string | null {
    return this.draftGet.get(accountId, conversation)?.text ?? null;
  }

  /** Keeps the draft; an empty one is removed. */
  setDraft(accountId: string, conversation: string, text: string): void {
    if (text === '') this.draftDelete.run(accountId, conversation);
    else this.draftSet.run(accountId, conversation, text);
  }

  drafts(): { accountId: string; conversation: string; text: string }[] {
    return this.draftsAll.all().map((row) => ({
      accountId: row.account_id,
      conversation: row.conversation,
      text: row.text,
    }));
  }
}
