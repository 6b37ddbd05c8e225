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

export const STATUS_MAX = 1024;

const NS_DELAY = 'urn:xmpp:delay';
const NS_CAPS = 'http://jabber.org/protocol/caps';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export interface CapsReference {
  node: string;
  ver: string;
  hash: string;
}

export type ParsedPresence =
  | { kind: 'available'; bare: string; presence: ResourcePresence; caps: CapsReference | null }
  | { kind: 'unavailable'; bare: string; resource: string; at: number; status: string | null }
  | { kind: 'error'; bare: string; condition: string; text: string | null; at: number }
  | { kind: 'probe'; bare: string; from: string }
  | { kind: 'subscription'; type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed'; bare: string }
  | { kind: 'muc' }
  | { kind: 'invalid'; reason: string };

function cap(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') return null;
  return text.length > STATUS_MAX ? text.slice(0, STATUS_MAX) : text;
}

/** The <delay/> stamp in epoch ms, or `now` when absent or unparsable (then it is our receive time). */
export function delayStamp(stanza: Element, now: number): number {
  const delay = stanza.getChild('delay', NS_DELAY);
  const stamp = delay?.attrs.stamp;
  if (typeof stamp !== 'string') return now;
  const parsed = Date.parse(stamp);
  // A stamp in the future is as wrong as a missing one.
  return Number.isFinite(parsed) && parsed <= now ? parsed : now;
}

export function parsePresence(stanza: Element, now: number): ParsedPresence {
  const from = stanza.attrs.from;
  if (typeof from !== 'string' || from === '') return { kind: 'invalid', reason: 'no sender' };
  const jid = parseJid(from);
  if ('error' in jid) return { kind: 'invalid', reason: `bad sender: ${jid.error}` };
  const { local, domain, resource } = jid.jid;
  const bare = local ? `${local}@${domain}` : domain;
  const type = stanza.attrs.type;

  switch (type) {
    case undefined:
    case 'unavailable': {
      // Room occupants are the MUC feature's; they never touch roster presence.
      if (stanza.getChild('x', NS_MUC_USER)) return { kind: 'muc' };
      if (type === 'unavailable') {
        return {
          kind: 'unavailable',
          bare,
          resource,
          at: delayStamp(stanza, now),
          status: cap(stanza.getChildText('status')),
        };
      }
      const priority = parsePriority(stanza.getChildText('priority'));
      if (priority === null) return { kind: 'invalid', reason: 'priority is not an integer in -128..127' };
      const caps = stanza.getChild('c', NS_CAPS);
      const capsRef =
        caps && typeof caps.attrs.ver === 'string' && typeof caps.attrs.node === 'string'
          ? { node: caps.attrs.node, ver: caps.attrs.ver, hash: String(caps.attrs.hash ?? '') }
          : null;
      return {
        kind: 'available',
        bare,
        presence: {
          resource,
          show: parseShow(stanza.getChildText('show')),
          status: cap(stanza.getChildText('status')),
          priority,
          since: delayStamp(stanza, now),
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
