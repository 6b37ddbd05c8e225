/**
 * Reads one incoming <presence/> into what the presence feature needs, validating as it goes:
 * the sender must be a valid JID, priority an integer in −128..127 (else the whole presence is
 * invalid), show one of the four (else plain available), status capped, <delay/> honoured only
 * when its stamp parses. Subscription presences and MUC occupant presences are left to their own
 * features. Runs for every presence stanza, so it avoids work it does not need.
 */
import type { Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid';
import { parsePriority, parseShow, type ResourcePresence } from '../../../shared/presence';
import type { ResourceView } from '../../../shared/contract';
import type { ClientInfo } from './caps';

export const STATUS_MAX = 1024;

/** A lower-case ASCII bare JID with a local part: parseJid would return it unchanged. */
const PLAIN_BARE_JID = /^[a-z0-9._+=-]+@[a-z0-9-]+(\.[a-z0-9-]+)*$/;
/** Resources this long cannot exceed 1023 bytes of UTF-8 (3 bytes per UTF-16 unit at most). */
const MAX_PLAIN_RESOURCE = 341;

const NS_DELAY = 'urn:xmpp:delay';
const NS_CAPS = 'http://jabber.org/protocol/caps';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export interface CapsReference {
  node: string;
  ver: string;
  hash: string;
}

/** One available resource as the tracker keeps it: the presence plus its caps and, once known, its client. */
export interface TrackedPresence extends ResourcePresence {
  caps: CapsReference | null;
  /** Filled in by the presence feature from the caps cache. */
  client: ClientInfo | null;
  /** The view built from this presence, kept until it changes (views are rebuilt per flush). */
  view: ResourceView | null;
}

export type ParsedPresence =
  | { kind: 'available'; bare: string; presence: TrackedPresence; caps: CapsReference | null }
  | { kind: 'unavailable'; bare: string; resource: string; at: number; status: string | null }
  | { kind: 'error'; bare: string; condition: string; text: string | null; at: number }
  | { kind: 'probe'; bare: string; from: string }
  | { kind: 'subscription'; type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'; bare: string }
  | { kind: 'muc' }
  | { kind: 'invalid'; reason: string };

/**
 * A copy of `text` that does not keep the parser's whole input chunk alive. V8 makes substrings of 13+
 * characters views into their source (a 64 KB socket chunk here); a contact's state holds on to its
 * JID and status for minutes, which would pin every chunk of a flood in memory.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

function cap(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return detach(text.length > STATUS_MAX ? text.slice(0, STATUS_MAX) : text);
}

/** The <delay/> stamp in epoch ms, or `now` when absent or unparsable (then it is our receive time). */
export function delayStamp(stanza: Element, now: number): number {
  const delay = stanza.getChild('delay', NS_DELAY);
  return delay ? stampOf(delay, now) : now;
}

function stampOf(delay: Element, now: number): number {
  const stamp = delay.attrs.stamp;
  if (typeof stamp !== 'string') return now;
  const parsed = Date.parse(stamp);
  // A stamp in the future is as wrong as a missing one.
  return Number.isFinite(parsed) && parsed <= now ? parsed : now;
}

interface PresenceChildren {
  show: string | null;
  status: string | null;
  priority: string | null;
  caps: Element | undefined;
  delay: Element | undefined;
  mucUser: boolean;
}

/** The text of a simple element (one text node: no join). */
function textOf(element: Element): string {
  const children = element.children;
  if (children.length === 1 && typeof children[0] === 'string') return children[0];
  let text = '';
  for (const child of children) if (typeof child === 'string') text += child;
  return text;
}

/**
 * Everything parsePresence reads, in one pass over the children (the first of each, like
 * getChild). Namespace prefixes (`<p:x xmlns:p=…>`) are rare: those stanzas take the slower
 * lookups that resolve them.
 */
function scanChildren(stanza: Element): PresenceChildren {
  const found: PresenceChildren = {
    show: null,
    status: null,
    priority: null,
    caps: undefined,
    delay: undefined,
    mucUser: false,
  };
  for (const child of stanza.children) {
    if (typeof child === 'string') continue;
    switch (child.name) {
      case 'show':
        found.show ??= textOf(child);
        break;
      case 'status':
        found.status ??= textOf(child);
        break;
      case 'priority':
        found.priority ??= textOf(child);
        break;
      case 'c':
        if (child.attrs.xmlns === NS_CAPS) found.caps ??= child;
        break;
      case 'delay':
        if (child.attrs.xmlns === NS_DELAY) found.delay ??= child;
        break;
      case 'x':
        if (child.attrs.xmlns === NS_MUC_USER) found.mucUser = true;
        break;
      default:
        if (child.name.includes(':')) return scanSlowly(stanza);
    }
  }
  return found;
}

function scanSlowly(stanza: Element): PresenceChildren {
  return {
    show: stanza.getChildText('show'),
    status: stanza.getChildText('status'),
    priority: stanza.getChildText('priority'),
    caps: stanza.getChild('c', NS_CAPS),
    delay: stanza.getChild('delay', NS_DELAY),
    mucUser: stanza.getChild('x', NS_MUC_USER) !== undefined,
  };
}

export function parsePresence(stanza: Element, now: number): ParsedPresence {
  const from = stanza.attrs.from;
  if (typeof from !== 'string' || from === '') return { kind: 'invalid', reason: 'no sender' };
  let bare: string;
  let resource: string;
  const slash = from.indexOf('/');
  const plainBare = slash === -1 ? from : from.slice(0, slash);
  if (
    slash !== -1 &&
    plainBare.length <= 1023 &&
    PLAIN_BARE_JID.test(plainBare) &&
    from.length - slash - 1 <= MAX_PLAIN_RESOURCE &&
    from.charCodeAt(from.length - 1) > 32
  ) {
    // Already normalized (the vast majority): what parseJid would return, without its allocations.
    // Not detached: most stanzas only look the contact up; whoever stores it as a key detaches it.
    bare = plainBare;
    resource = detach(from.slice(slash + 1));
  } else {
    const jid = parseJid(from);
    if ('error' in jid) return { kind: 'invalid', reason: `bad sender: ${jid.error}` };
    bare = jid.jid.local ? `${jid.jid.local}@${jid.jid.domain}` : jid.jid.domain;
    resource = jid.jid.resource;
  }
  const type = stanza.attrs.type;

  switch (type) {
    case undefined:
    case 'unavailable': {
      const c = scanChildren(stanza);
      // Room occupants are the MUC feature's; they never touch roster presence.
      if (c.mucUser) return { kind: 'muc' };
      const since = c.delay ? stampOf(c.delay, now) : now;
      if (type === 'unavailable') return { kind: 'unavailable', bare, resource, at: since, status: cap(c.status) };
      const priority = parsePriority(c.priority);
      if (priority === null) return { kind: 'invalid', reason: 'priority is not an integer in -128..127' };
      const caps = c.caps;
      const capsRef =
        caps && typeof caps.attrs.ver === 'string' && typeof caps.attrs.node === 'string'
          ? { node: detach(caps.attrs.node), ver: detach(caps.attrs.ver), hash: String(caps.attrs.hash ?? '') }
          : null;
      return {
        kind: 'available',
        bare,
        presence: {
          resource,
          show: parseShow(c.show),
          status: cap(c.status),
          priority,
          since,
          caps: capsRef,
          client: null,
          view: null,
        },
        caps: capsRef,
      };
    }
    case 'error': {
      const error = stanza.getChild('error');
      const condition = error?.children.find(
        (child): child is Element =>
          typeof child !== 'string' && child.attrs.xmlns === NS_STANZAS && child.name !== 'text',
      );
      return {
        kind: 'error',
        bare,
        condition: condition?.name ?? 'undefined-condition',
        text: cap(error?.getChildText('text', NS_STANZAS)),
        at: now,
      };
    }
    case 'probe':
      return { kind: 'probe', bare, from };
    case 'subscribe':
    case 'subscribed':
    case 'unsubscribe':
    case 'unsubscribed':
      return { kind: 'subscription', type, bare };
    default:
      return { kind: 'invalid', reason: `unknown presence type ${String(type).slice(0, 40)}` };
  }
}
