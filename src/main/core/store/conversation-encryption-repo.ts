/**
 * All SQL for the user's encryption choice per conversation (migration 7). No row means no choice:
 * the conversation follows the contact's devices.
 */
import type { Db } from './db';

export type ConversationMode = 'omemo' | 'plain';

export class ConversationEncryptionRepository {
  private readonly get;
  private readonly put;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.get = db.prepare<[string, string], { mode: ConversationMode }>(
      'SELECT mode FROM conversation_encryption WHERE account_id = ? AND conversation = ?',
    );
    this.put = db.prepare<[string, string, ConversationMode, number]>(
      `INSERT INTO conversation_encryption (account_id, conversation, mode, chosen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, conversation) DO UPDATE SET mode = excluded.mode, chosen_at = excluded.chosen_at`,
    );
  }

  /** The mode chosen for a conversation, or null when none was. */
  mode(accountId: string, conversation: string): ConversationMode | null {
    return this.get.get(accountId, conversation)?.mode ?? null;
  }

  setMode(accountId: string, conversation: string, mode: ConversationMode): void {
    this.put.run(accountId, conversation, mode, this.now());
  }
}
