/**
 * A failed request of the control and discovery features as an error result with a stable reason:
 * `<what>.timeout`, `<what>.disconnected`, or `<what>.<stanza error condition>` (RFC 6120 §8.3.3),
 * with the condition and the server's text (cut) as parameters. The English message is a fallback
 * for logs; the renderer words the reason.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ErrorCode, Result } from '../../../shared/result';
import { capText } from './roster-items';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

const CODES: Record<string, ErrorCode> = {
  forbidden: 'forbidden',
  'not-allowed': 'forbidden',
  'not-authorized': 'forbidden',
  'registration-required': 'forbidden',
  'policy-violation': 'forbidden',
  'resource-constraint': 'forbidden',
  'bad-request': 'invalid_input',
  'not-acceptable': 'invalid_input',
  'jid-malformed': 'invalid_input',
  'item-not-found': 'not_found',
  'remote-server-not-found': 'not_found',
  'service-unavailable': 'not_found',
  'feature-not-implemented': 'not_found',
  conflict: 'conflict',
  'remote-server-timeout': 'timeout',
};

/**
 * A failure with a stable dotted code and its parameters as the error's detail (the renderer words
 * it; `message` is the English fallback for logs), and per-field codes for forms.
 */
export function failReason<T = never>(
  code: ErrorCode,
  reason: string,
  message: string,
  params: Record<string, string | number> = {},
  fields?: Record<string, string>,
): Result<T> {
  return { ok: false, error: { code, message, detail: { code: reason, params }, ...(fields ? { fields } : {}) } };
}

/** `what` is the request's dotted name ('disco.info', 'blocklist.block'). */
export function requestFailure(error: unknown, what: string): Result<never> {
  const e = error as { name?: string; condition?: string; text?: string } | null;
  if (e?.name === 'TimeoutError') {
    return failReason('timeout', `${what}.timeout`, `The server did not answer ${what} in time.`);
  }
  if (e?.name === 'StanzaError') {
    const condition = e.condition ?? 'undefined-condition';
    const params: Record<string, string> = { condition };
    if (e.text) params.text = capText(e.text, 300);
    return failReason(CODES[condition] ?? 'internal', `${what}.${condition}`, `${what} refused: ${condition}`, params);
  }
  return failReason('not_connected', `${what}.disconnected`, `The connection dropped before ${what} was answered.`);
}

export function notConnected(what: string): Result<never> {
  return failReason('not_connected', `${what}.notConnected`, 'This account is not connected.');
}

/** The <error/> of a reply we send. */
export function replyError(type: 'cancel' | 'modify' | 'auth' | 'wait', condition: string): Element {
  return xml('error', { type }, xml(condition, { xmlns: NS_STANZAS }));
}
