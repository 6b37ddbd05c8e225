/**
 * XEP-0153's <photo/> in contacts' presence is read the same on the lean stream path (from the text)
 * as from ltx's Element, whatever the shape: a hash, an empty photo (no avatar), no photo (not
 * ready: says nothing), whitespace, and shapes the lean reader leaves to ltx.
 */
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { presenceStreamParser } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import { PresenceRead, readPresence } from '../../../../../../src/main/core/features/presence/stanza';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' version='1.0'>";
const HASH = '01b87fcd030b72895ff8e88db57ec525450f000d';
const X = "xmlns='vcard-temp:x:update'";

const CASES: [string, string | undefined][] = [
  [`<presence from='a@example.org/r'><x ${X}><photo>${HASH}</photo></x></presence>`, HASH],
  [
    `<presence from='a@example.org/r'><show>away</show><x ${X}>\n  <photo>\n${HASH}\n</photo>\n</x><priority>1</priority></presence>`,
    `\n${HASH}\n`,
  ],
  [`<presence from='a@example.org/r'><x ${X}><photo/></x></presence>`, ''],
  [`<presence from='a@example.org/r'><x ${X}><photo></photo></x></presence>`, ''],
  [`<presence from='a@example.org/r'><x ${X}/></presence>`, undefined],
  [`<presence from='a@example.org/r'><x ${X}></x></presence>`, undefined],
  [`<presence from='a@example.org/r'><x ${X}><photo>${HASH}</photo><extra/></x></presence>`, HASH],
  [`<presence from='a@example.org/r'><x ${X}><photo a='1'>${HASH}</photo></x></presence>`, HASH],
  [`<presence from='a@example.org/r'><x ${X}><photo>${HASH}</photo></x><x ${X}><photo/></x></presence>`, HASH],
  [`<presence from='a@example.org/r'><x xmlns='other'><photo>${HASH}</photo></x></presence>`, undefined],
];

function viaElement(stanza: string): string | undefined {
  let found: Element | null = null;
  const parser = new xml.Parser();
  parser.on('element', (element: Element) => (found = element));
  parser.write(HEADER + stanza);
  const read = new PresenceRead();
  expect(readPresence(found!, 0, read)).toBe('available');
  return read.photo;
}

function viaText(stanza: string): { photo: string | undefined; lean: boolean } {
  let photo: string | undefined;
  let lean = false;
  const Parser = presenceStreamParser(xml.Parser, (raw) => {
    const read = new PresenceRead();
    readPresence(raw, 0, read);
    photo = read.photo;
    lean = true;
    return true;
  });
  const parser = new Parser();
  parser.on('element', (element: Element) => {
    const read = new PresenceRead();
    readPresence(element, 0, read);
    photo = read.photo;
  });
  parser.write(HEADER + stanza);
  return { photo, lean };
}

describe("XEP-0153 photo in contacts' presence", () => {
  it.each(CASES)('%s', (stanza, expected) => {
    expect(viaElement(stanza)).toBe(expected);
    expect(viaText(stanza).photo).toBe(expected);
  });

  it('reads the common shapes on the lean path (no Element built)', () => {
    for (const [stanza] of CASES.slice(0, 6)) expect(viaText(stanza).lean).toBe(true);
  });
});
