/** Link detection and message text helpers: only http(s) ever becomes a link. */
import { describe, expect, it } from 'vitest';
import { dayKey, meAction, safeLink, splitLinks, windowTitle } from '../../../../src/renderer/src/lib/chat-text';
import { conversationName, senderName, typingText } from '../../../../src/renderer/src/components/chat/describe';
import type { MessageView } from '../../../../src/shared/contract';

const links = (text: string) => splitLinks(text).filter((p) => p.kind === 'link');

describe('link detection', () => {
  it('finds http and https links, with the host, and keeps the rest as text', () => {
    const pieces = splitLinks('see https://example.org/a?b=1#c and http://Example.COM:8080/x.');
    expect(pieces).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1#c', href: 'https://example.org/a?b=1#c', host: 'example.org' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://Example.COM:8080/x', href: 'http://example.com:8080/x', host: 'example.com:8080' },
      { kind: 'text', text: '.' },
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe('see https://example.org/a?b=1#c and http://Example.COM:8080/x.');
  });

  it('never links javascript:, data:, file:, or other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript://example.org/%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:text/html;base64,PHNjcmlwdD4=',
      'file:///etc/passwd',
      'file://server/share',
      'vbscript:msgbox',
      'ms-msdt:/id',
      'smb://host/share',
      'ftp://example.org/',
      'mailto:someone@example.org',
      'xmpp:romeo@montague.lit',
      'hxxps://example.org',
      'https:/example.org',
      'https:///example.org',
    ]) {
      expect(links(text), text).toEqual([]);
      expect(
        splitLinks(text)
          .map((p) => p.text)
          .join(''),
      ).toBe(text);
    }
    for (const raw of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd'])
      expect(safeLink(raw)).toBeNull();
  });

  it('refuses credentials, backslashes and control characters inside a link', () => {
    expect(safeLink('https://user:pw@example.org/')).toBeNull();
    expect(safeLink('https://good.example@evil.example/')).toBeNull();
    expect(links('https://good.example@evil.example/')).toEqual([]);
    expect(safeLink('https://evil.example\\@good.example')).toBeNull();
    expect(links('https://evil.example\\@good.example').map((l) => l.kind === 'link' && l.host)).toEqual([
      'evil.example',
    ]);
    expect(safeLink('https://exa\u0000mple.org')).toBeNull();
  });

  it('shows look-alike hosts in punycode and trims closing punctuation but keeps balanced parentheses', () => {
    expect(links('https://аpple.com/')[0]).toMatchObject({ host: 'xn--pple-43d.com' });
    expect(links('(see https://en.wikipedia.org/wiki/Foo_(bar)).')[0]).toMatchObject({
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    expect(links('«https://example.org/x»')[0]).toMatchObject({ text: 'https://example.org/x' });
  });

  it('a scheme inside text does not make the text before it a link', () => {
    const pieces = splitLinks('javascript:alert(1)//https://example.org');
    expect(pieces[0]).toEqual({ kind: 'text', text: 'javascript:alert(1)//' });
    expect(pieces[1]).toMatchObject({ kind: 'link', href: 'https://example.org/' });
  });
});

describe('message text', () => {
  const message = (extra: Partial<MessageView>): MessageView => ({
    accountId: 'a1',
    id: 1,
    conversation: 'romeo@montague.lit',
    kind: 'chat',
    direction: 'in',
    from: 'romeo@montague.lit',
    body: '',
    at: 0,
    state: 'received',
    corrected: false,
    error: null,
    ...extra,
  });

  it('/me is an action only at the very start', () => {
    expect(meAction('/me waves')).toBe('waves');
    expect(meAction('/meh')).toBeNull();
    expect(meAction(' /me waves')).toBeNull();
    expect(meAction('say /me waves')).toBeNull();
  });

  it('names senders and conversations', () => {
    expect(senderName(message({}), 'Romeo', 'juliet')).toBe('Romeo');
    expect(senderName(message({ direction: 'out' }), 'Romeo', 'juliet')).toBe('juliet');
    expect(senderName(message({ kind: 'groupchat', from: 'Nurse' }), 'x', 'y')).toBe('Nurse');
    expect(conversationName('chat', 'romeo@montague.lit', { contact: () => 'Romeo' })).toBe('Romeo');
    expect(conversationName('chat', 'romeo@montague.lit', {})).toBe('romeo@montague.lit');
    expect(conversationName('groupchat', 'tea@conference.x', {})).toBe('tea');
    expect(conversationName('pm', 'tea@conference.x/Nurse', { room: () => 'Tea room' })).toBe('Nurse (Tea room)');
  });

  it('says who is typing', () => {
    const name = (from: string) => from.toUpperCase();
    expect(typingText([], name)).toBeNull();
    expect(typingText([{ from: 'a', state: 'composing', until: 0 }], name)).toBe('A is typing…');
    expect(
      typingText(
        [
          { from: 'a', state: 'composing', until: 0 },
          { from: 'b', state: 'composing', until: 0 },
        ],
        name,
      ),
    ).toBe('A and B are typing…');
    expect(typingText([{ from: 'a', state: 'paused', until: 0 }], name)).toBe('A has stopped typing.');
  });

  it('day keys and the window title', () => {
    expect(dayKey(new Date(2026, 0, 2, 23, 59).getTime())).toBe('2026-01-02');
    expect(windowTitle(0)).toBe('Jabberwock');
    expect(windowTitle(3)).toBe('(3) Jabberwock');
    expect(windowTitle(5000)).toBe('(999+) Jabberwock');
  });
});
