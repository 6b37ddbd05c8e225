/**
 * A stanza the user typed in the XML console, read the way stanzas from the server are: through the
 * stream guard (strict XML: no DOCTYPE, entities, comments or processing instructions; size and
 * depth limits), then xmpp.js's parser inside a stream of jabber:client. Exactly one element, and it
 * must be a stanza (iq, message, presence): anything that would speak for the stream itself
 * (STARTTLS, SASL, stream management, a stream close) is refused. An iq get or set without an id
 * gets one, so its answer can be told apart.
 */
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { DomainReason } from '../../../../shared/errors';
import { StreamGuard } from '../../accounts/stream/stream-guard';
import { NS_CLIENT } from '../../xmpp/ns';

export type ConsoleStanzaReason = Extract<DomainReason<'console'>, `console.xml${string}`>;

export type ConsoleStanza = { ok: true; element: Element } | { ok: false; reason: ConsoleStanzaReason };

const STREAM_OPEN =
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
const STANZAS = new Set(['iq', 'message', 'presence']);
const IQ_TYPES = new Set(['get', 'set', 'result', 'error']);

export function parseConsoleStanza(text: string): ConsoleStanza {
  const guard = new StreamGuard();
  const passed = guard.read(Buffer.from(`${STREAM_OPEN}${text}`, 'utf8'));
  if (guard.violation) {
    return {
      ok: false,
      reason: guard.violation.condition === 'restricted-xml' ? 'console.xmlRestricted' : 'console.xmlMalformed',
    };
  }
  const parser = new xml.Parser();
  const elements: Element[] = [];
  let broken = false;
  parser.on('element', (element: Element) => elements.push(element));
  parser.on('error', () => (broken = true));
  try {
    parser.write(passed);
  } catch {
    broken = true;
  }
  // Text outside the element, or an element left open, is not one stanza.
  const rest = parser.cursor !== parser.root;
  if (broken || rest) return { ok: false, reason: 'console.xmlMalformed' };
  const stray = text.replace(/<[\s\S]*>/, '').trim();
  if (elements.length !== 1 || stray !== '') return { ok: false, reason: 'console.xmlNotOne' };
  const element = elements[0];
  if (!STANZAS.has(element.name)) return { ok: false, reason: 'console.xmlNotStanza' };
  const xmlns = element.attrs.xmlns;
  if (xmlns !== undefined && xmlns !== NS_CLIENT) return { ok: false, reason: 'console.xmlNamespace' };
  delete element.attrs.xmlns;
  if (element.name === 'iq') {
    const type = element.attrs.type;
    if (typeof type !== 'string' || !IQ_TYPES.has(type)) return { ok: false, reason: 'console.xmlIqType' };
    if ((type === 'get' || type === 'set') && !element.attrs.id)
      element.attrs.id = `console-${randomBytes(6).toString('hex')}`;
  }
  element.parent = null;
  return { ok: true, element };
}
