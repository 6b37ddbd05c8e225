/**
 * Stand-ins for the XMPP client, for unit tests with no network. `fakeSession` is the client a core
 * feature is handed at login, for tests that feed the feature stanzas directly: it records what the
 * feature sends, answers its IQ requests as the test says, and hands incoming stanzas to the middleware
 * the feature registered. `fakeSessionFactory` makes whole sessions for a messenger.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import type { SessionXmpp } from '../../src/main/core/accounts/client';
import type { SessionFactory, SessionHooks, SessionOnline } from '../../src/main/core/accounts/session-api';
import { StreamHookRegistry } from '../../src/main/core/accounts/stream/hooks';
import { PresenceFastPath } from '../../src/main/core/accounts/stream/presence-fastpath';
import { NS_ROSTER } from '../../src/main/core/xmpp/ns';
import { parseStanza } from './xml';

export type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

export interface FakeSessionOptions {
  /** Answers an IQ request; an empty result when absent. */
  request?: (iq: Element) => Promise<Element>;
  /** The stream management the feature sees; one not enabled when absent. */
  sm?: EventEmitter & { enabled: boolean };
}

export interface FakeSession {
  /** The client as the feature sees it. */
  xmpp: SessionXmpp;
  /** What the feature sent, oldest first. */
  sent: Element[];
  /** Hands a stanza to the feature's middleware, as if the server had sent it. */
  deliver(stanza: Element): unknown;
}

/** A client online as `own` (a bare JID). */
export function fakeSession(own: string, options: FakeSessionOptions = {}): FakeSession {
  const sent: Element[] = [];
  let middleware: Middleware | undefined;
  const xmpp = {
    status: 'online',
    jid: { bare: () => ({ toString: () => own }) },
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: {
      set: async () => undefined,
      request: options.request ?? (async () => xml('iq', { type: 'result' })),
    },
    streamManagement: options.sm ?? Object.assign(new EventEmitter(), { enabled: false }),
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  } as unknown as SessionXmpp;
  const deliver = (stanza: Element) => {
    if (!middleware) throw new Error('the feature registered no middleware');
    return middleware({ stanza }, () => undefined);
  };
  return { xmpp, sent, deliver };
}

/** Hands the feature the client, then brings it online: on a resumed stream (no new session) unless told. */
export function bringOnline(
  feature: {
    onClient(accountId: string, xmpp: SessionXmpp): void;
    onOnline(accountId: string, online: SessionOnline): void;
  },
  accountId: string,
  session: FakeSession,
  boundJid: string,
  resumed = true,
): void {
  feature.onClient(accountId, session.xmpp);
  feature.onOnline(accountId, { xmpp: session.xmpp, boundJid, resumed });
}

/** A session `fakeSessionFactory` made: its client, and what the test does as the server. */
export interface MessengerSession {
  /** The account's bare JID. */
  jid: string;
  xmpp: SessionXmpp;
  /** What the messenger sent, oldest first. */
  sent: Element[];
  /** The IQ handlers the features registered, by `get|set NAMESPACE NAME`. */
  callees: Map<string, (ctx: { element: Element; stanza: Element }) => unknown>;
  /** Answers the pending roster request with these `<item/>`s (none when absent). */
  answerRoster(items?: string): void;
  /** Feeds a stanza as GuardedClient does: presence to the fast path first, the rest to the middleware. */
  receive(text: string): void;
}

/**
 * A session factory for `createMessenger`, for unit tests with no network: each session is online as
 * soon as it starts (a new session, not a resumed one), its roster request waits for the test's
 * answer, other IQ requests never get one.
 */
export function fakeSessionFactory(): { sessions: MessengerSession[]; factory: SessionFactory } {
  const sessions: MessengerSession[] = [];
  const factory: SessionFactory = (config, hooks: SessionHooks) => {
    const handlers: Middleware[] = [];
    const sent: Element[] = [];
    const callees: MessengerSession['callees'] = new Map();
    let rosterAnswer: ((query: Element) => void) | null = null;
    const full = `${config.jid}/test`;
    const streamHooks = new StreamHookRegistry();
    const xmpp = {
      hooks: streamHooks,
      status: 'online',
      // Online from the start: no status event ever comes (features may still listen).
      on: () => xmpp,
      jid: { bare: () => ({ toString: () => config.jid }), toString: () => full },
      rosterVersioning: false,
      streamManagement: Object.assign(new EventEmitter(), { enabled: true, inbound: 0 }),
      middleware: { use: (fn: Middleware) => handlers.push(fn), filter: () => {} },
      iqCallee: {
        get: (ns: string, name: string, fn: never) => callees.set(`get ${ns} ${name}`, fn),
        set: (ns: string, name: string, fn: never) => callees.set(`set ${ns} ${name}`, fn),
      },
      iqCaller: {
        get: (element: Element) =>
          element.attrs.xmlns === NS_ROSTER
            ? new Promise<Element>((resolve) => (rosterAnswer = resolve))
            : new Promise<Element>(() => {}),
        set: async () => undefined,
      },
      send: async (element: Element) => void sent.push(element),
    } as unknown as SessionXmpp;
    const fastPath = new PresenceFastPath(xmpp, streamHooks);
    const receive = (text: string) => {
      const element = parseStanza(text);
      streamHooks.elementIn(element);
      if (element.name === 'presence' && fastPath.element(element)) return;
      let i = 0;
      const next = (): unknown => handlers[i] && handlers[i++]({ stanza: element }, next);
      next();
    };
    sessions.push({
      jid: config.jid,
      xmpp,
      sent,
      callees,
      answerRoster: (items = '') => rosterAnswer?.(parseStanza(`<query xmlns='${NS_ROSTER}'>${items}</query>`)),
      receive,
    });
    hooks.onClient?.(xmpp);
    return {
      start: () => {
        hooks.onStatus({ status: 'online', since: Date.now(), boundJid: full });
        hooks.onOnline({ xmpp, boundJid: full, resumed: false });
      },
      stop: async () => {},
      reconnectNow: () => {},
      checkAlive: () => {},
    };
  };
  return { sessions, factory };
}
