/**
 * Stanza errors (RFC 6120 §8.3) in one place: reading the error of a failed IQ request (xmpp.js
 * rejects with a StanzaError or a TimeoutError) and turning it into an error the UI shows where the
 * action was taken, building the <error/> of a reply, and reading the defined condition of an
 * error element.
 */
import xml, { type Element } from '@xmpp/xml';
import { fail, type ErrorCode, type Result } from '../../../shared/result';
import { NS_STANZAS } from '../xmpp/ns';

/** What xmpp.js rejects a request with: a StanzaError (from an error reply) or a TimeoutError. */
interface RequestFailure {
  name?: string;
  condition?: string;
  text?: string;
  application?: Element;
}

/** How one condition is worded: the error code and the sentence (the server's own text follows it). */
export interface ConditionWords {
  code: ErrorCode;
  words(what: string, condition: string): string;
}

const notAllowed: ConditionWords = { code: 'forbidden', words: (what) => `The server does not allow ${what}.` };
const invalid: ConditionWords = {
  code: 'invalid_input',
  words: (what, condition) => `The server refused ${what} as invalid (${condition}).`,
};
const overLimits: ConditionWords = {
  code: 'forbidden',
  words: (what, condition) => `The server's limits do not allow ${what} (${condition}).`,
};

/** The conditions every request maps the same way; a caller adds or replaces some (see requestError). */
const CONDITIONS: Readonly<Record<string, ConditionWords>> = {
  forbidden: notAllowed,
  'not-allowed': notAllowed,
  'not-acceptable': invalid,
  'bad-request': invalid,
  'jid-malformed': invalid,
  'item-not-found': { code: 'not_found', words: () => 'That contact is not in the roster.' },
  conflict: { code: 'conflict', words: () => 'The server reported a conflict.' },
  'resource-constraint': overLimits,
  'policy-violation': overLimits,
};

/**
 * Turns a failed request into an error the UI can show where the action was taken: `what` names the
 * action ("the change", "the block"); `special` words conditions that mean something particular for
 * this kind of request. A timeout may have been saved after all; no reply at all means the
 * connection dropped first.
 */
export function requestError(
  error: unknown,
  what: string,
  special: Readonly<Record<string, ConditionWords>> = {},
): Result<never> {
  const e = error as RequestFailure | null;
  if (e?.name === 'TimeoutError') {
    return fail('timeout', `The server did not answer in time; ${what} may not have been saved.`);
  }
  if (e?.name === 'StanzaError') {
    const detail = e.text ? ` The server said: ${e.text.slice(0, 200)}` : '';
    const condition = e.condition;
    const mapped = condition === undefined ? undefined : (special[condition] ?? CONDITIONS[condition]);
    if (mapped) return fail(mapped.code, `${mapped.words(what, condition!)}${detail}`);
    return fail('internal', `The server refused ${what} (${condition ?? 'unknown error'}).${detail}`);
  }
  return fail('not_connected', `The connection dropped before the server confirmed ${what}.`);
}

export function isTimeout(error: unknown): boolean {
  return (error as RequestFailure | null)?.name === 'TimeoutError';
}

/** The condition of an error reply the request was rejected with; undefined for anything else. */
export function stanzaCondition(error: unknown): string | undefined {
  const e = error as RequestFailure | null;
  return e?.name === 'StanzaError' ? e.condition : undefined;
}

/** The request was refused with this application-specific condition (e.g. PubSub's precondition-not-met). */
export function hasApplicationCondition(error: unknown, name: string): boolean {
  const e = error as RequestFailure | null;
  return e?.name === 'StanzaError' && e.application?.name === name;
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
