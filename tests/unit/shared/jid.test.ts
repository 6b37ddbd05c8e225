import { describe, expect, it } from 'vitest';
import { formatJid, jidOf, normalizeJid, parseAccountJid, parseJid, roomJidOf } from '../../../src/shared/jid';
import { roomJidSchema } from '../../../src/shared/contract';

describe('JID parsing', () => {
  it('normalizes case and a trailing dot in the domain', () => {
    expect(parseAccountJid('Alice@Example.ORG.')).toEqual({ jid: 'alice@example.org' });
  });

  it.each([
    ['', 'empty'],
    ['a@b@c', 'two @'],
    ['@example.org', 'empty local'],
    ['alice@', 'empty domain'],
    ['al ice@example.org', 'space in local'],
    ['alice@exa mple.org', 'space in domain'],
    ['alice@example..org', 'empty label'],
    ["d'artagnan@example.org", 'apostrophe needs XEP-0106 escaping'],
    ['alice@example.org/', 'empty resource'],
    [`${'a'.repeat(1024)}@example.org`, 'local too long'],
  ])('rejects %j (%s)', (input) => {
    expect(parseJid(input)).toHaveProperty('error');
  });

  it('account JIDs need a local part and no resource', () => {
    expect(parseAccountJid('example.org')).toHaveProperty('error');
    expect(parseAccountJid('alice@example.org/phone')).toHaveProperty('error');
  });

  it('keeps the resource of a full JID as sent', () => {
    expect(parseJid('alice@example.org/Desk Top')).toEqual({
      jid: { local: 'alice', domain: 'example.org', resource: 'Desk Top' },
    });
  });
});

describe('normalizeJid', () => {
  // Its shortcut for plain JIDs must give exactly what parsing gives, or null where parsing fails.
  const parsed = (raw: string) => {
    const result = parseJid(raw);
    return 'error' in result ? null : formatJid(result.jid);
  };
  it.each([
    'room@conference.localhost/nick',
    'room@conference.localhost/Ник с пробелом',
    'room@conference.localhost/nick ',
    'room@conference.localhost/nick\u00a0',
    'room@conference.localhost/nick\u3000',
    'room@conference.localhost/a/b',
    'room@conference.localhost/',
    'Room@conference.localhost/nick',
    'room@Conference.localhost/nick',
    'room@conference.localhost./nick',
    'zoë@example.org/phone',
    'example.org/phone',
    `room@conference.localhost/${'x'.repeat(341)}`,
    `room@conference.localhost/${'й'.repeat(341)}`,
    `room@conference.localhost/${'й'.repeat(600)}`,
    `${'a'.repeat(1030)}@example.org/r`,
    'alice@example.org',
    ' alice@example.org/r',
  ])('%j as parsing gives it', (raw) => {
    expect(normalizeJid(raw)).toBe(parsed(raw));
  });
});

describe('writing an address', () => {
  it('a bare JID stays bare: no resource, an empty one or null gives no trailing "/"', () => {
    expect(jidOf('room@conference.localhost')).toBe('room@conference.localhost');
    expect(jidOf('room@conference.localhost', '')).toBe('room@conference.localhost');
    expect(jidOf('room@conference.localhost', null)).toBe('room@conference.localhost');
    expect(jidOf('localhost', undefined)).toBe('localhost');
  });

  it('a resource or nick is joined with one "/" and kept as it is', () => {
    expect(jidOf('room@conference.localhost', 'Alice')).toBe('room@conference.localhost/Alice');
    expect(jidOf('bob@example.org', 'Desk Top/2')).toBe('bob@example.org/Desk Top/2');
  });

  it('parsed parts come back as the same address, and every address it writes parses again', () => {
    for (const input of ['Bob@Example.org/Phone', 'example.org', 'room@conference.localhost', 'a@b/c/d']) {
      const parsed = parseJid(input);
      if ('error' in parsed) throw new Error(parsed.error);
      const written = formatJid(parsed.jid);
      expect(parseJid(written)).toEqual(parsed);
      expect(written.endsWith('/')).toBe(false);
    }
    expect(formatJid({ local: '', domain: 'localhost', resource: '' })).toBe('localhost');
  });
});

describe('roomJidOf', () => {
  it("reads a room's address as the contract's roomJidSchema does, without zod", () => {
    const inputs = [
      'room@conference.example.org',
      'Room@Conference.Example.org',
      'café@muc.example.org',
      'room@conference.example.org/nick',
      'conference.example.org',
      '@conference.example.org',
      'room@',
      '',
      'a b@example.org',
      `${'x'.repeat(1024)}@example.org`,
      `${'x'.repeat(3072)}`,
    ];
    for (const input of inputs) {
      expect(roomJidOf(input), input.slice(0, 40)).toBe(roomJidSchema.safeParse(input).data ?? null);
    }
    expect(roomJidOf('Room@Conference.Example.org')).toBe('room@conference.example.org');
    expect(roomJidOf('conference.example.org')).toBeNull();
  });
});
