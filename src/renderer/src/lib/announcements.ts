/**
 * What is worth announcing to a screen reader, without Vue: an account's connection coming up or
 * going down (not its passing "connecting" steps, nor a reconnect countdown), and new messages in
 * conversations other than the one on screen (that one reads out its own). Presence changes are
 * never announced: a roster of thousands would never stop talking. The first state seen is the
 * starting point, not news.
 */
import type { ConnectionView, ConversationView } from '../../../shared/contract';
import { entryKey } from './roster-model';

/** The connection state as it is said; null for a state that passes by itself (connecting). */
export function spokenState(connection: Pick<ConnectionView, 'status' | 'error'>): string | null {
  switch (connection.status) {
    case 'connecting':
      return null;
    case 'error':
      return `error:${connection.error?.kind ?? 'other'}`;
    default:
      return connection.status;
  }
}

export interface AnnouncedAccount {
  id: string;
  connection: ConnectionView;
}

/** New messages in one conversation since the last look. */
export interface NewMessages {
  conversation: ConversationView;
  count: number;
}

export class AnnouncementState {
  /** Account id → the state last said (or seen first). */
  private spoken = new Map<string, string | null>();
  /** Conversation key → its unread count last seen. */
  private unread = new Map<string, number>();
  private started = false;

  /** The accounts whose connection changed to a state worth saying. */
  accountsChanged<A extends AnnouncedAccount>(accounts: readonly A[]): A[] {
    const changed: A[] = [];
    const present = new Set<string>();
    for (const account of accounts) {
      present.add(account.id);
      const state = spokenState(account.connection);
      // An account added while running was offline before: coming online is news.
      const before = this.spoken.has(account.id) ? this.spoken.get(account.id) : this.started ? 'offline' : undefined;
      // A passing state keeps what was said before: online → connecting → online says nothing.
      if (state === null) {
        this.spoken.set(account.id, before ?? null);
        continue;
      }
      if (this.started && before !== undefined && before !== state) changed.push(account);
      this.spoken.set(account.id, state);
    }
    for (const id of this.spoken.keys()) if (!present.has(id)) this.spoken.delete(id);
    return changed;
  }

  /** Conversations (other than `onScreen`, a conversation key) whose unread count went up. */
  conversationsChanged(conversations: Iterable<ConversationView>, onScreen: string | null): NewMessages[] {
    const found: NewMessages[] = [];
    const present = new Set<string>();
    for (const conversation of conversations) {
      const key = entryKey(conversation.accountId, conversation.conversation);
      present.add(key);
      const before = this.unread.get(key) ?? 0;
      if (this.started && conversation.unread > before && key !== onScreen) {
        found.push({ conversation, count: conversation.unread - before });
      }
      this.unread.set(key, conversation.unread);
    }
    for (const key of this.unread.keys()) if (!present.has(key)) this.unread.delete(key);
    return found;
  }

  /** From now on, changes are news (call after taking in the first state). */
  start(): void {
    this.started = true;
  }
}
