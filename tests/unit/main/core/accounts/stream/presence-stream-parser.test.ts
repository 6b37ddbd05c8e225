/**
 * The lean presence path in front of xmpp.js's parser: for any stream and any way it is cut into
 * reads, what the presence feature sees (presence read from the text, or Elements from ltx) and the
 * order it sees it in are the same as with xmpp.js's parser alone; whatever the reader does not
 * model goes to ltx unchanged (same elements, same errors).
 */
import { createRequire } from 'node:module';
import xml, { type Attrs, type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { presenceStreamParser } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import { RawPresence } from '../../../../../../src/main/core/accounts/stream/raw-presence';
import { unescapeXml } from '../../../../../../src/main/core/accounts/stream/xml-scan';
import { parsePresence } from '../../../../../../src/main/core/features/presence/stanza';
import {
  StreamedRosterItems,
  countRosterItems,
  newReport,
  readRosterQuery,
} from '../../../../../../src/main/core/features/roster/items';
import {
  occupantPresenceOf,
  rawOccupantPresence,
  type OccupantPresence,
} from '../../../../../../src/main/core/features/muc/occupant-presence';
import { NS_MUC_USER, NS_ROSTER } from '../../../../../../src/main/core/xmpp/ns';
import {
  realisticArchiveMessage,
  realisticContacts,
  realisticFlood,
  realisticNicks,
  realisticOccupantPresences,
  realisticRoomMessage,
  rosterXml,
} from '../../../../../../bench/realistic-data.mjs';
import { prng } from '../../../../../support/prng.mjs';

const ltxEscape = createRequire(import.meta.url)('ltx/lib/escape.js') as { unescapeXML(s: string): string };

const NOW = Date.parse('2026-11-21T12:00:00Z');
const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' version='1.0'>";
const CAPS =
  "xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://client.example' ver='QgayPKawpkPSDYmwT/WM94uAlu0='";

const BASE_STANZAS = [
  `<presence from='a@example.org/r1' to='me@x/y'/>`,
  `<presence from='a@example.org/r1'><show>away</show><priority>5</priority><status>Out &amp; about &lt;3 &#x1F600;</status></presence>`,
  `<presence from="b@example.org/phone" xml:lang="en" id='p1'>\n  <show>dnd</show>\n  <status/>\n  <c ${CAPS}/>\n</presence>`,
  `<presence from='c@example.org/r' type='unavailable'><status>bye</status><delay xmlns='urn:xmpp:delay' stamp='2026-11-21T09:00:00Z'/></presence>`,
  `<presence from='d@example.org/r'><x xmlns='vcard-temp:x:update'><photo>abc</photo></x><priority> -3 </priority><c xmlns='other'/><c ${CAPS}></c></presence>`,
  `<presence from='room@conf.example.org/nick'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x></presence>`,
  `<presence from='e@example.org' type='subscribe'/>`,
  `<presence from='f@example.org/r' type='error'><error type='cancel'><remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`,
  `<presence from='g@example.org/r'><p:show xmlns:p='jabber:client'>xa</p:show></presence>`,
  `<presence from='h@example.org/r'><status>one</status><status>two</status><show>chat</show><show>away</show></presence>`,
  `<presence from='i@example.org/r'><status><![CDATA[raw <text>]]></status></presence>`,
  `<presence from='j@example.org/r' ><priority>200</priority></presence>`,
  `<presence from = 'k@example.org/r' type="unavailable" />`,
  `<presence from='l@example.org/r'><status>a<b/>c</status></presence>`,
  `<presence from='m@example.org/r'><status>${'long status '.repeat(300)}</status></presence>`,
  `<presence from='n@Example.ORG/R'><show>xa</show></presence>`,
  `<presence from='o@example.org/r' title='a > b'><status>t</status></presence>`,
  `<presence from='p@example.org/r'><nick xmlns='http://jabber.org/protocol/nick'>P &quot;Q&quot;</nick></presence>`,
  `<message from='a@example.org/r1' to='me@x/y' type='chat'><body>hi &amp; bye</body></message>`,
  `<iq type='result' id='1'><query xmlns='jabber:iq:roster'><item jid='a@example.org'><group>G</group></item></query></iq>`,
  // Roster results: their items are read as they arrive and never stay in the tree (through the stream hooks).
  `<iq type='result' id='2' to='me@x/y'><query xmlns='jabber:iq:roster' ver='v2'>
    <item jid='b@example.org' name='B &amp; Co' subscription='both'><group>Friends</group><group>Work</group></item>
    <item jid='not a jid' subscription='to'/>
    <item jid='c@example.org' ask='subscribe'><group>${'g'.repeat(3000)}</group><note>x</note></item>
    <item jid='b@example.org' subscription='from'/>
  </query></iq>`,
  // Not results of the roster query: the items stay (a push, a deeper query, another namespace).
  `<iq type='set' id='3'><query xmlns='jabber:iq:roster'><item jid='d@example.org' subscription='remove'/></query></iq>`,
  `<iq type='result' id='4'><wrap><query xmlns='jabber:iq:roster'><item jid='e@example.org'/></query></wrap></iq>`,
  `<iq type='result' id='5'><query xmlns='jabber:iq:private'><item jid='f@example.org'/></query></iq>`,
  ` `,
  `<presence from='q@example.org/r'/>`,
  // XEP-0319 idle: read from the text as from the Element (a bad one is refused alike).
  `<presence from='r@example.org/r'><show>away</show><idle xmlns='urn:xmpp:idle:1' since='2026-11-21T11:30:00Z'/></presence>`,
  `<presence from='s@example.org/r'><idle xmlns='urn:xmpp:idle:1' since='2099-01-01T00:00:00Z'></idle><idle xmlns='urn:xmpp:idle:1' since='2026-11-21T11:30:00Z'/></presence>`,
];

/** Room presence the lean path reads: codes, the first item with its reason and actor, entities, unknown children. */
const ROOM_READ = [
  `<presence from='room@conf.example.org/Zo&#xEB; &amp; &lt;co&gt;' xml:lang='en'><show>away</show><status>in &apos;a&apos; meeting</status><occupant-id xmlns='urn:xmpp:occupant-id:0' id='abc'/><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant' jid='z@example.org/r&amp;d'><vendor xmlns='urn:example'><deep><er/></deep></vendor></item><item role='moderator'/><status code='110'/><status code='100'></status><status/><status code='1' code='172'/><unknown a='1'>t</unknown></x><c xmlns='urn:example:other'/></presence>`,
  `<presence from='room@conf.example.org/kicked' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'><actor nick='Мод &amp; Co'/><actor nick='second'/><reason>Spam &amp; worse</reason><reason>second</reason></item><status code='307'/></x></presence>`,
  `<presence from='room@conf.example.org/old' type='unavailable'>
  <x xmlns='http://jabber.org/protocol/muc#user'>
    <item nick='新しい' role='participant' affiliation='none'><actor/><reason/></item>
    <status code='303'/>
  </x>
</presence>`,
  `<presence from='room@conf.example.org/two'><x xmlns='http://jabber.org/protocol/muc#user'><item role='visitor'/></x><x xmlns='http://jabber.org/protocol/muc#user'><item role='moderator'/><status code='110'/></x></presence>`,
  `<presence from='room@conf.example.org/self-closing'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`,
];

/** Room presence left to ltx: a destroyed room, prefixes, CDATA, an error, another default namespace. */
const ROOM_OTHER = [
  `<presence from='room@conf.example.org/me' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item role='none'/><destroy jid='other@conf.example.org'><reason>moved</reason></destroy><status code='110'/></x></presence>`,
  `<presence from='room@conf.example.org/pre'><x xmlns='http://jabber.org/protocol/muc#user'><m:item xmlns:m='http://jabber.org/protocol/muc#user' role='moderator'/></x></presence>`,
  `<presence from='room@conf.example.org/cdata'><x xmlns='http://jabber.org/protocol/muc#user'><item role='participant'><reason><![CDATA[<b>]]></reason></item></x></presence>`,
  `<presence from='room@conf.example.org/err' type='error'><x xmlns='http://jabber.org/protocol/muc#user'/><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`,
  `<presence xmlns='http://jabber.org/protocol/muc#user' from='room@conf.example.org/ns'><x><item role='moderator'/></x></presence>`,
];

const STANZAS = [...BASE_STANZAS, ...ROOM_READ, ...ROOM_OTHER];

type Seen = [string, unknown];

/** Roster result items read while parsing, as the roster service reads them through the stream hook. */
const streamed = new StreamedRosterItems();
const hooks = new StreamHookRegistry();
hooks.onRosterItem((item, query) => streamed.add(item, query));

/** What the MUC feature reads of a room presence (the <x/> itself only for what the lean path leaves to ltx). */
function describeRoom(presence: OccupantPresence): Seen {
  return ['room presence', { ...presence, codes: [...presence.codes], x: presence.x?.getChild('destroy')?.toString() }];
}

function describeElement(element: Element): Seen {
  if (element.name === 'presence' && element.getChild('x', NS_MUC_USER) && element.attrs.type !== 'error') {
    return describeRoom(occupantPresenceOf(element));
  }
  if (element.name === 'presence') return ['element presence', parsePresence(element, NOW)];
  const query =
    element.name === 'iq' && element.attrs.type === 'result' ? element.getChild('query', NS_ROSTER) : undefined;
  if (!query) return ['element', element.toString()];
  // A roster result: the items the roster service reads from it (some or all read while parsing),
  // and the rest of the stanza without them. Anything else (a push) must arrive whole.
  const report = newReport();
  const items = [...readRosterQuery('account', query, report, streamed).values()];
  query.children = query.children.filter((child) => typeof child === 'string' || child.name !== 'item');
  return ['element roster', { items, report, rest: element.toString() }];
}

/** xmpp.js's parser alone. */
function reference(chunks: string[]): Seen[] {
  const seen: Seen[] = [];
  const parser = new xml.Parser();
  parser.on('element', (element: Element) => seen.push(describeElement(element)));
  parser.on('error', (error: Error) => seen.push(['error', error.message]));
  try {
    for (const chunk of chunks) parser.write(chunk);
  } catch (error) {
    seen.push(['thrown', (error as Error).message]);
  }
  return seen;
}

/** xmpp.js's parser, counting the roster <item/> elements ltx builds (those not read from the text). */
let itemsBuilt = 0;
class CountingParser extends xml.Parser {
  override onStartElement(name: string, attrs: Attrs): void {
    if (name === 'item' && this.cursor?.name === 'query') itemsBuilt++;
    super.onStartElement(name, attrs);
  }
}

/** The lean path in front; every third presence read from the text is declined (goes on to ltx). */
function lean(chunks: string[], decline = (n: number) => n % 3 === 2): { seen: Seen[]; raw: number } {
  const seen: Seen[] = [];
  let offered = 0;
  let consumed = 0;
  const Parser = presenceStreamParser(
    CountingParser,
    (raw) => {
      expect(raw).toBeInstanceOf(RawPresence);
      if (decline(offered++)) return false;
      consumed++;
      // What the feature would make of it, compared with what it makes of ltx's Element (room
      // presence: what the MUC feature reads).
      seen.push(raw.mucUser ? describeRoom(rawOccupantPresence(raw)) : ['element presence', parsePresence(raw, NOW)]);
      return true;
    },
    undefined,
    hooks,
  );
  const parser = new Parser();
  parser.on('element', (element: Element) => seen.push(describeElement(element)));
  parser.on('error', (error: Error) => seen.push(['error', error.message]));
  try {
    for (const chunk of chunks) parser.write(chunk);
  } catch (error) {
    seen.push(['thrown', (error as Error).message]);
  }
  return { seen, raw: consumed };
}

function cut(text: string, random: () => number, maxChunk: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

describe('presence stream parser', () => {
  it('sees the same presences and elements, in the same order, however the stream is cut', () => {
    const random = prng(7);
    const body = Array.from({ length: 300 }, () => STANZAS[Math.floor(random() * STANZAS.length)]).join('');
    const stream = HEADER + body;
    const expected = reference([stream]);
    expect(expected.filter(([kind]) => kind.endsWith('presence')).length).toBeGreaterThan(200);
    expect(expected.filter(([kind]) => kind === 'room presence').length).toBeGreaterThan(60);
    for (const maxChunk of [1, 2, 7, 64, 500, 5000, stream.length]) {
      for (let round = 0; round < 3; round++) {
        // The header in one piece: ltx itself loses the stream when the XML declaration is split.
        const chunks = [HEADER, ...cut(body, random, maxChunk)];
        expect(reference(chunks)).toEqual(expected);
        const { seen, raw } = lean(chunks);
        expect(seen).toEqual(expected);
        // The common shapes did take the lean path.
        expect(raw).toBeGreaterThan(60);
      }
    }
  }, 120_000);

  it('reads on in place after a held stanza, in chunks longer than the joined head', () => {
    // Each chunk is longer than the head joined to what the last one held (JOIN_HEAD, 512): the head
    // ends inside a stanza, which is then read from the chunk itself; what was held and goes on past
    // the head (the long status, a roster result) is joined to longer heads, up to the whole chunk.
    const random = prng(21);
    const body = Array.from({ length: 400 }, () => STANZAS[Math.floor(random() * STANZAS.length)]).join('');
    const expected = reference([HEADER + body]);
    for (let size = 517; size < 12_000; size += 613) {
      const chunks = [HEADER];
      for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
      const { seen, raw } = lean(chunks);
      expect(seen).toEqual(expected);
      expect(raw).toBeGreaterThan(100);
    }
  }, 120_000);

  it('reads realistic streams as ltx does, however they are cut, and takes the lean paths', () => {
    // What real servers send: a roster result and presence with text in many scripts, entities and
    // emoji, caps, vcard-update, idle, delay and unknown extensions; room occupants and messages.
    const contacts = realisticContacts(120);
    const to = 'me@localhost/bench';
    const room = 'bench-room@conference.localhost';
    const nicks = realisticNicks(12);
    const body =
      `<iq type='result' id='roster-1' to='${to}'><query xmlns='jabber:iq:roster' ver='r1'>${rosterXml(contacts)}</query></iq>` +
      realisticFlood(contacts, to, 400).flood +
      realisticOccupantPresences(room, to, nicks) +
      Array.from({ length: 8 }, (_, k) => realisticRoomMessage(room, k, nicks).xml(to)).join('') +
      Array.from({ length: 8 }, (_, k) => realisticArchiveMessage(k, 'me@localhost').xml).join('');
    const expected = reference([HEADER + body]);
    expect(expected.filter(([kind]) => kind === 'element presence').length).toBe(400);
    expect(expected.filter(([kind]) => kind === 'room presence').length).toBe(12);
    const random = prng(15);
    for (const maxChunk of [1, 3, 17, 256, 4096, body.length]) {
      const chunks = [HEADER, ...cut(body, random, maxChunk)];
      itemsBuilt = 0;
      const { seen, raw } = lean(chunks);
      expect(seen).toEqual(expected);
      // Every roster item was read from the text (ltx built none), and the presences the lean
      // path was not told to decline were read from it too, room occupants included.
      expect(itemsBuilt).toBe(0);
      expect(raw).toBe(412 - Math.floor((412 + 1) / 3));
    }
  }, 120_000);

  it('reads the items of a roster result as they end, so the result holds none of them', () => {
    const items = Array.from(
      { length: 2000 },
      (_, i) => `<item jid='u${i}@example.org'><group>G${i % 7}</group></item>`,
    );
    const stanza = `<iq type='result' id='r'><query xmlns='jabber:iq:roster' ver='7'>${items.join('\n')}</query></iq>`;
    const results: Element[] = [];
    const Parser = presenceStreamParser(xml.Parser, () => false, undefined, hooks);
    const parser = new Parser();
    parser.on('element', (element: Element) => results.push(element));
    for (const chunk of cut(HEADER + stanza, prng(3), 700)) parser.write(chunk);
    expect(results).toHaveLength(1);
    const query = results[0].getChild('query', NS_ROSTER)!;
    expect(query.getChildren('item')).toEqual([]);
    expect(countRosterItems(query, streamed)).toBe(2000);
    const read = readRosterQuery('a1', query, newReport(), streamed);
    expect(read.size).toBe(2000);
    expect(read.get('u1999@example.org')).toEqual({
      accountId: 'a1',
      jid: 'u1999@example.org',
      name: null,
      subscription: 'none',
      pendingOut: false,
      groups: ['G4'],
    });
    // Taken once: a second read finds only what is left in the tree.
    expect(countRosterItems(query, streamed)).toBe(0);
  });

  it('leaves presence of other shapes to ltx', () => {
    for (const stanza of [STANZAS[6], STANZAS[7], STANZAS[8], STANZAS[10], STANZAS[13], ...ROOM_OTHER]) {
      const { seen, raw } = lean([HEADER + stanza], () => false);
      expect(raw).toBe(0);
      expect(seen).toEqual(reference([HEADER + stanza]));
    }
  });

  it('steps aside for what it does not model, and ltx reports the same errors', () => {
    const cases = [
      `<presence from='a@example.org/r'/><!-- a comment --><presence from='b@example.org/r'/>`,
      `<presence from='a@example.org/r'><show>away</status></presence><presence from='b@example.org/r'/>`,
      `<presence from='a@example.org/r'><status>&bogus;</status></presence>`,
      `<presence from='a@example.org/r'><status>&#0;</status></presence>`,
      `<presence from='a@example.org/r'/><?pi x?><presence from='b@example.org/r'/>`,
      `<presence from='a@example.org/r'/></stream:stream><presence from='b@example.org/r'/>`,
      `<presence from=a@example.org/r/><presence from='b@example.org/r'/>`,
      `<message><body>&nope;</body></message><presence from='b@example.org/r'/>`,
      `<presence from='room@conf.example.org/bad'><x xmlns='http://jabber.org/protocol/muc#user'><item role='a &bogus; b'/></x></presence>`,
      `<presence from='room@conf.example.org/bad'><x xmlns='http://jabber.org/protocol/muc#user'><status code='1'>&#0;</status></x></presence>`,
    ];
    for (const body of cases) {
      for (const maxChunk of [1, 5, body.length]) {
        const chunks = [HEADER, ...cut(body, prng(maxChunk), maxChunk)];
        expect(lean(chunks, () => false).seen).toEqual(reference(chunks));
      }
    }
  });

  it('unescapes exactly as ltx does', () => {
    const random = prng(11);
    const pieces = [
      'a',
      ' ',
      '&amp;',
      '&lt;',
      '&gt;',
      '&quot;',
      '&apos;',
      '&#65;',
      '&#x1F600;',
      '&',
      ';',
      '&#;',
      '&x;',
      '&#xD800;',
    ];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const n = Math.floor(random() * 8);
      for (let j = 0; j < n; j++) text += pieces[Math.floor(random() * pieces.length)];
      const padded = `<<${text}>>`;
      let expected: string;
      try {
        expected = ltxEscape.unescapeXML(text);
      } catch (error) {
        expect(() => unescapeXml(padded, 2, padded.length - 2)).toThrow((error as Error).message);
        continue;
      }
      expect(unescapeXml(padded, 2, padded.length - 2)).toBe(expected);
    }
  });
});
