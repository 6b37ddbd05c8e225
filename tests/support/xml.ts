/** Parses one stanza from text with xmpp.js's own parser, as it would arrive inside a stream. */
import xml, { type Element } from '@xmpp/xml';

export function parseStanza(text: string): Element {
  const parser = new xml.Parser();
  let element: Element | undefined;
  parser.on('element', (el: Element) => (element ??= el));
  parser.write(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'>${text}`);
  if (!element) throw new Error(`no stanza in ${text.slice(0, 80)}`);
  return element;
}
