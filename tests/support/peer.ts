/**
 * A second real XMPP client for integration and e2e tests: an AccountSession against the test
 * server that records every presence it receives and can read its own roster.
 */
import xml, { type Element } from '@xmpp/xml';
import { AccountSession, type SessionXmpp } from '../../src/main/core/accounts/session';
import type { Logger } from '../../src/main/core/log';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

export interface Peer {
  session: AccountSession;
  xmpp: SessionXmpp;
  /** Every presence received, oldest first. */
  presences: Element[];
  send(stanza: Element): Promise<void>;
  /** The peer's roster item for `jid` as the server holds it now, or undefined. */
  rosterItem(
    jid: string,
  ): Promise<{ subscription: string; ask: string | undefined; name: string | undefined } | undefined>;
  stop(): Promise<void>;
}

export async function startPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
  log: Logger,
  setup?: (xmpp: SessionXmpp) => void,
): Promise<Peer> {
  const presences: Element[] = [];
  let online = false;
  const session = new AccountSession(
    {
      jid: `${user.user}@localhost`,
      password: user.password,
      host: server.host,
      port: server.port,
      pinnedCertificates: [],
      resource,
    },
    {
      onClient: (xmpp) => {
        xmpp.middleware.use((ctx, next) => {
          if (ctx.stanza.name === 'presence') presences.push(ctx.stanza);
          return next();
        });
        setup?.(xmpp);
      },
      onStatus: () => {},
      onOnline: () => (online = true),
      onOffline: () => (online = false),
    },
    { log: log.child(`${user.user}/${resource}`), ca: server.caPem, resolveSrv: false },
  );
  session.start();
  await waitUntil(`${user.user}/${resource} online`, () => online);
  return {
    session,
    xmpp: session.xmpp,
    presences,
    send: async (stanza) => void (await session.xmpp.send(stanza)),
    async rosterItem(jid) {
      const query = await session.xmpp.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }));
      const item = query.getChildren('item').find((i) => i.attrs.jid === jid);
      if (!item) return undefined;
      return { subscription: item.attrs.subscription ?? 'none', ask: item.attrs.ask, name: item.attrs.name };
    },
    stop: () => session.stop(),
  };
}
