/**
 * Delay stamps (src/main/core/util/delay-stamp.ts): the sender's time only when it is a real
 * XEP-0082 DateTime, not before 1990 and at most five minutes ahead of the receive time.
 */
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { PresenceRead, readPresence } from '../../../../../src/main/core/features/presence/stanza';
import { delayTime, parseDateTime, stampTime } from '../../../../../src/main/core/util/delay-stamp';
import { parseStanza } from '../../../../support/xml';
import { NS_DELAY } from '../../../../../src/main/core/xmpp/ns';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('stampTime', () => {
  it('believes ordinary stamps, with fractions and offsets', () => {
    expect(stampTime('2026-11-20T10:00:00Z', NOW)).toBe(Date.parse('2026-11-20T10:00:00Z'));
    expect(stampTime('2026-11-20T10:00:00.123+02:00', NOW)).toBe(Date.parse('2026-11-20T08:00:00.123Z'));
    expect(stampTime('1990-01-01T00:00:00Z', NOW)).toBe(Date.UTC(1990, 0, 1));
    expect(stampTime('2026-11-21T12:04:59Z', NOW)).toBe(NOW + 299_000); // clock skew
  });

  it('replaces year 1, year 9999, the far future and anything before 1990 by the receive time', () => {
    for (const stamp of [
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2026-11-21T12:05:01Z',
      '2100-01-01T00:00:00Z',
      '1989-12-31T23:59:59Z',
      '1970-01-01T00:00:00Z',
    ]) {
      expect([stamp, stampTime(stamp, NOW)]).toEqual([stamp, NOW]);
    }
  });

  it('replaces malformed stamps by the receive time', () => {
    for (const stamp of [
      'not a date',
      '',
      '-000001-01-01T00:00:00Z',
      '2024-02-30T12:00:00Z',
      '2024-02-30T25:61:61Z',
      '2023-02-29T00:00:00Z',
      '2024-01-01T00:00:00', // no zone
      '2024-01-01 00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T00:00:00+24:00',
      '20240101T000000Z',
      '2024-01-01T00:00:00.Z',
    ]) {
      expect([stamp, stampTime(stamp, NOW)]).toEqual([stamp, NOW]);
    }
    expect(stampTime(undefined, NOW)).toBe(NOW);
    expect(stampTime(12345, NOW)).toBe(NOW);
    expect(parseDateTime('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseDateTime('0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });

  it('reads the <delay/> child, and the receive time without one', () => {
    expect(delayTime(xml('message', {}, xml('delay', { xmlns: NS_DELAY, stamp: '2026-11-21T11:00:00Z' })), NOW)).toBe(
      NOW - 3_600_000,
    );
    expect(
      delayTime(xml('message', {}, xml('delay', { xmlns: 'jabber:x:delay', stamp: '2026-11-21T11:00:00Z' })), NOW),
    ).toBe(NOW);
    expect(delayTime(xml('message'), NOW)).toBe(NOW);
  });
});

describe('presence since', () => {
  it('takes a believable stamp and replaces year 1 and the far future by the receive time', () => {
    const since = (stamp: string) => {
      const read = new PresenceRead();
      readPresence(
        parseStanza(`<presence from='bob@x/r'><delay xmlns='urn:xmpp:delay' stamp='${stamp}'/></presence>`),
        NOW,
        read,
      );
      return read.since;
    };
    expect(since('2026-11-21T11:00:00Z')).toBe(NOW - 3_600_000);
    expect(since('0001-01-01T00:00:00Z')).toBe(NOW);
    expect(since('9999-12-31T23:59:59Z')).toBe(NOW);
    expect(since('2024-02-30T25:61:61Z')).toBe(NOW);
  });
});
