/**
 * Reads one incoming <presence/> into what the presence feature needs, validating as it goes:
 * the sender must be a valid JID, priority an integer in −128..127 (else the whole presence is
 * invalid), show one of the four (else plain available), status capped, <delay/> honoured only
 * when its stamp parses. Subscription presences and MUC occupant presences are left to their own
 * features. Runs for every presence stanza, so it avoids work it does not need.
 */
import type { Element } from '@xmpp/xml';
import { jidOf, parseJid } from '../../../../shared/jid';
import { parsePriority, parseShow, type ResourcePresence, type Show } from '../../../../shared/presence';
import type { ResourceView } from '../../../../shared/contract';
import { RawPresence } from '../../accounts/stream/raw-presence';
import { stampTime } from '../../util/delay-stamp';
import { readStanzaError } from '../../util/stanza-errors';
import { NS_CAPS, NS_DELAY, NS_IDLE, NS_MUC_USER, NS_VCARD_UPDATE } from '../../xmpp/ns';
import type { CapsReference, ClientInfo } from '../caps/cache';
import type { HistoryRun } from '../../store/presence-history-repo';
import { detach } from '../../util/text';
import { NOT_IDLE, readIdleSince } from './idle-since';

export const STATUS_MAX = 1024;

/** A lower-case ASCII bare JID with a local part: parseJid would return it unchanged. */
const PLAIN_BARE_JID = /^[a-z0-9._+=-]+@[a-z0-9-]+(\.[a-z0-9-]+)*$/;
/** Resources this long cannot exceed 1023 bytes of UTF-8 (3 bytes per UTF-16 unit at most). */
const MAX_PLAIN_RESOURCE = 341;

/**
 * TrackedPresence.recordedSince while nothing is recorded. A double, not 0: the field then holds
 * doubles from the start, and setting the first time does not make V8 move every tracked object to
 * a new shape in the middle of a flood.
 */
export const NOT_RECORDED = -Infinity;

/** One available resource as the tracker keeps it: the presence plus its caps and, once known, its client. */
export interface TrackedPresence extends ResourcePresence {
  caps: CapsReference | null;
  /** Filled in by the presence feature from the caps cache. */
  client: ClientInfo | null;
  /** The view built from this presence, kept until it changes (views are rebuilt per flush). */
  view: ResourceView | null;
  /** Presence history (history.ts): since when this resource's current state is recorded, or NOT_RECORDED. */
  recordedSince: number;
  /** Its run, once the state lasted a while (history.ts); null before, and while nothing is recorded. */
  recorded: HistoryRun | null;
  /** XEP-0319: since when its user has been idle (epoch ms), or NOT_IDLE. */
  idleSince: number;
}

export type ParsedPresence =
  | { kind: 'available'; bare: string; presence: TrackedPresence; caps: CapsReference | null }
  | { kind: 'unavailable'; bare: string; resource: string; at: number; status: string | null }
  | { kind: 'error'; bare: string; condition: string; text: string | null; at: number }
  | { kind: 'probe'; bare: string; from: string }
  | { kind: 'subscription'; type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'; bare: string }
  | { kind: 'muc' }
  | { kind: 'invalid'; reason: string };

function cap(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return detach(text.length > STATUS_MAX ? text.slice(0, STATUS_MAX) : text);
}

/**
 * What readPresence found, for the presence feature's hot path: one object reused from stanza to
 * stanza, nothing detached (strings may be views into the parser's input chunk), nothing allocated
 * for the common kinds. Fields are meaningful per kind as parsePresence documents them.
 */
export class PresenceRead {
  bare = '';
  resource = '';
  /** The sender, normalized (bare/resource): the full JID caps lookups are keyed by. */
  full = '';
  show: Show = 'available';
  /** Capped to STATUS_MAX, not detached. */
  status: string | null = null;
  priority = 0;
  /** Available: since; unavailable: at. */
  since = 0;
  /** A usable caps reference (node and ver present). */
  caps = false;
  capsNode = '';
  capsVer = '';
  capsHash = '';
  /** Available: the text of an XEP-0153 <photo/> (not checked, not detached); undefined without one. */
  photo: string | undefined = undefined;
  /** Available: the XEP-0319 idle time (epoch ms) when believable, else NOT_IDLE. */
  idleSince = NOT_IDLE;
  /** Available: it carried an idle time that was not believed (idle-since.ts). */
  idleRejected = false;
  reason = '';
  /** The other kinds (error, probe, subscription), as parsePresence returns them. */
  other: ParsedPresence | null = null;
}

type ReadKind = ParsedPresence['kind'];

interface PresenceChildren {
  show: string | null;
  status: string | null;
  priority: string | null;
  caps: Element | undefined;
  delay: Element | undefined;
  mucUser: boolean;
  vcardUpdate: Element | undefined;
  idle: Element | undefined;
}

/** The text of a simple element (one text node: no join). */
function textOf(element: Element): string {
  const children = element.children;
  if (children.length === 1 && typeof children[0] === 'string') return children[0];
  let text = '';
  for (const child of children) if (typeof child === 'string') text += child;
  return text;
}

/** Reused by scanChildren: the caller reads it before the next stanza. */
const scanned: PresenceChildren = {
  show: null,
  status: null,
  priority: null,
  caps: undefined,
  delay: undefined,
  mucUser: false,
  vcardUpdate: undefined,
  idle: undefined,
};

/**
 * Everything parsePresence reads, in one pass over the children (the first of each, like
 * getChild). Namespace prefixes (`<p:x xmlns:p=…>`) are rare: those stanzas take the slower
 * lookups that resolve them.
 */
function scanChildren(stanza: Element): PresenceChildren {
  const found = scanned;
  found.show = null;
  found.status = null;
  found.priority = null;
  found.caps = undefined;
  found.delay = undefined;
  found.mucUser = false;
  found.vcardUpdate = undefined;
  found.idle = undefined;
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
        else if (child.attrs.xmlns === NS_VCARD_UPDATE) found.vcardUpdate ??= child;
        break;
      case 'idle':
        if (child.attrs.xmlns === NS_IDLE) found.idle ??= child;
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
    vcardUpdate: stanza.getChild('x', NS_VCARD_UPDATE),
    idle: stanza.getChild('idle', NS_IDLE),
  };
}

/** Capped, not detached. */
function capText(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return text.length > STATUS_MAX ? text.slice(0, STATUS_MAX) : text;
}

/** Reused by readPresence: whether the idle time just read was refused. */
const idleCheck = { rejected: false };

function invalid(out: PresenceRead, reason: string): ReadKind {
  out.reason = reason;
  return 'invalid';
}

/**
 * Reads one presence (an Element, or a RawPresence from the lean stream parser) into `out` and
 * returns its kind; parsePresence is this plus copies. Both inputs give the same result for the
 * same stanza.
 */
export function readPresence(stanza: Element | RawPresence, now: number, out: PresenceRead): ReadKind {
  const raw = stanza instanceof RawPresence ? stanza : null;
  const from = raw !== null ? raw.from : (stanza as Element).attrs.from;
  if (typeof from !== 'string' || from === '') return invalid(out, 'no sender');
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
    // Not detached: most stanzas only look the contact up; whoever stores a string detaches it.
    out.bare = plainBare;
    out.resource = from.slice(slash + 1);
    out.full = from;
  } else {
    const jid = parseJid(from);
    if ('error' in jid) return invalid(out, `bad sender: ${jid.error}`);
    out.bare = jid.jid.local ? `${jid.jid.local}@${jid.jid.domain}` : jid.jid.domain;
    out.resource = jid.jid.resource;
    out.full = jidOf(out.bare, out.resource); // a bare sender (a room, a service) stays bare
  }
  const type = raw !== null ? raw.type : (stanza as Element).attrs.type;
  out.other = null;

  switch (type) {
    case undefined:
    case 'unavailable': {
      let show: string | null;
      let status: string | null;
      let priorityText: string | null;
      let stamp: unknown;
      let hasDelay: boolean;
      let capsNode: unknown;
      let capsVer: unknown;
      let capsHash: unknown;
      let photo: string | undefined;
      let hasIdle: boolean;
      let idleSince: unknown;
      if (raw !== null) {
        // Room occupants are the MUC feature's; they never touch roster presence.
        if (raw.mucUser) return 'muc';
        ({ show, status, priority: priorityText } = raw);
        hasDelay = raw.delay;
        stamp = raw.delayStamp;
        capsNode = raw.caps ? raw.capsNode : undefined;
        capsVer = raw.caps ? raw.capsVer : undefined;
        capsHash = raw.capsHash;
        photo = raw.photo;
        hasIdle = raw.idle;
        idleSince = raw.idleSince;
      } else {
        const c = scanChildren(stanza as Element);
        // Room occupants are the MUC feature's; they never touch roster presence.
        if (c.mucUser) return 'muc';
        ({ show, status, priority: priorityText } = c);
        hasDelay = c.delay !== undefined;
        stamp = c.delay?.attrs.stamp;
        capsNode = c.caps?.attrs.node;
        capsVer = c.caps?.attrs.ver;
        capsHash = c.caps?.attrs.hash;
        const photoElement = c.vcardUpdate?.getChild('photo');
        photo = photoElement === undefined ? undefined : photoElement.text();
        hasIdle = c.idle !== undefined;
        idleSince = c.idle?.attrs.since;
      }
      out.since = hasDelay ? stampTime(stamp, now) : now;
      out.status = capText(status);
      if (type === 'unavailable') return 'unavailable';
      const priority = parsePriority(priorityText);
      if (priority === null) return invalid(out, 'priority is not an integer in -128..127');
      out.priority = priority;
      out.show = parseShow(show);
      out.photo = photo;
      out.idleSince = readIdleSince(hasIdle, idleSince, now, idleCheck);
      out.idleRejected = idleCheck.rejected;
      out.caps = typeof capsVer === 'string' && typeof capsNode === 'string';
      if (out.caps) {
        out.capsNode = capsNode as string;
        out.capsVer = capsVer as string;
        out.capsHash = String(capsHash ?? '');
      }
      return 'available';
    }
    case 'error': {
      const error = readStanzaError((stanza as Element).getChild('error'));
      out.other = {
        kind: 'error',
        bare: out.bare,
        condition: error.condition ?? 'undefined-condition',
        text: cap(error.text),
        at: now,
      };
      return 'error';
    }
    case 'probe':
      out.other = { kind: 'probe', bare: out.bare, from };
      return 'probe';
    case 'subscribe':
    case 'subscribed':
    case 'unsubscribe':
    case 'unsubscribed':
      out.other = { kind: 'subscription', type, bare: out.bare };
      return 'subscription';
    default:
      return invalid(out, `unknown presence type ${String(type).slice(0, 40)}`);
  }
}

const CAPS_REFERENCES_MAX = 4096;

/** Caps references by ver: every resource running the same client build shares one (frozen) object. */
export class CapsReferences {
  private readonly byVer = new Map<string, CapsReference>();

  /** The caps reference of an available presence read into `read`: kept by the tracker, so a copy, shared. */
  of(read: PresenceRead): CapsReference | null {
    if (!read.caps) return null;
    const known = this.byVer.get(read.capsVer);
    if (known !== undefined && known.node === read.capsNode && known.hash === read.capsHash) return known;
    const ref: CapsReference = Object.freeze({
      node: detach(read.capsNode),
      ver: detach(read.capsVer),
      hash: detach(read.capsHash),
    });
    // Bounded: a flood of distinct vers starts over rather than grows.
    if (this.byVer.size >= CAPS_REFERENCES_MAX) this.byVer.clear();
    this.byVer.set(ref.ver, ref);
    return ref;
  }
}

export function parsePresence(
  stanza: Element | RawPresence,
  now: number,
  references = new CapsReferences(),
): ParsedPresence {
  const read = new PresenceRead();
  const kind = readPresence(stanza, now, read);
  switch (kind) {
    case 'available': {
      const caps = references.of(read);
      return {
        kind,
        bare: read.bare,
        presence: {
          resource: detach(read.resource),
          show: read.show,
          status: read.status === null ? null : detach(read.status),
          priority: read.priority,
          since: read.since,
          caps,
          client: null,
          view: null,
          recordedSince: NOT_RECORDED,
          recorded: null,
          idleSince: read.idleSince,
        },
        caps,
      };
    }
    case 'unavailable':
      return {
        kind,
        bare: read.bare,
        resource: detach(read.resource),
        at: read.since,
        status: read.status === null ? null : detach(read.status),
      };
    case 'muc':
      return { kind };
    case 'invalid':
      return { kind, reason: read.reason };
    default:
      return read.other as ParsedPresence;
  }
}
