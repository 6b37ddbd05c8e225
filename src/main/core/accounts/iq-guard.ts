/**
 * IQ reply guard: IQ results only from the JID we asked. @xmpp/iq's caller resolves a pending request by id
 * alone, so whoever sees or guesses an id could answer for the entity we asked. The guard records,
 * for every request the caller sends, who may answer it, and drops result/error replies from anyone
 * else before the caller sees them: the genuine reply still resolves the request, and if only
 * spoofed replies come, the request times out. It also gives requests random ids from a CSPRNG
 * (xmpp.js uses Math.random).
 *
 * Who may answer (RFC 6120 §8.1.2.1, §10.3.3): a request without `to` (or to our own bare JID) is
 * answered by our server on behalf of the account: no `from`, our bare JID, our full JID or our
 * domain. A request to our domain: no `from` or the domain. Anything else: exactly the JID we
 * asked. Both sides are compared the same way: normalized when they parse, else as the exact text,
 * so an answer from the very address asked is never taken for a stranger's.
 */
import { randomBytes } from 'node:crypto';
import type { Handler } from '@xmpp/middleware';
import type { IQCaller } from '@xmpp/iq/caller.js';
import type { JID } from '@xmpp/jid';
import { rateLimited, type Logger } from '../log';
import { installListenFirstRequest } from './iq-request';
import { normalizeJid } from '../../../shared/jid';

export interface IqGuard {
  /** Register with middleware.use() before the IQ caller's own middleware. */
  readonly middleware: Handler;
  /**
   * Makes `caller.request` (and so get/set) record every outgoing request, and listen to its reply
   * before the request is written (see iq-request.ts). Call once.
   */
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

/**
 * How an address is compared: its normalized form, or (not a valid JID) its exact text after a NUL,
 * which no valid JID starts with, so the two kinds never meet.
 */
function comparable(address: string): string {
  return normalizeJid(address) ?? `\u0000${address}`;
}

const newId = () => randomBytes(9).toString('base64url');

export function createIqGuard(options: IqGuardOptions): IqGuard {
  /** Request id → `to` as compared (see comparable), or null when the request had none. */
  const expected = new Map<string, string | null>();
  let dropped = 0;
  const floodLog = rateLimited(options.log);

  const own = (): Own => {
    const jid = options.jid();
    const full = jid ? normalizeJid(jid.toString()) : null;
    const bare = jid ? normalizeJid(jid.bare().toString()) : null;
    return { bare, full, domain: normalizeJid(options.domain) ?? options.domain };
  };

  const allowed = (from: string | undefined, to: string | null): boolean => {
    const sender = from === undefined ? undefined : comparable(from);
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
    floodLog.warn('iq.spoofed-reply', 'ignored an IQ reply from an entity we did not ask', {
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
      installListenFirstRequest(caller, newId);
      const request = caller.request.bind(caller);
      caller.request = async (stanza, timeout) => {
        if (!stanza.attrs.id) stanza.attrs.id = newId();
        const id = stanza.attrs.id;
        const to = stanza.attrs.to;
        expected.set(id, to ? comparable(to) : null);
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
