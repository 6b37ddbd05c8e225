/**
 * The messenger's TrayModel: the summary of every account (connection and own show), the pending
 * subscription requests and the unread messages, and a change signal after any batch of events that
 * may change it. Fed by the bus and by what presence, subscriptions and chat tell it, all given at
 * construction.
 */
import type { AppEvent } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { AccountManager } from '../accounts/account-manager';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { summarize, type OwnShow, type StatusSummary } from './status-summary';
import type { ShowTarget, TrayModel } from './tray-api';
import { Listeners } from '../util/listeners';

/** The events after which the summary may read differently. */
const RELEVANT: ReadonlySet<AppEvent['type']> = new Set<AppEvent['type']>([
  'presence.own',
  'account.connection',
  'account.upserted',
  'account.removed',
  'subscription.request',
  'subscription.requestRemoved',
  'conversation',
]);

export interface TrayModelOptions {
  bus: EventBus;
  accounts: Pick<AccountManager, 'list'>;
  presence: {
    /** The show each account sends now (the user's choice, or the idle override). */
    showOf(accountId: string): OwnShow;
    /** presence.set for one account or every enabled one (the show alone; statuses stay). */
    set(input: { accountId?: string; show: OwnShow }): Promise<Result<null>>;
  };
  subscriptions: { pendingCount(): number };
  chat: { unreadTotal(): number };
  log: Logger;
}

export class MessengerTrayModel implements TrayModel {
  private readonly listeners = new Listeners();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: TrayModelOptions) {
    this.unsubscribe = options.bus.subscribe((batch) => {
      if (this.listeners.size === 0) return;
      if (batch.events.some((event) => RELEVANT.has(event.type))) this.notify();
    });
  }

  summary(): StatusSummary {
    const { accounts, presence, subscriptions, chat } = this.options;
    return summarize(
      accounts.list().map((account) => ({
        id: account.id,
        label: account.label,
        jid: account.jid,
        enabled: account.enabled,
        connection: account.connection,
        show: presence.showOf(account.id),
      })),
      subscriptions.pendingCount(),
      chat.unreadTotal(),
    );
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async setShow(target: ShowTarget, show: OwnShow): Promise<void> {
    const result = await this.options.presence.set(target === 'all' ? { show } : { accountId: target, show });
    if (!result.ok) throw new Error(`presence not set: ${result.error.reason}`);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private notify(): void {
    this.listeners.tell(undefined, (error) => this.options.log.error('tray listener failed', { error }));
  }
}
