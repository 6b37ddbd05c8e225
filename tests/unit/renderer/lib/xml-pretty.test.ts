/** The console's indentation: one element a line, text-only elements on one line, text kept as it came. */
import { describe, expect, it } from 'vitest';
import { prettyXml } from '../../../../src/renderer/src/lib/xml-pretty';

describe('prettyXml', () => {
  it('indents children and keeps an element with only text on one line', () => {
    expect(prettyXml(`<message to="a@b"><body>hi &lt;there&gt;</body><active xmlns="x"/></message>`)).toBe(
      ['<message to="a@b">', '  <body>hi &lt;there&gt;</body>', '  <active xmlns="x"/>', '</message>'].join('\n'),
    );
  });

  it('reads a ">" inside an attribute value as part of the tag', () => {
    expect(prettyXml(`<x a='1>2'><y/></x>`)).toBe(`<x a='1>2'>\n  <y/>\n</x>`);
  });

  it('survives text cut in the middle of a tag', () => {
    expect(prettyXml(`<iq><query xmlns="jabber:iq:roster"><item jid="a@b" na`)).toBe(
      '<iq>\n  <query xmlns="jabber:iq:roster">\n    <item jid="a@b" na',
    );
  });
});
