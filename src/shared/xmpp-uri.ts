/**
 * `xmpp:` URIs (RFC 5122) with the XEP-0147 query actions Jabberwock acts on, always through a
 * dialog: message (a body to prefill, never sent by itself), join (a room, maybe with its password),
 * roster and subscribe (add a contact, maybe with a name and group), and OMEMO fingerprints
 * (`omemo-sid-<device id>=<hex>`) for any of them. Everything else is refused with a reason code the
 * renderer words: an unknown or unsupported action, a malformed address, broken percent-encoding,
 * a key given twice. Shared by main (OS hand-off) and renderer (links in messages); no Node imports.
 */
import { formatJid, parseJid } from './jid';

export type XmppUriAction = 'none' | 'message' | 'join' | 'roster' | 'subscribe';

export interface OmemoFingerprint {
  deviceId: number;
  /** Lower-case hex of the identity key. */
  fingerprint: string;
}

export interface XmppUri {
  /** The address the URI names (normalized; bare unless it named a resource). */
  jid: string;
  /** `xmpp://account@example.org/…`: the account the link asks to act as, if it names one. */
  account: string | null;
  /** 'none': no action, the UI decides (open the contact or offer to add it). */
  action: XmppUriAction;
  /** message */
  body?: string;
  subject?: string;
  /** join */
  password?: string;
  /** roster, subscribe */
  name?: string;
  group?: string;
  fingerprints: OmemoFingerprint[];
}

export type XmppUriReason =
  | 'uri.scheme'
  | 'uri.tooLong'
  | 'uri.encoding'
  | 'uri.jid.invalid'
  | 'uri.jid.room'
  | 'uri.account.invalid'
  | 'uri.action.unknown'
  | 'uri.action.unsupported'
  | 'uri.param.duplicate'
  | 'uri.fingerprint.invalid';

export type XmppUriResult =
  { ok: true; uri: XmppUri } | { ok: false; reason: XmppUriReason; params?: Record<string, string> };

/** Longest URI read (a prefilled body of a few thousand characters fits well within). */
export const XMPP_URI_MAX = 16 * 1024;
/** Longest text kept from one parameter. */
const PARAM_MAX = 4096;

/** Actions of the XEP-0147 registry we know but do not act on (refused rather than mistaken for unknown). */
const UNSUPPORTED = new Set([
  'command',
  'disco',
  'invite',
  'pubsub',
  'recvfile',
  'register',
  'remove',
  'sendfile',
  'unregister',
  'unsubscribe',
  'vcard',
]);

/** Which keys each action takes; others are ignored (XEP-0147 lets registries grow). */
const KEYS: Record<Exclude<XmppUriAction, 'none'>, readonly string[]> = {
  message: ['body', 'subject'],
  join: ['password'],
  roster: ['name', 'group'],
  subscribe: ['name', 'group'],
};

const FINGERPRINT_KEY = /^omemo-sid-(\d+)$/;
/** A Curve25519 identity key: 32 bytes, or 33 with the 0x05 type byte. */
const FINGERPRINT_VALUE = /^(05)?[0-9a-f]{64}$/;

const refuse = (reason: XmppUriReason, params?: Record<string, string>): XmppUriResult =>
  params ? { ok: false, reason, params } : { ok: false, reason };

/** Percent-decodes one component; null when the encoding or the text in it is broken. */
function decode(text: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return null;
  }
  // Controls other than tab and line breaks have no business in an address or a prefilled text.
  return /(?![\t\n\r])\p{Cc}/u.test(decoded) ? null : decoded;
}

export function parseXmppUri(input: string): XmppUriResult {
  const text = input.trim();
  if (text.length > XMPP_URI_MAX) return refuse('uri.tooLong');
  if (!/^xmpp:/i.test(text)) return refuse('uri.scheme');
  let rest = text.slice(5);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash); // a fragment means nothing to us
  const question = rest.indexOf('?');
  const query = question === -1 ? null : rest.slice(question + 1);
  let path = question === -1 ? rest : rest.slice(0, question);

  let account: string | null = null;
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    const authority = decode(slash === -1 ? path.slice(2) : path.slice(2, slash));
    if (authority === null) return refuse('uri.encoding');
    const parsed = parseJid(authority);
    if ('error' in parsed || parsed.jid.local === '' || parsed.jid.resource !== '')
      return refuse('uri.account.invalid');
    account = formatJid(parsed.jid);
    path = slash === -1 ? '' : path.slice(slash + 1);
  }
  const address = decode(path);
  if (address === null) return refuse('uri.encoding');
  if (address !== address.trim()) return refuse('uri.jid.invalid');
  const parsedJid = parseJid(address);
  if ('error' in parsedJid) return refuse('uri.jid.invalid');
  const jid = formatJid(parsedJid.jid);

  const uri: XmppUri = { jid, account, action: 'none', fingerprints: [] };
  if (query === null || query === '') return { ok: true, uri };

  const parts = query.split(';');
  let first = 0;
  if (!parts[0].includes('=')) {
    const action = decode(parts[0]);
    if (action === null) return refuse('uri.encoding');
    if (action !== '') {
      if (UNSUPPORTED.has(action)) return refuse('uri.action.unsupported', { action });
      if (!Object.prototype.hasOwnProperty.call(KEYS, action)) {
        return refuse('uri.action.unknown', { action: action.slice(0, 64) });
      }
      uri.action = action as XmppUriAction;
    }
    first = 1;
  }
  if (uri.action === 'join' && (parsedJid.jid.local === '' || parsedJid.jid.resource !== '')) {
    return refuse('uri.jid.room');
  }

  const seen = new Set<string>();
  const accepted = uri.action === 'none' ? [] : KEYS[uri.action];
  for (const part of parts.slice(first)) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decode(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decode(part.slice(equals + 1));
    if (key === null || value === null) return refuse('uri.encoding');
    if (seen.has(key)) return refuse('uri.param.duplicate', { key: key.slice(0, 64) });
    seen.add(key);
    const device = FINGERPRINT_KEY.exec(key);
    if (device) {
      const deviceId = device[1].length > 10 ? 0 : Number(device[1]);
      const fingerprint = value.toLowerCase();
      if (deviceId < 1 || deviceId > 0x7fffffff || !FINGERPRINT_VALUE.test(fingerprint)) {
        return refuse('uri.fingerprint.invalid', { key: key.slice(0, 64) });
      }
      uri.fingerprints.push({ deviceId, fingerprint });
      continue;
    }
    if (!accepted.includes(key)) continue;
    const kept = value.length > PARAM_MAX ? value.slice(0, PARAM_MAX) : value;
    (uri as unknown as Record<string, string>)[key] = kept;
  }
  return { ok: true, uri };
}
