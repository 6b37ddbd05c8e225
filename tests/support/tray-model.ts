import type { ShowTarget, TrayModel } from '../../src/main/core/tray/tray-api';
import type { AccountStatusInput, OwnShow, StatusSummary } from '../../src/main/core/tray/status-summary';
import { summarize } from '../../src/main/core/tray/status-summary';
import { Listeners } from '../../src/main/core/util/listeners';

/**
 * An in-memory TrayModel over a list of accounts, for the shell's tests and as a reference for the
 * messenger's implementation: 'all' changes every enabled account, an unknown account id is ignored.
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
