/**
 * Each account's client while its stream is usable, for features that only send requests when the
 * user asks (discovery, ad-hoc commands, contact info, the account on the server).
 */
import type { AccountLifecycleListener } from './account-manager';
import { onlineClient, type SessionXmpp } from './client';
import type { SessionOnline } from './session-api';

export class OnlineClients implements AccountLifecycleListener {
  private readonly clients = new Map<string, SessionXmpp>();
  private readonly goneListeners = new Set<(accountId: string) => void>();

  onOnline(accountId: string, online: SessionOnline): void {
    this.clients.set(accountId, online.xmpp);
  }

  onOffline(accountId: string): void {
    this.clients.delete(accountId);
    for (const listener of this.goneListeners) listener(accountId);
  }

  onRemoved(accountId: string): void {
    this.onOffline(accountId);
  }

  /** The account's client when its stream is usable now, else null. */
  get(accountId: string): SessionXmpp | null {
    return onlineClient(this.clients.get(accountId));
  }

  /** Calls `listener` when an account's stream goes away (state tied to it ends). */
  onGone(listener: (accountId: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }
}
