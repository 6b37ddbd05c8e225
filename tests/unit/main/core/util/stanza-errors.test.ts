/** A refused request becomes an error (codes the renderer words) shown where the action was taken. */
import XMPPError from '@xmpp/error';
import { TimeoutError } from '@xmpp/events';
import { describe, expect, it } from 'vitest';
import {
  hasApplicationCondition,
  readStanzaError,
  requestError,
  stanzaCondition,
} from '../../../../../src/main/core/util/stanza-errors';
import { parseStanza } from '../../../../support/xml';
import type { RequestParams } from '../../../../../src/shared/errors';
import type { Result } from '../../../../../src/shared/result';
import { errorText } from '../../../../../src/renderer/src/lib/words/errors';

function stanzaError(condition: string, text?: string): Error {
  return Object.assign(new XMPPError(condition, text), { name: 'StanzaError' });
}

describe('requestError', () => {
  const change = { action: 'roster.change' } as const;
  const failure = (result: Result<never>) => (result.ok ? null : result.error);

  it('gives timeouts, refusals and a dropped connection as codes, the server text as data', () => {
    expect(requestError(new TimeoutError(), change)).toEqual({
      ok: false,
      error: { code: 'timeout', reason: 'request.timeout', params: change },
    });
    expect(requestError(stanzaError('not-allowed', 'no'), change)).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        reason: 'request.refused',
        params: { ...change, condition: 'not-allowed', text: 'no' },
      },
    });
    expect(failure(requestError(stanzaError('bad-request'), change))?.code).toBe('invalid_input');
    expect(failure(requestError(stanzaError('undefined-condition'), change))?.code).toBe('internal');
    expect(requestError(new Error('socket closed'), change)).toEqual({
      ok: false,
      error: { code: 'not_connected', reason: 'request.dropped', params: change },
    });
  });

  it('the renderer words them as before', () => {
    const words = (error: unknown, request: RequestParams = change) =>
      errorText(failure(requestError(error, request))!);
    expect(words(new TimeoutError())).toBe('The server did not answer in time; the change may not have been saved.');
    expect(words(stanzaError('not-allowed', 'no'))).toBe('The server does not allow the change. The server said: no');
    expect(words(stanzaError('bad-request'))).toBe('The server refused the change as invalid (bad-request).');
    expect(words(stanzaError('undefined-condition'))).toBe('The server refused the change (undefined-condition).');
    expect(words(new Error('socket closed'))).toBe('The connection dropped before the server confirmed the change.');
    expect(words(stanzaError('item-not-found'))).toBe('That contact is not in the roster.');
    const bookmark = { action: 'bookmark.save', room: 'tea@muc.example' } as const;
    expect(words(stanzaError('item-not-found'), bookmark)).toBe(
      'The server does not have the bookmark for tea@muc.example.',
    );
  });

  it('lets a kind of request give a condition its own code', () => {
    expect(
      failure(requestError(stanzaError('service-unavailable'), change, { 'service-unavailable': 'forbidden' }))?.code,
    ).toBe('forbidden');
    expect(failure(requestError(stanzaError('service-unavailable'), change))?.code).toBe('internal');
  });
});

describe('readStanzaError', () => {
  it('reads the defined condition, not the text, whatever their order', () => {
    const error = parseStanza(
      `<error type='cancel'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone</text><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`,
    );
    expect(readStanzaError(error)).toEqual({ condition: 'item-not-found', text: 'gone' });
    expect(readStanzaError(undefined)).toEqual({ condition: undefined, text: null });
  });
});

describe('a refused request read by namespace, not by position', () => {
  const STANZAS = `xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'`;
  const PUBSUB_ERRORS = `xmlns='http://jabber.org/protocol/pubsub#errors'`;
  /** What xmpp.js rejects a request with for this <error/> (it reads the children by position). */
  const refusal = (error: string) =>
    Object.assign(XMPPError.fromElement(parseStanza(error)), { name: 'StanzaError' }) as Error;

  it("reads PubSub's precondition-not-met from ejabberd, which puts it before the defined condition", () => {
    const ejabberd = refusal(
      `<error type='cancel'><precondition-not-met ${PUBSUB_ERRORS}/><conflict ${STANZAS}/><text ${STANZAS}>options differ</text></error>`,
    );
    const prosody = refusal(
      `<error type='cancel'><conflict ${STANZAS}/><precondition-not-met ${PUBSUB_ERRORS}/></error>`,
    );
    for (const error of [ejabberd, prosody]) {
      expect(stanzaCondition(error)).toBe('conflict');
      expect(hasApplicationCondition(error, 'precondition-not-met')).toBe(true);
      expect(hasApplicationCondition(error, 'conflict')).toBe(false);
    }
    expect(requestError(ejabberd, { action: 'avatar.publish' })).toMatchObject({
      error: { code: 'conflict', params: { condition: 'conflict', text: 'options differ' } },
    });
  });

  it('keeps what xmpp.js read when the children name no namespace', () => {
    const bare = refusal(`<error type='cancel'><item-not-found/></error>`);
    expect(stanzaCondition(bare)).toBe('item-not-found');
    expect(hasApplicationCondition(bare, 'item-not-found')).toBe(false);
  });
});
