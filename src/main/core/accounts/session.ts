/**
 * One account's connection: connect, STARTTLS (our own, with the account domain as the TLS identity),
 * SASL, bind, stream management; reconnect with backoff; report every state change in words.
 *
 * Composed from @xmpp/* 0.14 packages instead of @xmpp/client because that one would continue in
 * plaintext when STARTTLS is not offered, passes no TLS options, follows see-other-host and
 * reconnects every second forever (security.md §0.4–0.7).
 */
import { pbkdf2 as pbkdf2Callback, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { Client } from '@xmpp/client-core';
import xml, { type Element } from '@xmpp/xml';
import { procedure } from '@xmpp/events';
import tcp from '@xmpp/tcp';
import createMiddleware, { type Middleware } from '@xmpp/middleware';
import createStreamFeatures, { type StreamFeatures } from '@xmpp/stream-features';
import createIqCaller, { type IQCaller } from '@xmpp/iq/caller.js';
import createIqCallee, { type IQCallee } from '@xmpp/iq/callee.js';
import sasl from '@xmpp/sasl';
import SASLError from '@xmpp/sasl/lib/SASLError.js';
import saslScramSha1 from '@xmpp/sasl-scram-sha-1';
import saslPlain from '@xmpp/sasl-plain';
import createStreamManagement, { type StreamManagement } from '@xmpp/stream-management';
import SASLFactory from 'saslmechanisms';
import type { ConnectionError, ConnectionView } from '../../../shared/contract';
import { domainOf, localOf } from '../../../shared/jid';
import { createIqGuard, type IqGuard } from '../features/iq-guard';
import type { Logger } from '../log';
import { withTimeout } from '../util/with-timeout';
import { requestAcksUnderLoad } from './sm-ack-request';
import { Backoff, type BackoffOptions } from './backoff';
import { watchSteps } from './step-watchdog';
import type { SessionConfig, SessionHandle, SessionHooks } from './session-api';
import {
  SessionFailure,
  TLS_UNAVAILABLE_MESSAGE,
  certificateInfo,
  classifyError,
  isCertificateError,
  normalizeFingerprint,
} from './session-errors';
import { background } from '../util/background';
import { StreamGuard } from './stream-guard';
import { Endpoints, serviceOf, useDirectTls, type SrvLookup } from './direct-tls';
import { TlsVerifier } from './tls-verify';

const NS_STREAM = 'http://etherx.jabber.org/streams';
const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_SM = 'urn:xmpp:sm:3';
const NS_XMPP_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
const NS_ROSTERVER = 'urn:xmpp:features:rosterver';

/** A server that said policy-violation waits at least this long. */
const POLICY_VIOLATION_DELAY_MS = 5 * 60_000;
/** How many times in a row we reconnect without waiting (pinned-certificate handshake). */
const MAX_IMMEDIATE_RETRIES = 2;
/** Far above what servers use (Prosody 10 000), low enough that a hostile value cannot stall us. */
const MAX_SCRAM_ITERATIONS = 1_000_000;

const pbkdf2 = promisify(pbkdf2Callback);

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

/** The xmpp.js client plus the plugins features hook into. */
export type SessionXmpp = GuardedClient & {
  middleware: Middleware;
  streamFeatures: StreamFeatures;
  iqCaller: IQCaller;
  iqCallee: IQCallee;
  streamManagement: StreamManagement;
  /** Drops IQ replies from entities we did not ask (security.md §0.1). */
  iqGuard: IqGuard;
  /** The server advertised XEP-0237 roster versioning in the features of the current stream. */
  rosterVersioning: boolean;
};

/** The client when its stream is usable now (commands send only then), else null. */
export function onlineClient(xmpp: SessionXmpp | null | undefined): SessionXmpp | null {
  return xmpp && xmpp.status === 'online' ? xmpp : null;
}

type Phase = 'idle' | 'connecting' | 'online' | 'waiting' | 'failed' | 'stopping';
type Outcome = { ok: true; resumed: boolean } | { ok: false; error: unknown };

/**
 * The connection with the fixes security.md §0.4 asks for: socket bytes pass the stream guard
 * (strict UTF-8, restricted XML, size and depth limits) before any parser sees them, and a parser
 * exception becomes a stream error instead of escaping the socket's 'data' handler; see-other-host
 * is refused (§0.6).
 */
export class GuardedClient extends Client {
  /** One guard per stream: every stream (the first, after STARTTLS, after SASL) gets a new parser. */
  private guards = new WeakMap<object, StreamGuard>();

  override _onData(data: Buffer | string): void {
    const parser = this.parser;
    if (!parser) return;
    let guard = this.guards.get(parser);
    if (!guard) this.guards.set(parser, (guard = new StreamGuard()));
    const text = guard.read(typeof data === 'string' ? Buffer.from(data) : data);
    try {
      if (text) parser.write(text);
    } catch (error) {
      const thrown = new Error(`not-well-formed XML from the server: ${String(error)}`);
      return this.refuse(Object.assign(thrown, { name: 'XMLError' }), 'not-well-formed');
    }
    if (guard.violation && this.parser === parser) this.refuse(guard.violation, guard.violation.condition);
  }

  /** Reads nothing more from this stream (its parser state is unknown or refused) and ends it. */
  private refuse(error: Error, condition: string): void {
    this.parser = null;
    this.socket?.pause();
    this.emit('error', error);
    this.abort(condition);
  }

  /**
   * Ends a stream the server broke: stream error, footer, close. Unlike xmpp.js's _streamError it
   * does not wait for the server's polite reply, which a misbehaving server may never send.
   */
  abort(condition: string, children: Element[] = []): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    const error = xml('stream:error', {}, xml(condition, { xmlns: NS_XMPP_STREAMS }, ...children));
    socket.end(`${error.toString()}</stream:stream>`);
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  override async _onSeeOtherHost(error: Error): Promise<void> {
    this.emit('error', error);
  }
}

const extraCaContexts = new Map<string, tls.SecureContext>();

/**
 * A TLS context trusting Node's roots plus `extraCa`, built once per process: parsing the whole root
 * store takes ≈20 ms of main-thread time, which ten accounts signing in at once would pay ten times.
 */
function secureContextTrusting(extraCa: string): tls.SecureContext {
  let context = extraCaContexts.get(extraCa);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, extraCa] });
    extraCaContexts.set(extraCa, context);
  }
  return context;
}

function randomResource(): string {
  return `jabberwock-${randomBytes(4).toString('hex')}`;
}

function toPem(der: Buffer): string {
  const body =
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function encode64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function decode64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

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
  private readonly pins: Set<string>;
  private readonly saslFactory = new SASLFactory();

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
  private tlsVerified = false;
  /** PEM of a pinned certificate the server presented, so the next handshake can trust exactly it. */
  private pinnedPem: { fingerprint: string; pem: string } | null = null;
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
    this.pins = new Set(config.pinnedCertificates.map(normalizeFingerprint));
    this.xmpp = this.createClient(this.stepTimeoutMs);
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
    const ping = xml('iq', { type: 'get', to: this.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
    this.xmpp.iqCaller.request(ping, timeoutMs).catch((error: unknown) => {
      // An error reply still proves the server is there; only silence counts.
      if ((error as { name?: string })?.name !== 'TimeoutError') return;
      if (this.phase !== 'online' || this.attemptCount !== connection) return;
      this.log.warn('server stopped answering; reconnecting');
      this.lastError ??= new SessionFailure(
        { kind: 'unreachable', message: 'The server stopped answering.' },
        'backoff',
      );
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

  private createClient(stepTimeoutMs: number): SessionXmpp {
    const entity = new GuardedClient({
      service: '',
      domain: this.domain,
      lang: 'en',
      timeout: stepTimeoutMs,
    });
    entity._jid(this.config.jid); // RFC 6120 §4.7.1: 'from' on the stream header once TLS is up
    tcp({ entity });
    // XEP-0368: `xmpps:` endpoints are TLS from the first byte, under the same certificate rules.
    useDirectTls(entity, new TlsVerifier({ ...this.config, domain: this.domain, extraCa: this.extraCa }), {
      onVerified: () => (this.tlsVerified = true),
      onUnreachable: () => this.endpoints.unreachable(),
    });

    // Order matters: middlewares run in registration order, stream features by priority.
    const middleware = createMiddleware({ entity });
    middleware.use((ctx, next) => {
      // The features after authentication are the last ones before 'online': remember what they offer.
      if (ctx.stanza.is('features', NS_STREAM)) {
        (entity as GuardedClient & { rosterVersioning?: boolean }).rosterVersioning =
          ctx.stanza.getChild('ver', NS_ROSTERVER) !== undefined;
      }
      return next();
    });
    middleware.use(this.negotiationWatcher());
    middleware.use(this.requireTls());
    const streamFeatures = createStreamFeatures({ middleware });
    saslScramSha1(this.saslFactory);
    saslPlain(this.saslFactory);
    sasl({ streamFeatures, saslFactory: this.saslFactory }, (_done, mechanisms) => this.authenticate(mechanisms));
    middleware.use(this.checkAcks());
    // Before the IQ plugins: they swallow the stanzas they handle, and SM must count every one.
    const streamManagement = createStreamManagement({ streamFeatures, entity, middleware });
    requestAcksUnderLoad(entity, middleware, streamManagement);
    // Before the IQ caller: it resolves replies by id alone, the guard checks who sent them.
    const iqGuard = createIqGuard({ jid: () => entity.jid, domain: this.domain, log: this.log });
    middleware.use(iqGuard.middleware);
    const iqCaller = createIqCaller({ middleware, entity });
    iqGuard.wrap(iqCaller);
    const iqCallee = createIqCallee({ middleware, entity });
    // Our own bind step: @xmpp/resource-binding calls a resource function only once per client,
    // and after a <conflict/> we must bind a new resource on the same client.
    streamFeatures.use('bind', NS_BIND, async (_ctx, next) => {
      const result = await iqCaller.set(xml('bind', { xmlns: NS_BIND }, xml('resource', {}, this.resource)));
      const bound = result.getChildText('jid');
      if (!bound) throw new Error('the server bound no JID');
      entity._jid(bound);
      entity._ready(false);
      await next();
    });
    streamFeatures.use('session', NS_SESSION, async (_ctx, next, feature) => {
      // RFC 3921 session establishment, only for servers that still require it.
      if (!feature.getChild('optional')) {
        try {
          await iqCaller.set(xml('session', { xmlns: NS_SESSION }));
        } catch (error) {
          this.log.warn('session establishment failed', { error });
        }
      }
      return next();
    });
    iqCallee.get('urn:xmpp:ping', 'ping', () => {
      this.onPing?.();
      return {};
    });

    streamManagement.on('resumed', () => {
      this.resumedThisAttempt = true;
    });
    entity.on('error', (error: unknown) => this.onClientError(error));
    entity.on('disconnect', () => this.onDisconnect());

    return Object.assign(entity, {
      middleware,
      streamFeatures,
      iqCaller,
      iqCallee,
      streamManagement,
      iqGuard,
      rosterVersioning: false,
    });
  }

  /** Announces 'online' once a features stanza has been handled completely (bind and SM done). */
  private negotiationWatcher() {
    return async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (!ctx.stanza.is('features', NS_STREAM)) return next();
      await next();
      if (this.xmpp.status === 'online') this.onNegotiated?.(this.resumedThisAttempt);
    };
  }

  /**
   * XEP-0198 §Error Handling: an ack for more stanzas than we sent (or a non-numeric one) would make
   * @xmpp/stream-management throw (security.md §0.8); answer it with <handled-count-too-high/>.
   */
  private checkAcks() {
    return (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (!ctx.stanza.is('a', NS_SM)) return next();
      const sm = this.xmpp.streamManagement;
      const sent = sm.outbound + sm.outbound_q.length;
      const h = ctx.stanza.attrs.h ?? '';
      if (/^\d{1,10}$/.test(h) && Number(h) <= sent) return next();
      this.log.warn('server acknowledged more stanzas than were sent', { h, sent });
      this.lastError ??= new SessionFailure(
        { kind: 'protocol', message: 'The server acknowledged messages that were never sent.' },
        'backoff',
      );
      this.xmpp.abort('undefined-condition', [
        xml('handled-count-too-high', { xmlns: NS_SM, h, 'send-count': String(sent) }),
      ]);
      return undefined;
    };
  }

  /** TLS is not optional: STARTTLS when offered, otherwise stop before anything else is sent. */
  private requireTls() {
    return async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (!ctx.stanza.is('features', NS_STREAM) || this.xmpp.isSecure()) return next();
      if (!ctx.stanza.getChild('starttls', NS_TLS)) {
        throw this.fail({ kind: 'tls-unavailable', message: TLS_UNAVAILABLE_MESSAGE }, 'never');
      }
      await this.startTls();
    };
  }

  private async startTls(): Promise<void> {
    const entity = this.xmpp;
    const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) {
      throw this.fail(
        {
          kind: 'tls-unavailable',
          message: 'The server could not start encryption (STARTTLS failed); Jabberwock will not continue without it.',
        },
        'never',
      );
    }
    const raw = entity.socket;
    if (!raw) throw new Error('socket closed during STARTTLS');
    const secure = await this.upgrade(raw);
    entity._detachSocket();
    entity._attachSocket(Object.assign(secure, { secure: true }));
    await entity.restart();
  }

  /**
   * The TLS handshake, verified against the account's domain (never the configured host). Node
   * verifies the chain and the name; a certificate the user pinned is trusted by a second handshake
   * that has exactly that certificate as its only authority (we learn its bytes from the first one).
   */
  private upgrade(raw: Socket): Promise<tls.TLSSocket> {
    const pinned = this.pinnedPem && this.pins.has(this.pinnedPem.fingerprint) ? this.pinnedPem : null;
    const options: tls.ConnectionOptions = { socket: raw, servername: this.domain };
    if (pinned) {
      options.ca = [pinned.pem];
      options.checkServerIdentity = (_host, cert) =>
        this.pins.has(normalizeFingerprint(cert.fingerprint256))
          ? undefined
          : Object.assign(new Error('certificate is not the pinned one'), { code: 'ERR_JABBERWOCK_PIN' });
      // Node ≥ 22.9 (Electron): lets a pinned leaf that is not self-signed act as the anchor.
      Object.assign(options, { allowPartialTrustChain: true });
    } else if (this.extraCa) {
      options.secureContext = secureContextTrusting(this.extraCa.toString());
    }

    return new Promise((resolve, reject) => {
      const socket = tls.connect(options);
      let presented: tls.DetailedPeerCertificate | null = null;
      // Runs before Node's own verification, which destroys the socket on failure: the only way to
      // learn which certificate was refused, so the user can see its fingerprint and pin it.
      socket.prependListener('secure', () => {
        try {
          presented = socket.getPeerCertificate(true);
        } catch {
          presented = null;
        }
      });
      const onError = (error: Error & { code?: string }) => {
        socket.off('secureConnect', onSecure);
        const failure = this.tlsFailure(error, presented, pinned !== null); // recorded before the close event
        raw.destroy();
        reject(failure);
      };
      const onSecure = () => {
        socket.off('error', onError);
        if (!socket.authorized) {
          // Unreachable: Node's default verification already refused it. Kept as a second lock.
          socket.destroy();
          raw.destroy();
          reject(this.fail({ kind: 'certificate', message: 'The server certificate could not be verified.' }, 'never'));
          return;
        }
        this.tlsVerified = true;
        resolve(socket);
      };
      socket.once('error', onError);
      socket.once('secureConnect', onSecure);
    });
  }

  private tlsFailure(
    error: Error & { code?: string },
    presented: tls.DetailedPeerCertificate | null,
    usedPin: boolean,
  ): SessionFailure {
    if (!isCertificateError(error.code)) {
      return this.fail(
        { kind: 'protocol', message: `Could not establish an encrypted connection: ${error.message}` },
        'backoff',
      );
    }
    const fingerprint = presented?.fingerprint256 ? normalizeFingerprint(presented.fingerprint256) : null;
    if (usedPin) {
      // The server no longer presents the pinned certificate: forget it and verify normally.
      this.pinnedPem = null;
      return this.fail({ kind: 'certificate', message: 'The pinned certificate changed.' }, 'immediate');
    }
    if (fingerprint && this.pins.has(fingerprint) && presented?.raw) {
      this.pinnedPem = { fingerprint, pem: toPem(presented.raw) };
      return this.fail({ kind: 'certificate', message: 'Using the pinned certificate.' }, 'immediate');
    }
    if (!presented || !fingerprint) {
      return this.fail(
        { kind: 'certificate', message: `The server's certificate is not trusted (${error.code}).` },
        'never',
      );
    }
    const certificate = certificateInfo(presented, error.code, this.domain, [...this.pins]);
    return this.fail(
      {
        kind: 'certificate',
        message: certificate.changedFromPinned
          ? `The server's certificate changed and is not the one you trusted. ${certificate.reason}`
          : `The server's certificate is not trusted. ${certificate.reason}`,
        certificate,
      },
      'never',
    );
  }

  /** SASL: SCRAM-SHA-1 when offered; PLAIN only over TLS verified for the account's domain. */
  private async authenticate(mechanisms: string[]): Promise<void> {
    if (!this.xmpp.isSecure() || !this.tlsVerified) {
      throw this.fail({ kind: 'tls-unavailable', message: TLS_UNAVAILABLE_MESSAGE }, 'never');
    }
    const mechanism = mechanisms.includes('SCRAM-SHA-1')
      ? 'SCRAM-SHA-1'
      : mechanisms.includes('PLAIN')
        ? 'PLAIN'
        : null;
    if (!mechanism) {
      throw this.fail({ kind: 'auth', message: 'The server offers no sign-in method Jabberwock supports.' }, 'never');
    }
    const mech = this.saslFactory.create([mechanism]);
    if (!mech) throw new Error(`SASL mechanism ${mechanism} missing`);
    const credentials = {
      username: localOf(this.config.jid),
      password: this.config.password,
      server: this.domain,
      host: this.domain,
      realm: this.domain,
      serviceType: 'xmpp',
      serviceName: this.domain,
    };
    const entity = this.xmpp;
    const initial = mech.clientFirst ? encode64(await mech.response(credentials)) : '';
    await procedure(entity, xml('auth', { xmlns: NS_SASL, mechanism }, initial), async (element, done) => {
      if (element.getNS() !== NS_SASL) return;
      if (element.name === 'challenge') {
        mech.challenge(decode64(element.text()));
        if (mechanism === 'SCRAM-SHA-1') await this.saltPassword(mech, credentials);
        const response = await mech.response(credentials);
        await entity.send(xml('response', { xmlns: NS_SASL }, encode64(response)));
      } else if (element.name === 'failure') {
        throw SASLError.fromElement(element);
      } else if (element.name === 'success') {
        if (mechanism === 'SCRAM-SHA-1') this.verifyServerSignature(mech, element.text());
        done();
      }
    });
  }

  /**
   * Computes SCRAM's salted password with Node's native PBKDF2 off the main thread and hands it to
   * the mechanism (which would otherwise run thousands of WebCrypto HMACs, ≈1 s per sign-in).
   * Refuses absurd iteration counts a hostile server could use to burn our CPU.
   */
  private async saltPassword(mech: object, credentials: Record<string, unknown>): Promise<void> {
    const { _salt: salt, _iterationCount: iterations } = mech as { _salt?: Uint8Array; _iterationCount?: number };
    if (!salt || !iterations || !Number.isInteger(iterations) || iterations < 1 || iterations > MAX_SCRAM_ITERATIONS) {
      throw this.fail({ kind: 'auth', message: 'The server sent an unusable SCRAM challenge.' }, 'never');
    }
    const salted = await pbkdf2(this.config.password, salt, iterations, 20, 'sha1');
    Object.assign(credentials, { salt, saltedPassword: new Uint8Array(salted) });
  }

  /** RFC 5802 §3: the server proves it knows the password too (xmpp.js skips this, §0.9). */
  private verifyServerSignature(mech: object, additionalData: string): void {
    const expected = (mech as { _serverSignature?: Uint8Array })._serverSignature;
    const fields = new Map(
      decode64(additionalData)
        .split(',')
        .map((part) => [part.slice(0, 1), part.slice(2)] as const),
    );
    const proof = fields.get('v');
    if (!expected || !proof || Buffer.from(expected).toString('base64') !== proof) {
      throw this.fail(
        {
          kind: 'auth',
          message: 'The server could not prove it knows the password (SCRAM server signature mismatch).',
        },
        'never',
      );
    }
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
    this.tlsVerified = false;
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
            this.attemptFailure ??
            new SessionFailure({ kind: 'unreachable', message: 'The server closed the connection.' }, 'backoff'),
        });
      const timer = setTimeout(
        () =>
          settle({
            ok: false,
            error:
              this.attemptFailure ??
              new SessionFailure(
                { kind: 'unreachable', message: 'The server did not complete the sign-in in time.' },
                'backoff',
              ),
          }),
        this.connectTimeoutMs,
      );
      const stopWatching = watchSteps(entity, this.stepTimeoutMs, () =>
        settle({
          ok: false,
          error:
            this.attemptFailure ??
            new SessionFailure(
              { kind: 'unreachable', message: 'The server stopped answering while signing in.' },
              'backoff',
            ),
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
        this.log.debug('retrying at once', { reason: failure.message });
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
    this.log.warn('connection failed', { kind: failure.kind, message: failure.message, retry });
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
    const error =
      this.lastError ??
      new SessionFailure({ kind: 'unreachable', message: 'The connection to the server was lost.' }, 'backoff');
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
