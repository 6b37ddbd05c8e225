/**
 * Owns the configured accounts: their rows in the store, their passwords in the SecretStore, and one
 * session per enabled account. Every change is emitted as an event; views never contain a password.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AccountView, ConnectionView, ParsedInput } from '../../../shared/contract';
import { fail, failIn, ok, type Result } from '../../../shared/result';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import type { AccountRow, AccountsRepository } from '../store/accounts-repo';
import type { SessionFactory, SessionHandle, SessionOnline } from './session-api';

const PALETTE = ['#3b82f6', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#ec4899', '#64748b'];

/** Lets features (roster, presence, …) follow each account's stream. */
export interface AccountLifecycleListener {
  /** The account's client exists (once per session object): register stanza handlers here. */
  onClient?(accountId: string, xmpp: SessionOnline['xmpp']): void;
  onOnline?(accountId: string, online: SessionOnline): void;
  onOffline?(accountId: string): void;
  onRemoved?(accountId: string): void;
}

interface LiveAccount {
  row: AccountRow;
  connection: ConnectionView;
  session: SessionHandle | null;
}

export class AccountManager {
  private readonly accounts = new Map<string, LiveAccount>();
  private readonly lifecycle: AccountLifecycleListener[] = [];

  constructor(
    private readonly repo: AccountsRepository,
    private readonly secrets: SecretStore,
    private readonly bus: EventBus,
    private readonly createSession: SessionFactory,
    private readonly log: Logger,
  ) {
    for (const row of repo.list()) {
      this.accounts.set(row.id, { row, connection: offline(), session: null });
    }
  }

  addLifecycleListener(listener: AccountLifecycleListener): void {
    this.lifecycle.push(listener);
  }

  /** Connects every enabled account (at start-up). */
  startAll(): void {
    for (const account of this.accounts.values()) this.connectIfPossible(account);
  }

  list(): AccountView[] {
    return [...this.accounts.values()].map((account) => this.view(account));
  }

  add(input: ParsedInput<'account.add'>): Result<AccountView> {
    if (this.repo.jidTaken(input.jid)) {
      return failIn('jid', 'conflict', 'account.exists', { jid: input.jid });
    }
    const row: AccountRow = {
      id: randomUUID(),
      jid: input.jid,
      host: input.host ?? null,
      port: input.port ?? null,
      label: input.label ?? '',
      color: input.color ?? PALETTE[this.accounts.size % PALETTE.length],
      enabled: input.enabled,
      resource: `jabberwock-${randomBytes(4).toString('hex')}`,
      pinnedCertificates: [],
    };
    this.repo.insert(row);
    this.secrets.set(row.id, input.password, input.rememberPassword);
    const account: LiveAccount = { row, connection: offline(), session: null };
    this.accounts.set(row.id, account);
    this.log.info('account added', { id: row.id, jid: row.jid });
    this.emitAccount(account);
    this.connectIfPossible(account);
    return ok(this.view(account));
  }

  async update(input: ParsedInput<'account.update'>): Promise<Result<AccountView>> {
    const account = this.accounts.get(input.id);
    if (!account) return notFound();
    if (input.jid !== undefined && this.repo.jidTaken(input.jid, input.id)) {
      return failIn('jid', 'conflict', 'account.jidTaken', { jid: input.jid });
    }
    const before = account.row;
    const row: AccountRow = {
      ...before,
      jid: input.jid ?? before.jid,
      host: input.host === undefined ? before.host : input.host,
      port: input.port === undefined ? before.port : input.port,
      label: input.label ?? before.label,
      color: input.color ?? before.color,
    };
    this.repo.update(row);
    account.row = row;
    const remember = input.rememberPassword ?? this.secrets.state(row.id) !== 'session';
    if (input.password !== undefined) {
      this.secrets.set(row.id, input.password, remember);
    } else if (input.rememberPassword !== undefined) {
      const current = this.secrets.get(row.id);
      if (current !== undefined) this.secrets.set(row.id, current, input.rememberPassword);
    }
    const endpointChanged =
      row.jid !== before.jid || row.host !== before.host || row.port !== before.port || input.password !== undefined;
    if (endpointChanged) {
      await this.disconnect(account);
      this.connectIfPossible(account);
    }
    this.emitAccount(account);
    return ok(this.view(account));
  }

  async remove(id: string): Promise<Result<null>> {
    const account = this.accounts.get(id);
    if (!account) return notFound();
    await this.disconnect(account);
    this.accounts.delete(id);
    this.repo.delete(id);
    this.secrets.delete(id);
    for (const listener of this.lifecycle) listener.onRemoved?.(id);
    this.bus.emit({ type: 'account.removed', id });
    this.log.info('account removed', { id });
    return ok(null);
  }

  async setEnabled(id: string, enabled: boolean): Promise<Result<AccountView>> {
    const account = this.accounts.get(id);
    if (!account) return notFound();
    if (account.row.enabled !== enabled) {
      account.row = { ...account.row, enabled };
      this.repo.update(account.row);
      if (enabled) this.connectIfPossible(account);
      else await this.disconnect(account);
    }
    this.emitAccount(account);
    return ok(this.view(account));
  }

  reconnectNow(id: string): Result<null> {
    const account = this.accounts.get(id);
    if (!account) return notFound();
    if (!account.row.enabled) return fail('conflict', 'account.disabled');
    if (account.session) account.session.reconnectNow();
    else if (!this.connectIfPossible(account)) return fail('conflict', 'account.passwordMissing');
    return ok(null);
  }

  /** The computer woke up or the network changed: every live session checks its link. */
  checkConnections(): void {
    for (const account of this.accounts.values()) account.session?.checkAlive();
  }

  /**
   * Pins the certificate that the server presented on the last failed attempt. Only that exact
   * fingerprint can be pinned: the renderer cannot make us trust an arbitrary certificate.
   */
  async trustCertificate(id: string, fingerprint: string): Promise<Result<AccountView>> {
    const account = this.accounts.get(id);
    if (!account) return notFound();
    const offered = account.connection.error?.certificate?.fingerprint256;
    if (offered !== fingerprint) {
      return fail('conflict', 'account.certificateNotPresented');
    }
    this.repo.pinCertificate(id, fingerprint);
    account.row = { ...account.row, pinnedCertificates: [...account.row.pinnedCertificates, fingerprint] };
    this.log.info('certificate pinned', { id, fingerprint });
    await this.disconnect(account);
    this.connectIfPossible(account);
    this.emitAccount(account);
    return ok(this.view(account));
  }

  async forgetCertificate(id: string, fingerprint: string): Promise<Result<AccountView>> {
    const account = this.accounts.get(id);
    if (!account) return notFound();
    if (!account.row.pinnedCertificates.includes(fingerprint)) return fail('not_found', 'account.certificateNotPinned');
    this.repo.unpinCertificate(id, fingerprint);
    account.row = {
      ...account.row,
      pinnedCertificates: account.row.pinnedCertificates.filter((pin) => pin !== fingerprint),
    };
    this.emitAccount(account);
    return ok(this.view(account));
  }

  async close(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((account) => this.disconnect(account)));
  }

  private connectIfPossible(account: LiveAccount): boolean {
    if (!account.row.enabled || account.session) return account.session !== null;
    const password = this.secrets.get(account.row.id);
    if (password === undefined) {
      this.setConnection(account, {
        status: 'error',
        since: Date.now(),
        error: {
          kind: 'needs-password',
          reason: 'connection.needsPassword',
          params: { jid: account.row.jid },
        },
      });
      return false;
    }
    const id = account.row.id;
    const session = this.createSession(
      {
        jid: account.row.jid,
        password,
        host: account.row.host,
        port: account.row.port,
        pinnedCertificates: account.row.pinnedCertificates,
        resource: account.row.resource,
      },
      {
        onClient: (xmpp) => {
          for (const listener of this.lifecycle) listener.onClient?.(id, xmpp);
        },
        // A session that was replaced may still report; only the current one speaks for the account.
        onStatus: (view) => {
          if (account.session === session) this.setConnection(account, view);
        },
        onOnline: (online) => {
          if (account.session !== session) return;
          for (const listener of this.lifecycle) listener.onOnline?.(id, online);
        },
        onOffline: () => {
          if (account.session !== session) return;
          for (const listener of this.lifecycle) listener.onOffline?.(id);
        },
      },
    );
    account.session = session;
    session.start();
    return true;
  }

  private async disconnect(account: LiveAccount): Promise<void> {
    const session = account.session;
    if (session) {
      try {
        await session.stop();
      } catch (error) {
        this.log.warn('session did not stop cleanly', { id: account.row.id, error });
      }
      if (account.session === session) account.session = null;
      for (const listener of this.lifecycle) listener.onOffline?.(account.row.id);
    }
    this.setConnection(account, offline());
  }

  private setConnection(account: LiveAccount, connection: ConnectionView): void {
    account.connection = connection;
    if (this.accounts.has(account.row.id)) {
      this.bus.emit({ type: 'account.connection', id: account.row.id, connection });
    }
  }

  private emitAccount(account: LiveAccount): void {
    this.bus.emit({ type: 'account.upserted', account: this.view(account) });
  }

  private view(account: LiveAccount): AccountView {
    const { row } = account;
    return {
      id: row.id,
      jid: row.jid,
      host: row.host,
      port: row.port,
      label: row.label,
      color: row.color,
      enabled: row.enabled,
      password: this.secrets.state(row.id),
      pinnedCertificates: [...row.pinnedCertificates],
      connection: account.connection,
    };
  }
}

function offline(): ConnectionView {
  return { status: 'offline', since: Date.now() };
}

function notFound<T>(): Result<T> {
  return fail('not_found', 'account.notFound');
}
