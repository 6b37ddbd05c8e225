/**
 * One account's connection: connect, reconnect with backoff, stream management, keepalive; report
 * every state change in words. The client itself is composed in client.ts, TLS is tls.ts and
 * signing in is sasl.ts.
 */
import { randomBytes } from 'node:crypto';
import xml from '@xmpp/xml';
import type { ConnectionError, ConnectionView } from '../../../shared/contract';
import { domainOf, localOf } from '../../../shared/jid';
import type { Logger } from '../log';
import { background } from '../util/background';
import { withTimeout } from '../util/with-timeout';
import { NS_PING } from '../xmpp/ns';
import { Backoff, type BackoffOptions } from './backoff';
import { createClient, type SessionXmpp } from './client';
import { Endpoints, serviceOf, type SrvLookup } from './direct-tls';
import type { SessionConfig, SessionHandle, SessionHooks } from './session-api';
import { SessionFailure, classifyError } from './session-errors';
import { watchSteps } from './step-watchdog';
import type { TlsStep } from './tls';

/** A server that said policy-violation waits at least this long. */
const POLICY_VIOLATION_DELAY_MS = 5 * 60_000;
/** How many times in a row we reconnect without waiting (pinned-certificate handshake). */
const MAX_IMMEDIATE_RETRIES = 2;

export interface AccountSessionOptions {
  log: Logger;
  /** A Backoff, or options for the default one. */
  backoff?: Backoff | BackoffOptions;
  /** Whole connect-to-online budget (ms). Default 30 s. */
  connectTimeoutMs?: number;
  /** Budget of each step of signing in and of the stream close (ms; step-watchdog.ts). Default 10 s. */
  stepTimeoutMs?: number;
  /** Extra CA to trust besides Node's store (tests). Production passes nothing. */
  ca?: string | Buffer;
  /** Without stream management, ping the server this often to notice a dead link (ms). Default 60 s. */
  keepaliveMs?: number;
  /** Look up SRV records (Direct TLS and STARTTLS) when no host is configured. Default true. */
  resolveSrv?: boolean;
  /** Replaces DNS SRV lookups (tests). */
  srvLookup?: SrvLookup;
  /** Called for each XEP-0199 ping we answer (the headless bench client records its counts then). */
  onPing?: () => void;
}

type Phase = 'idle' | 'connecting' | 'online' | 'waiting' | 'failed' | 'stopping';
type Outcome = { ok: true; resumed: boolean } | { ok: false; error: unknown };

export class AccountSession implements SessionHandle {
  /** The client; stable for the life of the session (stream management state lives in it). */
  readonly xmpp: SessionXmpp;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly connectTimeoutMs: number;
  private readonly stepTimeoutMs: number;
  private readonly domain: string;
  private readonly extraCa: string | Buffer | undefined;
  private readonly endpoints: Endpoints;
  private readonly tls: TlsStep;

  private phase: Phase = 'idle';
  private view: ConnectionView = { status: 'offline', since: Date.now() };
  /** Bumped by stop() and reconnectNow(): an older attempt or timer that sees a different value gives up. */
  private generation = 0;
  private timer: NodeJS.Timeout | null = null;
  private resource: string;
  private conflictRetried = false;
  private immediateRetries = 0;
  private attemptCount = 0;
  /** Set by our own negotiation steps just before they throw, so the attempt reports it. */
  private attemptFailure: SessionFailure | null = null;
  /** The last connection-level error seen while online (reported when the stream goes away). */
  private lastError: unknown = null;
  private resumedThisAttempt = false;
  private onNegotiated: ((resumed: boolean) => void) | null = null;
  private stopping: Promise<void> | null = null;
  private readonly keepaliveMs: number;
  private keepalive: NodeJS.Timeout | null = null;
  private readonly onPing: (() => void) | undefined;

  constructor(
    private readonly config: SessionConfig,
    private readonly hooks: SessionHooks,
    options: AccountSessionOptions,
  ) {
    this.log = options.log;
    this.backoff = options.backoff instanceof Backoff ? options.backoff : new Backoff(options.backoff);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
    this.extraCa = options.ca;
    this.keepaliveMs = options.keepaliveMs ?? 60_000;
    this.onPing = options.onPing;
    this.domain = domainOf(config.jid);
    this.endpoints = new Endpoints(this.domain, config, options.resolveSrv ?? true, options.srvLookup);
    this.resource = config.resource ?? randomResource();
    ({ xmpp: this.xmpp, tls: this.tls } = this.createClient(this.stepTimeoutMs));
    // Features register their stanza handlers once, before the first connection.
    this.safely(() => hooks.onClient?.(this.xmpp));
  }

  /** What the UI shows now. */
  get status(): ConnectionView {
    return this.view;
  }

  /** Connection attempts since the session was created (each TCP connect counts). */
  get attempts(): number {
    return this.attemptCount;
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.conflictRetried = false;
    this.backoff.reset();
    background(this.attempt(++this.generation), this.log, 'connecting');
  }

  /** Skips the wait: connects now from 'reconnecting', 'error' or 'offline'. */
  reconnectNow(): void {
    if (this.phase === 'online' || this.phase === 'connecting' || this.phase === 'stopping') return;
    if (this.phase === 'idle') return this.start();
    this.clearTimer();
    this.conflictRetried = false;
    this.immediateRetries = 0;
    background(this.attempt(++this.generation), this.log, 'connecting');
  }

  /**
   * Checks the link now (after sleep/resume or a network change): a ping must be answered within
   * `timeoutMs`, else the connection is dropped and re-established. While waiting to reconnect, it
   * connects at once.
   */
  checkAlive(timeoutMs = 10_000): void {
    if (this.phase === 'waiting') return this.reconnectNow();
    if (this.phase !== 'online') return;
    const connection = this.attemptCount;
    const ping = xml('iq', { type: 'get', to: this.domain }, xml('ping', { xmlns: NS_PING }));
    this.xmpp.iqCaller.request(ping, timeoutMs).catch((error: unknown) => {
      // An error reply still proves the server is there; only silence counts.
      if ((error as { name?: string })?.name !== 'TimeoutError') return;
      if (this.phase !== 'online' || this.attemptCount !== connection) return;
      this.log.warn('server stopped answering; reconnecting');
      this.lastError ??= new SessionFailure({ kind: 'unreachable', reason: 'connection.stoppedAnswering' }, 'backoff');
      this.xmpp.socket?.destroy();
    });
  }

  /** Says goodbye (unavailable presence, stream close) and goes offline. Never throws. */
  stop(): Promise<void> {
    if (this.phase === 'idle') return Promise.resolve();
    this.stopping ??= this.shutDown().finally(() => (this.stopping = null));
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.stopKeepalive();
    const wasOnline = this.phase === 'online';
    this.generation++;
    this.clearTimer();
    this.phase = 'stopping';
    const entity = this.xmpp;
    try {
      if (wasOnline) await withTimeout(entity.send(xml('presence', { type: 'unavailable' })), 2_000);
    } catch {
      // the stream may already be gone
    }
    try {
      await withTimeout(entity.stop(), 5_000);
    } catch (error) {
      this.log.debug('stream did not close cleanly', { error });
    }
    await this.destroySocket();
    this.phase = 'idle';
    if (wasOnline) this.safely(() => this.hooks.onOffline());
    this.setView({ status: 'offline' });
  }

  // ---------- wiring ----------

  private createClient(stepTimeoutMs: number): { xmpp: SessionXmpp; tls: TlsStep } {
    const composed = createClient({
      jid: this.config.jid,
      domain: this.domain,
      stepTimeoutMs,
      log: this.log,
      tls: { pinnedCertificates: this.config.pinnedCertificates, extraCa: this.extraCa },
      sasl: { username: localOf(this.config.jid), password: this.config.password },
      fail: (error, retry) => this.fail(error, retry),
      resource: () => this.resource,
      negotiated: () => this.onNegotiated?.(this.resumedThisAttempt),
      resumed: () => {
        this.resumedThisAttempt = true;
      },
      directTlsUnreachable: () => this.endpoints.unreachable(),
      protocolError: (failure) => {
        this.lastError ??= failure;
      },
      onPing: this.onPing,
    });
    composed.xmpp.on('error', (error: unknown) => this.onClientError(error));
    composed.xmpp.on('disconnect', () => this.onDisconnect());
    return composed;
  }

  private fail(error: ConnectionError, retry: SessionFailure['retry']): SessionFailure {
    const failure = new SessionFailure(error, retry);
    this.attemptFailure ??= failure;
    return failure;
  }

  // ---------- lifecycle ----------

  private async attempt(generation: number): Promise<void> {
    this.timer = null;
    this.phase = 'connecting';
    this.attemptCount += 1;
    this.setView({ status: 'connecting' });
    const outcome = await this.runAttempt(generation);
    if (generation !== this.generation) return; // stopped or restarted meanwhile
    if (outcome.ok) {
      this.phase = 'online';
      // Stream management requests acks every 30 s and drops a silent link; without it, ping.
      if (!this.xmpp.streamManagement.enabled && this.keepaliveMs > 0) {
        this.keepalive = setInterval(() => this.checkAlive(30_000), this.keepaliveMs);
      }
      this.immediateRetries = 0;
      this.lastError = null;
      this.backoff.connected(Date.now());
      const boundJid = this.xmpp.jid?.toString() ?? this.config.jid;
      this.log.info(outcome.resumed ? 'stream resumed' : 'online', {
        boundJid,
        sm: this.xmpp.streamManagement.enabled,
      });
      this.setView({ status: 'online', boundJid });
      this.safely(() => this.hooks.onOnline({ xmpp: this.xmpp, boundJid, resumed: outcome.resumed }));
      return;
    }
    await this.destroySocket();
    if (generation !== this.generation) return;
    this.handleFailure(outcome.error);
  }

  /** One connection attempt: resolves when negotiation finished or anything failed. */
  private runAttempt(generation: number): Promise<Outcome> {
    const entity = this.xmpp;
    this.attemptFailure = null;
    this.resumedThisAttempt = false;
    this.tls.verified = false;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopWatching();
        entity.off('error', onError);
        entity.off('disconnect', onDisconnect);
        this.onNegotiated = null;
        resolve(outcome);
      };
      const onError = (error: unknown) => settle({ ok: false, error: this.attemptFailure ?? error });
      const onDisconnect = () =>
        settle({
          ok: false,
          error:
            this.attemptFailure ?? new SessionFailure({ kind: 'unreachable', reason: 'connection.closed' }, 'backoff'),
        });
      const timer = setTimeout(
        () =>
          settle({
            ok: false,
            error:
              this.attemptFailure ??
              new SessionFailure({ kind: 'unreachable', reason: 'connection.signInTimeout' }, 'backoff'),
          }),
        this.connectTimeoutMs,
      );
      const stopWatching = watchSteps(entity, this.stepTimeoutMs, () =>
        settle({
          ok: false,
          error:
            this.attemptFailure ??
            new SessionFailure({ kind: 'unreachable', reason: 'connection.signInStalled' }, 'backoff'),
        }),
      );
      entity.on('error', onError);
      entity.on('disconnect', onDisconnect);
      this.onNegotiated = (resumed) => settle({ ok: true, resumed });
      void (async () => {
        const service = await this.service();
        if (generation !== this.generation || settled) return settle({ ok: false, error: new Error('cancelled') });
        this.log.debug('connecting', { service });
        await entity.connect(service);
        await entity.open({ domain: this.domain, lang: 'en' });
      })().catch(onError);
    });
  }

  /** Where to connect: the configured host/port, else the SRV records (direct-tls.ts), else the domain on 5222. */
  private async service(): Promise<string> {
    return serviceOf(await this.endpoints.next());
  }

  private handleFailure(error: unknown): void {
    const classified = classifyError(error);
    let { retry } = classified;
    const failure = classified.error;

    if (retry === 'immediate') {
      if (this.immediateRetries < MAX_IMMEDIATE_RETRIES) {
        this.immediateRetries += 1;
        this.log.debug('retrying at once', { reason: failure.reason });
        background(this.attempt(++this.generation), this.log, 'connecting');
        return;
      }
      retry = 'never';
    }
    if (retry === 'new-resource') {
      if (!this.conflictRetried) {
        this.conflictRetried = true;
        this.resource = randomResource();
        // Never resume the stream that was taken over: that would reclaim the contested resource.
        this.xmpp.streamManagement.id = '';
        this.log.warn('resource conflict: retrying once with a new resource');
        this.schedule(failure, 0);
        return;
      }
      retry = 'never';
    }
    this.log.warn('connection failed', { kind: failure.kind, reason: failure.reason, retry });
    if (retry === 'never') {
      this.phase = 'failed';
      this.setView({ status: 'error', error: failure });
      return;
    }
    this.schedule(failure, this.backoff.next(retry === 'long-backoff' ? POLICY_VIOLATION_DELAY_MS : 0));
  }

  private schedule(error: ConnectionError, delayMs: number): void {
    this.phase = 'waiting';
    this.immediateRetries = 0;
    const generation = this.generation;
    const nextAttemptAt = Date.now() + delayMs;
    this.setView({ status: 'reconnecting', nextAttemptAt, attempt: Math.max(1, this.backoff.attempt), error });
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (generation === this.generation && this.phase === 'waiting')
        background(this.attempt(generation), this.log, 'connecting');
    }, delayMs);
  }

  private onClientError(error: unknown): void {
    // During an attempt runAttempt() reports errors; while online, remember connection-level ones
    // for when the stream goes away. Errors of feature handlers do not end the session.
    if (this.phase === 'online') {
      const e = error as { name?: string; code?: string };
      if (e?.name === 'StreamError' || e?.name === 'XMLError' || e?.code) this.lastError ??= error;
      this.log.warn('client error', { error });
    }
  }

  private onDisconnect(): void {
    this.stopKeepalive();
    if (this.phase !== 'online') return;
    this.backoff.disconnected(Date.now());
    this.safely(() => this.hooks.onOffline());
    const error = this.lastError ?? new SessionFailure({ kind: 'unreachable', reason: 'connection.lost' }, 'backoff');
    this.lastError = null;
    this.log.info('stream lost', { error });
    this.handleFailure(error);
  }

  /** Destroys the socket and waits for its 'close', so a stale close never hits the next attempt. */
  private async destroySocket(): Promise<void> {
    const socket = this.xmpp.socket;
    if (!socket) return;
    if (!socket.closed) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      await withTimeout(closed, 2_000).catch(() => {});
    }
    if (this.xmpp.socket === socket) this.xmpp._detachSocket();
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setView(view: Omit<ConnectionView, 'since'>): void {
    this.view = { ...view, since: Date.now() };
    this.safely(() => this.hooks.onStatus(this.view));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.error('session hook threw', { error });
    }
  }
}

function randomResource(): string {
  return `jabberwock-${randomBytes(4).toString('hex')}`;
}
