/**
 * Stanza errors (RFC 6120 §8.3) in one place: reading the error of a failed IQ request (xmpp.js
 * rejects with a StanzaError or a TimeoutError) and turning it into an error (codes the renderer
 * words) shown where the action was taken, building the <error/> of a reply, and reading the
 * defined condition of an error element.
 */
import xml, { type Element } from '@xmpp/xml';
import type { RequestParams } from '../../../shared/errors';
import { appError, type AppError, type ErrorCode, type Result } from '../../../shared/result';
import { NS_STANZAS } from '../xmpp/ns';

/** What xmpp.js rejects a request with: a StanzaError (from an error reply) or a TimeoutError. */
interface RequestFailure {
  name?: string;
  condition?: string;
  text?: string;
  application?: Element;
  /** The reply's <error/> (xmpp.js keeps it on a StanzaError). */
  element?: Element;
}

/**
 * A StanzaError's defined condition, text and application-specific condition, told apart by namespace.
 * xmpp.js reads them by position (condition first), but ejabberd puts PubSub's condition first
 * (`<precondition-not-met xmlns='…pubsub#errors'/><conflict xmlns='…xmpp-stanzas'/>`), which xmpp.js
 * then reports as condition precondition-not-met with application conflict.
 */
function stanzaErrorParts(e: RequestFailure): Pick<RequestFailure, 'condition' | 'text' | 'application'> {
  const children = e.element?.getChildElements() ?? [];
  if (!children.some((child) => typeof child.attrs.xmlns === 'string')) return e; // no namespaces to go by
  const { condition, text } = readStanzaError(e.element);
  return {
    condition: condition ?? e.condition,
    text: text ?? undefined,
    application: children.find((child) => typeof child.attrs.xmlns === 'string' && child.attrs.xmlns !== NS_STANZAS),
  };
}

/** The code of each condition a request may be refused with; a caller adds or replaces some (see requestError). */
const CONDITION_CODES: Readonly<Record<string, ErrorCode>> = {
  forbidden: 'forbidden',
  'not-allowed': 'forbidden',
  'not-acceptable': 'invalid_input',
  'bad-request': 'invalid_input',
  'jid-malformed': 'invalid_input',
  'item-not-found': 'not_found',
  conflict: 'conflict',
  'resource-constraint': 'forbidden',
  'policy-violation': 'forbidden',
};

/**
 * Turns a failed request into an error shown where the action was taken: `request` names the
 * action (and the room it concerns, if one); `special` gives the code of conditions that mean
 * something particular for this kind of request. A timeout may have been saved after all; no reply
 * at all means the connection dropped first. The server's own text goes with a refusal, capped.
 */
export function requestError(
  error: unknown,
  request: RequestParams,
  special: Readonly<Record<string, ErrorCode>> = {},
): Result<never> {
  return { ok: false, error: requestFailure(error, request, special) };
}

/** The error of a failed request, as requestError returns it. */
export function requestFailure(
  error: unknown,
  request: RequestParams,
  special: Readonly<Record<string, ErrorCode>> = {},
): AppError {
  const e = error as RequestFailure | null;
  if (e?.name === 'TimeoutError') return appError('timeout', 'request.timeout', request);
  if (e?.name === 'StanzaError') {
    const parts = stanzaErrorParts(e);
    const condition = parts.condition ?? null;
    const code = (condition === null ? undefined : (special[condition] ?? CONDITION_CODES[condition])) ?? 'internal';
    const text = parts.text ? parts.text.slice(0, 200) : null;
    return appError(code, 'request.refused', { ...request, condition, text });
  }
  return appError('not_connected', 'request.dropped', request);
}

export function isTimeout(error: unknown): boolean {
  return (error as RequestFailure | null)?.name === 'TimeoutError';
}

/** The condition of an error reply the request was rejected with; undefined for anything else. */
export function stanzaCondition(error: unknown): string | undefined {
  const e = error as RequestFailure | null;
  return e?.name === 'StanzaError' ? stanzaErrorParts(e).condition : undefined;
}

/** The request was refused with this application-specific condition (e.g. PubSub's precondition-not-met). */
export function hasApplicationCondition(error: unknown, name: string): boolean {
  const e = error as RequestFailure | null;
  return e?.name === 'StanzaError' && stanzaErrorParts(e).application?.name === name;
}

/** The <error/> of a reply: `type` (cancel, modify, wait, auth) and the defined condition. */
export function stanzaErrorElement(type: string, condition: string): Element {
  return xml('error', { type }, xml(condition, { xmlns: NS_STANZAS }));
}

/**
 * The defined condition of an <error/> element (its child in the stanzas namespace other than
 * <text/>) and its text, capped by the caller; undefined condition when there is none.
 */
export function readStanzaError(error: Element | undefined): { condition: string | undefined; text: string | null } {
  const condition = error?.children.find(
    (child): child is Element => typeof child !== 'string' && child.attrs.xmlns === NS_STANZAS && child.name !== 'text',
  );
  return { condition: condition?.name, text: error?.getChildText('text', NS_STANZAS) ?? null };
}
