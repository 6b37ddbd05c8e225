/**
 * A replacement for @xmpp/iq's `IQCaller.request` that never leaves a reply's rejection unheard.
 *
 * xmpp.js registers a Deferred for the reply, awaits the write of the request, and only then
 * listens to the Deferred. Over TLS a write completes a loop turn later (Node finishes TLS writes
 * in setImmediate), so on a busy loop the server's error reply can be read first: the caller's
 * `_route` rejects a promise nobody listens to yet, Node counts it as an unhandled rejection and,
 * by default, ends the process. Here the reply is listened to from the moment it can arrive.
 *
 * Same contract as the original: resolves with the result <iq/>, rejects with the StanzaError of an
 * error reply, with a TimeoutError after `timeout`, or with the write's error; the handler entry is
 * removed whichever way it ends, so a reply that comes later falls through to the other handlers.
 */
import { TimeoutError } from '@xmpp/events';
import type { IQCaller } from '@xmpp/iq/caller.js';
import type { Element } from '@xmpp/xml';
import { IQ_DEFAULT_TIMEOUT_MS } from '../xmpp/timeouts';

interface Deferred {
  promise: Promise<Element>;
  resolve(stanza: Element): void;
  reject(error: unknown): void;
}

/** The parts of xmpp.js's IQCaller its public typing leaves out. */
interface CallerInternals {
  handlers: Map<string, Deferred>;
  entity: { send(stanza: Element): Promise<void> };
}

function deferred(): Deferred {
  const out = {} as Deferred;
  out.promise = new Promise<Element>((resolve, reject) => Object.assign(out, { resolve, reject }));
  return out;
}

/** Installs the request on `caller` (get and set go through it). `newId` names requests without an id. */
export function installListenFirstRequest(caller: IQCaller, newId: () => string): void {
  const { handlers, entity } = caller as unknown as CallerInternals;
  caller.request = async (stanza, timeout = IQ_DEFAULT_TIMEOUT_MS) => {
    if (!stanza.attrs.id) stanza.attrs.id = newId();
    const id = stanza.attrs.id as string;
    const reply = deferred();
    let timer: NodeJS.Timeout | undefined;
    // Listened to before the request goes out: the reply may be routed before our write completes.
    const settled = new Promise<Element>((resolve, reject) => {
      reply.promise.then(resolve, reject);
      timer = setTimeout(() => reject(new TimeoutError()), timeout);
    });
    settled.catch(() => {}); // the caller hears it from the await below; until then it is not "unhandled"
    handlers.set(id, reply);
    try {
      const sent = entity.send(stanza);
      sent.catch(() => {}); // heard by the race below, or moot once a reply or the timeout came first
      await Promise.race([sent, settled]);
      return await settled;
    } finally {
      clearTimeout(timer);
      handlers.delete(id);
    }
  };
}
