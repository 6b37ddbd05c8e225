/** Presence in words (rows, panel, picker) and the status picker's form logic. */
import { describe, expect, it } from 'vitest';
import type { ContactPresenceView, OwnPresenceView, ResourceView } from '../../../../../src/shared/contract';
import { messageTarget } from '../../../../../src/shared/presence';
import { aggregateRank, aggregateShow, aggregateStatus } from '../../../../../src/renderer/src/lib/presence';
import {
  combinedOwn,
  contactLine,
  deviceCount,
  errorText,
  lastSeenText,
  ownShowLabel,
  relativeTime,
  resourceSummary,
} from '../../../../../src/renderer/src/components/presence/describe';
import {
  ALL_ACCOUNTS,
  buildPresenceSet,
  startValues,
} from '../../../../../src/renderer/src/components/presence/status-form';

const HOUR = 3_600_000;
const NOW = 1_800_000_000_000;

function resource(name: string, extra: Partial<ResourceView> = {}): ResourceView {
  return { resource: name, show: 'available', status: null, priority: 0, since: NOW, client: null, ...extra };
}

function view(extra: Partial<ContactPresenceView> = {}): ContactPresenceView {
  return { accountId: 'a1', jid: 'bob@x', resources: [], error: null, lastSeen: null, directed: false, ...extra };
}

describe('contact presence in words', () => {
  it('takes the aggregate from the most available (first) resource', () => {
    const v = view({
      resources: [resource('desk', { show: 'dnd', status: ' busy ' }), resource('phone', { show: 'chat' })],
    });
    expect(aggregateRank(v)).toBe(5);
    expect(aggregateShow(v)).toBe('dnd');
    expect(aggregateStatus(v)).toBe('busy');
    expect(deviceCount(v)).toBe(2);
    expect(contactLine(v, NOW)).toBe('busy');
  });

  it('is offline (rank 0) without resources; an error shows as such', () => {
    expect(aggregateRank(undefined)).toBe(0);
    expect(aggregateShow(view())).toBe('offline');
    const failed = view({ error: { condition: 'remote-server-not-found', text: 'dns' } });
    expect(aggregateRank(failed)).toBe(0);
    expect(aggregateShow(failed)).toBe('error');
    expect(contactLine(failed, NOW)).toBe('Their server could not be found.');
    expect(errorText({ condition: 'policy-violation' })).toBe('Presence error: policy violation.');
  });

  it('says when an offline contact was last seen, and on which device', () => {
    const seen = view({ lastSeen: { resource: 'p', at: NOW - 3 * HOUR, status: null, device: 'phone' } });
    expect(lastSeenText(seen, NOW)).toBe('last seen 3 hours ago (phone)');
    expect(contactLine(seen, NOW)).toBe('last seen 3 hours ago (phone)');
    const unknown = view({ lastSeen: { resource: 'p', at: NOW - 5 * 60_000, status: null, device: 'unknown' } });
    expect(lastSeenText(unknown, NOW)).toBe('last seen 5 minutes ago');
    // Online: the status, never "last seen".
    expect(contactLine({ ...seen, resources: [resource('r')] }, NOW)).toBe('');
  });

  it('writes relative times (Intl, in the UI’s language)', () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe('just now');
    expect(relativeTime(NOW + 10_000, NOW)).toBe('just now'); // a clock a little ahead
    expect(relativeTime(NOW - 59 * 60_000, NOW)).toBe('59 minutes ago');
    expect(relativeTime(NOW - 24 * HOUR, NOW)).toBe('yesterday');
    expect(relativeTime(NOW - 72 * HOUR, NOW)).toBe('3 days ago');
    expect(relativeTime(NOW - 90 * 24 * HOUR, NOW)).toMatch(/^on /);
  });

  it('summarises a resource', () => {
    expect(resourceSummary(resource('r', { show: 'xa', priority: -3, client: { name: 'X', device: 'pc' } }))).toBe(
      'Extended away · computer · priority -3',
    );
  });

  it('marks as message target the highest non-negative priority, never a negative one', () => {
    // Sorted most available first, as the core sends them: the target is not always the first.
    const list = [
      resource('desk', { show: 'dnd', priority: 1 }),
      resource('phone', { show: 'away', priority: 10 }),
      resource('tablet', { show: 'chat', priority: 9 }),
    ];
    expect(messageTarget(list)?.resource).toBe('phone');
    expect(messageTarget([resource('bot', { priority: -1 })])).toBeUndefined();
  });
});

describe('own status', () => {
  const own = (show: OwnPresenceView['show'], extra: Partial<OwnPresenceView> = {}): OwnPresenceView => ({
    show,
    status: null,
    priority: 0,
    auto: false,
    ...extra,
  });

  it('marks idle statuses and combines accounts', () => {
    expect(ownShowLabel(own('away', { auto: true }))).toBe('Away (idle)');
    expect(ownShowLabel(own('dnd'))).toBe('Do not disturb');
    expect(ownShowLabel(undefined)).toBe('Offline');
    expect(combinedOwn([own('away', { status: 'lunch' }), own('away', { status: 'lunch' })])).toEqual({
      show: 'away',
      status: 'lunch',
      auto: false,
    });
    expect(combinedOwn([own('away'), undefined]).show).toBe('mixed');
    expect(combinedOwn([]).show).toBe('offline');
  });

  it('changing only the text keeps the show (show is not sent)', () => {
    const lookup = () => own('dnd', { status: 'busy', priority: 3 });
    const start = startValues('a1', lookup, ['a1']);
    expect(start).toEqual({ show: 'dnd', status: 'busy', priority: 3, auto: false });
    const built = buildPresenceSet('a1', start, { show: 'dnd', status: 'very busy', priority: '3' });
    expect(built).toEqual({ input: { accountId: 'a1', status: 'very busy' }, changed: true });
    expect(buildPresenceSet('a1', start, { show: 'dnd', status: ' ', priority: '3' }).input).toEqual({
      accountId: 'a1',
      status: null,
    });
    expect(buildPresenceSet('a1', start, { show: 'dnd', status: 'busy', priority: '3' }).input).toEqual({
      accountId: 'a1',
    });
    expect(buildPresenceSet('a1', start, { show: 'dnd', status: 'busy', priority: '3' })).toMatchObject({
      changed: false,
    });
  });

  it('sends the show when chosen (and always over an idle one), the priority only when valid and changed', () => {
    const idle = startValues('a1', () => own('away', { auto: true }), ['a1']);
    expect(buildPresenceSet('a1', idle, { show: 'away', status: '', priority: '0' }).input).toEqual({
      accountId: 'a1',
      show: 'away',
    });
    const plain = startValues('a1', () => undefined, ['a1']);
    expect(buildPresenceSet('a1', plain, { show: 'offline', status: '', priority: '-128' }).input).toEqual({
      accountId: 'a1',
      show: 'offline',
      priority: -128,
    });
    // A number input's v-model hands over numbers.
    expect(buildPresenceSet('a1', plain, { show: 'available', status: '', priority: 7 }).input).toEqual({
      accountId: 'a1',
      priority: 7,
    });
    for (const bad of ['128', '1.5', '', 'abc', '-129', 200]) {
      expect(buildPresenceSet('a1', plain, { show: 'available', status: '', priority: bad }).error?.field).toBe(
        'priority',
      );
    }
    expect(
      buildPresenceSet('a1', plain, { show: 'available', status: 'x'.repeat(1025), priority: '0' }).error?.field,
    ).toBe('status');
  });

  it('for all accounts: no account id, no priority, nothing preselected when they differ', () => {
    const table: Record<string, OwnPresenceView> = { a1: own('away'), a2: own('dnd') };
    const start = startValues(ALL_ACCOUNTS, (id) => table[id], ['a1', 'a2']);
    expect(start.show).toBeNull();
    expect(buildPresenceSet(ALL_ACCOUNTS, start, { show: null, status: 'hi', priority: 'ignored' }).input).toEqual({
      status: 'hi',
    });
    expect(buildPresenceSet(ALL_ACCOUNTS, start, { show: 'away', status: '', priority: '' }).input).toEqual({
      show: 'away',
    });
  });
});
