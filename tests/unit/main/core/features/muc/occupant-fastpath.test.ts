/**
 * Room presence on the fast path: occupants read from the stream text by the lean parser and handed
 * to the MUC feature through the stream hooks end in the same state (occupants, room, notices) as
 * the same stream parsed by ltx and delivered through the middleware, for realistic occupants
 * (entities in the sender, nicks in every script, caps, vcard-update, idle and unknown children),
 * self-presence, role changes, renames, kicks and leaves. Presence from a room that is not ours
 * takes the normal path, where it is ignored as before.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { presenceStreamParser } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { NS_MUC_USER } from '../../../../../../src/main/core/xmpp/ns';
import { escapeXml, realisticNicks, realisticOccupantPresences } from '../../../../../../bench/realistic-data.mjs';

const ACCOUNT = 'acc-1';
const ROOM = 'bench-room@conference.localhost';
const TO = 'me@localhost/bench';
const NOW = Date.parse('2026-12-06T12:00:00Z');
const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' version='1.0'>";

type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

interface Path {
  service: MucService;
  /** Feeds stream text in these reads; returns how many room presences the fast path consumed. */
  feed(chunks: string[]): number;
  close(): void;
}

/** A MucService on a fake client; `lean`: the lean parser in front, as GuardedClient installs it. */
function path(lean: boolean): Path {
  const bus = new EventBus(1);
  const hooks = new StreamHookRegistry();
  let middleware: Middleware = () => undefined;
  const fake = {
    status: 'online',
    send: async () => {},
    iqCaller: { set: async () => xml('query') },
    hooks,
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  };
  const service = new MucService({ bus, accounts: { list: () => [] }, log: silentLogger, now: () => NOW });
  service.onClient(ACCOUNT, fake as unknown as SessionXmpp);
  service.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: TO, resumed: false });
  let taken = 0;
  const Parser = lean
    ? presenceStreamParser(xml.Parser, (raw) => {
        const consumed = raw.mucUser ? hooks.consumeRawRoomPresence(raw) : hooks.consumeRawPresence(raw);
        if (consumed) taken++;
        return consumed;
      })
    : xml.Parser;
  const parser = new Parser();
  // What the lean path did not consume reaches the middleware as an Element, as in the client.
  parser.on('element', (stanza: Element) => middleware({ stanza }, () => undefined));
  parser.write(HEADER);
  return {
    service,
    feed(chunks) {
      taken = 0;
      for (const chunk of chunks) parser.write(chunk);
      return taken;
    },
    close() {
      service.close();
      bus.close();
    },
  };
}

function cut(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function presence(nick: string, x: string, attrs = '', children = ''): string {
  return `<presence from='${escapeXml(`${ROOM}/${nick}`)}' to='${TO}'${attrs}>${children}<x xmlns='${NS_MUC_USER}'>${x}</x></presence>`;
}

const nicks = realisticNicks(600);
const OCCUPANTS = realisticOccupantPresences(ROOM, TO, nicks);
const SELF = presence(
  'bench',
  `<item affiliation='none' role='participant' jid='${TO}'/><status code='110'/><status code='100'/>`,
  '',
  `<occupant-id xmlns='urn:xmpp:occupant-id:0' id='self'/>`,
);
/** After the join: a role change with a reason, a rename, a kick, a leave, a newcomer with odd children. */
const AFTER = [
  presence(nicks[30], `<item affiliation='none' role='visitor'><reason>Calm &amp; quiet</reason></item>`),
  presence(
    nicks[5],
    `<item affiliation='none' role='participant' nick='Renée &lt;новая&gt; 🙂'/><status code='303'/>`,
    " type='unavailable'",
  ),
  presence('Renée <новая> 🙂', `<item affiliation='none' role='participant'/>`, '', '<show>chat</show>'),
  presence(
    nicks[6],
    `<item affiliation='none' role='none'><actor nick='${escapeXml(nicks[0])}'/><reason>Spam &amp; ads</reason></item><status code='307'/>`,
    " type='unavailable'",
  ),
  presence(nicks[7], `<item affiliation='member' role='none'/>`, " type='unavailable'", '<status>bye 👋</status>'),
  presence(
    '新しい & "quoted"',
    `<vendor xmlns='urn:example'><a b='c'>d</a></vendor><item affiliation='member' role='participant' jid='new@example.org/r&amp;d'><extra/></item>`,
    " xml:lang='ja'",
    `<show>away</show><status>  spaced  </status><unknown xmlns='urn:example:x'><deep><deeper/></deep></unknown>`,
  ),
].join('');

async function joinedState(lean: boolean, chunkSize: number) {
  const run = path(lean);
  const answer = run.service.join({ accountId: ACCOUNT, room: ROOM, nick: 'bench' });
  await new Promise((resolve) => setImmediate(resolve));
  const taken = run.feed(cut(OCCUPANTS + SELF + AFTER, chunkSize));
  const joined = await answer;
  const state = {
    joined: joined.ok,
    rooms: run.service.rooms(),
    occupants: run.service.occupants(),
    notices: run.service.notices(),
  };
  run.close();
  return { state, taken };
}

describe('room presence on the fast path', () => {
  // Join times and role changes are stamped with the clock: the same for both paths.
  beforeEach(() => void vi.spyOn(Date, 'now').mockReturnValue(NOW));
  afterEach(() => void vi.restoreAllMocks());

  it('gives the same occupants, room and notices as the Element path, however the stream is cut', async () => {
    const slow = await joinedState(false, Infinity);
    expect(slow.state.joined).toBe(true);
    // 600 occupants and us, one renamed (kept), one kicked, one gone, one new.
    expect(slow.state.occupants).toHaveLength(600 + 1 - 2 + 1);
    expect(slow.state.notices.map((notice) => notice.code)).toEqual(
      expect.arrayContaining(['muc.renamed', 'muc.kicked']),
    );
    for (const size of [1, 7, 300, 4096, Infinity]) {
      const fast = await joinedState(true, size);
      expect(fast.state).toEqual(slow.state);
      // Every room presence was read from the text: 600 occupants, ours, and the six after.
      expect(fast.taken).toBe(600 + 1 + 6);
    }
  }, 60_000);

  it('leaves presence from a room that is not ours to the normal path, which ignores it', () => {
    const run = path(true);
    const taken = run.feed([
      `<presence from='evil@conference.localhost/me'><x xmlns='${NS_MUC_USER}'><item role='moderator'/><status code='110'/></x></presence>`,
    ]);
    expect(taken).toBe(0);
    expect(run.service.rooms()).toEqual([]);
    expect(run.service.occupants()).toEqual([]);
    run.close();
  });
});
