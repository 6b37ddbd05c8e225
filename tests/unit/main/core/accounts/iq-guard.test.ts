/**
 * The IQ reply guard fed directly: requests through a stand-in caller, replies through its
 * middleware. Who may answer a request is compared the same way on both sides, normalized when the
 * address parses and as exact text when it does not (the spoofing cases run against the scripted
 * server in tests/integration/iq-guard.test.ts).
 */
import type { IQCaller } from '@xmpp/iq/caller.js';
import jid from '@xmpp/jid';
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/main/core/log';
import { createIqGuard } from '../../../../../src/main/core/accounts/iq-guard';
import { parseStanza } from '../../../../support/xml';

function setup() {
  const guard = createIqGuard({ jid: () => jid('me@localhost/desk'), domain: 'localhost', log: silentLogger });
  const requests: Element[] = [];
  // Requests stay unanswered: only the guard's middleware decides what reaches the caller. The
  // stand-in has the two parts of xmpp.js's caller that the guard's request uses.
  const caller = {
    handlers: new Map(),
    entity: { send: async (stanza: Element) => void requests.push(stanza) },
  } as unknown as IQCaller;
  guard.wrap(caller);
  /** Sends a get to `to` and leaves it waiting; returns its id. */
  const ask = (to: string | undefined): string => {
    void caller.request(xml('iq', { type: 'get', ...(to ? { to } : {}) }, xml('query', { xmlns: 'q' })));
    return requests.at(-1)!.attrs.id as string;
  };
  /** True when the reply reaches the caller (the guard passed it on). */
  const reaches = (reply: string): boolean => {
    let passed = false;
    void guard.middleware({ stanza: parseStanza(reply) } as never, async () => void (passed = true));
    return passed;
  };
  return { guard, requests, ask, reaches };
}

describe('IQ reply guard', () => {
  it('an answer from exactly the address asked reaches the caller, also when that address is not a valid JID', () => {
    const { guard, ask, reaches } = setup();
    // What the core once sent to a room that announced caps from its bare JID (ejabberd answers
    // <bad-request/> from the very same text).
    const invalid = ask('room@conference.localhost/');
    expect(
      reaches(`<iq type='error' id='${invalid}' from='room@conference.localhost/'><error type='modify'/></iq>`),
    ).toBe(true);
    const valid = ask('Room@Conference.Localhost');
    expect(reaches(`<iq type='result' id='${valid}' from='room@conference.localhost'/>`)).toBe(true);
    expect(guard.dropped).toBe(0);
  });

  it('drops replies from anyone else, valid or not', () => {
    const { guard, ask, reaches } = setup();
    const invalid = ask('room@conference.localhost/');
    expect(reaches(`<iq type='result' id='${invalid}' from='room@conference.localhost'/>`)).toBe(false);
    expect(reaches(`<iq type='result' id='${invalid}' from='mallory@evil.example/x'/>`)).toBe(false);
    expect(reaches(`<iq type='result' id='${invalid}'/>`)).toBe(false);
    const room = ask('room@conference.localhost');
    expect(reaches(`<iq type='result' id='${room}' from='room@conference.localhost/'/>`)).toBe(false);
    expect(reaches(`<iq type='result' id='${room}' from='room@conference.localhost/Alice'/>`)).toBe(false);
    expect(guard.dropped).toBe(5);
  });

  it('a request to no one is answered by our server for the account', () => {
    const { ask, reaches } = setup();
    const id = ask(undefined);
    expect(reaches(`<iq type='result' id='${id}' from='bob@localhost'/>`)).toBe(false);
    expect(reaches(`<iq type='result' id='${id}' from='me@localhost/other'/>`)).toBe(false);
    expect(reaches(`<iq type='result' id='${id}' from='me@localhost'/>`)).toBe(true);
  });
});
