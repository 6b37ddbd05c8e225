/** A refused request becomes an error the UI shows where the action was taken. */
import XMPPError from '@xmpp/error';
import { TimeoutError } from '@xmpp/events';
import { describe, expect, it } from 'vitest';
import { readStanzaError, requestError } from '../../../../../src/main/core/util/stanza-errors';
import { parseStanza } from '../../../../support/xml';

function stanzaError(condition: string, text?: string): Error {
  return Object.assign(new XMPPError(condition, text), { name: 'StanzaError' });
}

describe('requestError', () => {
  it('words timeouts, refusals and a dropped connection', () => {
    expect(requestError(new TimeoutError(), 'the change')).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'The server did not answer in time; the change may not have been saved.' },
    });
    expect(requestError(stanzaError('not-allowed', 'no'), 'the change')).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'The server does not allow the change. The server said: no' },
    });
    expect(requestError(stanzaError('bad-request'), 'the change')).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'The server refused the change as invalid (bad-request).' },
    });
    expect(requestError(stanzaError('undefined-condition'), 'the change')).toEqual({
      ok: false,
      error: { code: 'internal', message: 'The server refused the change (undefined-condition).' },
    });
    expect(requestError(new Error('socket closed'), 'the change')).toEqual({
      ok: false,
      error: { code: 'not_connected', message: 'The connection dropped before the server confirmed the change.' },
    });
  });

  it('lets a kind of request word a condition its own way', () => {
    const special = { 'item-not-found': { code: 'not_found' as const, words: (what: string) => `No ${what}.` } };
    expect(requestError(stanzaError('item-not-found'), 'bookmark', special)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No bookmark.' },
    });
    expect(requestError(stanzaError('item-not-found'), 'the change')).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That contact is not in the roster.' },
    });
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
