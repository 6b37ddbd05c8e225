/**
 * One pass over a roster item: the stream guard reads and checks the items of a roster result and the
 * lean parser takes them instead of reading the same bytes again. For realistic rosters and for every
 * unusual or hostile item shape, however the bytes are cut: the same items, elements and verdict as
 * with the guard's states and the lean reader alone, and the same items as ltx builds.
 */
import { describe, expect, it, vi } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { StreamGuard, type StreamLimits } from '../../../../../../src/main/core/accounts/stream/stream-guard';
import { presenceStreamParser } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import type { RawRosterItem } from '../../../../../../src/main/core/accounts/stream/raw-roster-item';
import type { CheckedRosterItems } from '../../../../../../src/main/core/accounts/stream/checked-roster-item';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { StreamedRosterItems, newReport, readRosterQuery } from '../../../../../../src/main/core/features/roster/items';
import type { RosterItemView } from '../../../../../../src/shared/contract';
import { realisticContacts, rosterXml } from '../../../../../../bench/realistic-data.mjs';
import { prng } from '../../../../../support/prng.mjs';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' version='1.0'>";
const NS_ROSTER = 'jabber:iq:roster';
const result = (items: string) => `<iq type='result' id='r'><query xmlns='${NS_ROSTER}' ver='v1'>${items}</query></iq>`;

interface Outcome {
  items: string[];
  elements: string[];
  verdict: string;
  /** Items the parser took from the guard (one pass). */
  checked: number;
}

const record = (item: RawRosterItem) =>
  JSON.stringify([item.jid, item.name, item.subscription, item.ask, item.groups.slice(0, item.groupCount)]);

/** The guard and the lean parser as GuardedClient joins them; `onePass` false: the guard does not read items. */
function run(chunks: Buffer[], onePass: boolean, limits?: Partial<StreamLimits>): Outcome {
  const items: string[] = [];
  const elements: string[] = [];
  const taps = {
    rawRosterItem: (item: RawRosterItem) => (items.push(record(item)), true),
    elementEnded: () => {},
  };
  const Parser = presenceStreamParser(xml.Parser as never, () => false, undefined, taps);
  const parser = new Parser() as InstanceType<typeof Parser> & { checkedItems: CheckedRosterItems };
  parser.on('element', (element: Element) => elements.push(element.toString()));
  const guard = new StreamGuard(limits);
  if (onePass) guard.items = parser.checkedItems;
  const take = vi.spyOn(parser.checkedItems, 'take');
  for (const chunk of chunks) {
    const text = guard.read(chunk);
    if (text) parser.write(text);
  }
  const checked = take.mock.results.filter((taken) => taken.value !== null).length;
  const v = guard.violation;
  return { items, elements, verdict: v ? `${v.condition}/${v.construct}` : 'ok', checked };
}

/** `bytes` cut into pieces of 1..maxChunk bytes (inside UTF-8 sequences too). */
function cut(bytes: Buffer, random: () => number, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return chunks;
}

/** The items as ltx builds them, read as readRawRosterItem reads them. */
function ltxItems(stream: string): string[] {
  const parser = new xml.Parser();
  const items: string[] = [];
  parser.on('element', (element: Element) => {
    for (const item of element.getChild('query', NS_ROSTER)?.getChildren('item') ?? []) {
      const { jid, name, subscription, ask } = item.attrs as Record<string, string | undefined>;
      const groups = item.getChildren('group').map((group) => group.text());
      items.push(
        JSON.stringify([
          jid,
          name,
          subscription,
          ask === undefined ? undefined : ask === 'subscribe' ? ask : '',
          groups,
        ]),
      );
    }
  });
  parser.write(stream);
  return items;
}

describe('one pass over roster items', () => {
  it('reads a realistic roster as ltx does, however it is cut, and takes the items from the guard', () => {
    // Realistic items: names with entities and non-ASCII letters, missing names, one to three groups.
    const items = rosterXml(realisticContacts(400));
    expect(items).toMatch(/&amp;|&apos;|&lt;/);
    expect(items).toMatch(/[^\u0020-\u007e]/);
    const stream = HEADER + result(items);
    const expected = ltxItems(stream);
    expect(expected).toHaveLength(400);
    const all = Buffer.from(stream);
    const whole = run([all], true);
    expect(whole.items).toEqual(expected);
    expect(whole.checked).toBe(400);
    for (const maxChunk of [1, 3, 17, 200, 4096]) {
      const chunks = cut(all, prng(maxChunk), maxChunk);
      const onePass = run(chunks, true);
      expect(onePass).toEqual({ ...run(chunks, false), checked: onePass.checked });
      expect(onePass.items).toEqual(expected);
      if (maxChunk >= 200) expect(onePass.checked).toBeGreaterThan(0);
    }
  });

  const shapes: [string, string][] = [
    [
      'unknown children and text between them',
      `<item jid='a@x'>\n <group>A</group> hi <note xmlns='n'>x</note></item>`,
    ],
    [
      'self-closing groups, empty groups and several groups',
      `<item jid='a@x'><group/><group></group><group>B</group><group>C &amp; D</group></item>`,
    ],
    [
      'double quotes, whitespace around =, other attributes',
      `<item jid="a@x" name = 'N' xml:lang='en' subscription="both" ask='subscribe'/>`,
    ],
    ['character references', `<item jid='a@x' name='&#x1F600;&#65;&quot;'><group>&#233;t&#xE9;</group></item>`],
    ['an unknown subscription and ask', `<item jid='a@x' subscription='weird' ask='unsubscribe'/>`],
    ['a group with a child element', `<item jid='a@x'><group>A<b/></group></item>`],
    ['CDATA in a group', `<item jid='a@x'><group><![CDATA[A<]]></group></item>`],
    ['a prefixed item', `<r:item xmlns:r='${NS_ROSTER}' jid='a@x'/>`],
    [
      'a name with more than eight attributes',
      `<item a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8' jid='a@x' name='n'/>`,
    ],
    ['an end tag with whitespace', `<item jid='a@x'><group>A</group ></item >`],
    // Hostile: refused exactly as the guard's states refuse them.
    ['a duplicate attribute', `<item jid='a@x' name='n' jid='evil@x'/>`],
    ['an undeclared entity in a name', `<item jid='a@x' name='&lol;'/>`],
    ['an undeclared entity in a group', `<item jid='a@x'><group>&lol;</group></item>`],
    ["'<' in a value", `<item jid='a@x' name='a<b'/>`],
    ['a reference to NUL', `<item jid='a@x'><group>&#0;</group></item>`],
    ['a reference to a surrogate', `<item jid='a@x' name='&#xD800;'/>`],
    ['a mismatched end tag', `<item jid='a@x'><group>A</grou></item>`],
    ['a comment', `<item jid='a@x'><!-- c --></item>`],
    ['a lone ampersand', `<item jid='a@x' name='a & b'/>`],
  ];

  it.each(shapes)('%s: the same as without the one pass, however it is cut', (_name, item) => {
    const plain = `<item jid='p@x' name='Plain'><group>G</group></item>`;
    const all = Buffer.from(HEADER + result(plain + item + plain) + `<message><body>after</body></message>`);
    const reference = run([all], false);
    expect(run([all], true)).toEqual({ ...reference, checked: expect.any(Number) });
    for (let at = 0; at <= all.length; at++) {
      const chunks = [all.subarray(0, at), all.subarray(at)];
      expect([at, run(chunks, true)]).toEqual([at, { ...run(chunks, false), checked: expect.any(Number) }]);
    }
  });

  it('limits: an item over the item limit, more items than the count limit, groups too deep', () => {
    const items = (n: number) =>
      Array.from({ length: n }, (_, k) => `<item jid='c${k}@x'><group>G</group></item>`).join('');
    const cases: [string, Partial<StreamLimits>][] = [
      [result(items(2) + `<item jid='${'x'.repeat(200)}'/>`), { rosterItem: 120 }],
      [result(items(4)), { rosterItems: 3 }],
      [result(items(2)), { depth: 3 }],
      [result(items(2)), { depth: 4 }],
    ];
    for (const [stanza, limits] of cases) {
      const all = Buffer.from(HEADER + stanza);
      const reference = run([all], false, limits);
      expect(run([all], true, limits)).toEqual({ ...reference, checked: expect.any(Number) });
      for (let at = 0; at <= all.length; at++) {
        const chunks = [all.subarray(0, at), all.subarray(at)];
        expect(run(chunks, true, limits)).toEqual({ ...run(chunks, false, limits), checked: expect.any(Number) });
      }
    }
    expect(run([Buffer.from(HEADER + result(items(4)))], true, { rosterItems: 3 }).verdict).toBe(
      'policy-violation/roster-items',
    );
  });

  /**
   * The roster views of every result in the stream as the roster service reads them: with `onePass`,
   * through the stream hook (the guard's one pass and the lean parser); else from ltx's elements.
   */
  function views(chunks: Buffer[], onePass: boolean): { items: RosterItemView[]; report: unknown }[] {
    const streamed = new StreamedRosterItems();
    const hooks = new StreamHookRegistry();
    hooks.onRosterItem((item, query) => streamed.add(item, query));
    const Parser = presenceStreamParser(xml.Parser as never, () => false, undefined, hooks);
    const lean = onePass ? (new Parser() as InstanceType<typeof Parser> & { checkedItems: CheckedRosterItems }) : null;
    const parser = lean ?? new xml.Parser();
    const results: { items: RosterItemView[]; report: unknown }[] = [];
    parser.on('element', (element: Element) => {
      const query = element.getChild('query', NS_ROSTER);
      if (!query) return;
      const report = newReport();
      results.push({ items: [...readRosterQuery('account', query, report, streamed).values()], report });
    });
    const guard = new StreamGuard();
    if (lean) guard.items = lean.checkedItems;
    for (const chunk of chunks) {
      const text = guard.read(chunk);
      if (text) parser.write(text);
    }
    expect(guard.violation).toBeNull();
    return results;
  }

  it('keeps group names once per stream: the same groups as ltx, shared lists for one to three distinct names', () => {
    const groups = (...names: string[]) => names.map((name) => `<group>${name}</group>`).join('');
    const odd = [
      groups('A', '&#65;'), // one name written two ways: dropped as a duplicate
      groups('&lt;U&gt;', '&#60;U&#x3E;', 'B'),
      groups('A', 'A'),
      groups('B', 'C', 'B'),
      groups('A', 'B', 'C', 'D'),
      groups('x'.repeat(64), 'y'.repeat(65)),
      groups('y'.repeat(65)),
      `<group></group>${groups('A')}`,
      `<group/>${groups('B', 'C')}`,
      groups('A', '', 'B'),
      groups('C', 'B', 'A'),
      groups('A', 'B', 'C'),
      groups('A', 'B', 'C'),
      groups(' A', 'A '),
    ]
      .map((content, k) => `<item jid='odd${k}@x' subscription='both'>${content}</item>`)
      .join('');
    // Two results in one stream: the second reads the names the first kept.
    const stream =
      HEADER + result(rosterXml(realisticContacts(300)) + odd) + result(odd + rosterXml(realisticContacts(50)));
    const all = Buffer.from(stream);
    const expected = views([all], false);
    expect(expected.map((r) => r.items.length)).toEqual([314, 64]);
    const whole = views([all], true);
    expect(whole).toEqual(expected);
    for (const maxChunk of [7, 300, 4096]) expect(views(cut(all, prng(maxChunk), maxChunk), true)).toEqual(expected);

    const byJid = new Map(whole[0].items.map((item) => [item.jid, item]));
    // The same three names in the same order: one frozen list; another order, another list.
    expect(byJid.get('odd11@x')!.groups).toBe(byJid.get('odd12@x')!.groups);
    expect(Object.isFrozen(byJid.get('odd11@x')!.groups)).toBe(true);
    expect(byJid.get('odd10@x')!.groups).not.toBe(byJid.get('odd11@x')!.groups);
    expect(whole[1].items.find((item) => item.jid === 'odd12@x')!.groups).toBe(byJid.get('odd12@x')!.groups);
  });
});
