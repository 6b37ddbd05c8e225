/**
 * IQ reply guard (security.md §0.1, test 14). @xmpp/iq's caller resolves a pending request by id
 * alone, so whoever sees or guesses an id could answer for the entity we asked. The guard records,
 * for every request the caller sends, who may answer it, and drops result/error replies from anyone
 * else before the caller sees them: the genuine reply still resolves the request, and if only
 * spoofed replies come, the request times out. It also gives requests random ids from a CSPRNG
 * (xmpp.js uses Math.random).
 *
 * Who may answer (RFC 6120 §8.1.2.1, §10.3.3): a request without `to` (or to our own bare JID) is
 * answered by our server on behalf of the account: no `from`, our bare JID, our full JID or our
 * domain. A request to our domain: no `from` or the domain. Anything else: exactly the JID we
 * asked (compared after normalization).
 */
import { randomBytes } from 'node:crypto';
import type { Handler } from '@xmpp/middleware';
import type { IQCaller } from '@xmpp/iq/caller.js';
import type { JID } from '@xmpp/jid';
import type { Logger } from '../log';
import { normalizeJid } from './roster-items';

export interface IqGuard {
  /** Register with middleware.use() before the IQ caller's own middleware. */
  readonly middleware: Handler;
  /** Makes `caller.request` (and so get/set) record every outgoing request. Call once. */
  wrap(caller: IQCaller): void;
  /** Replies dropped because they came from the wrong entity. */
  readonly dropped: number;
  /** Requests waiting for a reply. */
  readonly pending: number;
}

export interface IqGuardOptions {
  /** Our JID now (bare before bind, full after). */
  jid: () => JID | null;
  /** Our account's domain. */
  domain: string;
  log: Logger;
}

interface Own {
  bare: string | null;
  full: string | null;
  domain: string;
}

export function createIqGuard(options: IqGuardOptions): IqGuard {
  /** Request id → normalized `to`, or null when the request had none. */
  const expected = new Map<string, string | null>();
  let dropped = 0;

  const own = (): Own => {
    const jid = options.jid();
    const full = jid ? normalizeJid(jid.toString()) : null;
    const bare = jid ? normalizeJid(jid.bare().toString()) : null;
    return { bare, full, domain: normalizeJid(options.domain) ?? options.domain };
  };

  const allowed = (from: string | undefined, to: string | null): boolean => {
    const sender = from === undefined ? undefined : (normalizeJid(from) ?? `invalid:${from}`);
    const me = own();
    if (to === null || to === me.bare) {
      return sender === undefined || sender === me.bare || sender === me.full || sender === me.domain;
    }
    if (to === me.domain) return sender === undefined || sender === me.domain;
    return sender === to;
  };

  const middleware: Handler = (ctx, next) => {
    const { stanza } = ctx;
    if (stanza.name !== 'iq') return next();
    const type = stanza.attrs.type;
    if (type !== 'result' && type !== 'error') return next();
    const id = stanza.attrs.id;
    if (id === undefined || !expected.has(id)) return next();
    const to = expected.get(id) ?? null;
    if (allowed(stanza.attrs.from, to)) return next();
    dropped++;
    options.log.warn('ignored an IQ reply from an entity we did not ask', {
      id,
      type,
      from: stanza.attrs.from,
      asked: to ?? '(our server)',
    });
    return undefined;
  };

  return {
    middleware,
    wrap(caller) {
      // xmpp.js rejects a request's promise when an error reply arrives, and attaches its own
      // handler only once the request was written: a reply that beats the write callback (a fast
      // server, a loaded machine) is an unhandled rejection. Mark each one handled when it is made;
      // the caller still receives the error.
      const handlers = (caller as unknown as { handlers: Map<string, { promise: Promise<unknown> }> }).handlers;
      const register = handlers.set.bind(handlers);
      handlers.set = (id, deferred) => {
        deferred.promise.catch(() => undefined);
        return register(id, deferred);
      };
      const request = caller.request.bind(caller);
      caller.request = async (stanza, timeout) => {
        if (!stanza.attrs.id) stanza.attrs.id = randomBytes(9).toString('base64url');
        const id = stanza.attrs.id;
        const to = stanza.attrs.to;
        expected.set(id, to ? (normalizeJid(to) ?? to) : null);
        try {
          return await request(stanza, timeout);
        } finally {
          expected.delete(id);
        }
      };
    },
    get dropped() {
      return dropped;
    },
    get pending() {
      return expected.size;
    },
  };
}
