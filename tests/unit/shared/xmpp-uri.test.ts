/**
 * xmpp: URIs (RFC 5122, XEP-0147): the actions Jabberwock offers a dialog for, OMEMO fingerprints,
 * percent-encoding, and everything refused with its reason code.
 */
import { describe, expect, it } from 'vitest';
import { parseXmppUri, type XmppUri } from '../../../src/shared/xmpp-uri';

function ok(text: string): XmppUri {
  const result = parseXmppUri(text);
  if (!result.ok) throw new Error(`${text}: ${result.reason}`);
  return result.uri;
}

const reason = (text: string) => {
  const result = parseXmppUri(text);
  return result.ok ? 'accepted' : result.reason;
};

const FP = '05' + 'ab'.repeat(32);

describe('xmpp: URIs', () => {
  it('names an address without an action', () => {
    expect(ok('xmpp:Juliet@Capulet.lit')).toEqual({
      jid: 'juliet@capulet.lit',
      account: null,
      action: 'none',
      fingerprints: [],
    });
    expect(ok('xmpp:juliet@capulet.lit/balcony').jid).toBe('juliet@capulet.lit/balcony');
    expect(ok('XMPP:capulet.lit').jid).toBe('capulet.lit');
  });

  it('reads a message action with a percent-encoded body and subject', () => {
    expect(
      ok('xmpp:romeo@montague.net?message;subject=Test%20Message;body=Here%27s%20a%20test%0Amessage'),
    ).toMatchObject({
      jid: 'romeo@montague.net',
      action: 'message',
      subject: 'Test Message',
      body: "Here's a test\nmessage",
    });
  });

  it('reads a join action with a password, and only for a room address', () => {
    expect(ok('xmpp:darkcave@chat.shakespeare.lit?join;password=cauldronburn')).toMatchObject({
      action: 'join',
      password: 'cauldronburn',
    });
    expect(ok('xmpp:darkcave@chat.shakespeare.lit?join').password).toBeUndefined();
    expect(reason('xmpp:chat.shakespeare.lit?join')).toBe('uri.jid.room');
    expect(reason('xmpp:darkcave@chat.shakespeare.lit/nick?join')).toBe('uri.jid.room');
  });

  it('reads roster and subscribe with a name and a group', () => {
    expect(ok('xmpp:romeo@montague.net?roster;name=Romeo%20Montague;group=Friends')).toMatchObject({
      action: 'roster',
      name: 'Romeo Montague',
      group: 'Friends',
    });
    expect(ok('xmpp:romeo@montague.net?subscribe').action).toBe('subscribe');
  });

  it('keeps OMEMO fingerprints, with or without an action', () => {
    expect(ok(`xmpp:juliet@capulet.lit?omemo-sid-123456=${FP};omemo-sid-42=${'CD'.repeat(32)}`)).toMatchObject({
      action: 'none',
      fingerprints: [
        { deviceId: 123456, fingerprint: FP },
        { deviceId: 42, fingerprint: 'cd'.repeat(32) },
      ],
    });
    expect(ok(`xmpp:juliet@capulet.lit?roster;omemo-sid-7=${FP}`).fingerprints).toHaveLength(1);
    expect(reason(`xmpp:juliet@capulet.lit?omemo-sid-7=abc`)).toBe('uri.fingerprint.invalid');
    expect(reason(`xmpp:juliet@capulet.lit?omemo-sid-0=${FP}`)).toBe('uri.fingerprint.invalid');
    expect(reason(`xmpp:juliet@capulet.lit?omemo-sid-99999999999=${FP}`)).toBe('uri.fingerprint.invalid');
  });

  it('reads the account an authority names', () => {
    expect(ok('xmpp://guest@example.com/support@example.com?message')).toMatchObject({
      account: 'guest@example.com',
      jid: 'support@example.com',
    });
    expect(reason('xmpp://example.com/support@example.com')).toBe('uri.account.invalid');
  });

  it('decodes escaped characters in the address', () => {
    expect(ok('xmpp:nasty!%23$%25()*+,-.;=%3F%5B%5C%5D%5E_%60%7B%7C%7D~node@example.com').jid).toBe(
      'nasty!#$%()*+,-.;=?[\\]^_`{|}~node@example.com',
    );
    expect(ok('xmpp:n%C3%A9e@example.com').jid).toBe('née@example.com');
  });

  it('ignores keys an action does not take, and the fragment', () => {
    const uri = ok('xmpp:romeo@montague.net?message;body=hi;from=evil@example.com;type=groupchat#frag');
    expect(uri).toEqual({ jid: 'romeo@montague.net', account: null, action: 'message', body: 'hi', fingerprints: [] });
  });

  it.each([
    ['https://example.com', 'uri.scheme'],
    ['mailto:a@b', 'uri.scheme'],
    ['xmpp:', 'uri.jid.invalid'],
    ['xmpp:a@b@c', 'uri.jid.invalid'],
    ['xmpp:%20a@b', 'uri.jid.invalid'],
    ['xmpp:a%40b@c', 'uri.jid.invalid'],
    ['xmpp:a@b?message;body=%E0%A4%A', 'uri.encoding'],
    ['xmpp:a@b?message;body=%C0%80', 'uri.encoding'],
    ['xmpp:a@b?message;body=%00', 'uri.encoding'],
    ['xmpp:a@b?message;body=one;body=two', 'uri.param.duplicate'],
    ['xmpp:a@b?launch-missiles', 'uri.action.unknown'],
    ['xmpp:a@b?remove', 'uri.action.unsupported'],
    ['xmpp:a@b?unsubscribe', 'uri.action.unsupported'],
    ['xmpp:a@b?command;node=x', 'uri.action.unsupported'],
    ['xmpp:' + 'a'.repeat(20_000) + '@b', 'uri.tooLong'],
  ])('refuses %s with %s', (text, code) => {
    expect(reason(text)).toBe(code);
  });

  it('refuses an unknown action with its name (cut) as a parameter', () => {
    expect(parseXmppUri(`xmpp:a@b?${'x'.repeat(100)}`)).toEqual({
      ok: false,
      reason: 'uri.action.unknown',
      params: { action: 'x'.repeat(64) },
    });
  });
});
