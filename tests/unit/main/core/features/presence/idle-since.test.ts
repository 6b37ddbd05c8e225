/**
 * A contact's XEP-0319 idle time as the presence path reads it, from an Element (ltx) and from the
 * lean stream parser's RawPresence alike: believed only when it is a real DateTime between 2000 and
 * our clock (plus skew); a forged, malformed or oversized one is dropped and the presence kept.
 */
import { describe, expect, it } from 'vitest';
import { readRawPresence } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import { RawPresence } from '../../../../../../src/main/core/accounts/stream/raw-presence';
import { NOT_IDLE, readIdleSince } from '../../../../../../src/main/core/features/presence/idle-since';
import { parsePresence, PresenceRead, readPresence } from '../../../../../../src/main/core/features/presence/stanza';
import { parseStanza } from '../../../../../support/xml';

const NOW = Date.parse('2026-11-21T12:00:00Z');

const withIdle = (since: string) =>
  `<presence from='bob@x/desk'><show>away</show><idle xmlns='urn:xmpp:idle:1' since='${since}'/></presence>`;

/** What both paths read: the idle time (null: none) and whether one was refused. */
function both(xml: string): { element: [number | null, boolean]; raw: [number | null, boolean] } {
  const read = new PresenceRead();
  const of = (kind: string): [number | null, boolean] => {
    expect(kind).toBe('available');
    return [read.idleSince === NOT_IDLE ? null : read.idleSince, read.idleRejected];
  };
  const element = of(readPresence(parseStanza(xml), NOW, read));
  const raw = new RawPresence();
  expect(readRawPresence(xml, 0, raw)).toBe(xml.length);
  return { element, raw: of(readPresence(raw, NOW, read)) };
}

function expectBoth(xml: string, idle: number | null, rejected: boolean): void {
  expect(both(xml)).toEqual({ element: [idle, rejected], raw: [idle, rejected] });
}

describe('XEP-0319 idle in presence', () => {
  it('reads a valid idle time, with a fraction or a zone offset', () => {
    expectBoth(withIdle('2026-11-21T11:30:00Z'), NOW - 30 * 60_000, false);
    expectBoth(withIdle('2026-11-21T11:30:00.250Z'), NOW - 30 * 60_000 + 250, false);
    expectBoth(withIdle('2026-11-21T12:30:00+01:00'), NOW - 30 * 60_000, false);
    // Kept with the resource, for the views and the history.
    const parsed = parsePresence(parseStanza(withIdle('2026-11-21T11:00:00Z')), NOW);
    expect(parsed).toMatchObject({ kind: 'available', presence: { show: 'away', idleSince: NOW - 3_600_000 } });
  });

  it('has no idle time without the element, or with one of another namespace', () => {
    expectBoth(`<presence from='bob@x/desk'/>`, null, false);
    expectBoth(
      `<presence from='bob@x/desk'><idle xmlns='urn:other' since='2026-11-21T11:30:00Z'/></presence>`,
      null,
      false,
    );
  });

  it('refuses malformed times and keeps the presence', () => {
    for (const since of [
      'yesterday',
      '',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-11-21 11:30:00',
      '1700000000',
    ]) {
      expectBoth(withIdle(since), null, true);
    }
    // No since at all.
    expectBoth(`<presence from='bob@x/desk'><idle xmlns='urn:xmpp:idle:1'/></presence>`, null, true);
  });

  it('refuses forged times: before 2000, or ahead of our clock by more than skew (a little ahead reads as now)', () => {
    expectBoth(withIdle('1999-12-31T23:59:59Z'), null, true);
    expectBoth(withIdle('0001-01-01T00:00:00Z'), null, true);
    expectBoth(withIdle('2026-11-21T13:00:00Z'), null, true);
    expectBoth(withIdle('2026-11-21T12:02:00Z'), NOW, false);
  });

  it('refuses an oversized since without reading it', () => {
    expectBoth(withIdle(`2026-11-21T11:30:00${'0'.repeat(100_000)}Z`), null, true);
    expectBoth(withIdle(`2026-11-21T11:30:00.${'1'.repeat(60)}Z`), null, true);
    expect(readIdleSince(true, 'x'.repeat(1_000_000), NOW, { rejected: false })).toBe(NOT_IDLE);
  });

  it('takes the first idle element, as getChild does', () => {
    expectBoth(
      `<presence from='bob@x/desk'><idle xmlns='urn:xmpp:idle:1' since='2026-11-21T11:00:00Z'/>` +
        `<idle xmlns='urn:xmpp:idle:1' since='2026-11-21T11:30:00Z'/></presence>`,
      NOW - 3_600_000,
      false,
    );
  });
});
