/**
 * Bookmarks through BookmarksService on real sessions against a real Prosody (mod_bookmarks
 * with XEP-0402 #compat, mod_pep, mod_private): add, edit and remove persisted on the server, read
 * back by a second connection of the same account both as XEP-0402 items and — Prosody mirrors them —
 * as XEP-0048 private storage; another of our clients' change arriving live as a PEP event; autojoin
 * on a new session but not on a really resumed stream (XEP-0198); the XEP-0048 path, forced against
 * Prosody (its compat mirrors our private storage writes into XEP-0402) and chosen by detection
 * against a scripted server that offers no #compat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, BookmarkView } from '../../src/shared/contract';
import { AccountSession } from '../../src/main/core/accounts/session';
import type { SessionOnline } from '../../src/main/core/accounts/session-api';
import { EventBus } from '../../src/main/core/events';
import { createLogger, type Logger } from '../../src/main/core/log';
import { BookmarksService, type StoredBookmark } from '../../src/main/core/features/bookmarks/service';
import {
  discoInfoResponder,
  JABBERWOCK_CAPS_NODE,
  ownCapsElement,
  ownDiscoInfo,
} from '../../src/main/core/features/caps/own';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { localhostTls } from '../support/certs';
import {
  fakeLogin,
  standardFeatures,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { parseStanza } from '../support/xml';
import { eventually, waitUntil } from '../support/wait';
import { NS_DISCO_INFO } from '../../src/main/core/xmpp/ns';

const ALICE = { user: 'alice', password: 'alice-bookmarks-Pa55' };
const NS = 'urn:xmpp:bookmarks:1';
const PUBSUB = 'http://jabber.org/protocol/pubsub';

const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

/** One Jabberwock-like client: a real session with BookmarksService, our caps and our disco#info. */
interface Client {
  session: AccountSession;
  service: BookmarksService;
  events: AppEvent[];
  autojoins: StoredBookmark[][];
  onlines: SessionOnline[];
  /** The last muc.bookmarks list emitted. */
  bookmarks(): BookmarkView[] | undefined;
  stop(): Promise<void>;
}

const ACCOUNT = 'acc-alice';

async function openClient(
  endpoint: { host: string; port: number; ca: string; jid: string; password: string },
  resource: string,
  options: { forceLegacy?: boolean } = {},
): Promise<Client> {
  const bus = new EventBus(1);
  const events: AppEvent[] = [];
  bus.subscribe((batch) => events.push(...batch.events));
  const autojoins: StoredBookmark[][] = [];
  const onlines: SessionOnline[] = [];
  const service = new BookmarksService({
    bus,
    log: log.child(`bookmarks/${resource}`),
    onAutojoin: (_accountId, bookmarks) => autojoins.push(bookmarks),
    ...options,
  });
  const own = ownDiscoInfo();
  const session = new AccountSession(
    {
      jid: endpoint.jid,
      password: endpoint.password,
      host: endpoint.host,
      port: endpoint.port,
      pinnedCertificates: [],
      resource,
    },
    {
      onClient: (xmpp) => {
        // What presence-feature.ts does in the app: answer disco#info, so the server learns +notify.
        xmpp.iqCallee.get(NS_DISCO_INFO, 'query', discoInfoResponder(own));
        service.onClient(ACCOUNT, xmpp);
      },
      onStatus: () => {},
      onOnline: (online) => {
        onlines.push(online);
        if (!online.resumed) void online.xmpp.send(xml('presence', {}, ownCapsElement(own, JABBERWOCK_CAPS_NODE)));
        service.onOnline(ACCOUNT, online);
      },
      onOffline: () => service.onOffline(ACCOUNT),
    },
    {
      log: log.child(`${endpoint.jid}/${resource}`),
      ca: endpoint.ca,
      resolveSrv: false,
      keepaliveMs: 0,
      backoff: { baseMs: 50, capMs: 200 },
    },
  );
  session.start();
  await waitUntil(`${resource} read its bookmarks`, () => autojoins.length === 1);
  return {
    session,
    service,
    events,
    autojoins,
    onlines,
    bookmarks: () => {
      bus.flush();
      const all = events.filter((e) => e.type === 'muc.bookmarks');
      return all.at(-1)?.bookmarks;
    },
    stop: async () => {
      service.close();
      await session.stop();
      bus.close();
    },
  };
}

/** The account's XEP-0402 items as the server holds them, read by another connection. */
async function pepItems(reader: Peer): Promise<Map<string, Element>> {
  try {
    const pubsub = await reader.xmpp.iqCaller.get(xml('pubsub', { xmlns: PUBSUB }, xml('items', { node: NS })));
    const items = pubsub.getChild('items')?.getChildren('item') ?? [];
    return new Map(items.map((item: Element) => [item.attrs.id as string, item.getChild('conference', NS)!]));
  } catch (error) {
    if ((error as { condition?: string }).condition === 'item-not-found') return new Map();
    throw error;
  }
}

/** The account's XEP-0048 bookmarks in private storage, read by another connection. */
async function privateConferences(reader: Peer): Promise<Map<string, Element>> {
  const query = await reader.xmpp.iqCaller.get(
    xml('query', { xmlns: 'jabber:iq:private' }, xml('storage', { xmlns: 'storage:bookmarks' })),
  );
  const storage = query.getChild('storage', 'storage:bookmarks');
  const conferences = storage?.getChildren('conference') ?? [];
  return new Map(conferences.map((c: Element) => [c.attrs.jid as string, c]));
}

function publishFromPeer(room: string, attrs: Record<string, string>, nick?: string): Element {
  return xml(
    'pubsub',
    { xmlns: PUBSUB },
    xml(
      'publish',
      { node: NS },
      xml('item', { id: room }, xml('conference', { xmlns: NS, ...attrs }, nick ? xml('nick', {}, nick) : [])),
    ),
    xml(
      'publish-options',
      {},
      xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `${PUBSUB}#publish-options`)),
        xml('field', { var: 'pubsub#persist_items' }, xml('value', {}, 'true')),
        xml('field', { var: 'pubsub#access_model' }, xml('value', {}, 'whitelist')),
      ),
    ),
  );
}

describe('bookmarks against Prosody (XEP-0402 with #compat)', () => {
  let server: ProsodyServer;
  let alice: Client;
  let reader: Peer;
  let endpoint: Parameters<typeof openClient>[0];

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE] });
    endpoint = {
      host: server.host,
      port: server.port,
      ca: server.caPem,
      jid: 'alice@localhost',
      password: ALICE.password,
    };
    alice = await openClient(endpoint, 'desk');
    reader = await startPeer(server, ALICE, 'reader', log);
  });

  afterAll(async () => {
    await alice?.stop();
    await reader?.stop();
    await server?.stop();
  });

  it('discovers XEP-0402 and starts with an empty list', () => {
    expect(alice.service.storage(ACCOUNT)).toBe('pep');
    expect(alice.bookmarks()).toEqual([]);
    expect(alice.autojoins).toEqual([[]]);
  });

  it('add, edit and remove are stored on the server, seen through XEP-0402 and XEP-0048', async () => {
    const room = 'council@conference.localhost';
    const added = await alice.service.set({
      accountId: ACCOUNT,
      room,
      name: 'Council of Oberon',
      nick: 'Puck',
      autojoin: true,
      password: 'moonlight',
    });
    expect(added).toEqual({ ok: true, value: null });
    expect(alice.bookmarks()).toEqual([
      { accountId: ACCOUNT, room, name: 'Council of Oberon', nick: 'Puck', autojoin: true, hasPassword: true },
    ]);

    let items = await pepItems(reader);
    expect([...items.keys()]).toEqual([room]);
    expect(items.get(room)!.attrs).toMatchObject({ name: 'Council of Oberon', autojoin: 'true' });
    expect(items.get(room)!.getChildText('nick')).toBe('Puck');
    expect(items.get(room)!.getChildText('password')).toBe('moonlight');
    let legacy = await privateConferences(reader);
    expect(legacy.get(room)?.attrs).toMatchObject({ name: 'Council of Oberon', autojoin: 'true' });
    expect(legacy.get(room)?.getChildText('nick')).toBe('Puck');

    // The node is private: nobody but us may read our bookmarks.
    const config = await reader.xmpp.iqCaller.get(
      xml('pubsub', { xmlns: `${PUBSUB}#owner` }, xml('configure', { node: NS })),
    );
    const access = config
      .getChild('configure')
      ?.getChild('x', 'jabber:x:data')
      ?.getChildren('field')
      .find((f: Element) => f.attrs.var === 'pubsub#access_model');
    expect(access?.getChildText('value')).toBe('whitelist');

    // An edit changes what it names and keeps the rest.
    expect(await alice.service.set({ accountId: ACCOUNT, room, name: 'The Council', autojoin: false })).toEqual({
      ok: true,
      value: null,
    });
    items = await pepItems(reader);
    expect(items.get(room)!.attrs.name).toBe('The Council');
    expect(items.get(room)!.attrs.autojoin ?? 'false').toBe('false');
    expect(items.get(room)!.getChildText('nick')).toBe('Puck');
    expect(items.get(room)!.getChildText('password')).toBe('moonlight');
    legacy = await privateConferences(reader);
    expect(legacy.get(room)?.attrs.name).toBe('The Council');

    expect(await alice.service.set({ accountId: ACCOUNT, room, remove: true })).toEqual({ ok: true, value: null });
    expect(alice.bookmarks()).toEqual([]);
    expect((await pepItems(reader)).has(room)).toBe(false);
    expect((await privateConferences(reader)).has(room)).toBe(false);
  });

  it('a change made by another of our clients arrives live as a PEP event', async () => {
    const phone = await startPeer(server, ALICE, 'phone', log);
    try {
      const room = 'orchard@conference.localhost';
      await phone.xmpp.iqCaller.set(publishFromPeer(room, { name: 'The Orchard', autojoin: 'true' }, 'JC'));
      await eventually(() =>
        expect(alice.bookmarks()).toEqual([
          { accountId: ACCOUNT, room, name: 'The Orchard', nick: 'JC', autojoin: true, hasPassword: false },
        ]),
      );
      await phone.xmpp.iqCaller.set(
        xml('pubsub', { xmlns: PUBSUB }, xml('retract', { node: NS, notify: 'true' }, xml('item', { id: room }))),
      );
      await eventually(() => expect(alice.bookmarks()).toEqual([]));
      expect(alice.service.stats(ACCOUNT)?.eventsApplied).toBeGreaterThanOrEqual(2);
      expect(alice.service.stats(ACCOUNT)?.eventsRejected).toBe(0);
    } finally {
      await phone.stop();
    }
  });

  it('autojoin: delivered on a new session, not on a resumed stream', async () => {
    await alice.service.set({ accountId: ACCOUNT, room: 'a@conference.localhost', autojoin: true, nick: 'Al' });
    await alice.service.set({ accountId: ACCOUNT, room: 'b@conference.localhost', autojoin: false });
    await alice.service.set({ accountId: ACCOUNT, room: 'c@conference.localhost', autojoin: true, password: 'pw' });

    const laptop = await openClient(endpoint, 'laptop');
    try {
      expect(laptop.autojoins).toHaveLength(1);
      expect(laptop.autojoins[0].map((b) => [b.room, b.nick, b.password])).toEqual([
        ['a@conference.localhost', 'Al', null],
        ['c@conference.localhost', null, 'pw'],
      ]);
      expect(laptop.bookmarks()?.map((b) => b.room)).toEqual([
        'a@conference.localhost',
        'b@conference.localhost',
        'c@conference.localhost',
      ]);

      // The TCP connection drops; XEP-0198 resumes the stream: no new read, nobody rejoins.
      const reads = laptop.service.stats(ACCOUNT)!.reads;
      laptop.session.xmpp.socket?.destroy();
      await waitUntil('resumed', () => laptop.onlines.length === 2);
      expect(laptop.onlines[1].resumed).toBe(true);
      // Also driven by hand, in case the lifecycle ever calls twice.
      laptop.service.onOnline(ACCOUNT, { ...laptop.onlines[1], resumed: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(laptop.autojoins).toHaveLength(1);
      expect(laptop.service.stats(ACCOUNT)!.reads).toBe(reads);

      // A change while resumed still arrives (the stream and its PEP interest survived).
      await alice.service.set({ accountId: ACCOUNT, room: 'b@conference.localhost', autojoin: true });
      await eventually(() =>
        expect(laptop.bookmarks()?.find((b) => b.room === 'b@conference.localhost')?.autojoin).toBe(true),
      );
    } finally {
      await laptop.stop();
    }

    // A new session of the same client (stop, start): read again, autojoin again.
    const again = await openClient(endpoint, 'laptop');
    try {
      // Server order follows publication time; the set is what counts.
      expect(again.autojoins[0].map((b) => b.room).sort()).toEqual([
        'a@conference.localhost',
        'b@conference.localhost',
        'c@conference.localhost',
      ]);
    } finally {
      await again.stop();
    }
    for (const room of ['a', 'b', 'c']) {
      await alice.service.set({ accountId: ACCOUNT, room: `${room}@conference.localhost`, remove: true });
    }
  });

  it('forced XEP-0048: writes private storage whole, keeps <url/> bookmarks; Prosody mirrors it into XEP-0402', async () => {
    await reader.xmpp.iqCaller.set(
      xml(
        'query',
        { xmlns: 'jabber:iq:private' },
        xml(
          'storage',
          { xmlns: 'storage:bookmarks' },
          xml('conference', { jid: 'old@conference.localhost', name: 'Old', autojoin: 'true' }, xml('nick', {}, 'O')),
        ),
      ),
    );
    const legacyClient = await openClient(endpoint, 'legacy', { forceLegacy: true });
    try {
      expect(legacyClient.service.storage(ACCOUNT)).toBe('private');
      expect(legacyClient.autojoins[0].map((b) => b.room)).toEqual(['old@conference.localhost']);
      const room = 'new@conference.localhost';
      expect(
        await legacyClient.service.set({ accountId: ACCOUNT, room, name: 'New', nick: 'N', password: 'secret' }),
      ).toEqual({ ok: true, value: null });
      const legacy = await privateConferences(reader);
      expect([...legacy.keys()].sort()).toEqual(['new@conference.localhost', 'old@conference.localhost']);
      expect(legacy.get(room)?.getChildText('password')).toBe('secret');
      const items = await pepItems(reader);
      expect(items.get(room)?.attrs.name).toBe('New');
      expect(items.get('old@conference.localhost')?.getChildText('nick')).toBe('O');

      // Edit through XEP-0048 keeps what was left out; remove rewrites without it.
      await legacyClient.service.set({ accountId: ACCOUNT, room, autojoin: true });
      expect((await privateConferences(reader)).get(room)?.getChildText('nick')).toBe('N');
      await legacyClient.service.set({ accountId: ACCOUNT, room: 'old@conference.localhost', remove: true });
      expect([...(await privateConferences(reader)).keys()]).toEqual([room]);
      expect(legacyClient.bookmarks()?.map((b) => [b.room, b.autojoin, b.hasPassword])).toEqual([[room, true, true]]);
    } finally {
      await legacyClient.stop();
    }
  });
});

describe('XEP-0048 fallback chosen by detection (scripted server without #compat)', () => {
  let dir: string;
  let scripted: ScriptedServer;
  let client: Client;
  /** What the scripted server keeps in private storage. */
  let storage =
    `<storage xmlns='storage:bookmarks'>` +
    `<conference jid='kept@conference.example.org' name='Kept' autojoin='1'><nick>K</nick></conference>` +
    `<url name='Site' url='https://example.org/'/>` +
    `</storage>`;
  const asked: string[] = [];
  let pending = '';

  function answer(conn: ScriptedConnection, stanzaText: string): void {
    const iq = parseStanza(stanzaText);
    const id = iq.attrs.id;
    const child = iq.getChildElements()[0];
    asked.push(`${iq.attrs.type} ${child?.attrs.xmlns ?? ''} to=${iq.attrs.to ?? ''}`);
    if (child?.attrs.xmlns === NS_DISCO_INFO) {
      // Our account offers PEP but not the XEP-0402 #compat unification.
      conn.send(
        `<iq type='result' id='${id}' from='me@localhost'><query xmlns='${NS_DISCO_INFO}'>` +
          `<identity category='account' type='registered'/><identity category='pubsub' type='pep'/>` +
          `<feature var='${PUBSUB}'/></query></iq>`,
      );
    } else if (child?.attrs.xmlns === 'jabber:iq:private' && iq.attrs.type === 'get') {
      conn.send(`<iq type='result' id='${id}'><query xmlns='jabber:iq:private'>${storage}</query></iq>`);
    } else if (child?.attrs.xmlns === 'jabber:iq:private' && iq.attrs.type === 'set') {
      storage = child.getChild('storage', 'storage:bookmarks')!.toString();
      conn.send(`<iq type='result' id='${id}'/>`);
    } else {
      conn.send(
        `<iq type='error' id='${id}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bookmarks-'));
    const { ca, tls } = await localhostTls(dir);
    scripted = await startScriptedServer({
      tls,
      features: standardFeatures,
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, 'me@localhost')) return;
        pending += chunk;
        for (;;) {
          const match = /<iq\b[^>]*\/>|<iq\b[\s\S]*?<\/iq>/.exec(pending);
          if (!match) break;
          pending = pending.slice(match.index + match[0].length);
          const type = /\btype=["'](\w+)["']/.exec(match[0])?.[1];
          if (type === 'get' || type === 'set') answer(conn, match[0]);
        }
      },
    });
    client = await openClient(
      { host: scripted.host, port: scripted.port, ca: ca.caPem, jid: 'me@localhost', password: 'x' },
      'desk',
    );
  });

  afterAll(async () => {
    await scripted?.stop(); // first: the scripted server never answers the stream close
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads private storage, autojoins from it, writes it whole keeping <url/>, never touches PEP', async () => {
    expect(client.service.storage(ACCOUNT)).toBe('private');
    expect(asked[0]).toBe(`get ${NS_DISCO_INFO} to=me@localhost`);
    expect(client.autojoins[0].map((b) => [b.room, b.nick])).toEqual([['kept@conference.example.org', 'K']]);

    const result = await client.service.set({
      accountId: ACCOUNT,
      room: 'added@conference.example.org',
      name: 'Added',
      autojoin: true,
    });
    expect(result).toEqual({ ok: true, value: null });
    const written = parseStanza(storage);
    expect(written.getChildren('conference').map((c) => c.attrs.jid)).toEqual([
      'kept@conference.example.org',
      'added@conference.example.org',
    ]);
    expect(written.getChild('url')?.attrs.url).toBe('https://example.org/');
    expect(written.getChildren('conference')[0].getChildText('nick')).toBe('K');
    expect(asked.some((line) => line.includes(PUBSUB))).toBe(false);
    expect(client.bookmarks()?.map((b) => b.room)).toEqual([
      'kept@conference.example.org',
      'added@conference.example.org',
    ]);
  });
});
