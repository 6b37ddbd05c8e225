import { describe, expect, it } from 'vitest';
import { parseAccountJid, parseJid } from '../../src/shared/jid';

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
