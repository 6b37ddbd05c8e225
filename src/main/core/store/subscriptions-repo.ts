/**
 * All SQL for subscriptions (migration 4): pending incoming requests, the policy per account, and
 * per-contact notes (when we asked; whether they declined or stopped sharing).
 *
 * Request writes are queued and written in one transaction per flush: 10,000 requests from a spam
 * wave must not cost 10,000 fsyncs. Losing the last few on a crash is harmless, because servers
 * redeliver every pending request at each login (RFC 6121 §3.1.3).
 */
import type {
  SubscriptionNoteView,
  SubscriptionPolicy,
  SubscriptionPolicyView,
  SubscriptionRequestView,
} from '../../../shared/contract';
import type { Db } from './db';

/** A request as stored (the look-alike is not: it depends on the roster of the moment). */
export type StoredRequest = Omit<SubscriptionRequestView, 'lookalikeOf'>;

type QueuedWrite = { put: StoredRequest } | { remove: { accountId: string; jid: string } };

const POLICIES: ReadonlySet<string> = new Set<SubscriptionPolicy>(['ask', 'accept', 'accept-subscribe', 'deny']);

export class SubscriptionsRepository {
  private readonly selectRequests;
  private readonly upsertRequest;
  private readonly deleteRequest;
  private readonly selectPolicies;
  private readonly upsertPolicy;
  private readonly selectNotes;
  private readonly upsertNote;
  private readonly deleteNote;
  private readonly writeQueueTx;
  private queue: QueuedWrite[] = [];

  constructor(db: Db) {
    this.selectRequests = db.prepare<
      [],
      { account_id: string; jid: string; nick: string | null; message: string | null; received_at: number }
    >('SELECT account_id, jid, nick, message, received_at FROM subscription_requests ORDER BY received_at, jid');
    this.upsertRequest = db.prepare<[string, string, string | null, string | null, number]>(
      `INSERT INTO subscription_requests (account_id, jid, nick, message, received_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, jid) DO UPDATE SET nick = excluded.nick, message = excluded.message`,
    );
    this.deleteRequest = db.prepare<[string, string]>(
      'DELETE FROM subscription_requests WHERE account_id = ? AND jid = ?',
    );
    this.selectPolicies = db.prepare<[], { account_id: string; incoming: string; accept_asked: number }>(
      'SELECT account_id, incoming, accept_asked FROM subscription_policies',
    );
    this.upsertPolicy = db.prepare<[string, string, number]>(
      `INSERT INTO subscription_policies (account_id, incoming, accept_asked) VALUES (?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET incoming = excluded.incoming, accept_asked = excluded.accept_asked`,
    );
    this.selectNotes = db.prepare<
      [],
      { account_id: string; jid: string; asked_at: number | null; ended_at: number | null; ended: string | null }
    >('SELECT account_id, jid, asked_at, ended_at, ended FROM subscription_notes');
    this.upsertNote = db.prepare<[string, string, number | null, number | null, string | null]>(
      `INSERT INTO subscription_notes (account_id, jid, asked_at, ended_at, ended) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, jid) DO UPDATE SET asked_at = excluded.asked_at, ended_at = excluded.ended_at,
       ended = excluded.ended`,
    );
    this.deleteNote = db.prepare<[string, string]>('DELETE FROM subscription_notes WHERE account_id = ? AND jid = ?');
    this.writeQueueTx = db.transaction((writes: QueuedWrite[]) => {
      for (const write of writes) {
        if ('put' in write) {
          const r = write.put;
          this.upsertRequest.run(r.accountId, r.jid, r.nick, r.message, r.receivedAt);
        } else {
          this.deleteRequest.run(write.remove.accountId, write.remove.jid);
        }
      }
    });
  }

  loadRequests(): StoredRequest[] {
    return this.selectRequests.all().map((row) => ({
      accountId: row.account_id,
      jid: row.jid,
      nick: row.nick,
      message: row.message,
      receivedAt: row.received_at,
    }));
  }

  /** Queues a new or updated request (received_at of an existing row is kept). Written by `flush`. */
  queuePut(request: StoredRequest): void {
    this.queue.push({ put: request });
  }

  queueRemove(accountId: string, jid: string): void {
    this.queue.push({ remove: { accountId, jid } });
  }

  /** Forgets queued writes of an account whose rows are gone (removed: a write would violate its foreign key). */
  dropQueued(accountId: string): void {
    this.queue = this.queue.filter(
      (write) => ('put' in write ? write.put.accountId : write.remove.accountId) !== accountId,
    );
  }

  get pendingWrites(): number {
    return this.queue.length;
  }

  /** Writes every queued change in one transaction. */
  flush(): void {
    if (this.queue.length === 0) return;
    const writes = this.queue;
    this.queue = [];
    this.writeQueueTx(writes);
  }

  loadPolicies(): SubscriptionPolicyView[] {
    return this.selectPolicies.all().map((row) => ({
      accountId: row.account_id,
      incoming: POLICIES.has(row.incoming) ? (row.incoming as SubscriptionPolicy) : 'ask',
      acceptAsked: row.accept_asked === 1,
    }));
  }

  savePolicy(policy: SubscriptionPolicyView): void {
    this.upsertPolicy.run(policy.accountId, policy.incoming, policy.acceptAsked ? 1 : 0);
  }

  loadNotes(): SubscriptionNoteView[] {
    return this.selectNotes.all().map((row) => ({
      accountId: row.account_id,
      jid: row.jid,
      askedAt: row.asked_at,
      endedAt: row.ended_at,
      ended: row.ended === 'declined' || row.ended === 'revoked' ? row.ended : null,
    }));
  }

  saveNote(note: SubscriptionNoteView): void {
    if (note.askedAt === null && note.endedAt === null && note.ended === null) {
      this.deleteNote.run(note.accountId, note.jid);
      return;
    }
    this.upsertNote.run(note.accountId, note.jid, note.askedAt, note.endedAt, note.ended);
  }
}
