/**
 * BookmarksService and its parsers fed stanzas directly through a fake client (the real event bus):
 * junk from the server (invalid room JIDs, huge names, nicks and passwords, duplicates, wrong
 * payloads), forged PEP events from another JID, events queued while the list is read, the XEP-0402
 * vs XEP-0048 choice, merging edits, and autojoin once per new session only.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUC_NICK_MAX, ROSTER_TEXT_MAX, type AppEvent, type BookmarkView } from '../../../../../../src/shared/contract';
import { EventBus } from '../../../../../../src/main/core/events';
import { createLogger } from '../../../../../../src/main/core/log';
import { BookmarksService } from '../../../../../../src/main/core/features/bookmarks/service';
import {
  BOOKMARK_PASSWORD_MAX,
  legacyStorageElement,
  newBookmarkReport,
  readLegacyStorage,
  readPepItems,
} from '../../../../../../src/main/core/features/bookmarks/items';
import { BASE_FEATURES } from '../../../../../../src/main/core/features/caps/own';
import { parseStanza } from '../../../../../support/xml';
import { NS_BOOKMARKS, NS_BOOKMARKS_COMPAT } from '../../../../../../src/main/core/xmpp/ns';
import { type SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { errorText } from '../../../../../../src/renderer/src/lib/words/errors';

const ACCOUNT = 'acc-1';
const OWN = 'alice@example.org';
const DISCO = 'http://jabber.org/protocol/disco#info';
const PUBSUB = 'http://jabber.org/protocol/pubsub';
const EVENT = 'http://jabber.org/protocol/pubsub#event';

type Handler = (ctx: { stanza: Element }, next: () => unknown) => unknown;
type IqAnswer = (type: 'get' | 'set', element: Element, to: string | undefined) => Promise<Element | undefined>;

let bus: EventBus;
let events: AppEvent[];
let logs: string[];
let autojoins: { accountId: string; rooms: string[] }[];
let service: BookmarksService;
let handlers: Handler[];
let requests: { type: string; element: Element; to: string | undefined }[];
let answer: IqAnswer;
let xmpp: SessionXmpp;

/** The server side of the fake client: `items` as our PEP node, or `storage` in private storage. */
function pepServer(items: string, compat = true): IqAnswer {
  return async (type, element) => {
    if (element.attrs.xmlns === DISCO) {
      const feature = compat ? `<feature var='${NS_BOOKMARKS_COMPAT}'/>` : '';
      return parseStanza(`<iq type='result'><query xmlns='${DISCO}'>${feature}</query></iq>`).getChild('query');
    }
    if (type === 'get' && element.attrs.xmlns === PUBSUB) {
      return parseStanza(
        `<iq type='result'><pubsub xmlns='${PUBSUB}'><items node='${NS_BOOKMARKS}'>${items}</items></pubsub></iq>`,
      ).getChild('pubsub');
    }
    return undefined;
  };
}

function makeService(options: { forceLegacy?: boolean } = {}): BookmarksService {
  return new BookmarksService({
    bus,
    log: createLogger((level, scope, message) => logs.push(`${level} ${message}`), 'debug'),
    onAutojoin: (accountId, bookmarks) => autojoins.push({ accountId, rooms: bookmarks.map((b) => b.room) }),
    ...options,
  });
}

function fakeXmpp(): SessionXmpp {
  const fake = {
    status: 'online',
    jid: { domain: 'example.org', bare: () => ({ toString: () => OWN }) },
    middleware: { use: (handler: Handler) => handlers.push(handler) },
    iqCaller: {
      get: (element: Element, to?: string) => {
        requests.push({ type: 'get', element, to });
        return answer('get', element, to);
      },
      set: (element: Element, to?: string) => {
        requests.push({ type: 'set', element, to });
        return answer('set', element, to);
      },
    },
  };
  return fake as unknown as SessionXmpp;
}

/** A new session's read ends with its autojoin call (empty or not); a resumed stream must read nothing. */
async function connect(resumed = false): Promise<void> {
  const autojoined = autojoins.length;
  service.onOnline(ACCOUNT, { xmpp, boundJid: `${OWN}/jw`, resumed });
  if (resumed) await settle();
  else await expect.poll(() => autojoins.length).toBe(autojoined + 1);
}

/** Lets what is under way run: the wait before checking that something did not happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Runs a stanza through the middleware like the client would; true when someone consumed it. */
function deliver(stanza: Element): boolean {
  let passed = false;
  for (const handler of handlers) handler({ stanza }, () => (passed = true));
  return !passed;
}

function pepEvent(from: string | undefined, inner: string): Element {
  const attrs = from === undefined ? '' : ` from='${from}'`;
  return parseStanza(
    `<message${attrs} to='${OWN}/jw' type='headline'><event xmlns='${EVENT}'><items node='${NS_BOOKMARKS}'>${inner}</items></event></message>`,
  );
}

const conference = (room: string, attrs = '', children = '') =>
  `<item id='${room}'><conference xmlns='${NS_BOOKMARKS}' ${attrs}>${children}</conference></item>`;

function lastBookmarks(): BookmarkView[] | undefined {
  bus.flush();
  const all = events.filter((e) => e.type === 'muc.bookmarks');
  return all.at(-1)?.bookmarks;
}

beforeEach(() => {
  bus = new EventBus(1000);
  // This test's events only: the bus of the test before may still flush its last batch (a second later).
  const ours: AppEvent[] = [];
  events = ours;
  bus.subscribe((batch) => ours.push(...batch.events));
  logs = [];
  autojoins = [];
  handlers = [];
  requests = [];
  answer = pepServer('');
  service = makeService();
  xmpp = fakeXmpp();
  service.onClient(ACCOUNT, xmpp);
});

afterEach(() => {
  service.close();
  bus.close();
});

describe('reading bookmarks from the server', () => {
  it('skips invalid room JIDs and items without a conference payload, caps names and nicks, drops huge passwords', () => {
    const huge = 'N'.repeat(1_000_000);
    const items = parseStanza(
      `<items node='${NS_BOOKMARKS}'>` +
        conference('no-local-part.example.org') +
        conference('a@b@c') +
        conference('room@conference.example.org/resource') +
        conference('') +
        `<item id='other@conference.example.org'><conference xmlns='urn:xmpp:bookmarks:0' name='old'/></item>` +
        `<item id='empty@conference.example.org'/>` +
        conference('Big@Conference.Example.org', `name='${huge}' autojoin='1'`, `<nick>${huge}</nick>`) +
        conference('bell@conference.example.org', `autojoin='yes'`, `<nick>a\u0007b</nick>`) +
        conference('pw@conference.example.org', '', `<password>${'p'.repeat(BOOKMARK_PASSWORD_MAX + 1)}</password>`) +
        conference(
          'ok@conference.example.org',
          `name='  Fine  ' autojoin='true'`,
          `<nick>Al</nick><password>s3</password>`,
        ) +
        `</items>`,
    );
    const report = newBookmarkReport();
    const entries = readPepItems(ACCOUNT, items, report);
    expect([...entries.keys()]).toEqual([
      'big@conference.example.org',
      'bell@conference.example.org',
      'pw@conference.example.org',
      'ok@conference.example.org',
    ]);
    expect(report).toMatchObject({
      invalidJids: 4,
      missingPayload: 2,
      truncated: 2,
      invalidNicks: 1,
      droppedPasswords: 1,
    });
    const big = entries.get('big@conference.example.org')!.bookmark;
    expect(big.name).toHaveLength(ROSTER_TEXT_MAX);
    expect(big.nick).toHaveLength(MUC_NICK_MAX);
    expect(big.autojoin).toBe(true);
    const bell = entries.get('bell@conference.example.org')!.bookmark;
    expect(bell).toMatchObject({ nick: null, autojoin: false });
    expect(entries.get('pw@conference.example.org')!.bookmark).toMatchObject({ password: null, hasPassword: false });
    expect(entries.get('ok@conference.example.org')!.bookmark).toEqual({
      accountId: ACCOUNT,
      room: 'ok@conference.example.org',
      name: 'Fine',
      nick: 'Al',
      autojoin: true,
      hasPassword: true,
      password: 's3',
    });
  });

  it('reads XEP-0048 storage: keeps <url/> and unknown elements for writing back, first duplicate wins', () => {
    const storage = parseStanza(
      `<storage xmlns='storage:bookmarks'>` +
        `<conference jid='room@conference.example.org' name='First' autojoin='1'><nick>A</nick><x xmlns='urn:example:keep'/></conference>` +
        `<conference jid='ROOM@conference.example.org' name='Second'/>` +
        `<conference jid='not a jid' name='junk'/>` +
        `<url name='Site' url='https://example.org'/>` +
        `</storage>`,
    );
    const report = newBookmarkReport();
    const legacy = readLegacyStorage(ACCOUNT, storage, report);
    expect([...legacy.bookmarks.values()].map((e) => [e.bookmark.room, e.bookmark.name])).toEqual([
      ['room@conference.example.org', 'First'],
    ]);
    expect(report).toMatchObject({ duplicates: 1, invalidJids: 1 });
    const written = legacyStorageElement(legacy.bookmarks.values(), legacy.others).toString();
    expect(written).toContain(`<x xmlns="urn:example:keep"/>`);
    expect(written).toContain(`<url name="Site" url="https://example.org"/>`);
    expect(written).not.toContain('junk');
  });

  it('on a new session asks our own bare JID for disco#info, reads the PEP node, emits the list and autojoins', async () => {
    answer = pepServer(
      conference('one@conference.example.org', `name='One' autojoin='true'`, '<password>x</password>') +
        conference('two@conference.example.org', `name='Two'`) +
        conference('bad', `autojoin='true'`),
    );
    await connect();
    expect(requests[0]).toMatchObject({ type: 'get', to: OWN });
    expect(requests[0].element.attrs.xmlns).toBe(DISCO);
    expect(requests[1].element.getChild('items')?.attrs.node).toBe(NS_BOOKMARKS);
    expect(service.storage(ACCOUNT)).toBe('pep');
    expect(lastBookmarks()).toEqual([
      {
        accountId: ACCOUNT,
        room: 'one@conference.example.org',
        name: 'One',
        nick: null,
        autojoin: true,
        hasPassword: true,
      },
      {
        accountId: ACCOUNT,
        room: 'two@conference.example.org',
        name: 'Two',
        nick: null,
        autojoin: false,
        hasPassword: false,
      },
    ]);
    // The renderer never sees a password, not even in the snapshot's list.
    expect(JSON.stringify(service.list())).not.toContain('password');
    expect(service.get(ACCOUNT, 'one@conference.example.org')?.password).toBe('x');
    expect(autojoins).toEqual([{ accountId: ACCOUNT, rooms: ['one@conference.example.org'] }]);
    expect(logs.some((line) => line.includes('skipped or trimmed bad bookmarks'))).toBe(true);

    // A resumed stream is not a new session: nothing is read, nobody rejoins.
    const sent = requests.length;
    await connect(true);
    expect(requests.length).toBe(sent);
    expect(autojoins).toHaveLength(1);
    // A new session is.
    await connect(false);
    expect(autojoins).toHaveLength(2);
  });

  it('without #compat uses XEP-0048 private storage', async () => {
    answer = async (type, element) => {
      if (element.attrs.xmlns === DISCO) {
        return parseStanza(`<iq type='result'><query xmlns='${DISCO}'/></iq>`).getChild('query');
      }
      return parseStanza(
        `<iq type='result'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>` +
          `<conference jid='legacy@conference.example.org' autojoin='true'><nick>L</nick></conference>` +
          `</storage></query></iq>`,
      ).getChild('query');
    };
    await connect();
    expect(requests[1].element.attrs.xmlns).toBe('jabber:iq:private');
    expect(service.storage(ACCOUNT)).toBe('private');
    expect(autojoins).toEqual([{ accountId: ACCOUNT, rooms: ['legacy@conference.example.org'] }]);
  });
});

describe('PEP events', () => {
  beforeEach(async () => {
    answer = pepServer(conference('one@conference.example.org', `name='One'`));
    await connect();
  });

  it('ignores a forged event from another JID (also our own full JID), accepts ours', () => {
    const forged = conference('evil@conference.example.org', `autojoin='true'`);
    for (const from of ['mallory@evil.example', 'alice@example.org.evil.example', `${OWN}/other`, 'example.org']) {
      expect(deliver(pepEvent(from, forged))).toBe(true); // consumed, not passed on
    }
    expect(service.get(ACCOUNT, 'evil@conference.example.org')).toBeUndefined();
    expect(service.stats(ACCOUNT)?.eventsRejected).toBe(4);
    // Counted each, logged once a minute (a flood of forged events is one line).
    expect(logs.filter((line) => line.includes('not from our own account'))).toHaveLength(1);

    deliver(pepEvent('Alice@Example.org', conference('new@conference.example.org', `name='New'`)));
    deliver(pepEvent(undefined, `<retract id='one@conference.example.org'/>`));
    expect(lastBookmarks()?.map((b) => b.room)).toEqual(['new@conference.example.org']);
    expect(service.stats(ACCOUNT)?.eventsApplied).toBe(2);
  });

  it('ignores junk items in an event and leaves other messages alone', () => {
    deliver(pepEvent(OWN, conference('nolocal.example.org') + `<item id='x@conference.example.org'/>`));
    expect(service.list().map((b) => b.room)).toEqual(['one@conference.example.org']);
    const chat = xml('message', { from: 'bob@example.org/r', type: 'chat' }, xml('body', {}, 'hi'));
    expect(deliver(chat)).toBe(false);
    const otherNode = parseStanza(
      `<message from='bob@example.org'><event xmlns='${EVENT}'><items node='urn:xmpp:avatar:metadata'/></event></message>`,
    );
    expect(deliver(otherNode)).toBe(false);
  });

  it('a purge of the node clears the list', () => {
    deliver(
      parseStanza(`<message from='${OWN}'><event xmlns='${EVENT}'><purge node='${NS_BOOKMARKS}'/></event></message>`),
    );
    expect(lastBookmarks()).toEqual([]);
  });
});

describe('events while the list is read', () => {
  it('are applied after the read, and only those from us', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = pepServer(conference('one@conference.example.org', `name='One'`));
    answer = async (type, element, to) => {
      if (element.attrs.xmlns === PUBSUB) await gate;
      return server(type, element, to);
    };
    service.onOnline(ACCOUNT, { xmpp, boundJid: `${OWN}/jw`, resumed: false });
    await expect.poll(() => requests.some((r) => r.element.attrs.xmlns === PUBSUB)).toBe(true);
    deliver(pepEvent(OWN, conference('two@conference.example.org', `name='Two'`)));
    deliver(pepEvent('mallory@evil.example', conference('evil@conference.example.org')));
    release();
    // The queued events are applied together with the read: Mallory's would be in the same list.
    await expect
      .poll(() => service.list().map((b) => b.room))
      .toEqual(['one@conference.example.org', 'two@conference.example.org']);
  });
});

describe('commands', () => {
  beforeEach(async () => {
    answer = pepServer(
      `<item id='one@conference.example.org'><conference xmlns='${NS_BOOKMARKS}' name='One' autojoin='true'>` +
        `<nick>Al</nick><password>pw</password><extensions><state xmlns='urn:example:state' minimized='true'/></extensions>` +
        `</conference></item>`,
    );
    await connect();
  });

  it('an edit keeps omitted fields and <extensions/>, publishes with the XEP-0402 publish-options', async () => {
    const result = await service.set({ accountId: ACCOUNT, room: 'one@conference.example.org', name: 'Renamed' });
    expect(result).toEqual({ ok: true, value: null });
    const publish = requests.at(-1)!;
    expect(publish.type).toBe('set');
    const item = publish.element.getChild('publish')!.getChild('item')!;
    expect(item.attrs.id).toBe('one@conference.example.org');
    const conf = item.getChild('conference', NS_BOOKMARKS)!;
    expect(conf.attrs).toMatchObject({ name: 'Renamed', autojoin: 'true' });
    expect(conf.getChildText('nick')).toBe('Al');
    expect(conf.getChildText('password')).toBe('pw');
    expect(conf.getChild('extensions')?.getChild('state', 'urn:example:state')).toBeDefined();
    const fields = Object.fromEntries(
      publish.element
        .getChild('publish-options')!
        .getChild('x', 'jabber:x:data')!
        .getChildren('field')
        .map((f) => [f.attrs.var, f.getChildText('value')]),
    );
    expect(fields).toMatchObject({
      'pubsub#persist_items': 'true',
      'pubsub#access_model': 'whitelist',
      'pubsub#max_items': 'max',
    });
    expect(service.get(ACCOUNT, 'one@conference.example.org')).toMatchObject({ name: 'Renamed', nick: 'Al' });
  });

  it('null clears a field; remove retracts with notify; removing an unknown room says so', async () => {
    await service.set({ accountId: ACCOUNT, room: 'one@conference.example.org', password: null, nick: null });
    expect(service.get(ACCOUNT, 'one@conference.example.org')).toMatchObject({ nick: null, hasPassword: false });
    expect(await service.set({ accountId: ACCOUNT, room: 'one@conference.example.org', remove: true })).toEqual({
      ok: true,
      value: null,
    });
    const retract = requests.at(-1)!.element.getChild('retract')!;
    expect(retract.attrs).toMatchObject({ node: NS_BOOKMARKS, notify: 'true' });
    expect(retract.getChild('item')?.attrs.id).toBe('one@conference.example.org');
    const missing = await service.set({ accountId: ACCOUNT, room: 'one@conference.example.org', remove: true });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a server error and a disconnected account come back in words', async () => {
    answer = async () => {
      throw Object.assign(new Error('forbidden'), { name: 'StanzaError', condition: 'forbidden', text: 'no' });
    };
    const refused = await service.set({ accountId: ACCOUNT, room: 'two@conference.example.org', autojoin: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!refused.ok) expect(errorText(refused.error)).toContain('two@conference.example.org');
    expect(service.get(ACCOUNT, 'two@conference.example.org')).toBeUndefined();
    service.onOffline(ACCOUNT);
    const offline = await service.set({ accountId: ACCOUNT, room: 'two@conference.example.org' });
    expect(offline).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    // The list stays visible while offline.
    expect(service.list()).toHaveLength(1);
  });
});

describe('what we advertise', () => {
  it('includes urn:xmpp:bookmarks:1+notify in our disco#info', () => {
    expect(BASE_FEATURES).toContain('urn:xmpp:bookmarks:1+notify');
  });
});
