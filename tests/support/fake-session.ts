/**
 * A stand-in for the XMPP client a core feature is handed at login, for unit tests that feed the
 * feature stanzas directly: it records what the feature sends, answers its IQ requests as the test
 * says, and hands incoming stanzas to the middleware the feature registered.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import type { SessionXmpp } from '../../src/main/core/accounts/client';
import type { SessionOnline } from '../../src/main/core/accounts/session-api';

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
