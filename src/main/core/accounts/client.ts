/**
 * The xmpp.js client of one account, composed from its packages rather than @xmpp/client: that one
 * would continue in plaintext when STARTTLS is not offered, passes no TLS options, follows
 * see-other-host and reconnects every second forever. What features use of it is `SessionXmpp`.
 */
import createIqCallee, { type IQCallee } from '@xmpp/iq/callee.js';
import createIqCaller, { type IQCaller } from '@xmpp/iq/caller.js';
import createMiddleware, { type Middleware } from '@xmpp/middleware';
import createStreamFeatures, { type StreamFeatures } from '@xmpp/stream-features';
import createStreamManagement, { type StreamManagement } from '@xmpp/stream-management';
import tcp from '@xmpp/tcp';
import xml, { type Element } from '@xmpp/xml';
import type { Logger } from '../log';
import { NS_BIND, NS_PING, NS_ROSTERVER, NS_SESSION, NS_SM, NS_STREAM } from '../xmpp/ns';
import { createIqGuard, type IqGuard } from './iq-guard';
import { useSasl, type SaslOptions } from './sasl';
import { SessionFailure } from './session-errors';
import { requestAcksUnderLoad } from './sm-ack-request';
import { GuardedClient } from './stream/guarded-client';
import type { StreamHooks } from './stream/hooks';
import { useDirectTls } from './direct-tls';
import { TlsStep, type FailAttempt, type TlsOptions } from './tls';

/** The xmpp.js client plus the plugins features hook into. */
export type SessionXmpp = GuardedClient & {
  middleware: Middleware;
  streamFeatures: StreamFeatures;
  iqCaller: IQCaller;
  iqCallee: IQCallee;
  streamManagement: StreamManagement;
  /** Drops IQ replies from entities we did not ask (IQ results only from the JID we asked). */
  iqGuard: IqGuard;
  /** Presence on the fast path and roster result items as they end. */
  hooks: StreamHooks;
  /** The server advertised XEP-0237 roster versioning in the features of the current stream. */
  rosterVersioning: boolean;
};

/** The client when its stream is usable now (commands send only then), else null. */
export function onlineClient(xmpp: SessionXmpp | null | undefined): SessionXmpp | null {
  return xmpp && xmpp.status === 'online' ? xmpp : null;
}

export interface ClientOptions {
  jid: string;
  domain: string;
  /** Budget of each step of signing in (ms). */
  stepTimeoutMs: number;
  log: Logger;
  tls: Omit<TlsOptions, 'domain' | 'fail'>;
  sasl: Omit<SaslOptions, 'tlsVerified' | 'fail'>;
  /** Records a failure of the current attempt (the first one is what the attempt reports). */
  fail: FailAttempt;
  /** The resource to bind now (a new one after a conflict). */
  resource(): string;
  /** A features stanza was handled completely while online: negotiation is over. */
  negotiated(): void;
  /** XEP-0198 resumed the stream in this attempt. */
  resumed(): void;
  /** The server acknowledged more stanzas than we sent: why the stream ends. */
  protocolError(failure: SessionFailure): void;
  /** A Direct TLS endpoint could not be reached: the next attempt tries the next one. */
  directTlsUnreachable(): void;
  /** Called for each XEP-0199 ping we answer. */
  onPing?: () => void;
}

/** A composed client and its TLS step (whose `verified` the attempt resets). */
export interface ComposedClient {
  xmpp: SessionXmpp;
  tls: TlsStep;
}

export function createClient(options: ClientOptions): ComposedClient {
  const { domain, log, fail } = options;
  const entity = new GuardedClient({ service: '', domain, lang: 'en', timeout: options.stepTimeoutMs });
  entity._jid(options.jid); // RFC 6120 §4.7.1: 'from' on the stream header once TLS is up
  tcp({ entity });
  const tls = new TlsStep(entity, { ...options.tls, domain, fail });
  // XEP-0368: `xmpps:` endpoints are TLS from the first byte, under the same certificate rules.
  useDirectTls(entity, tls.verifier, {
    onVerified: () => (tls.verified = true),
    onUnreachable: () => options.directTlsUnreachable(),
  });

  // Order matters: middlewares run in registration order, stream features by priority.
  const middleware = createMiddleware({ entity });
  middleware.use((ctx, next) => {
    // The features after authentication are the last ones before 'online': remember what they offer.
    if (ctx.stanza.is('features', NS_STREAM))
      xmpp.rosterVersioning = ctx.stanza.getChild('ver', NS_ROSTERVER) !== undefined;
    return next();
  });
  middleware.use(async (ctx, next) => {
    // Negotiation is over once a features stanza has been handled completely (bind and SM done).
    if (!ctx.stanza.is('features', NS_STREAM)) return next();
    await next();
    if (entity.status === 'online') options.negotiated();
  });
  middleware.use(tls.requireTls());
  const streamFeatures = createStreamFeatures({ middleware });
  useSasl(streamFeatures, { ...options.sasl, tlsVerified: () => tls.verified, fail });
  middleware.use(checkAcks(entity, () => streamManagement, options));
  // Before the IQ plugins: they swallow the stanzas they handle, and SM must count every one.
  const streamManagement = createStreamManagement({ streamFeatures, entity, middleware });
  requestAcksUnderLoad(entity, middleware, streamManagement);
  // Before the IQ caller: it resolves replies by id alone, the guard checks who sent them.
  const iqGuard = createIqGuard({ jid: () => entity.jid, domain, log });
  middleware.use(iqGuard.middleware);
  const iqCaller = createIqCaller({ middleware, entity });
  iqGuard.wrap(iqCaller);
  const iqCallee = createIqCallee({ middleware, entity });
  // Our own bind step: @xmpp/resource-binding calls a resource function only once per client,
  // and after a <conflict/> we must bind a new resource on the same client.
  streamFeatures.use('bind', NS_BIND, async (_ctx, next) => {
    const result = await iqCaller.set(xml('bind', { xmlns: NS_BIND }, xml('resource', {}, options.resource())));
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
        log.warn('session establishment failed', { error });
      }
    }
    return next();
  });
  iqCallee.get(NS_PING, 'ping', () => {
    options.onPing?.();
    return {};
  });
  streamManagement.on('resumed', () => options.resumed());

  const xmpp: SessionXmpp = Object.assign(entity, {
    middleware,
    streamFeatures,
    iqCaller,
    iqCallee,
    streamManagement,
    iqGuard,
    hooks: entity.hooks,
    rosterVersioning: false,
  });
  return { xmpp, tls };
}

/**
 * XEP-0198 §Error Handling: an ack for more stanzas than we sent (or a non-numeric one) would make
 * @xmpp/stream-management throw; answer it with <handled-count-too-high/> and end the stream.
 */
function checkAcks(entity: GuardedClient, streamManagement: () => StreamManagement, options: ClientOptions) {
  return (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
    if (!ctx.stanza.is('a', NS_SM)) return next();
    const sm = streamManagement();
    const sent = sm.outbound + sm.outbound_q.length;
    const h = ctx.stanza.attrs.h ?? '';
    if (/^\d{1,10}$/.test(h) && Number(h) <= sent) return next();
    options.log.warn('server acknowledged more stanzas than were sent', { h, sent });
    options.protocolError(new SessionFailure({ kind: 'protocol', reason: 'connection.badAck' }, 'backoff'));
    entity.abort('undefined-condition', [
      xml('handled-count-too-high', { xmlns: NS_SM, h, 'send-count': String(sent) }),
    ]);
    return undefined;
  };
}
