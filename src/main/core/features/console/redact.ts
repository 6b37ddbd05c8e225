/**
 * A stanza as the XML console shows it: XML text with every secret replaced by "[redacted]" while it
 * is written out, so a secret never exists as console text at all. The element itself is not
 * touched (it is the live stanza other features read). Secrets, by rule:
 *
 * - SASL (RFC 6120 §6, XEP-0388): the payload of auth, response, challenge, success and their SASL2
 *   equivalents (a PLAIN auth carries the password itself);
 * - any element named `password`, in any namespace: XEP-0077 registration and password changes,
 *   room joins (XEP-0045), bookmarks (XEP-0048, XEP-0402), legacy auth (XEP-0078);
 * - data form fields that are text-private, or whose var names a password or secret (a submit
 *   carries no types): registration forms, room configuration's room secret;
 * - HTTP upload slots (XEP-0363): the put and get URLs (whoever has them can upload or read) and
 *   the headers that authorize the put;
 * - FAST tokens (XEP-0484), which sign in like a password.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS_CLIENT, NS_DATA, NS_SASL } from '../../xmpp/ns';

export const REDACTED = '[redacted]';

/** SASL2 and FAST in any version (Jabberwock speaks neither yet; a console shows what others send). */
const SASL2_PREFIX = 'urn:xmpp:sasl:';
const FAST_PREFIX = 'urn:xmpp:fast:';
const UPLOAD_PREFIX = 'urn:xmpp:http:upload';
const SASL_PAYLOADS = new Set(['auth', 'response', 'challenge', 'success', 'initial-response', 'additional-data']);
const SECRET_FIELD = /pass(word)?|secret|token/i;

export interface RenderedStanza {
  text: string;
  redacted: boolean;
  truncated: boolean;
}

/** Longest text kept per stanza; the rest is cut (the rules above have run on all of it). */
export const CONSOLE_TEXT_MAX = 64 * 1024;

/**
 * Writes `element` as XML text with secrets redacted. `inheritedNs` is the namespace its parent
 * declares (jabber:client for stanzas in a stream).
 */
export function renderRedacted(element: Element, inheritedNs = NS_CLIENT): RenderedStanza {
  const out: string[] = [];
  let length = 0;
  let redacted = false;
  let truncated = false;
  const push = (text: string): void => {
    if (truncated) return;
    if (length + text.length > CONSOLE_TEXT_MAX) {
      out.push(text.slice(0, CONSOLE_TEXT_MAX - length));
      truncated = true;
      length = CONSOLE_TEXT_MAX;
      return;
    }
    out.push(text);
    length += text.length;
  };

  /** `secretText`: this element's own text is a secret; `secretValues`: its <value/> children are. */
  const write = (node: Element, parentNs: string, secretText: boolean): void => {
    const ns = node.attrs.xmlns ?? parentNs;
    const local = node.name.includes(':') ? node.name.slice(node.name.indexOf(':') + 1) : node.name;
    let hideText = secretText;
    let secretValues = false;
    let hideUrls = false;
    const fast = ns.startsWith(FAST_PREFIX);
    if (((ns === NS_SASL || ns.startsWith(SASL2_PREFIX)) && SASL_PAYLOADS.has(local)) || local === 'password') {
      hideText = true;
    }
    if (fast && local === 'token') hideText = true;
    if (ns === NS_DATA && local === 'field') {
      secretValues = node.attrs.type === 'text-private' || SECRET_FIELD.test(node.attrs.var ?? '');
    }
    if (ns.startsWith(UPLOAD_PREFIX) && (local === 'put' || local === 'get')) hideUrls = true;
    if (ns.startsWith(UPLOAD_PREFIX) && local === 'header') hideText = true;

    push(`<${node.name}`);
    for (const [key, value] of Object.entries(node.attrs)) {
      if (value === undefined || value === null) continue;
      let shown = String(value);
      if ((hideUrls && key === 'url') || (fast && key === 'token')) {
        shown = REDACTED;
        redacted = true;
      }
      push(` ${key}="${xml.escapeXML(shown)}"`);
    }
    if (node.children.length === 0) {
      push('/>');
      return;
    }
    push('>');
    let textHidden = false;
    for (const child of node.children) {
      if (typeof child === 'string') {
        if (hideText || (hideUrls && child.trim() !== '')) {
          if (!textHidden && child !== '') {
            push(REDACTED);
            redacted = true;
            textHidden = true;
          }
          continue;
        }
        push(xml.escapeXMLText(child));
      } else {
        const childSecret = hideText || (secretValues && child.name === 'value');
        write(child, ns, childSecret);
      }
    }
    push(`</${node.name}>`);
  };

  write(element, inheritedNs, false);
  return { text: out.join(''), redacted, truncated };
}
