/**
 * A second real XMPP client for integration and e2e tests: an AccountSession against the test
 * server that records every presence it receives and can read its own roster.
 */
import xml, { type Element } from '@xmpp/xml';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { Logger } from '../../src/main/core/log';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';
import { type SessionXmpp } from '../../src/main/core/accounts/client';

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

/**
 * Makes `a` and `b` (two peers of different accounts) subscribed both ways with stanzas, each
 * answer sent only once its request reached the other side: not every server keeps an approval
 * sent before the request (Prosody does, ejabberd does not).
 */
export async function subscribeBothWays(a: Peer, b: Peer): Promise<void> {
  const aJid = a.xmpp.jid!.bare().toString();
  const bJid = b.xmpp.jid!.bare().toString();
  const asked = (peer: Peer, by: string) => () =>
    peer.presences.some((p) => p.attrs.type === 'subscribe' && p.attrs.from?.startsWith(by));
  // Available and "interested" (it asked for its roster): requests reach it at once (RFC 6121 §3.1.3).
  for (const peer of [a, b]) {
    await peer.rosterItem(peer === a ? bJid : aJid);
    await peer.send(xml('presence'));
  }
  await b.send(xml('presence', { to: aJid, type: 'subscribe' }));
  await waitUntil(`${aJid} asked by ${bJid}`, asked(a, bJid));
  await a.send(xml('presence', { to: bJid, type: 'subscribed' }));
  await a.send(xml('presence', { to: bJid, type: 'subscribe' }));
  await waitUntil(`${bJid} asked by ${aJid}`, asked(b, aJid));
  await b.send(xml('presence', { to: aJid, type: 'subscribed' }));
  const deadline = Date.now() + 10_000;
  while ((await a.rosterItem(bJid))?.subscription !== 'both' || (await b.rosterItem(aJid))?.subscription !== 'both') {
    if (Date.now() > deadline) throw new Error(`${aJid} and ${bJid} never became subscribed both ways`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
