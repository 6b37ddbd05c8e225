/**
 * The SQL of replies, reactions and retractions (migration 10): finding the message a reply,
 * reaction or retraction refers to, the reactions of a message (one row per reactor, '' is us) and
 * taking a message back (its body emptied, so the full-text index forgets it, and its reactions gone).
 * A set read from an older archive page is only kept for a reactor with no row yet (what is there
 * came later), so an emptied set stays as an empty row.
 */
import type { ConversationKind, ReactionView } from '../../../shared/contract';
import { REACTIONS_PER_MESSAGE_MAX } from '../../../shared/contract';
import type { Db } from './db';

/** Reactors named per emoji at most (the count says how many more). */
const NAMES_PER_EMOJI = 20;

/** Who reacted: '' for us, else a bare JID (chats), `occupant-id:<id>` or `nick:<nick>` (rooms). */
export const OWN_REACTOR = '';

interface ReactionRow {
  reactor: string;
  name: string;
  emojis: string;
}

interface ReferencedRow {
  id: number;
  direction: 'in' | 'out';
  sender: string;
  occupant_id: string | null;
  retracted: number;
}

export interface Referenced {
  id: number;
  direction: 'in' | 'out';
  sender: string;
  occupantId: string | null;
  retracted: boolean;
}

export class ReactionsRepository {
  private readonly ofMessage;
  private readonly upsert;
  private readonly insertAbsent;
  private readonly removeAll;
  private readonly byServerId;
  private readonly byMessageId;
  private readonly retractStmt;
  private readonly setServerIdStmt;

  constructor(db: Db) {
    this.ofMessage = db.prepare<[number], ReactionRow>(
      'SELECT reactor, name, emojis FROM message_reactions WHERE message = ? ORDER BY at, reactor',
    );
    this.upsert = db.prepare<[number, string, string, string, number]>(
      `INSERT INTO message_reactions (message, reactor, name, emojis, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (message, reactor) DO UPDATE SET name = excluded.name, emojis = excluded.emojis`,
    );
    this.insertAbsent = db.prepare<[number, string, string, string, number]>(
      `INSERT INTO message_reactions (message, reactor, name, emojis, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (message, reactor) DO NOTHING`,
    );
    this.removeAll = db.prepare<[number]>('DELETE FROM message_reactions WHERE message = ?');
    this.byServerId = db.prepare<[string, string, string], ReferencedRow>(
      `SELECT id, direction, sender, occupant_id, retracted FROM messages
       WHERE account_id = ? AND conversation = ? AND server_id = ?`,
    );
    this.byMessageId = db.prepare<[string, string, string, string], ReferencedRow>(
      `SELECT id, direction, sender, occupant_id, retracted FROM messages
       WHERE account_id = ? AND conversation = ? AND (stanza_id = ? OR origin_id = ?) ORDER BY id DESC LIMIT 1`,
    );
    this.retractStmt = db.prepare<[number, number]>(
      `UPDATE messages SET body = '', retracted = ?, reply_quote = NULL, corrected = 0 WHERE id = ?`,
    );
    this.setServerIdStmt = db.prepare<[string, number]>(
      'UPDATE messages SET server_id = ? WHERE id = ? AND server_id IS NULL',
    );
  }

  /**
   * The message an id refers to in a conversation: in rooms the stanza-id the room assigned (older
   * clients' message ids as a last resort), in chats the message's id or origin-id.
   */
  referenced(accountId: string, conversation: string, kind: ConversationKind, ref: string): Referenced | null {
    const row =
      (kind === 'groupchat' ? this.byServerId.get(accountId, conversation, ref) : undefined) ??
      this.byMessageId.get(accountId, conversation, ref, ref);
    if (!row) return null;
    return {
      id: row.id,
      direction: row.direction,
      sender: row.sender,
      occupantId: row.occupant_id,
      retracted: row.retracted !== 0,
    };
  }

  /**
   * A reactor's whole set of emojis on a message (empty: none any more). `older`: the set was sent
   * before whatever the reactor's row holds (an older archive page), so it only fills an absent row.
   * Returns false when nothing changed.
   */
  set(message: number, reactor: string, name: string, emojis: readonly string[], at: number, older = false): boolean {
    const statement = older ? this.insertAbsent : this.upsert;
    return statement.run(message, reactor, name, JSON.stringify(emojis), at).changes > 0;
  }

  /** Our own emojis on a message. */
  own(message: number): string[] {
    const row = this.ofMessage.all(message).find((r) => r.reactor === OWN_REACTOR);
    return row ? parseEmojis(row.emojis) : [];
  }

  /** How many distinct emojis a message has, and whether one is among them. */
  distinct(message: number): Set<string> {
    const emojis = new Set<string>();
    for (const row of this.ofMessage.all(message)) for (const emoji of parseEmojis(row.emojis)) emojis.add(emoji);
    return emojis;
  }

  /** Takes a message back: by its sender (1) or a room moderator (2). */
  retract(message: number, by: 'sender' | 'moderator'): void {
    this.retractStmt.run(by === 'sender' ? 1 : 2, message);
    this.removeAll.run(message);
  }

  /** Our room message's stanza-id, learnt from the room's reflection: others refer to it by that. */
  setServerId(message: number, serverId: string): void {
    this.setServerIdStmt.run(serverId, message);
  }

  /** Adds the message's reactions, aggregated per emoji, when it has any. */
  attach<M extends { id: number; reactions?: ReactionView[] }>(message: M): M {
    const rows = this.ofMessage.all(message.id);
    if (rows.length === 0) return message;
    const byEmoji = new Map<string, ReactionView>();
    for (const row of rows) {
      for (const emoji of parseEmojis(row.emojis)) {
        let entry = byEmoji.get(emoji);
        if (!entry) {
          if (byEmoji.size >= REACTIONS_PER_MESSAGE_MAX) continue;
          entry = { emoji, count: 0, mine: false, by: [] };
          byEmoji.set(emoji, entry);
        }
        entry.count++;
        if (row.reactor === OWN_REACTOR) entry.mine = true;
        else if (entry.by.length < NAMES_PER_EMOJI) entry.by.push(row.name);
      }
    }
    // Only emptied sets: no reactions.
    if (byEmoji.size > 0) message.reactions = [...byEmoji.values()];
    return message;
  }
}

function parseEmojis(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}
