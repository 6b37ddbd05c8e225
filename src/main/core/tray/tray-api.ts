/**
 * What the Electron shell's tray needs from the core, and nothing more: the current summary, a
 * change signal, and one action. The messenger implements it; the shell never sees accounts,
 * sessions or stanzas.
 */
import type { AccountStatusInput, OwnShow, StatusSummary } from './status-summary';
import { summarize } from './status-summary';
import { Listeners } from '../util/listeners';

/** 'all' or an account id (account ids are UUIDs, so they never collide with 'all'). */
export type ShowTarget = 'all' | string;

export interface TrayModel {
  summary(): StatusSummary;
  /** Called after anything that may change the summary; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Sets the show of one account, or of every enabled account; keeps each account's status text. */
  setShow(target: ShowTarget, show: OwnShow): Promise<void>;
}

/**
 * An in-memory TrayModel over a list of accounts, for tests and as a reference for the messenger's
 * implementation: 'all' changes every enabled account, an unknown account id is ignored.
 */
export class MemoryTrayModel implements TrayModel {
  private readonly listeners = new Listeners();
  private accounts: AccountStatusInput[];

  constructor(
    accounts: AccountStatusInput[] = [],
    private pendingRequests = 0,
    private unreadMessages = 0,
  ) {
    this.accounts = accounts.map((account) => ({ ...account }));
  }

  summary(): StatusSummary {
    return summarize(this.accounts, this.pendingRequests, this.unreadMessages);
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async setShow(target: ShowTarget, show: OwnShow): Promise<void> {
    this.accounts = this.accounts.map((account) =>
      (target === 'all' ? account.enabled : account.id === target) ? { ...account, show } : account,
    );
    this.notify();
  }

  /** Replaces the accounts (or the pending request or unread message count) and notifies. */
  update(
    accounts: AccountStatusInput[],
    pendingRequests = this.pendingRequests,
    unreadMessages = this.unreadMessages,
  ): void {
    this.accounts = accounts.map((account) => ({ ...account }));
    this.pendingRequests = pendingRequests;
    this.unreadMessages = unreadMessages;
    this.notify();
  }

  private notify(): void {
    // A test double: a listener's error reaches the caller.
    this.listeners.tell(undefined, (error) => {
      throw error;
    });
  }
}
